#pragma once
// --all: the facts of every running container, with what belongs to the host (the engine's
// identity, netfilter, links, routes, sysctls, the listener/owner scan) read once for all.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/collect/collect_timings.hpp"

namespace dnd {

struct RunningContainerFacts {
    std::string ref;  // the container's name, or its short id: how its report names it
    Result<Facts> facts;
    PhaseTimings timings;
};

// Lists the engine's running containers, reads the host once, then each container that
// wanted() accepts once inspected, at most `workers` at a time: the engine requests in
// parallel, the local reads (listeners, SELinux, paths) one at a time, since they share one
// /proc scan. A container that could not be collected keeps its error. Ordered by ref.
// An error only when the engine cannot be asked at all. progress(done, total), when given,
// is called (from any worker) as each running container is done. With ONLY_LABEL
// ("KEY=VALUE"), the engine lists only the running containers that carry it, and no other
// is inspected (a service's tasks among hundreds of containers).
using CollectProgress = std::function<void(std::size_t done, std::size_t total)>;
Result<std::vector<RunningContainerFacts>> collect_running_facts(const CollectOptions& options,
                                                                 const std::function<bool(const Container&)>& wanted,
                                                                 std::size_t workers,
                                                                 const CollectProgress& progress = {},
                                                                 std::string_view only_label = {});

}  // namespace dnd
