#pragma once
// Which of the events a trace receives are the first marked packet's. One socket brings the
// events of every packet with nftrace set: the next datagrams of a UDP client, other flows
// to the port, another tool's nftrace. The first packet begins with the tracer's own
// marking event; a later marking event is another packet, and ends the first. Pure.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "docknetdoctor/model/trace.hpp"

namespace dnd {

class FirstTracedPacket {
public:
    explicit FirstTracedPacket(std::string own_table) : own_table_(std::move(own_table)) {}

    // Takes e when it is the first packet's; false otherwise. The kernel's id of a packet is
    // a hash that may change between hooks (a packet made here gets its flow hash on the
    // way), so an event with a new id is the first packet's when its headers have the first
    // packet's source address, source port and protocol (NAT before postrouting changes
    // only the destination). iptables-legacy's records carry no id: by those headers alone.
    bool take(const TraceEvent& e);
    bool started() const { return first_.has_value(); }
    // Another packet was marked (the first has gone through the hooks by then), or the
    // first was dropped.
    bool complete() const { return complete_; }
    const std::vector<TraceEvent>& events() const { return events_; }

private:
    bool same_flow(const Packet& p) const;

    std::string own_table_;
    std::optional<Packet> first_;
    std::string marked_in_;  // the marking chain it began in
    bool looped_back_ = false;
    std::set<std::uint32_t> ids_;
    std::vector<TraceEvent> events_;
    bool complete_ = false;
};

}  // namespace dnd
