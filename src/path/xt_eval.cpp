// xt extensions (iptables-nft "match"/"target" expressions and iptables-legacy entries)
// and the legacy ip header, against the synthesized packet.
#include <algorithm>

#include <fmt/format.h>

#include "path_internal.hpp"

namespace dnd::path {
namespace {

bool masked_equal(const nf::Bytes& addr, const nf::Bytes& want, const nf::Bytes& mask) {
    if (addr.size() != want.size() || mask.size() != addr.size()) return false;
    for (std::size_t i = 0; i < addr.size(); ++i)
        if ((addr[i] & mask[i]) != (want[i] & mask[i])) return false;
    return true;
}

bool iface_matches(const std::string& actual, const std::string& pattern, bool wildcard) {
    if (pattern.empty()) return true;
    if (wildcard) return actual.compare(0, pattern.size(), pattern) == 0;
    return actual == pattern;
}

Tri from_bool(bool b) { return b ? Tri::yes : Tri::no; }

bool between(const nf::Bytes& v, const nf::Bytes& lo, const nf::Bytes& hi) {
    return v.size() == lo.size() && v.size() == hi.size() &&
           !std::lexicographical_compare(v.begin(), v.end(), lo.begin(), lo.end()) &&
           !std::lexicographical_compare(hi.begin(), hi.end(), v.begin(), v.end());
}

}  // namespace

bool multiport_has(const nf::XtMultiport& m, std::uint16_t port) {
    for (std::size_t i = 0; i < m.ports.size(); ++i) {
        if (i < m.range_start.size() && m.range_start[i] != 0 && i + 1 < m.ports.size()) {
            if (port >= m.ports[i] && port <= m.ports[i + 1]) return true;
            ++i;
        } else if (m.ports[i] == port) {
            return true;
        }
    }
    return false;
}

Tri eval_legacy_ip(const EvalContext&, const nf::LegacyIp& ip, const PacketState& p) {
    auto inv = [&](std::uint8_t flag, bool b) { return ((ip.invflags & flag) != 0) != b; };
    if (!inv(0x08, masked_equal(p.saddr, ip.src, ip.src_mask))) return Tri::no;
    if (!inv(0x10, masked_equal(p.daddr, ip.dst, ip.dst_mask))) return Tri::no;
    if (!ip.iniface.empty() && !inv(0x01, iface_matches(p.iif, ip.iniface, ip.iniface_wildcard))) return Tri::no;
    if (!ip.outiface.empty() && !inv(0x02, iface_matches(p.oif, ip.outiface, ip.outiface_wildcard))) return Tri::no;
    if (ip.proto != 0 && !inv(0x40, p.l4proto == ip.proto)) return Tri::no;
    // IPT_F_FRAG: second and later fragments only; the packet is a whole first packet.
    if (ip.family == 4 && (ip.flags & 0x01) != 0 && !inv(0x20, false)) return Tri::no;
    return Tri::yes;
}

Tri eval_xt_match(const EvalContext& ctx, const nf::Xt& xt, const PacketState& p, std::string& why) {
    return std::visit(
        [&](const auto& d) -> Tri {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, nf::XtComment>) {
                return Tri::yes;
            } else if constexpr (std::is_same_v<T, nf::XtConntrack>) {
                if ((d.match_flags & ~std::uint16_t{1}) != 0) {
                    why = fmt::format("conntrack match flags {:#x} beyond --ctstate are not evaluated", d.match_flags);
                    return Tri::unknown;
                }
                std::uint16_t state = nf::kCtStateNew | (p.dnat_done ? nf::kCtStateDnat : 0);
                return from_bool(((d.state_mask & state) != 0) != d.state_invert());
            } else if constexpr (std::is_same_v<T, nf::XtAddrtype>) {
                if ((d.flags & 0x0c) != 0) {
                    why = "addrtype --limit-iface-in/out is not evaluated";
                    return Tri::unknown;
                }
                auto check = [&](std::uint16_t wanted, const nf::Bytes& addr, bool invert) -> Tri {
                    if (wanted == 0) return Tri::yes;
                    auto t = address_type(ctx.host, p.family, addr);
                    if (!t) { why = "addrtype needs the routes"; return Tri::unknown; }
                    return from_bool(((wanted & (1u << *t)) != 0) != invert);
                };
                Tri src = check(d.source, p.saddr, (d.flags & 1) != 0);
                if (src == Tri::no) return Tri::no;
                Tri dst = check(d.dest, p.daddr, (d.flags & 2) != 0);
                if (dst == Tri::no) return Tri::no;
                return (src == Tri::unknown || dst == Tri::unknown) ? Tri::unknown : Tri::yes;
            } else if constexpr (std::is_same_v<T, nf::XtPorts>) {
                const std::uint8_t proto = xt.name == "udp" ? 17 : 6;
                if (p.l4proto != proto) return Tri::no;
                bool s = (p.sport >= d.sport_min && p.sport <= d.sport_max) != ((d.invflags & 1) != 0);
                bool t = (p.dport >= d.dport_min && p.dport <= d.dport_max) != ((d.invflags & 2) != 0);
                bool f = true;
                if (proto == 6 && d.tcp_flags_mask != 0)  // a SYN
                    f = ((0x02 & d.tcp_flags_mask) == d.tcp_flags_cmp) != ((d.invflags & 0x08) != 0);
                return from_bool(s && t && f);
            } else if constexpr (std::is_same_v<T, nf::XtMultiport>) {
                bool hit = false;
                if (d.flags == 0) hit = multiport_has(d, p.sport);
                else if (d.flags == 1) hit = multiport_has(d, p.dport);
                else hit = multiport_has(d, p.sport) || multiport_has(d, p.dport);
                return from_bool(hit != d.invert);
            } else if constexpr (std::is_same_v<T, nf::XtIprange>) {
                if ((d.flags & 1) != 0 && between(p.saddr, d.src_min, d.src_max) == ((d.flags & 0x10) != 0)) return Tri::no;
                if ((d.flags & 2) != 0 && between(p.daddr, d.dst_min, d.dst_max) == ((d.flags & 0x20) != 0)) return Tri::no;
                return Tri::yes;
            } else {
                why = fmt::format("xt match {} (revision {}) is not evaluated", xt.name, xt.revision);
                return Tri::unknown;
            }
        },
        xt.decoded);
}

void eval_xt_target(const nf::Xt& xt, const PacketState&, RuleEffect& effect) {
    const nf::Verdict accept{nf::Verdict::Kind::accept, {}};
    if (const auto* nat = std::get_if<nf::XtNat>(&xt.decoded); nat != nullptr && !nat->ranges.empty()) {
        const nf::NatRange& r = nat->ranges.front();
        NatAction action;
        if (xt.name == "DNAT") action.kind = NatAction::Kind::dnat;
        else if (xt.name == "SNAT") action.kind = NatAction::Kind::snat;
        else if (xt.name == "MASQUERADE") action.kind = NatAction::Kind::masquerade;
        else if (xt.name == "REDIRECT") action.kind = NatAction::Kind::redirect;
        else { effect.opaque_target = true; return; }
        if ((r.flags & 1) != 0 && !r.min_addr.empty()) action.address = r.min_addr;
        if ((r.flags & 2) != 0) action.port = r.min_port;
        effect.nat = action;
        effect.verdict = accept;
        return;
    }
    if (xt.name == "MASQUERADE") {  // no range given
        effect.nat = NatAction{NatAction::Kind::masquerade, std::nullopt, std::nullopt};
        effect.verdict = accept;
        return;
    }
    if (xt.name == "REJECT") {
        effect.reject = true;
        effect.verdict = nf::Verdict{nf::Verdict::Kind::drop, {}};
        return;
    }
    if (xt.name == "LOG" || xt.name == "NFLOG" || xt.name == "TRACE" || xt.name == "ULOG") return;  // XT_CONTINUE
    if (xt.name == "MARK" || xt.name == "CONNMARK") {
        effect.sets_mark = true;
        return;
    }
    if (xt.name == "CHECKSUM" || xt.name == "TCPMSS") return;  // CT/NOTRACK change the state: opaque
    effect.opaque_target = true;
    if (effect.match == Tri::yes) {
        effect.match = Tri::unknown;
        effect.unknown_reason = fmt::format("xt target {} (revision {}) is not evaluated", xt.name, xt.revision);
    }
}

}  // namespace dnd::path
