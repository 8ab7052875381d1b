// The cause catalog, in the order of shared causes.md (layer by layer, bottom of the stack
// first). Text here feeds `docknetdoctor explain ID` and the man page.
#include "docknetdoctor/model/causes.hpp"

#include <algorithm>
#include <string>

namespace dnd {
namespace {

using enum Severity;

constexpr CauseInfo kCatalog[] = {
    {"container.not-running", critical,
     "container is created/exited/dead/paused",
     "Engine API State.Status, ExitCode, OOMKilled, Error, FinishedAt",
     "look at docker logs; start it",
     "A published port is served by a process inside the container; when the container is not "
     "running there is no process and no network namespace to forward to, so the host port "
     "refuses or times out. The exit code tells how it ended: 137 is SIGKILL (often the OOM "
     "killer), 143 is SIGTERM, 128 usually means the engine could not start it. Starting it "
     "only helps once the reason it stopped, shown by docker logs and State.Error, is fixed."},
    {"container.restarting", critical,
     "restart loop",
     "State.Restarting, RestartCount, ExitCode, StartedAt; die events (/events); docker logs --tail",
     "fix the crash; logs",
     "A restart policy (always, unless-stopped, on-failure) restarts a process that keeps "
     "exiting, with a growing back-off delay in between. Most of the time no process is "
     "listening, and each restart resets connections, so the port looks dead or flaky. "
     "It is named whatever instant it is caught in: waiting to restart, or in a run that "
     "restarted less than 10 s before (the engine resets its back-off only after 10 s), that "
     "died twice in the last 2 minutes, or whose process exited while it was examined. In a "
     "run the engine reads ExitCode 0: the last die event gives the exit code. "
     "The loop ends only when the crash does: docker logs shows the last run's output."},
    {"container.unhealthy", warning,
     "healthcheck failing",
     "State.Health.Status, last Health.Log output",
     "see healthcheck output",
     "The engine runs the image's HEALTHCHECK command inside the container and marks the "
     "container unhealthy after several failures in a row. Plain docker keeps forwarding "
     "traffic to an unhealthy container, but orchestrators and proxies that honor health "
     "(Swarm, Traefik, compose depends_on) stop routing to it. The probe's output says "
     "whether the app or the check itself (a missing curl, a wrong port) is broken."},
    {"port.not-published", critical,
     "the asked container port has no host binding (EXPOSE alone publishes nothing)",
     "HostConfig.PortBindings, NetworkSettings.Ports, Config.ExposedPorts",
     "-p HOST:CONTAINER / compose ports:",
     "Docker forwards a host port to a container only for ports given with -p (or compose "
     "ports:, or -P for every exposed port). EXPOSE in a Dockerfile is documentation and a "
     "hint for -P; it creates no rule and no proxy. Port bindings are fixed when the "
     "container is created, so adding one means recreating the container."},
    {"port.wrong-container-port", critical,
     "a binding targets a container port nothing listens on, while the app listens on another",
     "bindings vs listeners in the container's netns",
     "map to the port the app listens on",
     "In -p HOST:CONTAINER the second number must be the port the app inside listens on; "
     "Docker forwards blindly to it. When the app listens elsewhere (8080 instead of 80, a "
     "changed PORT variable), connections reach the container and are refused there. "
     "Mapping the host port to the port the app actually uses fixes it without touching the app."},
    {"port.host-port-conflict", critical,
     "host port held by another process or container, so the binding failed",
     "State.Error (\"address already in use\", \"port is already allocated\"), host listeners and their owners",
     "free the port or pick another",
     "Publishing a port reserves it on the host: docker-proxy binds it and the engine records "
     "it as allocated. If another process or another container's binding already holds the "
     "same address and port, the engine refuses to start the container (\"port is already "
     "allocated\", \"address already in use\"). Stopping the holder or choosing another host "
     "port lets the binding succeed."},
    {"port.host-bind-loopback", critical,
     "published on 127.0.0.1/::1 only; clients from elsewhere cannot reach it",
     "NetworkSettings.Ports HostIp, daemon default ip",
     "-p 0.0.0.0:H:C if outside access is wanted",
     "A binding like -p 127.0.0.1:8080:80, or an empty host address when the daemon's ip "
     "setting is 127.0.0.1, makes Docker accept the port on the loopback address only. "
     "Packets from other hosts arrive on another address and match no DNAT rule or proxy. "
     "That is often deliberate; publish on 0.0.0.0 or a specific interface address only if "
     "outside clients should connect."},
    {"network.host-mode-ports-ignored", critical,
     "--network host: -p is discarded; the app's own port on the host is what counts",
     "HostConfig.NetworkMode=host with PortBindings",
     "drop -p, use the app's port, or use a bridge network",
     "With --network host the container shares the host's network namespace, so there is no "
     "separate address to forward to and Docker discards -p (it only warns). Clients must "
     "connect to the port the app itself binds on the host. To get a different host port, run "
     "it on a bridge network with -p instead. The app's sockets are told from the host's other "
     "listeners by their owners: the container's main process, or any process in the cgroup "
     "named after the container's id. When every host port the -p names is one the app listens "
     "on anyway, clients reach it as written: the finding is then info, context, not a failure."},
    {"network.none", critical,
     "--network none: no network at all",
     "HostConfig.NetworkMode=none",
     "attach a network",
     "A container started with --network none gets a network namespace with only a loopback "
     "interface. Nothing outside the container can reach it, and port bindings have nothing to "
     "forward to. It must be recreated on a network (docker network connect refuses a "
     "container in none mode)."},
    {"network.internal", critical,
     "only on internal networks: no published ports, no outside path",
     "network inspect Internal=true",
     "use a non-internal network for the public side",
     "A network created with --internal has no gateway to the outside: Docker adds rules that "
     "drop traffic between it and other interfaces and programs no port publishing for it. "
     "A container attached only to internal networks is unreachable from the host's other "
     "interfaces by design. Attach it also to a normal network that carries the published port."},
    {"network.mtu-mismatch", warning,
     "bridge/veth MTU above the egress MTU (VPN/overlay): handshakes work, big transfers hang",
     "link MTUs (rtnetlink), network option com.docker.network.driver.mtu",
     "set the daemon/network mtu",
     "Docker gives bridges and veths an MTU of 1500 unless told otherwise. When the path "
     "leaves through a link with a smaller MTU (a VPN, an overlay, some clouds) and ICMP "
     "\"fragmentation needed\" is lost, small packets pass but full-size ones are dropped: "
     "connections open, then large responses stall. Setting the network's MTU to the egress "
     "MTU avoids oversize packets in the first place."},
    {"app.not-listening", critical,
     "nothing listens on the container port inside the container",
     "/proc/PID/net/tcp{,6} (udp{,6}) of the container's netns",
     "start the app / fix its port",
     "Docker forwards to the container port whether or not anything listens there. With no "
     "socket on that port in the container's network namespace, the kernel answers a TCP "
     "connect with a reset (or, through docker-proxy, the connection opens and closes at "
     "once). The app has not started, crashed, or listens on a port it was not asked to use."},
    {"app.loopback-only", critical,
     "app listens on 127.0.0.1/::1 inside the container, unreachable through the bridge",
     "same, local address 127.0.0.1/::1",
     "bind 0.0.0.0 or ::",
     "Inside a container, 127.0.0.1 is the container's own loopback, not the host's. Forwarded "
     "traffic arrives on the container's eth0 address, so a server bound to 127.0.0.1 or ::1 "
     "never sees it. Development servers often default to localhost; telling the app to bind "
     "0.0.0.0 (or ::) makes it accept connections on every interface of the container."},
    {"engine.iptables-disabled", critical,
     "daemon runs with iptables=false: no DNAT/forward rules are made",
     "daemon.json, dockerd command line, no DOCKER chains",
     "enable iptables or write the rules",
     "With \"iptables\": false in daemon.json (or --iptables=false) Docker creates no NAT, "
     "forward or masquerade rules. Published ports then work at most through docker-proxy from "
     "the host itself, and outside clients get nothing unless the administrator writes "
     "equivalent rules. Re-enabling it and restarting dockerd recreates the rules."},
    {"engine.rootless", info,
     "rootless engine: ports go through rootlesskit, not host netfilter",
     "ROOTLESSKIT_STATE_DIR in the environment of the dockerd behind the API socket, or /info SecurityOptions name=rootless",
     "read the rootless notes",
     "A rootless dockerd runs in a user namespace with its own network namespace; published "
     "ports are opened by rootlesskit's port driver as an ordinary process on the host. Host "
     "netfilter DNAT rules are not involved, ports below 1024 need "
     "net.ipv4.ip_unprivileged_port_start lowered, and with the default builtin port driver the "
     "app sees no real client address. Read the other findings with that in mind."},
    {"kernel.ip-forward-disabled", critical,
     "net.ipv4.ip_forward=0: forwarded (DNAT) traffic is dropped",
     "/proc/sys/net/ipv4/ip_forward (of the host netns)",
     "sysctl -w net.ipv4.ip_forward=1 and persist",
     "Traffic from outside to a published port is DNATed to the container address and then "
     "routed from the host interface to the bridge: that is forwarding. With ip_forward=0 the "
     "kernel drops it, while host-local connections through docker-proxy still work. Docker "
     "turns it on at start, but a sysctl reload or network manager can switch it off later."},
    {"kernel.interface-forwarding-off", critical,
     "forwarding is off on the interface the client's packets arrive on, though global forwarding is on",
     "/proc/sys/net/ipv4/conf/IFACE/forwarding (and /proc/sys/net/ipv4/ip_forward)",
     "enable it on that interface (sysctl, systemd-networkd IPv4Forwarding=/IPForward=)",
     "For IPv4 the kernel forwards a packet only if forwarding is on for the interface it "
     "arrived on (net.ipv4.conf.IFACE.forwarding); net.ipv4.ip_forward is only the switch that "
     "writes every interface's value at once. A later per-interface write, as systemd-networkd "
     "makes for the links it manages, turns one interface off while ip_forward still reads 1: "
     "clients whose packets arrive there are dropped at routing, while others still get in. "
     "IPv6 has no such per-interface switch for forwarding (net.ipv6.conf.all.forwarding "
     "decides), so this cause is about IPv4."},
    {"kernel.br-netfilter-off", warning,
     "bridge traffic bypasses netfilter: icc=false and some hairpin paths silently misbehave",
     "/proc/sys/net/bridge/bridge-nf-call-iptables",
     "load br_netfilter, set the sysctl",
     "Packets between containers on the same bridge are switched at layer 2 and only pass "
     "iptables when the br_netfilter module is loaded and bridge-nf-call-iptables is 1. "
     "Without it, rules Docker relies on for bridge-local traffic (icc=false isolation, some "
     "hairpin NAT cases) silently do nothing. Loading the module and setting the sysctl restores them."},
    {"kernel.route-localnet-off", critical,
     "userland-proxy=false and access via 127.0.0.1 without route_localnet",
     "daemon config, no docker-proxy, route_localnet on the bridge",
     "enable userland-proxy or route_localnet",
     "With userland-proxy=false, a connection to 127.0.0.1:HOSTPORT must be DNATed in the OUTPUT "
     "chain to the container address. The kernel refuses to route packets with a 127.0.0.0/8 "
     "source out of a non-loopback interface unless route_localnet is 1 on it, so such "
     "connections fail. Enabling the userland proxy, or route_localnet on the bridge, gives "
     "them a path."},
    {"netfilter.docker-rules-missing", critical,
     "the engine runs with iptables on, yet its nat/filter chains or the container's DNAT are gone (flush, firewall "
     "reload); a warning while docker-proxy still serves the client in question",
     "Docker's chains and rules, the nftables service config, firewalld state",
     "restart the engine; keep the flush from wiping Docker's tables",
     "Docker writes its chains at start-up and a DNAT rule per published port when a container "
     "starts, then never checks them again. Loading a ruleset file that begins with flush ruleset "
     "(Debian's /etc/nftables.conf, run by every systemctl restart nftables) or a firewall "
     "reload removes them while dockerd and its containers keep running. docker-proxy may still "
     "listen on the port, but packets from other hosts then reach it through the input hook, "
     "where a host firewall that Docker's DNAT used to bypass drops them. Restarting the engine "
     "writes everything again; the lasting fix is a ruleset file that flushes only its own "
     "tables, or a boot order that loads it before the engine."},
    {"netfilter.dnat-missing", critical,
     "no DNAT for the published port and no proxy path: Docker's rules were flushed (flush ruleset, firewall reload)",
     "nat table DOCKER chain (or Docker's nft tables), docker-proxy listeners",
     "restart dockerd; stop flushing its tables",
     "Docker writes its NAT rules once, when a container starts, and does not watch them. A "
     "firewall script that runs nft flush ruleset or iptables -F/-X, or a firewall service "
     "reload, removes them while the containers keep running. Restarting dockerd (or the "
     "containers) writes them again; the lasting fix is a firewall setup that leaves Docker's "
     "tables and chains alone."},
    {"netfilter.forward-drop", critical,
     "the forwarded packet to the container is dropped/rejected in a forward hook",
     "packet-path evaluation: chain, rule (nft syntax, handle), or chain policy",
     "allow it in the chain that drops it (DOCKER-USER when Docker's chains drop it)",
     "After DNAT, a packet for a container is forwarded, so it passes every base chain on the "
     "forward hook, in every table, and a drop in any of them wins. A FORWARD policy of DROP "
     "(set by Docker itself, or a host firewall) or another table's forward chain can discard "
     "it before Docker's accept rules matter. An accept ends only the base chain it is in: "
     "an ACCEPT in DOCKER-USER (the place Docker leaves for user rules in its own chain) fixes "
     "a drop in Docker's chains, but not one in firewalld's or another table's chain, or in "
     "iptables-legacy. The allowance goes before the drop in the chain that drops it."},
    {"netfilter.input-drop", critical,
     "the packet is dropped in an input hook (host network mode, proxy path)",
     "packet-path evaluation",
     "allow the port in the input chain",
     "Traffic to a port the host itself owns (a host-network container, or docker-proxy when "
     "no DNAT applies) is delivered locally and passes the input hook, not forward. A host "
     "firewall that drops unknown ports on input therefore blocks it even though Docker's "
     "rules are intact. Allowing the port in that input chain lets it through."},
    {"netfilter.prerouting-drop", critical,
     "dropped before routing (raw/mangle prerouting, e.g. direct-routing blocks, fail2ban)",
     "packet-path evaluation",
     "adjust that rule",
     "Chains on the prerouting hook (raw, mangle, some nat and filter chains) see a packet "
     "before any routing or DNAT decision. Docker 28 drops direct access to container addresses "
     "from other interfaces in raw PREROUTING, and tools like fail2ban add drops there too. A "
     "drop at this stage hides every later rule, so that rule itself must change."},
    {"netfilter.backend-mismatch", critical,
     "rules live in both iptables-legacy and nftables; one side drops what the other allows",
     "/proc/net/ip_tables_names and legacy tables vs nftables",
     "use one backend; restart dockerd",
     "iptables-legacy and nftables (including iptables-nft) keep separate rule sets that "
     "both hook into the same netfilter hooks, and a drop in either wins. When Docker writes "
     "its rules through one backend and a firewall uses the other, each tool lists only its "
     "own half and the path looks open. Choosing one backend for everything (update-alternatives "
     "for iptables) and restarting dockerd puts all rules where they can be seen."},
    {"firewall.firewalld-zone", critical,
     "bridge interface not in the docker/trusted zone, zone conflict, or firewalld reload removed Docker's rules",
     "firewalld zones (config XML + runtime), inet firewalld table, /info firewall ReloadedAt",
     "put the bridge in the docker zone; restart dockerd",
     "firewalld filters per zone, and an interface without a zone falls into the default zone, "
     "which usually rejects forwarded traffic. Docker adds its bridges to a docker zone at "
     "runtime; a bridge bound to another zone (ZONE_CONFLICT) or a reload that drops Docker's "
     "rules breaks forwarding. Putting the bridge in the docker zone and restarting dockerd "
     "restores both."},
    {"firewall.ufw-blocks", critical,
     "UFW (or ufw-docker) rules drop the forwarded traffic",
     "/etc/ufw files, ufw-* chains, DOCKER-USER jumps",
     "ufw route allow / ufw-docker allow",
     "UFW's default forward policy is DROP, and setups like ufw-docker route Docker's traffic "
     "through ufw chains from DOCKER-USER. Forwarded traffic to a container then needs a route "
     "rule; ufw allow only opens the input chain, which published container ports never pass. "
     "ufw route allow (or ufw-docker allow) adds the forward rule."},
    {"selinux.denial", critical,
     "SELinux denies the bind/connect",
     "/sys/fs/selinux/enforce, booleans, AVC denials for container_t in the audit log",
     "fix labels/booleans",
     "In enforcing mode SELinux checks each bind and connect of a confined process against its "
     "type: container_t may bind only ports labeled for it, and docker-proxy is confined too. "
     "A denied operation fails with EACCES and leaves an AVC record in the audit log. The right "
     "port label or boolean (container_connect_any, for example) permits it without disabling "
     "SELinux."},
    {"exposure.public-sensitive-port", warning,
     "a database/cache/admin port is published on all interfaces",
     "bindings on 0.0.0.0/:: for well-known sensitive ports",
     "bind 127.0.0.1 or a private address",
     "-p 5432:5432 publishes on every host address, and Docker's DNAT happens before the host's "
     "INPUT chain, so UFW or an INPUT firewall does not protect it. Databases, caches and admin "
     "interfaces published this way are found by internet-wide scanners within hours. Binding "
     "the port to 127.0.0.1 or a private address keeps it reachable where it is needed."},
    {"exposure.firewall-bypass", warning,
     "the host firewall's input policy denies the port, yet Docker's DNAT+forward path lets outside clients in",
     "packet-path evaluation of the input vs the DNAT/forward path",
     "filter in DOCKER-USER, not INPUT",
     "Published ports are DNATed in prerouting and then forwarded; they never pass the input "
     "chain where host firewalls such as UFW put their port rules. The port is reachable from "
     "outside even though the firewall appears to deny it. Rules in DOCKER-USER (on the forward "
     "path, before Docker's accepts) are the ones that restrict it."},
    {"peer.not-found", critical,
     "--to names no container/host that resolves",
     "Engine API, DNS",
     "fix the name",
     "The name given as the target matches no container the engine knows and does not resolve "
     "as a host name. A typo, a compose project prefix (project-service-1) or a container that "
     "was removed are the usual reasons. docker ps -a shows the names that exist."},
    {"peer.different-networks", critical,
     "source and target share no network",
     "NetworkSettings.Networks of both",
     "docker network connect",
     "Containers reach each other directly only through a network they are both attached to; "
     "Docker isolates separate bridge networks from each other with netfilter rules. Without a "
     "shared network the packets are dropped or have no route. docker network connect adds the "
     "missing attachment without recreating either container."},
    {"peer.default-bridge-no-dns", critical,
     "both on the default bridge: names do not resolve there",
     "NetworkMode/Networks = bridge",
     "use a user-defined network",
     "Docker's embedded DNS server (127.0.0.11) serves container names only on user-defined "
     "networks; containers on the default bridge get the host's resolv.conf and cannot resolve "
     "each other by name. Legacy --link was the workaround. A user-defined network gives both "
     "containers name resolution."},
    {"peer.dns-failure", critical,
     "the name does not resolve inside the source container",
     "a real DNS query from the source's netns (127.0.0.11 on user networks)",
     "aliases, network, resolver",
     "On user-defined networks the embedded DNS answers with the names and aliases of "
     "containers on networks the asking container shares; other names are forwarded to the "
     "host's resolvers. A name that is not a container, alias or service on a shared network, "
     "or an upstream resolver the container cannot reach, gives NXDOMAIN or a timeout. Adding an "
     "alias or the network, or fixing the resolver, makes it resolve."},
    {"peer.icc-disabled", critical,
     "inter-container traffic disabled on the shared network",
     "network option enable_icc=false / daemon icc, the DROP rule",
     "enable icc or use links/another network",
     "With icc=false on the daemon, or com.docker.network.bridge.enable_icc=false on a network, "
     "Docker adds a rule that drops traffic between containers on that bridge. Published ports "
     "still work from outside, but container-to-container connections time out. Enabling icc, "
     "or putting the two containers on a network that allows it, removes the drop."},
    {"peer.using-host-port", critical,
     "connecting to the published host port instead of the container port between containers",
     "--to port equals a HostPort, not a container port",
     "use the container port (db:5432)",
     "Between containers on a shared network, traffic goes straight to the other container's "
     "address, where the app listens on its container port. The published host port exists "
     "only on the host's addresses, so db:15432 is refused when -p 15432:5432 was used. Use the "
     "service name with the container port."},
    {"peer.localhost", critical,
     "localhost inside a container is the container itself",
     "--to localhost:P / 127.0.0.1",
     "use the service name or host-gateway",
     "Each container has its own network namespace with its own loopback interface. localhost "
     "or 127.0.0.1 inside it reaches only processes in that same container, never the host or "
     "another container. Use the other container's name, or the host via host-gateway."},
    {"peer.host-gateway-missing", critical,
     "host.docker.internal is not defined on Linux without --add-host host.docker.internal:host-gateway",
     "HostConfig.ExtraHosts, /etc/hosts in the container",
     "add the host-gateway mapping",
     "Docker Desktop defines host.docker.internal automatically, but the Linux engine does "
     "not. Since Docker 20.10, --add-host host.docker.internal:host-gateway writes the bridge "
     "gateway address into the container's /etc/hosts. Without it the name does not resolve; "
     "the host service must also listen on that gateway address."},
    {"path.unexplained", warning,
     "a probe fails and no check explains it",
     "the probe results",
     "docknetdoctor watch, look upstream (cloud security groups)",
     "Every local layer docknetdoctor can read looks right, yet a probe still fails. The cause "
     "is then usually outside this host (a cloud security group, an upstream firewall, NAT on "
     "a router) or intermittent. Watching the path over time, and checking filters upstream, "
     "narrows it down."},
};

}  // namespace

std::span<const CauseInfo> cause_catalog() { return kCatalog; }

const CauseInfo* find_cause(std::string_view id) {
    auto it = std::find_if(std::begin(kCatalog), std::end(kCatalog),
                           [&](const CauseInfo& c) { return c.id == id; });
    return it == std::end(kCatalog) ? nullptr : &*it;
}

Finding new_finding(std::string_view id) {
    Finding f;
    f.id = std::string(id);
    const CauseInfo* cause = find_cause(id);
    f.severity = cause ? cause->severity : Severity::warning;
    return f;
}

}  // namespace dnd
