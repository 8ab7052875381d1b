#pragma once
// IPVS's virtual services and their real servers, read over generic netlink (the kernel's
// "IPVS" family, as ipvsadm -Ln reads them) in the calling thread's network namespace. The
// parse functions take single reply messages, so the tests can hand them recorded bytes.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

// Every virtual service of this network namespace with its real servers: one GET_SERVICE
// dump, then one GET_DEST dump per service. A kernel without IPVS knows no such family: an
// error that says so (source "ipvs").
Result<std::vector<IpvsService>> read_ipvs_services();

// One IPVS_CMD_NEW_SERVICE message (a GET_SERVICE dump's answer): netlink header, genl
// header, IPVS_CMD_ATTR_SERVICE. Destinations are left empty.
Result<IpvsService> parse_ipvs_service_message(std::span<const std::uint8_t> message);

// One IPVS_CMD_NEW_DEST message (a GET_DEST dump's answer): IPVS_CMD_ATTR_DEST. Its address
// family is the message's own (IPVS_DEST_ATTR_ADDR_FAMILY) or, from kernels before 4.x that
// do not send it, the service's (service_family: 4 or 6).
Result<IpvsDestination> parse_ipvs_destination_message(std::span<const std::uint8_t> message, int service_family);

}  // namespace dnd
