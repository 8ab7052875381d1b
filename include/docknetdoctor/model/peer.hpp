#pragma once
// Container to container: parsing --to, and the pure questions the peer.* checks and the
// collector share. The data lives in peer_facts.hpp (part of Facts).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

// The labels docker compose puts on the containers it creates.
inline constexpr const char* kComposeProjectLabel = "com.docker.compose.project";
inline constexpr const char* kComposeServiceLabel = "com.docker.compose.service";

// Parses TARGET:PORT; a port is required, IPv6 as [addr]:port. Errors have source "usage".
Result<PeerQuery> parse_peer_spec(std::string_view text);
PeerHostKind classify_peer_host(std::string_view host);

// ---------------------------------------------------------------------------------------
// Pure helpers.

// resolv.conf text -> the nameserver addresses in order.
std::vector<std::string> parse_resolv_conf_nameservers(std::string_view text);
// hosts file text -> entries (comments and blank lines skipped).
std::vector<HostsEntry> parse_hosts_file(std::string_view text);
// The address the hosts entries give for name ("" when none).
std::string hosts_lookup(const std::vector<HostsEntry>& entries, std::string_view name);

// The names of networks both containers are attached to (by network id, else name).
std::vector<std::string> shared_network_names(const Container& a, const Container& b);
// "db (compose service db, project shop)" or just the name.
std::string peer_container_ref(const Container& c);
// The target is reached on a published host port and the port is not one of its container
// ports: peer.using-host-port applies and the target's own port checks do not.
bool peer_port_is_host_port_only(const PeerFacts& p);

// The same Facts seen from the target: its container, networks and listeners, the asked
// port as the port under question, no ladder and no peer. nullopt without a target.
std::optional<Facts> target_view(const Facts& f);

}  // namespace dnd
