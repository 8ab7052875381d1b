#pragma once
// The cause catalog: every id docknetdoctor can report (mirrors shared causes.md and the
// man page). Ids are a public interface: never renamed or reused.
#include <optional>
#include <span>
#include <string_view>

#include "docknetdoctor/model/finding.hpp"

namespace dnd {

struct CauseInfo {
    std::string_view id;
    Severity severity;            // default severity (a check may lower it, e.g. --from local)
    std::string_view summary;     // what it means
    std::string_view evidence;    // what a check reads
    std::string_view fix;         // the typical fix
    std::string_view rationale;   // why it happens / why the fix works (for `explain`)
};

std::span<const CauseInfo> cause_catalog();
const CauseInfo* find_cause(std::string_view id);

// A Finding with the cause's id and default severity, for a check to fill in. Every check's
// id is in the catalog (a unit test holds that); an unknown id gets Severity::warning.
Finding new_finding(std::string_view id);

}  // namespace dnd
