#pragma once
// Strings from outside (names, labels, process names, daemon errors) never reach a
// terminal raw: control characters and escape sequences are shown as \xNN.
#include <string>
#include <string_view>

namespace dnd {

std::string sanitize(std::string_view s);

}  // namespace dnd
