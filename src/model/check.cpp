#include "docknetdoctor/model/check.hpp"

#include <algorithm>

namespace dnd {

const Check* catalog_entry(std::span<const Check> catalog, std::string_view id) {
    auto it = std::find_if(catalog.begin(), catalog.end(), [&](const Check& c) { return c.id() == id; });
    return it == catalog.end() ? nullptr : &*it;
}

Finding new_finding(const CauseInfo& cause) {
    Finding f;
    f.id = std::string(cause.id);
    f.severity = cause.severity;
    return f;
}

std::string_view found_by(const Check& check) {
    if (check.run) return "checked";
    return check.reported_by_ranking ? "ranking" : "planned";
}

}  // namespace dnd
