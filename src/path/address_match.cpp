// address_match.hpp, on the evaluator's own parsing (path_internal.hpp).
#include "docknetdoctor/path/address_match.hpp"

#include "path_internal.hpp"

namespace dnd {

bool address_in_subnet(std::string_view address, std::string_view cidr) {
    if (cidr == "default") return false;  // a route's word, not a network
    const auto bytes = path::parse_ip(address);
    if (!bytes) return false;
    const auto network = path::parse_cidr(cidr, bytes->size() == 16 ? 6 : 4);
    return network && network->first.size() == bytes->size() && path::in_prefix(*bytes, network->first, network->second);
}

}  // namespace dnd
