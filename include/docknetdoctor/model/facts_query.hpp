#pragma once
// Questions many checks ask of Facts: one home, so checks never copy each other.
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/facts.hpp"

namespace dnd {

// The container ports under question: none with --to (the question is the path to the
// target, not the container's own ports; the target's view asks its port), --port if given,
// otherwise every port that is bound (HostConfig.PortBindings or NetworkSettings.Ports) or
// exposed, sorted, unique. In host network mode, instead of the exposed ones (EXPOSE says
// nothing there), every port the app listens on (app_listeners): its own ports are the ones
// clients use. Every port.*, app.* and exposure.* check asks through this.
std::vector<PortKey> ports_in_question(const Facts& f);

// Whether a socket owner is one of the container's processes. In host network mode the
// container's listeners are the host's, mixed with every host service, so the app's are told
// by their owners: the engine puts each process of a container in a cgroup named after the
// container's full id, whatever the cgroup driver (/docker/<id>, /system.slice/docker-<id>.scope),
// and the container's main process (State.Pid) is its own in any case.
bool owned_by_container(const SocketOwner& owner, const Container& c);
// The listeners of the container's app: every listener of its network namespace when it has
// one of its own; in host network mode only those a process of the container owns.
std::vector<Listener> app_listeners(const Container& c, const std::vector<Listener>& ls);
// app_listeners on port p only: what a per-port loop asks, without copying every listener
// of the namespace for each port (a host may publish thousands).
std::vector<Listener> app_listeners_on(const Container& c, const std::vector<Listener>& ls, PortKey p);

// Where clients are sent for container port p: bindings_of() on a network that publishes;
// in host network mode the app's own reachable sockets on p (a wildcard socket as 0.0.0.0,
// a :: one as 0.0.0.0 and :: because it accepts IPv4 too unless IPV6_V6ONLY, a specific
// address as itself; 0.0.0.0 when the listeners are unknown); none in none mode or without a
// live process in host mode. Under --direct (own network stack): the container's own
// addresses with port p (container_addresses).
std::vector<HostBinding> client_bindings(const Facts& f, PortKey p);
// The container's addresses on its networks (IPv4, and global IPv6 where it has one), each
// with container port p: where a client that routes to the container connects.
std::vector<HostBinding> container_addresses(const Container& c, PortKey p);
// The network attachment holding ADDRESS (IPv4 or global IPv6), or nullptr.
const NetworkAttachment* attachment_with_address(const Container& c, std::string_view address);
// Whether some port in question has a client binding with a host port.
bool has_client_host_port(const Facts& f);

// Effective host bindings of a container port: NetworkSettings.Ports when the container
// runs, HostConfig.PortBindings otherwise (what was asked for; also between two runs of a
// restart loop, when the engine has released the ports).
std::vector<HostBinding> bindings_of(const Container& c, PortKey p);

// Listeners that accept connections to port p from outside the container:
// wildcard or a non-loopback address.
std::vector<Listener> reachable_listeners(const std::vector<Listener>& ls, PortKey p);
// Listeners on port p bound to loopback only (127.0.0.0/8, ::1, ::ffff:127.x).
std::vector<Listener> loopback_listeners(const std::vector<Listener>& ls, PortKey p);
// All listeners on port p of that protocol.
std::vector<Listener> listeners_on(const std::vector<Listener>& ls, PortKey p);

bool is_loopback_address(std::string_view addr);
bool is_wildcard_address(std::string_view addr);  // "", 0.0.0.0, ::
bool is_ip_literal(const std::string& text);       // an IPv4 or IPv6 address, not a name

// "tcp 0.0.0.0:80 LISTEN httpd(pid 42)": a listener as evidence text.
std::string describe(const Listener& l);
// "0.0.0.0:8080", "[::]:8080", "127.0.0.1:8080"
std::string describe(const HostBinding& b);

// Network mode helpers: "host", "none", "container:..." or a bridge-like network.
bool is_host_network(const Container& c);
bool is_none_network(const Container& c);
// The Linux bridge behind a Docker network: its com.docker.network.bridge.name option, else
// docker0 for the default "bridge" network, else "br-" + 12 hex digits of the id.
std::string bridge_device(const NetworkInfo& n);
// Its own network stack on bridge-like networks (not host, none or another container's).
bool has_own_network_stack(const Container& c);

// False in host and none network modes: the engine makes no port bindings there.
bool publishes_ports(const Container& c);

// "0.0.0.0:8080, [::]:8080": several bindings as evidence text.
std::string describe(const std::vector<HostBinding>& bindings);

// Whether the container has a process whose network namespace can be read: running and not
// between two runs of a restart loop.
bool has_live_process(const Container& c);

// Whether the engine restarts the container when it exits: HostConfig.RestartPolicy.Name is
// always, unless-stopped or on-failure.
bool has_restart_policy(const Container& c);
// Whether the container shows a sign of a restart loop: the engine is restarting it, or its
// restart policy has restarted it before (RestartCount > 0) or its last run failed
// (a non-zero exit code). Only then is the engine asked for its recent runs (RestartHistory).
bool shows_restart_signs(const Container& c);

// "1", "137 (killed by signal 9)": a container's exit code as evidence text.
std::string exit_code_text(int code);

// How findings name the container: its name, else the short id, else what was asked.
std::string container_ref(const Facts& f);

// Evidence text for the bindings of port p, quoting the field it came from:
// NetworkSettings.Ports["80/tcp"] = 0.0.0.0:8080, [::]:8080 (running) or
// HostConfig.PortBindings["80/tcp"] = ... (not running); "= null" when unbound.
std::string bindings_evidence(const Container& c, PortKey p);

// "-p 8080:80", "-p 127.0.0.1:8080:80", "-p 5353:53/udp": a docker run flag for a fix line.
std::string publish_flag(PortKey container_port, std::uint16_t host_port, std::string_view host_ip = "");

// Why a check could not decide: "needs container_listeners (procfs: permission denied)".
std::string unavailable_reason(std::string_view fact, const Error& e);

// The container ports where an app is expected to listen: --port if given, otherwise every
// port with a host binding, and in host network mode every port in question (the -p the
// user wrote, the app's own ports). (Exposed-only ports publish nothing, so nobody expects them.)
std::vector<PortKey> ports_expected_to_listen(const Facts& f);

// Ports of p's protocol other than p where the app accepts outside connections and which
// no binding targets yet: where a binding to p should have pointed. Sorted, unique.
std::vector<std::uint16_t> other_listening_ports(const Container& c, const std::vector<Listener>& ls,
                                                 PortKey p);

// "/proc/2927/net/tcp, tcp6": the files that list sockets of p's protocol in the container.
std::string listener_files(const Container& c, Proto proto);
// Evidence that the app has no socket on p: "no socket on 80/tcp in the container's network
// namespace (/proc/2927/net/tcp, tcp6)", or in host network mode, where that namespace is the
// host's, that none of the container's processes holds one there.
std::string no_listener_evidence(const Container& c, PortKey p);

// The NetworkInfo of each network the container is attached to (matched by id or name);
// attachments with no NetworkInfo are left out.
std::vector<NetworkInfo> attached_networks(const Container& c, const std::vector<NetworkInfo>& all);
// True when the container is attached to networks and every one of them is internal.
bool only_on_internal_networks(const Container& c, const std::vector<NetworkInfo>& all);

// The container, or nullptr with the reason appended to `undecided` when it is unavailable.
const Container* container_to_judge(const Facts& f, std::vector<std::string>& undecided);
// The same, for checks about published ports: nullptr also when the container's network
// mode publishes nothing (host, none: their own checks explain that), and under --direct,
// whose client does not use a published port.
const Container* publishing_container_to_judge(const Facts& f, std::vector<std::string>& undecided);

// The app's listeners (app_listeners), when checks can judge them. nullopt when the
// container has no live process (nothing to judge; the container.* checks report why), when
// the container or its listeners are unavailable, or in host network mode when no listener's
// owner could be read, so the app's cannot be told from the host's (then the reason is
// appended to `undecided`).
std::optional<std::vector<Listener>> listeners_to_judge(const Facts& f, std::vector<std::string>& undecided);

}  // namespace dnd
