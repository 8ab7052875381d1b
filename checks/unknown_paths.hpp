#pragma once
// A packet path the evaluator could not decide (PathVerdict::unknown: a ruleset that could
// not be read, a match it cannot evaluate) leaves open whether a rule drops that packet or
// lets it through. The checks that read Facts::paths say so instead of staying quiet.
#include <string>
#include <vector>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/packet_path.hpp"

namespace dnd::checks {

// One undecided reason per undecided path: "needs a decided path for <packet>: unknown: <why>".
void note_unknown_paths(const std::vector<PathResult>& paths, std::vector<std::string>& undecided);

// The preamble of every check that judges Facts::paths. Empty (false) when there is
// nothing to judge (no container, no published host port in question) or the paths are
// unavailable (then `undecided` says why); otherwise the container and its paths, with the
// undecided paths already noted.
struct PathsToJudge {
    const Container* container = nullptr;
    const std::vector<PathResult>* paths = nullptr;
    explicit operator bool() const { return container != nullptr && paths != nullptr; }
};
PathsToJudge paths_to_judge(const Facts& f, std::vector<std::string>& undecided);

}  // namespace dnd::checks
