#pragma once
// Runs the checks over Facts and turns findings into an ordered, explained report.
#include <span>

#include "docknetdoctor/model/check.hpp"
#include "docknetdoctor/model/report.hpp"

namespace dnd {

// catalog: every cause the run knows (checks/all_checks.hpp): the checks with a function
// run, and every entry's evidence rule and place in the order count.
Report build_report(const Facts& facts, std::span<const Check> catalog);

// Puts causes in report order by the ranking principle (rank.cpp); ranks are not set.
void order_causes(std::vector<RankedCause>& causes, std::span<const Check> catalog);

}  // namespace dnd
