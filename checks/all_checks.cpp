#include "docknetdoctor/checks/all_checks.hpp"

#include <vector>

namespace dnd {

std::span<const Check> all_checks() {
    // Built on first use, after every entry's own first-use initialization.
    static const std::vector<Check> catalog{
#define DND_LIST_CHECK(entry) checks::entry(),
        DND_CATALOG(DND_LIST_CHECK)
#undef DND_LIST_CHECK
    };
    return catalog;
}

const Check* find_check(std::string_view id) { return catalog_entry(all_checks(), id); }

}  // namespace dnd
