#pragma once
#include <string>
#include <string_view>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

// True when a registered check reports this id (the catalog also holds planned ids).
bool is_checked(std::string_view id);
Result<std::string> explain_text(std::string_view id);
std::string list_causes_text();

}  // namespace dnd
