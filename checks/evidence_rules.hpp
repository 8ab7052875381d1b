#pragma once
// The words the checks' probe-evidence rules share (EvidenceRule in model/check.hpp): the
// rungs and their states by short name, the clauses several causes are confirmed by, and
// why some causes stay open whatever the local probes say. Host-local probes never traverse
// prerouting or forward (shared/notes/probing.md), so causes that live there stay open: a
// passing local probe must not be read as "the forward path is fine".
#include <string_view>
#include <vector>

#include "docknetdoctor/model/check.hpp"

namespace dnd::checks {

inline constexpr Rung kLoopback = Rung::container_loopback;
inline constexpr Rung kAddress = Rung::container_address;
inline constexpr Rung kHostToContainer = Rung::host_to_container;
inline constexpr Rung kPublished = Rung::host_published;
inline constexpr RungState kPassed = RungState::passed;
inline constexpr RungState kFailed = RungState::failed;
inline constexpr RungState kNotRun = RungState::not_run;

inline const std::vector<Rung> every_rung{kLoopback, kAddress, kHostToContainer, kPublished};
// The container answers the host, its published address does not.
inline const RungClause host_side_fails{{kHostToContainer, kPassed}, {kPublished, kFailed}};
// Host network mode (no rungs 2 and 3): the app answers on loopback, the host's addresses do not.
inline const RungClause host_network_address_fails{
    {kAddress, kNotRun}, {kHostToContainer, kNotRun}, {kLoopback, kPassed}, {kPublished, kFailed}};

inline constexpr std::string_view kForwardNote =
    "probes from this host do not traverse prerouting or forward, where this cause acts; only the outside path shows it";
// docker-proxy may still answer this host's own probes: a passing one does not refute a loss
// of Docker's rules.
inline constexpr std::string_view kDockerProxyNote =
    "probes from this host may reach docker-proxy, which a client elsewhere reaches only through the input hook; the "
    "gone rules show in the ruleset, not in a local probe";
inline constexpr std::string_view kPeerNote = "the ladder probes the published path, not container-to-container traffic";

// The rules several causes share. Causes that act between the host and its published
// address: the container answers the host, the published address does not.
inline EvidenceRule published_path_rule(std::string_view open_note = {}) {
    return {.explains = {kPublished}, .confirmed_when = {host_side_fails}, .open_note = open_note};
}
// --to causes that account for a failing probe from the source to the target, which the
// ladder (the published path) does not test.
inline EvidenceRule peer_path_rule() { return {.open_note = kPeerNote, .explains_peer_probe = true}; }

}  // namespace dnd::checks
