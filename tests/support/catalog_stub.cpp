#include "catalog_stub.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "docknetdoctor/checks/all_checks.hpp"

namespace dnd::testing {

std::vector<Check> catalog_running(std::initializer_list<StubCheck> stubs) {
    std::vector<Check> catalog(all_checks().begin(), all_checks().end());
    for (Check& entry : catalog) entry.run = nullptr;
    for (const StubCheck& stub : stubs) {
        auto it = std::find_if(catalog.begin(), catalog.end(), [&](const Check& c) { return c.id() == stub.id; });
        if (it == catalog.end()) ADD_FAILURE() << stub.id << " is not in the catalog";
        else it->run = stub.run;
    }
    return catalog;
}

}  // namespace dnd::testing
