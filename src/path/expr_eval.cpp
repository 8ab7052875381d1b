// One rule against the synthesized packet: expressions load into registers, comparisons
// and lookups end the rule when they fail (NFT_BREAK), as in the kernel. A load we cannot
// compute marks its register bytes unknown; a comparison over unknown bytes makes the
// rule's match unknown (a later comparison that fails still makes it a definite no).
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "path_internal.hpp"

namespace dnd::path {
namespace {

struct Registers {
    std::array<std::uint8_t, nf::kRegisterFileBytes> data{};
    std::array<bool, nf::kRegisterFileBytes> known{};

    // Stores bytes (or, with nullptr, unknown) at register r; false if out of range.
    bool store(nf::Register r, const std::uint8_t* bytes, std::size_t len) {
        auto off = nf::register_offset(r);
        if (!off || *off + len > nf::kRegisterFileBytes) return false;
        // The kernel zero-pads a partial last word.
        std::size_t padded = std::min(nf::kRegisterFileBytes - *off, (len + 3) / 4 * 4);
        for (std::size_t i = 0; i < padded; ++i) {
            data[*off + i] = (bytes != nullptr && i < len) ? bytes[i] : 0;
            known[*off + i] = bytes != nullptr;
        }
        return true;
    }
    bool store_unknown(nf::Register r, std::size_t len) { return store(r, nullptr, len); }
    bool store_u32(nf::Register r, std::uint32_t host_value) {
        std::uint8_t b[4];
        std::memcpy(b, &host_value, 4);
        return store(r, b, 4);
    }
    // nullopt: out of range; Tri::unknown in `state` when any byte is unknown.
    std::optional<nf::Bytes> load(nf::Register r, std::size_t len, bool& all_known) const {
        auto off = nf::register_offset(r);
        if (!off || *off + len > nf::kRegisterFileBytes) return std::nullopt;
        all_known = std::all_of(known.begin() + static_cast<long>(*off), known.begin() + static_cast<long>(*off + len),
                                [](bool k) { return k; });
        return nf::Bytes(data.begin() + static_cast<long>(*off), data.begin() + static_cast<long>(*off + len));
    }
};

std::vector<std::uint8_t> network_header(const PacketState& p) {
    if (p.family == 6) {
        std::vector<std::uint8_t> h(40, 0);
        h[0] = 0x60;
        h[4] = 0;
        h[5] = p.l4proto == 6 ? 40 : 8;  // payload length: the bare transport header
        h[6] = p.l4proto;
        h[7] = 64;
        std::copy(p.saddr.begin(), p.saddr.end(), h.begin() + 8);
        std::copy(p.daddr.begin(), p.daddr.end(), h.begin() + 24);
        return h;
    }
    std::vector<std::uint8_t> h(20, 0);
    h[0] = 0x45;
    h[3] = p.l4proto == 6 ? 40 : 28;
    h[6] = 0x40;  // DF
    h[8] = 64;
    h[9] = p.l4proto;
    std::copy(p.saddr.begin(), p.saddr.end(), h.begin() + 12);
    std::copy(p.daddr.begin(), p.daddr.end(), h.begin() + 16);
    return h;
}

std::vector<std::uint8_t> transport_header(const PacketState& p) {
    std::vector<std::uint8_t> h(p.l4proto == 6 ? 20 : 8, 0);
    h[0] = static_cast<std::uint8_t>(p.sport >> 8);
    h[1] = static_cast<std::uint8_t>(p.sport & 0xff);
    h[2] = static_cast<std::uint8_t>(p.dport >> 8);
    h[3] = static_cast<std::uint8_t>(p.dport & 0xff);
    if (p.l4proto == 6) {
        h[12] = 0x50;  // data offset 5
        h[13] = 0x02;  // SYN: the first packet of a connection
        h[14] = 0xfa;  // window
    } else {
        h[5] = 8;      // udp length
    }
    return h;
}

std::array<std::uint8_t, 16> ifname_bytes(const std::string& name) {
    std::array<std::uint8_t, 16> b{};
    std::memcpy(b.data(), name.data(), std::min<std::size_t>(name.size(), 15));
    return b;
}

int cmp_bytes(const nf::Bytes& a, const nf::Bytes& b) {
    std::size_t n = std::min(a.size(), b.size());
    int c = std::memcmp(a.data(), b.data(), n);
    return c;
}

class RuleRun {
public:
    RuleRun(const EvalContext& ctx, const nf::Table& table, const PacketState& packet)
        : ctx_(ctx), table_(table), p_(packet) {}

    RuleEffect run(const nf::Rule& rule) {
        for (const nf::Expr& e : rule.exprs) {
            visit_expr([this](const auto& x) { step(x); }, e);
            if (effect_.match == Tri::no) break;
        }
        if (effect_.match == Tri::no) {
            effect_.verdict.reset();
            effect_.nat.reset();
            effect_.reject = false;
        }
        return effect_;
    }

private:
    void unknown(std::string why) {
        if (effect_.match == Tri::yes) {
            effect_.match = Tri::unknown;
            effect_.unknown_reason = std::move(why);
        }
    }
    void no() { effect_.match = Tri::no; }
    void apply(Tri t, std::string why) {
        if (t == Tri::no) no();
        else if (t == Tri::unknown) unknown(std::move(why));
    }

    void step(const nf::Payload& e) {
        if (e.sreg) {  // header mangling: later matches would see bytes we do not follow
            unknown("payload write (header mangling) is not evaluated");
            return;
        }
        std::vector<std::uint8_t> header;
        if (e.base == nf::PayloadBase::network) header = network_header(p_);
        else if (e.base == nf::PayloadBase::transport) header = transport_header(p_);
        // In 64 bits: offset + len of 32-bit values from a facts file must not wrap.
        if (header.empty() || std::size_t{e.offset} + std::size_t{e.len} > header.size()) {
            regs_.store_unknown(e.dreg, e.len);
            pending_reason_ = e.base == nf::PayloadBase::link ? "link-layer header bytes" : "header bytes beyond the synthesized packet";
            return;
        }
        regs_.store(e.dreg, header.data() + e.offset, e.len);
    }

    void step(const nf::Cmp& e) {
        bool known = false;
        auto v = regs_.load(e.sreg, e.data.size(), known);
        if (!v) return unknown("comparison on a register out of range");
        if (!known) return unknown(reason_or("a comparison on a value the evaluator cannot compute"));
        int c = cmp_bytes(*v, e.data);
        bool ok = false;
        switch (e.op) {
        case nf::CmpOp::eq: ok = c == 0; break;
        case nf::CmpOp::neq: ok = c != 0; break;
        case nf::CmpOp::lt: ok = c < 0; break;
        case nf::CmpOp::lte: ok = c <= 0; break;
        case nf::CmpOp::gt: ok = c > 0; break;
        case nf::CmpOp::gte: ok = c >= 0; break;
        }
        if (!ok) no();
    }

    void step(const nf::Meta& e) {
        if (e.sreg) {
            if (e.key == nf::MetaKey::mark) mark_unknown_ = effect_.sets_mark = true;
            return;  // meta set: nftrace, priority, mark ... no match
        }
        if (!e.dreg) return;
        const nf::Register r = *e.dreg;
        switch (e.key) {
        case nf::MetaKey::iifname: { auto b = ifname_bytes(p_.iif); regs_.store(r, b.data(), 16); return; }
        case nf::MetaKey::oifname: { auto b = ifname_bytes(p_.oif); regs_.store(r, b.data(), 16); return; }
        case nf::MetaKey::iif:
        case nf::MetaKey::oif: {
            const std::string& name = e.key == nf::MetaKey::iif ? p_.iif : p_.oif;
            if (name.empty()) { regs_.store_u32(r, 0); return; }
            if (auto idx = ifindex_of(ctx_.host, name)) { regs_.store_u32(r, static_cast<std::uint32_t>(*idx)); return; }
            regs_.store_unknown(r, 4);
            pending_reason_ = "interface index of " + name + " unknown";
            return;
        }
        case nf::MetaKey::l4proto: { std::uint8_t b = p_.l4proto; regs_.store(r, &b, 1); return; }
        case nf::MetaKey::nfproto: { std::uint8_t b = p_.family == 6 ? 10 : 2; regs_.store(r, &b, 1); return; }
        case nf::MetaKey::protocol: {
            std::uint8_t b[2] = {static_cast<std::uint8_t>(p_.family == 6 ? 0x86 : 0x08), static_cast<std::uint8_t>(p_.family == 6 ? 0xdd : 0x00)};
            regs_.store(r, b, 2);
            return;
        }
        case nf::MetaKey::mark:
            if (mark_unknown_ || p_.mark_unknown) { regs_.store_unknown(r, 4); pending_reason_ = "meta mark set by an earlier rule"; }
            else regs_.store_u32(r, 0);
            return;
        case nf::MetaKey::pkttype: {
            if (p_.iif.empty()) { regs_.store_unknown(r, 1); pending_reason_ = "meta pkttype of a local packet"; return; }
            std::uint8_t b = 0;  // PACKET_HOST: unicast to this host
            regs_.store(r, &b, 1);
            return;
        }
        default:
            regs_.store_unknown(r, 16);
            pending_reason_ = fmt::format("meta {} is not evaluated", nf::to_string(e.key));
            return;
        }
    }

    void step(const nf::Bitwise& e) {
        bool known = false;
        auto v = regs_.load(e.sreg, e.len, known);
        if (!v) return unknown("bitwise on a register out of range");
        if (!known || e.op != nf::BitwiseOp::mask_xor || e.mask.size() < e.len || e.xor_.size() < e.len) {
            if (known) pending_reason_ = "bitwise shift is not evaluated";
            regs_.store_unknown(e.dreg, e.len);
            return;
        }
        for (std::size_t i = 0; i < e.len; ++i) (*v)[i] = static_cast<std::uint8_t>(((*v)[i] & e.mask[i]) ^ e.xor_[i]);
        regs_.store(e.dreg, v->data(), e.len);
    }

    void step(const nf::Range& e) {
        bool known = false;
        auto v = regs_.load(e.sreg, e.from.size(), known);
        if (!v) return unknown("range on a register out of range");
        if (!known) return unknown(reason_or("a range over a value the evaluator cannot compute"));
        bool inside = cmp_bytes(*v, e.from) >= 0 && cmp_bytes(*v, e.to) <= 0;
        if (inside == e.negate) no();
    }

    void step(const nf::Lookup& e) {
        const nf::Set* set = table_.find_set(e.set);
        if (set == nullptr) return unknown("set " + e.set + " not in the dump");
        bool known = false;
        auto key = regs_.load(e.sreg, set->key_len, known);
        if (!key) return unknown("lookup key out of register range");
        if (!known) return unknown(reason_or("a set lookup on a value the evaluator cannot compute"));
        if (e.dreg && !e.invert && !set->elements_loaded) {  // a lookup by key gives no data
            effect_.opaque_target = *e.dreg == nf::kRegVerdict;  // an unknown verdict could decide
            return unknown("map @" + e.set + " elements not loaded: its data is unknown");
        }
        SetAnswer answer = find_in_set(ctx_, table_, *set, *key);
        if (answer.found == Tri::unknown) return unknown(answer.reason);
        bool found = answer.found == Tri::yes;
        if (found == e.invert) return no();
        if (!e.dreg || e.invert) return;
        if (answer.element == nullptr) {
            effect_.opaque_target = *e.dreg == nf::kRegVerdict;  // an unknown verdict could decide
            return unknown("map @" + e.set + " elements not loaded: its data is unknown");
        }
        if (*e.dreg == nf::kRegVerdict) {
            if (answer.element->verdict) effect_.verdict = answer.element->verdict;
            else unknown("verdict map element without a verdict");
        } else {
            regs_.store(*e.dreg, answer.element->data.data(), answer.element->data.size());
        }
    }

    void step(const nf::Ct& e) {
        if (e.sreg) {  // ct mark set ...: no match, but a later "meta mark set ct mark" follows it
            effect_.sets_mark = true;
            return;
        }
        if (!e.dreg) return;
        const nf::Register r = *e.dreg;
        if (e.direction && e.key != nf::CtKey::state && e.key != nf::CtKey::direction && e.key != nf::CtKey::status) {
            regs_.store_unknown(r, 16);
            pending_reason_ = fmt::format("ct {} with a direction is not evaluated", nf::to_string(e.key));
            return;
        }
        switch (e.key) {
        case nf::CtKey::state: regs_.store_u32(r, nf::kCtStateNew); return;
        case nf::CtKey::direction: { std::uint8_t b = 0; regs_.store(r, &b, 1); return; }  // original
        case nf::CtKey::status:
            // A new connection: unconfirmed; after DNAT it carries IPS_DST_NAT | IPS_DST_NAT_DONE.
            regs_.store_u32(r, p_.dnat_done ? (0x20u | 0x100u) : 0u);
            return;
        case nf::CtKey::mark: regs_.store_u32(r, 0); return;
        case nf::CtKey::l3protocol: { std::uint8_t b = p_.family == 6 ? 10 : 2; regs_.store(r, &b, 1); return; }
        case nf::CtKey::protocol: { std::uint8_t b = p_.l4proto; regs_.store(r, &b, 1); return; }
        default:
            regs_.store_unknown(r, 16);
            pending_reason_ = fmt::format("ct {} is not evaluated", nf::to_string(e.key));
            return;
        }
    }

    void step(const nf::Fib& e) {
        const bool daddr = (e.flags & nf::kFibDaddr) != 0;
        const bool saddr = (e.flags & nf::kFibSaddr) != 0;
        if (e.result == nf::FibResult::addrtype && daddr && (e.flags & nf::kFibIif) == 0 && (e.flags & nf::kFibOif) == 0) {
            if (auto t = address_type(ctx_.host, p_.family, p_.daddr)) { regs_.store_u32(e.dreg, *t); return; }
            regs_.store_unknown(e.dreg, 4);
            pending_reason_ = "fib daddr type needs the routes";
            return;
        }
        if ((e.result == nf::FibResult::oif || e.result == nf::FibResult::oifname) && (daddr || saddr) && !p_.iif.empty()) {
            // rpfilter-style "fib saddr . iif oif": the interface a reply would leave through.
            const nf::Bytes& addr = saddr ? p_.saddr : p_.daddr;
            RouteDecision d = route_lookup(ctx_.host, p_.family, addr);
            if (d.kind == RouteDecision::Kind::forward) {
                std::string oif = d.oif;
                if ((e.flags & nf::kFibIif) != 0 && oif != p_.iif) oif.clear();
                const bool present = (e.flags & nf::kFibPresent) != 0;
                if (e.result == nf::FibResult::oifname && !present) {
                    auto b = ifname_bytes(oif);
                    regs_.store(e.dreg, b.data(), 16);
                    return;
                }
                std::uint32_t index = 0;
                if (!oif.empty()) {
                    auto idx = ifindex_of(ctx_.host, oif);
                    if (!idx) { regs_.store_unknown(e.dreg, 4); pending_reason_ = "interface index of " + oif + " unknown"; return; }
                    index = static_cast<std::uint32_t>(*idx);
                }
                regs_.store_u32(e.dreg, present ? (index != 0 ? 1u : 0u) : index);
                return;
            }
        }
        regs_.store_unknown(e.dreg, 16);
        pending_reason_ = "this fib expression is not evaluated";
    }

    std::optional<nf::Bytes> reg_bytes(std::optional<nf::Register> r, std::size_t len) {
        if (!r) return std::nullopt;
        bool known = false;
        auto v = regs_.load(*r, len, known);
        if (!v || !known) return std::nullopt;
        return v;
    }

    void step(const nf::Nat& e) {
        NatAction nat;
        nat.kind = e.type == nf::NatType::dnat ? NatAction::Kind::dnat : NatAction::Kind::snat;
        const std::size_t alen = e.family == 10 ? 16 : 4;
        if (e.reg_addr_min) {
            nat.address = reg_bytes(e.reg_addr_min, alen);
            if (!nat.address) return unknown("nat address from a register the evaluator cannot compute");
        }
        if (e.reg_proto_min) {
            auto port = reg_bytes(e.reg_proto_min, 2);
            if (!port) return unknown("nat port from a register the evaluator cannot compute");
            nat.port = static_cast<std::uint16_t>((*port)[0] << 8 | (*port)[1]);
        }
        effect_.nat = nat;
        effect_.verdict = nf::Verdict{nf::Verdict::Kind::accept, {}};
    }
    void step(const nf::Masq&) {
        effect_.nat = NatAction{NatAction::Kind::masquerade, std::nullopt, std::nullopt};
        effect_.verdict = nf::Verdict{nf::Verdict::Kind::accept, {}};
    }
    void step(const nf::Redir& e) {
        NatAction nat{NatAction::Kind::redirect, std::nullopt, std::nullopt};
        if (e.reg_proto_min) {
            auto port = reg_bytes(e.reg_proto_min, 2);
            if (!port) return unknown("redirect port from a register the evaluator cannot compute");
            nat.port = static_cast<std::uint16_t>((*port)[0] << 8 | (*port)[1]);
        }
        effect_.nat = nat;
        effect_.verdict = nf::Verdict{nf::Verdict::Kind::accept, {}};
    }
    void step(const nf::Immediate& e) {
        if (e.dreg == nf::kRegVerdict) {
            if (e.verdict) effect_.verdict = e.verdict;
            return;
        }
        regs_.store(e.dreg, e.data.data(), e.data.size());
    }
    void step(const nf::Reject&) {
        effect_.reject = true;
        effect_.verdict = nf::Verdict{nf::Verdict::Kind::drop, {}};
    }
    void step(const nf::Counter&) {}
    void step(const nf::Log&) {}
    // A limit passes or not depending on the packets seen just before: the evaluator has no
    // such history, so it is unknown. A rule whose verdict does not matter (limit + log)
    // changes nothing; the chain walk only lets unknowns that could decide count.
    void step(const nf::Limit&) { unknown("limit depends on the recent packet rate"); }
    void step(const nf::Xt& e);
    void step(const nf::LegacyIp& e) { apply(eval_legacy_ip(ctx_, e, p_), "legacy ip header match"); }
    void step(const nf::Unknown& e) { unknown("expression " + e.name + " is not evaluated"); }

    std::string reason_or(std::string fallback) {
        return pending_reason_.empty() ? std::move(fallback) : pending_reason_;
    }

    const EvalContext& ctx_;
    const nf::Table& table_;
    const PacketState& p_;
    Registers regs_;
    RuleEffect effect_;
    std::string pending_reason_;
    bool mark_unknown_ = false;
};

void RuleRun::step(const nf::Xt& e) {
    if (!e.is_target) {
        std::string why;
        apply(eval_xt_match(ctx_, e, p_, why), why);
        return;
    }
    eval_xt_target(e, p_, effect_);
}

}  // namespace

RuleEffect eval_rule(const EvalContext& ctx, const nf::Table& table, const nf::Rule& rule, const PacketState& packet) {
    return RuleRun(ctx, table, packet).run(rule);
}

}  // namespace dnd::path
