// See endpoint.hpp.
#include "docknetdoctor/model/endpoint.hpp"

#include <fmt/format.h>

namespace dnd {

std::string format_endpoint(int family, std::string_view address, std::uint16_t port) {
    if (family == 6) return fmt::format("[{}]:{}", address, port);
    return fmt::format("{}:{}", address, port);
}

std::string format_endpoint(std::string_view address, std::uint16_t port) {
    return format_endpoint(address.find(':') != std::string_view::npos ? 6 : 4, address, port);
}

}  // namespace dnd
