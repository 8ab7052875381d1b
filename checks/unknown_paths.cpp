// See unknown_paths.hpp.
#include "unknown_paths.hpp"

#include <fmt/format.h>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"

namespace dnd::checks {

void note_unknown_paths(const std::vector<PathResult>& paths, std::vector<std::string>& undecided) {
    for (const PathResult& path : paths)
        if (path.verdict == PathVerdict::unknown)
            undecided.push_back(fmt::format("needs a decided path for {}: {}", describe_packet(path.packet),
                                            path.decided_by));
}

PathsToJudge paths_to_judge(const Facts& f, std::vector<std::string>& undecided) {
    const Container* c = container_to_judge(f, undecided);
    // The paths are packets to the host ports clients use for the ports in question: published
    // ones, or a host-network app's own (none under --to).
    if (!c || !has_client_host_port(f)) return {};
    if (!f.paths) {
        undecided.push_back(unavailable_reason("paths", f.paths.error()));
        return {};
    }
    note_unknown_paths(*f.paths, undecided);
    return {c, &*f.paths};
}

}  // namespace dnd::checks
