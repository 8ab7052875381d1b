#pragma once
// Whether an address lies in a network, for the checks that ask which network an address
// belongs to. Pure; lives in dnd_path beside the evaluator's own address parsing.
#include <string_view>

namespace dnd {

// ADDRESS ("10.0.1.2", "fd00::2") in CIDR ("10.0.1.0/24"); false when either is malformed or
// their families differ.
bool address_in_subnet(std::string_view address, std::string_view cidr);

}  // namespace dnd
