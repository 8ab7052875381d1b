#pragma once
// `explain ID` and `list-causes`: the catalog (checks/all_checks.hpp) for a person.
#include <string>
#include <string_view>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

Result<std::string> explain_text(std::string_view id);
std::string list_causes_text();

}  // namespace dnd
