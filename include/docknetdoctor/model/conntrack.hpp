#pragma once
// A connection tracking entry (ctnetlink): the flow as it came in (original direction) and
// as the answer must come back (reply direction). The reply's source is where NAT sent the
// flow: a container's address after Docker's DNAT, the original destination when no NAT
// applied.
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/port.hpp"

namespace dnd {

struct ConntrackEntry {
    int family = 4;
    Proto proto = Proto::tcp;
    std::string orig_src, orig_dst;
    std::uint16_t orig_sport = 0, orig_dport = 0;
    std::string reply_src, reply_dst;
    std::uint16_t reply_sport = 0, reply_dport = 0;
    bool seen_reply = false;      // IPS_SEEN_REPLY: an answer came back (no: [UNREPLIED])
    bool assured = false;         // IPS_ASSURED
    std::string tcp_state;        // "ESTABLISHED", "SYN_SENT" ...; "" for UDP
    std::uint32_t timeout = 0;    // seconds left

    // Where the flow goes: NAT sent it elsewhere than its original destination.
    bool translated() const { return reply_src != orig_dst || reply_sport != orig_dport; }
};

// "udp 10.0.0.2:40555 -> 192.0.2.10:8170, answered from 172.17.0.3:5353 [UNREPLIED], 29 s left"
std::string describe(const ConntrackEntry& e);

void to_json(nlohmann::json& j, const ConntrackEntry& e);
void from_json(const nlohmann::json& j, ConntrackEntry& e);

}  // namespace dnd
