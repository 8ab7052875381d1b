// Raw addresses and interface indexes as text.
#include "kernel_names.hpp"

#include <arpa/inet.h>
#include <net/if.h>

#include <fmt/format.h>

namespace dnd {

std::string address_text(int family, const void* bytes) {
    if (bytes == nullptr) return "";
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(family == 6 ? AF_INET6 : AF_INET, bytes, text, sizeof text);
    return text;
}

std::string interface_name(std::uint32_t index) {
    if (index == 0) return "";
    char name[IF_NAMESIZE] = {};
    return if_indextoname(index, name) != nullptr ? std::string(name) : fmt::format("if{}", index);
}

}  // namespace dnd
