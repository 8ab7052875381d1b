// `explain ID` and `list-causes`: the catalog for a person.
#include "docknetdoctor/app/catalog_commands.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/model/causes.hpp"
#include "docknetdoctor/model/check.hpp"
#include "docknetdoctor/model/suggest.hpp"

namespace dnd {

bool is_checked(std::string_view id) {
    auto checks = all_checks();
    return std::any_of(checks.begin(), checks.end(), [&](const Check& c) { return c.id == id; });
}

Result<std::string> explain_text(std::string_view id) {
    const CauseInfo* c = find_cause(id);
    if (!c) {
        std::vector<std::string> ids;
        for (const auto& info : cause_catalog()) ids.emplace_back(info.id);
        auto near = closest_matches(id, ids);
        std::string hint = near.empty() ? " (see docknetdoctor list-causes)"
                                        : fmt::format(" (did you mean: {}?)", fmt::join(near, ", "));
        return fail("usage", fmt::format("unknown cause id '{}'{}", id, hint));
    }
    std::string out = fmt::format("{}  [{}]\n\n", c->id, to_string(c->severity));
    out += fmt::format("What it means\n  {}\n\n", c->summary);
    out += fmt::format("Why\n  {}\n\n", c->rationale);
    out += fmt::format("Evidence docknetdoctor reads\n  {}\n\n", c->evidence);
    out += fmt::format("Fix\n  {}\n", c->fix);
    if (!is_checked(c->id)) out += "\nThis version of docknetdoctor does not check for it yet.\n";
    return out;
}

std::string list_causes_text() {
    std::string out;
    for (const auto& c : cause_catalog())
        out += fmt::format("{:<36} {:<9} {:<8} {}\n", c.id, to_string(c.severity),
                           is_checked(c.id) ? "checked" : "planned", c.summary);
    return out;
}

}  // namespace dnd
