#pragma once
// Strings from outside (names, labels, process names, daemon errors) never reach a
// terminal raw: control characters and escape sequences are shown as \xNN, the C1 controls
// (also as lone bytes) and bytes that are not UTF-8 too, so every output is valid UTF-8.
#include <string>
#include <string_view>

namespace dnd {

std::string sanitize(std::string_view s);

}  // namespace dnd
