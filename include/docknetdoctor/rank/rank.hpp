#pragma once
// Runs the checks over Facts and turns findings into an ordered, explained report.
#include <span>

#include "docknetdoctor/model/check.hpp"
#include "docknetdoctor/model/report.hpp"

namespace dnd {

Report build_report(const Facts& facts, std::span<const Check> checks);

// Puts causes in report order by the ranking principle (rank.cpp); ranks are not set.
void order_causes(std::vector<RankedCause>& causes);

}  // namespace dnd
