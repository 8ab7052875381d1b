#pragma once
// Addresses and interfaces as the kernel hands them over netlink (raw bytes, interface
// indexes), as text: one home for the trace, the log records and conntrack entries.
#include <cstdint>
#include <string>

namespace dnd {

// family 4 or 6; bytes: 4 or 16 of them, network order. "" when bytes is null.
std::string address_text(int family, const void* bytes);

// The interface's name in this network namespace; "ifN" when it is gone; "" for index 0.
std::string interface_name(std::uint32_t index);

}  // namespace dnd
