// The first traced packet's events, told apart from the others'.
#include "docknetdoctor/path/trace_packet.hpp"

namespace dnd {
namespace {

bool marks(const TraceEvent& e, const std::string& own_table) {
    if (e.legacy || e.table != own_table) return false;
    const TraceChain* own = find_trace_chain(e.chain);
    return own != nullptr && own->role == TraceChain::Role::marks;
}

}  // namespace

bool FirstTracedPacket::same_flow(const Packet& p) const {
    return p.saddr == first_->saddr && p.sport == first_->sport && p.proto == first_->proto;
}

bool FirstTracedPacket::take(const TraceEvent& e) {
    if (complete_) return false;
    const bool has_headers = !e.packet.saddr.empty();
    if (!first_) {
        // Only the tracer's own mark begins a packet: anything marked by another table first
        // (another trace, a user's nftrace) is not about this question.
        if (!marks(e, own_table_) || !has_headers) return false;
        first_ = e.packet;
        marked_in_ = e.chain;
        ids_.insert(e.id);
        events_.push_back(e);
        return true;
    }
    if (marks(e, own_table_) && has_headers) {
        // A packet made here for a local address and not translated away comes back in
        // through lo: marked again in prerouting, still the first packet.
        const bool looped_back = !looped_back_ && marked_in_ == "output" && e.chain == "prerouting" && e.iif == "lo" &&
                                 same_flow(e.packet);
        if (!looped_back) {
            complete_ = true;
            return false;
        }
        looped_back_ = true;
    }
    bool ours = false;
    if (e.legacy) ours = has_headers && same_flow(e.packet);
    else if (ids_.contains(e.id)) ours = true;
    else if (has_headers && same_flow(e.packet)) ours = ids_.insert(e.id).second;
    if (!ours) return false;
    events_.push_back(e);
    if (e.table != own_table_ && e.verdict == "drop") complete_ = true;
    return true;
}

}  // namespace dnd
