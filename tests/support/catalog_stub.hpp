#pragma once
// The whole catalog with only chosen checks running, each with the test's own function:
// ranking tests feed chosen findings through the real evidence rules and catalog order.
#include <initializer_list>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/check.hpp"

namespace dnd::testing {

struct StubCheck {
    std::string_view id;  // a catalog id
    CheckResult (*run)(const Facts&);
};

// Every catalog entry, in catalog order; the stubs' entries run their function, the others
// nothing. An id the catalog does not know fails the test.
std::vector<Check> catalog_running(std::initializer_list<StubCheck> stubs);

}  // namespace dnd::testing
