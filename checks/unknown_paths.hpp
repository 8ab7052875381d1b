#pragma once
// A packet path the evaluator could not decide (PathVerdict::unknown: a ruleset that could
// not be read, a match it cannot evaluate) leaves open whether a rule drops that packet or
// lets it through. The checks that read Facts::paths say so instead of staying quiet.
#include <string>
#include <vector>

#include "docknetdoctor/packet_path.hpp"

namespace dnd::checks {

// One undecided reason per undecided path: "needs a decided path for <packet>: unknown: <why>".
void note_unknown_paths(const std::vector<PathResult>& paths, std::vector<std::string>& undecided);

}  // namespace dnd::checks
