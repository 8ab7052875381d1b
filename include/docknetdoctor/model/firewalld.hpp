#pragma once
// firewalld as the diagnosis needs it, as plain data: its settings, the zones and policies
// that can touch Docker's traffic, and which zone each interface is in. Read at runtime over
// D-Bus, or, when the bus does not answer, from its configuration files (which miss what was
// set at runtime only, Docker's bridge bindings among it). Filled by
// collect/firewalld_collect.hpp, read by firewall.firewalld-zone and the checks that name
// the firewall deciding a packet.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

struct FirewalldForwardPort {
    std::string port;      // "8080", "8000-8010"
    std::string protocol;  // "tcp", "udp"
    std::string to_port;   // "" = the same port
    std::string to_addr;   // "" = this host
};

// The parts of a zone or a policy that decide forwarded and incoming traffic.
struct FirewalldRules {
    std::string target;                  // zone: "default", "ACCEPT", "DROP", "%%REJECT%%"; policy: "CONTINUE" ...
    std::vector<std::string> services;   // "ssh"
    std::vector<std::string> ports;      // "8080/tcp", "8000-8010/udp"
    std::vector<FirewalldForwardPort> forward_ports;
    std::vector<std::string> rich_rules; // as firewall-cmd prints them
    bool masquerade = false;
};

struct FirewalldZone {
    std::string name;
    FirewalldRules rules;
    std::vector<std::string> interfaces;
    std::vector<std::string> sources;
    bool forward = false;  // intra-zone forwarding (firewalld >= 0.9)
};

struct FirewalldPolicy {
    std::string name;
    FirewalldRules rules;
    std::vector<std::string> ingress_zones;  // zone names, or "ANY", "HOST"
    std::vector<std::string> egress_zones;
    int priority = -1;
};

// Where the state came from.
enum class FirewalldSource {
    none,     // firewalld is not installed here: nothing to read
    runtime,  // the running daemon, over D-Bus: what the kernel was given
    files,    // its configuration files only: runtime-only changes are not in it
};

struct FirewalldState {
    FirewalldSource source = FirewalldSource::none;
    std::string bus_address;     // the D-Bus address that was (or could not be) asked
    // Why runtime state is missing when source is files: the bus did not answer, or firewalld
    // is not running. "" with runtime.
    std::string runtime_unread;
    std::string version;         // the daemon's, over D-Bus; "" from files
    std::string default_zone;
    std::string backend;         // firewalld.conf FirewallBackend: "nftables", "iptables"
    // firewalld.conf StrictForwardPorts (firewalld >= 2.3): published ports then reach a
    // container only when firewalld forwards them. Unset when the setting does not exist.
    std::optional<bool> strict_forward_ports;
    std::vector<FirewalldZone> zones;      // every zone read (runtime: the active ones and those asked for)
    std::vector<FirewalldPolicy> policies; // runtime: the active ones and Docker's; files: all
    // The zone of each interface asked about (Docker's bridges, the host's links): "" for an
    // interface bound to no zone, which firewalld then treats as its default zone.
    std::map<std::string, std::string> interface_zones;
    // What could not be read, each with its reason ("zone public: /etc/firewalld/zones/public.xml
    // line 7: ..."): blind spots, the rest stays read.
    std::vector<std::string> unreadable;
};

std::string_view to_string(FirewalldSource source);

const FirewalldZone* find_zone(const FirewalldState& state, std::string_view name);
const FirewalldPolicy* find_policy(const FirewalldState& state, std::string_view name);

// The zone whose traffic an interface's packets are: its binding, else the default zone
// (firewalld's own rule); nullopt when neither is known.
std::optional<std::string> effective_zone_of(const FirewalldState& state, const std::string& interface);

// Whether the interface's zone binding is known: at runtime always (asked over the bus);
// from files only when a zone file lists it (Docker binds its bridges at runtime only).
bool interface_binding_known(const FirewalldState& state, const std::string& interface);

// What a chain of firewalld's nft table belongs to: "filter_FWD_public_deny" is zone public,
// "filter_FWD_policy_docker-forwarding_allow" is policy docker-forwarding, "filter_FORWARD"
// neither. Zone and policy names may hold '_', so the known suffix is cut from the end.
struct FirewalldChainOwner {
    std::string zone;    // "" unless a zone's chain
    std::string policy;  // "" unless a policy's chain
    std::string part;    // "deny", "allow", "pre", "post", "log", "" (the dispatching chain)
};
std::optional<FirewalldChainOwner> firewalld_chain_owner(std::string_view chain);

// A zone or policy, as firewall-cmd --list-all prints its lines that matter here
// ("target: ACCEPT", "ports: 8080/tcp", "rich rules: ..."), for evidence.
std::vector<std::string> describe_rules(const FirewalldRules& rules);

// host.firewalld in a facts file.
void to_json(nlohmann::json& j, const FirewalldState& s);
void from_json(const nlohmann::json& j, FirewalldState& s);

}  // namespace dnd
