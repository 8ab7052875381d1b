#pragma once
// The localization ladder: for each container port in question, try the connection from
// the inside out and see where it dies (shared/notes/probing.md).
//   1 inside the container's netns to 127.0.0.1:PORT        the app accepts at all
//   2 inside the container's netns to its own address       the app's bind address
//   3 from the host to the container's address              bridge, routing, host rules
//   4 from the host to every published address              proxy, DNAT, input rules
// Rungs 1+2 are probed from inside /proc/PID/ns/net, rungs 3+4 from the current netns, all
// in one batch: the whole ladder costs about one deadline, however many ports, and so do
// the ladders of many containers run together (run_ladder_plans).
#include <chrono>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

struct LadderPlan {
    std::string netns_path;            // the container's netns; "" when `inside` is empty
    std::vector<LadderProbe> inside;   // rungs 1+2 (outcomes not filled yet)
    std::vector<LadderProbe> outside;  // rungs 3+4
};

// Pure: which probes the ladder runs for these facts. host_addresses are this host's own
// addresses (they stand for a 0.0.0.0 / :: binding; IPv6 link-local ones are left out,
// they need a scope). Rungs that do not apply are left out: no running process, nothing
// at all; --network none or container:X, rung 1 only; --network host, rung 1 plus the
// app's own port on the host's addresses as rung 4 (-p is ignored there), and the host port a
// -p names, to show it answers nothing (or, when it is the app's port, that it works as written).
LadderPlan plan_probe_ladder(const Facts& facts, std::span<const std::string> host_addresses);

// Runs a plan under one deadline. When the netns cannot be entered (no privilege, the
// process is gone), the inside probes are `error` with the reason as detail; the result is
// an error only when nothing else ran. Outcomes ordered by port, then rung.
Result<std::vector<LadderProbe>> run_ladder_plan(const LadderPlan& plan, std::chrono::milliseconds deadline);

// Many plans (--all) as one batch under one deadline and one file-descriptor budget; one
// result per plan, in order, each as run_ladder_plan would give it. A batch of more than
// kCrowdedBatch probes goes half-open first (half_open.hpp): its TCP probes' SYN-ACKs and
// resets are read without the apps or docker-proxy seeing a connection; the rest connect.
std::vector<Result<std::vector<LadderProbe>>> run_ladder_plans(std::span<const LadderPlan> plans,
                                                               std::chrono::milliseconds deadline);

// A crowded batch can overflow a small app's accept queue (busybox httpd listens with a
// backlog of 9; --all reaches every app from about 7 places at once while hundreds of other
// ladders run), and a SYN dropped twice is a timeout the app did not cause. So after a batch
// of more than kCrowdedBatch probes, each TCP probe that timed out while another rung of the
// same port connected is probed again, all of them as one batch through `reprobe` (targets,
// and for each its netns path: the plan's for rungs 1+2, "" for the rest); only a timeout
// that repeats stands, and a retried probe's detail says it was retried. insides[l] and
// outsides[l] are the probes of plans[l], outcomes filled.
constexpr std::size_t kCrowdedBatch = 64;
using Reprobe = std::function<std::vector<ProbeOutcome>(std::span<const ProbeTarget> targets,
                                                        std::span<const std::string> netns_paths)>;
void recheck_crowded_timeouts(std::span<const LadderPlan> plans, std::vector<std::vector<LadderProbe>>& insides,
                              std::vector<std::vector<LadderProbe>>& outsides, std::size_t batch_size,
                              const Reprobe& reprobe);

// plan_probe_ladder + run_ladder_plan. An error when the container itself is unknown.
Result<std::vector<LadderProbe>> run_probe_ladder(const Facts& facts, std::span<const std::string> host_addresses,
                                                  std::chrono::milliseconds deadline);

}  // namespace dnd
