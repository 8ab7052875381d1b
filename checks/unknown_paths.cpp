// See unknown_paths.hpp.
#include "unknown_paths.hpp"

#include <fmt/format.h>

#include "docknetdoctor/netfilter_query.hpp"

namespace dnd::checks {

void note_unknown_paths(const std::vector<PathResult>& paths, std::vector<std::string>& undecided) {
    for (const PathResult& path : paths)
        if (path.verdict == PathVerdict::unknown)
            undecided.push_back(fmt::format("needs a decided path for {}: {}", describe_packet(path.packet),
                                            path.decided_by));
}

}  // namespace dnd::checks
