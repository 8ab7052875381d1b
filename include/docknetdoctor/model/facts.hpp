#pragma once
// Facts: everything the collectors read, as plain data. Collectors fill it and decide
// nothing; checks read it and do no I/O. Serializes to JSON and back (--save-facts/--facts).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/port.hpp"
#include "docknetdoctor/model/conntrack.hpp"
#include "docknetdoctor/model/packet_path.hpp"  // HostNetwork, PathResult
#include "docknetdoctor/model/probe_outcome.hpp"
#include "docknetdoctor/model/selinux.hpp"
#include "docknetdoctor/model/shared_result.hpp"

namespace dnd {

inline constexpr int kFactsSchemaVersion = 1;

// What the user asked.
struct Query {
    std::string container;                 // as typed: name, id or id prefix
    std::optional<PortKey> port;           // --port; none: every published/exposed port
    std::optional<std::string> from;       // --from ADDR; none: a client on another host
    bool from_is_local = false;            // --from is an address of this host (or loopback)
    std::optional<std::string> to;         // --to TARGET:PORT as typed: container to container
    // --direct: the client routes to the container's own address and connects to the
    // container port, instead of to a published host port.
    bool direct = false;
};

// The engine's own process, found from its API socket. dockerd itself decides "rootless"
// from its environment (rootlesskit sets ROOTLESSKIT_STATE_DIR), so this answers the one
// question /info was asked for, without /info (the engine's slowest answer: it runs runc
// and docker-init). Only ROOTLESSKIT_STATE_DIR is kept from the environment.
struct EngineProcess {
    int pid = 0;
    std::string exe;                                  // /proc/PID/exe
    std::string found_as;                             // how: "listener of the API socket" ...
    std::optional<std::string> rootlesskit_state_dir;  // ROOTLESSKIT_STATE_DIR, when set
};

struct EngineInfo {
    std::string server_version;                 // /version Version (or /_ping's Server header)
    std::string api_version;                    // negotiated API version in use
    std::string endpoint;                       // where we talked to it: unix:///..., tcp://...
    std::optional<EngineProcess> process;       // a local dockerd we could read; else /info is asked
    // /info, asked only when the engine's process could not be read:
    std::string os;                             // OperatingSystem
    std::string kernel_version;                 // KernelVersion
    std::string docker_root_dir;                // DockerRootDir
    std::optional<std::vector<std::string>> security_options;  // SecurityOptions, e.g. "name=rootless"
    std::vector<std::string> warnings;          // Warnings
};

struct HostBinding {
    std::string host_ip;       // "" / "0.0.0.0" / "::" / "127.0.0.1" ...
    std::uint16_t host_port = 0;  // 0: the engine picks (or binding failed)
};

struct Health {
    std::string status;        // starting / healthy / unhealthy
    int failing_streak = 0;
    int last_exit_code = 0;
    std::string last_output;   // output of the most recent probe
};

struct ContainerState {
    std::string status;        // created/running/paused/restarting/removing/exited/dead
    bool running = false;
    bool paused = false;
    bool restarting = false;
    bool oom_killed = false;
    bool dead = false;
    int pid = 0;
    int exit_code = 0;
    std::string error;         // State.Error, e.g. "... address already in use"
    std::string started_at;
    std::string finished_at;
    std::optional<Health> health;
};

struct NetworkAttachment {
    std::string network;       // network name as the container sees it
    std::string network_id;
    std::string ip_address;
    int ip_prefix_len = 0;
    std::string gateway;
    std::string global_ipv6;
    std::vector<std::string> aliases;
};

struct Container {
    std::string id;
    std::string name;                    // without the leading "/"
    std::string image;                   // Config.Image
    std::string created;
    ContainerState state;
    int restart_count = 0;
    std::string restart_policy;          // HostConfig.RestartPolicy.Name
    std::string network_mode;            // HostConfig.NetworkMode: default/bridge/host/none/container:X/NAME
    std::map<PortKey, std::vector<HostBinding>> port_bindings;  // HostConfig.PortBindings (asked for)
    std::map<PortKey, std::vector<HostBinding>> ports;          // NetworkSettings.Ports (in effect; empty vector = exposed, unbound)
    std::vector<PortKey> exposed_ports;  // Config.ExposedPorts
    std::vector<NetworkAttachment> networks;
    std::map<std::string, std::string> labels;
    std::vector<std::string> extra_hosts;
    bool tty = false;                    // Config.Tty: its log is one raw stream, not multiplexed
    // NetworkSettings.SandboxKey: its netns file as the engine names it ("/var/run/docker/
    // netns/ID"); the engine's other namespaces, ingress_sbox among them, sit beside it.
    std::string sandbox_key;
};

// One event the engine recorded for a container (/events): a run ending or starting.
struct ContainerEvent {
    std::string action;            // "die", "start"
    std::string time;              // RFC 3339, UTC, to the nanosecond (timeNano)
    std::optional<int> exit_code;  // die: Actor.Attributes.exitCode
};

// What the engine recorded of a container's recent runs. Asked only when the container shows
// a sign of a restart loop (shows_restart_signs in facts_query.hpp): the engine resets
// State.ExitCode while a container runs, so between two crashes only the die events still
// tell how the last run ended.
struct RestartHistory {
    std::string since;  // the /events window asked, RFC 3339 UTC
    std::string until;
    Result<std::vector<ContainerEvent>> events = fail("docker-api", "not collected");  // in the window, oldest first
    Result<std::vector<std::string>> log_tail = fail("docker-api", "not collected");   // docker logs --tail, oldest first
};

// The container's process, seen when collection began, was gone before the diagnosis ended:
// the engine was asked again, and Facts::container holds that later answer.
struct VanishedProcess {
    int pid = 0;
    std::string during;             // "listener collection", "the probes"
    std::string status_before;      // State.Status while the process was there
    std::string started_at_before;  // State.StartedAt of that run
};

// A port a Swarm service publishes (its Endpoint.Ports): through the routing mesh
// ("ingress": every node accepts it, IPVS in the ingress_sbox namespace balances it to the
// tasks) or on the node of each task ("host").
struct ServicePort {
    PortKey target;               // the task's port
    std::uint16_t published = 0;  // on the nodes
    std::string mode;             // "ingress" or "host"
};

// A real server of an IPVS virtual service: where it balances connections to.
struct IpvsDestination {
    std::string addr;         // "10.255.0.6"
    std::uint16_t port = 0;   // 0 under a firewall-mark service: the packet's own port
    // 0: IPVS sends it no new connection. The engine sets a task's weight to 0 while it is
    // unhealthy or going away, and back to 1 when it serves.
    std::uint32_t weight = 0;
    std::uint32_t active_connections = 0;
    std::uint32_t inactive_connections = 0;
};

// An IPVS virtual service (ipvsadm -Ln's "FWM 256" or "TCP 10.0.0.5:80").
struct IpvsService {
    int family = 4;            // 4 or 6
    std::uint32_t fwmark = 0;  // the routing mesh's kind: packets the mangle rules marked
    std::string protocol;      // "tcp", "udp", "sctp"; "" for a firewall-mark service
    std::string addr;          // "" for a firewall-mark service
    std::uint16_t port = 0;
    std::string scheduler;     // "rr"
    std::vector<IpvsDestination> destinations;
};

// The routing mesh as this node holds it, in the engine's ingress_sbox namespace: the host
// DNATs a published port to that namespace, whose mangle rules mark the packet by its port,
// and the IPVS service of that mark balances it to the tasks over the ingress network.
struct RoutingMesh {
    std::string sandbox;  // the netns file: "/var/run/docker/netns/ingress_sbox"
    Result<nf::Ruleset> nftables = fail("nftables", "not collected");
    Result<nf::Ruleset> iptables_legacy = fail("iptables-legacy", "not collected");
    // The namespace's IPVS services, each with its real servers.
    Result<std::vector<IpvsService>> ipvs = fail("ipvs", "not collected");
};

// One of a service's tasks as GET /tasks lists it.
struct SwarmTask {
    std::string id;
    int slot = 0;  // 0: a global service's task (its node tells it apart)
    std::string node_id;
    std::string desired_state;  // what the orchestrator wants: "running", "shutdown", ...
    std::string state;          // Status.State: what it is
    std::string error;          // Status.Err: why it failed or was rejected, "" when nothing
};

// The Swarm service a container runs as a task of (its com.docker.swarm.service.id label).
struct SwarmService {
    std::string id;
    std::string name;
    Result<std::vector<ServicePort>> ports = fail("docker-api", "not collected");
    // Whether this kernel has IPVS, which the routing mesh needs (/sys/module/ip_vs: loaded or
    // built in; dockerd loads it when it sets the mesh up).
    Result<bool> kernel_has_ipvs = fail("sysfs", "not collected");
    // Read when the service publishes through the mesh (with or without IPVS).
    Result<RoutingMesh> mesh = fail("ipvs", "not collected");
    // All its tasks, on every node, the wanted ones first (read_service_tasks).
    Result<std::vector<SwarmTask>> tasks = fail("docker-api", "not collected");
};

// Another node of the swarm this engine is in, as the engine lists it.
struct SwarmNode {
    std::string id;
    std::string hostname;  // "" when the engine did not say (a worker knows only its managers' addresses)
    // Where this node reaches it: its manager address's host part, else Status.Addr.
    std::string addr;
    bool manager = false;
    std::string state;     // Status.State: "ready", "down", "disconnected", "unknown"; "" when not told
};

// This engine's membership of a swarm and the ports its nodes talk on: 2377/tcp to
// managers (the cluster's control), 7946/tcp+udp between all (gossip), the data path port
// (VXLAN, 4789/udp by default) between all.
inline constexpr std::uint16_t kSwarmControlPort = 2377;
inline constexpr std::uint16_t kSwarmGossipPort = 7946;
struct SwarmMembership {
    std::string node_id;
    std::string node_addr;     // this node's advertise address (/info Swarm.NodeAddr)
    bool manager = false;      // Swarm.ControlAvailable
    std::uint16_t data_path_port = 4789;
    // false: a worker, which is not told the cluster's data path port; 4789 is assumed.
    bool data_path_port_known = false;
    // The other nodes: all of them on a manager (GET /nodes); on a worker only its managers
    // (Swarm.RemoteManagers), since only managers answer for the node list.
    Result<std::vector<SwarmNode>> nodes = fail("docker-api", "not collected");
    // The swarm ports between this node and each other one walked through this host's
    // rulesets, both ways (swarm_node_paths).
    Result<std::vector<PathResult>> paths = fail("path", "not evaluated");
    // This host's connections to the other nodes' TCP ports (swarm_node_probes.hpp).
    Result<std::vector<ProbeOutcome>> probes = fail("probe", "not run");
};

struct NetworkInfo {
    std::string id;
    std::string name;
    std::string driver;
    std::string scope;
    bool internal = false;
    std::map<std::string, std::string> options;  // e.g. com.docker.network.bridge.enable_icc
    std::vector<std::string> subnets;
    std::vector<std::string> gateways;
};

struct SocketOwner {
    int pid = 0;
    std::string process;       // /proc/PID/comm, raw (sanitize before printing)
    // The process's cgroup as /proc/PID/cgroup names it (the cgroup v2 `0::` line, else the
    // first hierarchy listed), e.g. "/system.slice/docker-<id>.scope"; "" when unreadable.
    std::string cgroup;
};

// One listening socket (TCP LISTEN, or a bound UDP socket).
struct Listener {
    Proto proto = Proto::tcp;
    int family = 4;            // 4 or 6
    std::string address;       // "0.0.0.0", "127.0.0.1", "::", "::1", "::ffff:127.0.0.1" ...
    std::uint16_t port = 0;
    unsigned long inode = 0;
    std::vector<SocketOwner> owners;
};

// The localization ladder (probe_ladder.hpp): where a connection to a container port is
// tried from, lowest first. The first rung that fails names the layer where it dies.
enum class Rung {
    container_loopback,  // 1: inside the container's netns to 127.0.0.1:PORT (the app itself)
    container_address,   // 2: inside the container's netns to its own address (the app's bind)
    host_to_container,   // 3: from the host to the container's address (bridge, routing)
    host_published,      // 4: from the host to each published address (proxy, DNAT, input rules)
};
std::string_view to_string(Rung r);           // "container-loopback", ... (JSON and ids)
std::optional<Rung> parse_rung(std::string_view s);
std::string_view rung_title(Rung r);          // "container loopback", for people
int rung_number(Rung r);                      // 1..4

// One probe of the ladder: which container port it tests, from which rung, and what happened.
struct LadderProbe {
    PortKey port;                         // the container port under question
    Rung rung = Rung::container_loopback;
    ProbeOutcome probe;                   // target (address, port actually dialled), outcome
};

}  // namespace dnd

// Container to container (--to): needs Container, NetworkInfo and Listener from above.
#include "docknetdoctor/model/peer_facts.hpp"

namespace dnd {

struct Facts {
    int schema_version = kFactsSchemaVersion;
    std::string tool_version;
    std::string collected_at;            // RFC 3339, UTC, to the millisecond
    Query query;
    Result<EngineInfo> engine = fail("docker-api", "not collected");
    Result<Container> container = fail("docker-api", "not collected");
    Result<std::vector<NetworkInfo>> networks = fail("docker-api", "not collected");
    Result<std::vector<Listener>> container_listeners = fail("procfs", "not collected");
    // The host's: shared by copies of these Facts (an --all run's containers), like `host`.
    SharedResult<std::vector<Listener>> host_listeners = fail("procfs", "not collected");
    // Links, addresses, routes, sysctls, netfilter rulesets, dockerd's config
    // (host_network.hpp); shared by copies of these Facts.
    SharedHostNetwork host;
    // SELinux: mode, booleans, labels on the path, recent denials (selinux.hpp). Not enabled
    // is a value (enabled = false), not an error.
    Result<SelinuxState> selinux = fail("selinux", "not collected");
    // The packets of the question walked through the host (packet_path.hpp paths_for).
    Result<std::vector<PathResult>> paths = fail("path", "not evaluated");
    // The ladder's probes. Empty: nothing applied (no running process). An error: not run
    // (--no-probe, an old facts file) or not possible at all.
    Result<std::vector<LadderProbe>> probes = fail("probe", "not collected");
    // --to: the target and the path from the source to it (peer_facts.hpp). nullopt: no --to.
    std::optional<PeerFacts> peer;
    // The container's process vanished while it was examined. nullopt: it stayed, or there was none.
    std::optional<VanishedProcess> vanished_process;
    // Recent runs, asked only on a sign of a restart loop. nullopt: no sign, not asked.
    std::optional<RestartHistory> restart_history;
    // The container is a Swarm task: its service. nullopt: not a task.
    std::optional<SwarmService> swarm_service;
    // The engine is in a swarm and the container is a task or on an overlay network: the
    // swarm's nodes and the ports between them. nullopt: not asked.
    std::optional<SwarmMembership> swarm;
    // The conntrack entries to the UDP host ports it publishes (original destination port),
    // at most kMaxConntrackEntries to each. nullopt: not asked (no UDP port published, an older facts file).
    std::optional<Result<std::vector<ConntrackEntry>>> conntrack;
};
inline constexpr std::size_t kMaxConntrackEntries = 1000;

// JSON both ways. from_json throws nlohmann::json::exception on malformed input;
// load_facts() turns that into an Error.
void to_json(nlohmann::json& j, const LadderProbe& p);
void from_json(const nlohmann::json& j, LadderProbe& p);
void to_json(nlohmann::json& j, const Facts& f);
void from_json(const nlohmann::json& j, Facts& f);
nlohmann::json facts_to_json(const Facts& f);
Result<Facts> facts_from_json_text(std::string_view text);
// The same for a document already parsed (within the bounds): checked, then validated.
Result<Facts> facts_from_json(const nlohmann::json& j);

}  // namespace dnd
