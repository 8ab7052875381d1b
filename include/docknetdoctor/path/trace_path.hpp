#pragma once
// The kernel's own path of one traced packet, in the evaluator's terms (the same steps and
// verdicts "Packet paths" shows), and how it compares with the evaluator's prediction for
// the same packet. Pure: the rules come from the HostNetwork collected before the trace.
#include <span>
#include <string>
#include <string_view>

#include "docknetdoctor/model/host_network.hpp"
#include "docknetdoctor/model/packet_path.hpp"
#include "docknetdoctor/model/trace.hpp"

namespace dnd {

// One packet's events, in the order the kernel sent them. Events of own_table (the
// tracer's own table, which only marks packets) are left out; rules are named from
// host.nftables by their handles ("handle N, not in the rules read" when the ruleset
// changed since). The verdict: dropped or rejected at the first drop; else forwarded when
// the packet reached forward or postrouting with an output interface, delivered_local when
// it reached input, sent when it was made here; unknown when the events end before any of that.
PathResult traced_path(const HostNetwork& host, std::span<const TraceEvent> events, std::string_view own_table);

// iptables-legacy steps are not compared: nftrace cannot see them.
TraceComparison compare_with_prediction(const PathResult& traced, const PathResult& predicted);

}  // namespace dnd
