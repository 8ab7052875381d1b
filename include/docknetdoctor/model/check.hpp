#pragma once
// A check reads Facts and returns findings. Pure: no I/O, no clock, no globals.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/finding.hpp"

namespace dnd {

struct CheckResult {
    std::vector<Finding> findings;
    // Why the check could not decide (a fact it needs is unavailable). Empty: it decided.
    std::vector<std::string> undecided;
};

struct Check {
    std::string_view id;  // the cause id it reports
    CheckResult (*run)(const Facts&);
};

// The explicit list of all checks (checks/registry.cpp), in catalog order.
std::span<const Check> all_checks();

}  // namespace dnd
