#pragma once
// Real connection attempts: many targets in parallel under one deadline, optionally from
// inside another network namespace.
#include <chrono>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/probe_outcome.hpp"
#include "docknetdoctor/probe/unique_fd.hpp"

namespace dnd {

// After a TCP connect succeeds, how long to wait for a reset before calling the port open
// (bounded by the batch deadline).
inline constexpr std::chrono::milliseconds kResetGrace{150};

// Probes the targets from the calling thread's network namespace, all at once when they fit
// in the file-descriptor budget (RLIMIT_NOFILE less what is open, at most 4096 sockets),
// else each as an earlier one ends; each waits at most `deadline` from its own start.
// One outcome per target, in order. Never fails as a whole: a target that cannot be probed
// is `error`.
// reset_grace: how long a connected TCP probe waits for a reset; 0 calls it open at once
// (right when no proxy sits in between: the kernel of the app's netns completed the handshake).
std::vector<ProbeOutcome> probe_batch(std::span<const ProbeTarget> targets, std::chrono::milliseconds deadline,
                                      std::chrono::milliseconds reset_grace = kResetGrace);

// probe_batch with each probe's socket made by make_socket(index, family, type), called on
// this thread as probe `index` starts (probe_batch makes it here). A probe is judged by what
// its socket saw: however long the other probes took to start, a handshake that completed
// within its deadline is open.
using ProbeSocketMaker = std::function<Result<UniqueFd>(std::size_t index, int family, int type)>;
std::vector<ProbeOutcome> probe_batch_made_by(std::span<const ProbeTarget> targets, std::chrono::milliseconds deadline,
                                              std::chrono::milliseconds reset_grace,
                                              const ProbeSocketMaker& make_socket);

// Probes each target from its own network namespace: netns_paths[i] is "" (the caller's)
// or a path such as "/proc/PID/ns/net", entered only to make that target's socket (a socket
// keeps its namespace for good), by a thread of the batch's own; one loop then drives them
// all in one file-descriptor budget under one deadline, however many namespaces. A target
// whose namespace cannot be entered is `error` with the reason, kept per path in unenterable.
struct SpreadBatch {
    std::vector<ProbeOutcome> outcomes;  // one per target, in order
    std::map<std::string, Error> unenterable;
};
SpreadBatch probe_batch_across_namespaces(std::span<const ProbeTarget> targets, std::span<const std::string> netns_paths,
                                          std::chrono::milliseconds deadline,
                                          std::chrono::milliseconds reset_grace = kResetGrace);

// Runs work on a dedicated thread that first enters the network namespace at netns_path
// ("/proc/PID/ns/net", "/run/netns/NAME") and exits afterwards, so no other work ever runs
// in that namespace. Errors (source "probe"): cannot open the path, no privilege (EPERM).
Result<void> run_in_netns(const std::string& netns_path, const std::function<void()>& work);

Result<std::vector<ProbeOutcome>> probe_batch_in_netns(const std::string& netns_path,
                                                        std::span<const ProbeTarget> targets,
                                                        std::chrono::milliseconds deadline,
                                                        std::chrono::milliseconds reset_grace = kResetGrace);

}  // namespace dnd
