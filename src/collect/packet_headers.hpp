#pragma once
// A packet's addresses, protocol and ports from its raw headers, as the kernel copies them
// into trace events (nftables) and log records (iptables-legacy through nfnetlink_log).
#include <cstdint>
#include <span>

#include "docknetdoctor/model/packet_path.hpp"

namespace dnd {

// family: 4 or 6. transport: the transport header when the kernel sent it apart; empty:
// it follows the network header (IPv4's IHL; IPv6's fixed header, no extension headers).
// Fields stay empty or 0 where the headers are too short.
Packet packet_from_headers(int family, std::span<const std::uint8_t> network,
                           std::span<const std::uint8_t> transport = {});

}  // namespace dnd
