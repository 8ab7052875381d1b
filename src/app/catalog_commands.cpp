// `explain ID` and `list-causes`: the catalog for a person.
#include "docknetdoctor/app/catalog_commands.hpp"

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/suggest.hpp"

namespace dnd {

Result<std::string> explain_text(std::string_view id) {
    const Check* entry = find_check(id);
    if (!entry) {
        std::vector<std::string> ids;
        for (const Check& known : all_checks()) ids.emplace_back(known.id());
        auto near = closest_matches(id, ids);
        std::string hint = near.empty() ? " (see docknetdoctor list-causes)"
                                        : fmt::format(" (did you mean: {}?)", fmt::join(near, ", "));
        return fail("usage", fmt::format("unknown cause id '{}'{}", id, hint));
    }
    const CauseInfo* c = &entry->cause;
    std::string out = fmt::format("{}  [{}]\n\n", c->id, to_string(c->severity));
    out += fmt::format("What it means\n  {}\n\n", c->summary);
    out += fmt::format("Why\n  {}\n\n", c->rationale);
    out += fmt::format("Evidence docknetdoctor reads\n  {}\n\n", c->evidence);
    out += fmt::format("Fix\n  {}\n", c->fix);
    const std::string_view how = found_by(*entry);
    if (how == "checked") out += "\nFound by a check of what docknetdoctor collects (or reads from a facts file).\n";
    else if (how == "ranking") out += "\nFound by the ranking: a probe failed and no check's finding explains it.\n";
    else out += "\nThis version of docknetdoctor does not check for it yet.\n";
    return out;
}

std::string list_causes_text() {
    std::string out;
    for (const Check& entry : all_checks()) {
        const CauseInfo& c = entry.cause;
        out += fmt::format("{:<36} {:<9} {:<8} {}\n", c.id, to_string(c.severity), found_by(entry),
                           c.summary);
    }
    return out;
}

}  // namespace dnd
