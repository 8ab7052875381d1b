// Decoding the raw info structs of xt matches and targets (iptables-nft's match/target
// expressions, iptables-legacy entries) with the kernel's own struct definitions. A struct
// is read only when the bytes cover it; anything else stays opaque (std::monostate).
#include <arpa/inet.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_iprange.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/netfilter_ipv6/ip6t_REJECT.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <optional>

#include "docknetdoctor/collect/netfilter_collect.hpp"

namespace dnd::nf {
namespace {

template <class T>
std::optional<T> read_struct(std::span<const std::uint8_t> info) {
    if (info.size() < sizeof(T)) return std::nullopt;
    T value;
    std::memcpy(&value, info.data(), sizeof(T));
    return value;
}

Bytes address_bytes(const nf_inet_addr& a, int family) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&a);
    return family == 6 ? Bytes(p, p + 16) : Bytes(p, p + 4);
}

Bytes ipv4_bytes(__be32 a) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&a);
    return Bytes(p, p + 4);
}

template <class Info>
XtConntrack conntrack_from(const Info& i) {
    return XtConntrack{i.match_flags, i.invert_flags, static_cast<std::uint16_t>(i.state_mask),
                       static_cast<std::uint16_t>(i.status_mask)};
}

XtDecoded decode_conntrack(std::uint8_t revision, std::span<const std::uint8_t> info) {
    switch (revision) {
    case 1:
        if (auto i = read_struct<xt_conntrack_mtinfo1>(info)) return conntrack_from(*i);
        break;
    case 2:
        if (auto i = read_struct<xt_conntrack_mtinfo2>(info)) return conntrack_from(*i);
        break;
    case 3:
        if (auto i = read_struct<xt_conntrack_mtinfo3>(info)) return conntrack_from(*i);
        break;
    default:
        break;
    }
    return std::monostate{};
}

XtDecoded decode_comment(std::span<const std::uint8_t> info) {
    auto i = read_struct<xt_comment_info>(info);
    if (!i) return std::monostate{};
    const char* text = i->comment;
    return XtComment{std::string(text, strnlen(text, sizeof(i->comment)))};
}

XtDecoded decode_multiport(std::uint8_t revision, std::span<const std::uint8_t> info) {
    if (revision != 1) return std::monostate{};
    auto i = read_struct<xt_multiport_v1>(info);
    if (!i || i->count > XT_MULTI_PORTS) return std::monostate{};
    XtMultiport m;
    m.flags = i->flags;
    m.invert = i->invert != 0;
    m.ports.assign(i->ports, i->ports + i->count);
    m.range_start.assign(i->pflags, i->pflags + i->count);
    return m;
}

NatRange nat_range_from(const nf_nat_range& r, int family) {
    return NatRange{r.flags, address_bytes(r.min_addr, family), address_bytes(r.max_addr, family),
                    ntohs(r.min_proto.all), ntohs(r.max_proto.all)};
}

// SNAT/DNAT/MASQUERADE/REDIRECT share the range structs: rev 0 (IPv4 only) the
// multi-range compat struct, rev 1 nf_nat_range, rev 2 nf_nat_range2.
XtDecoded decode_nat(std::uint8_t revision, std::span<const std::uint8_t> info, int family) {
    if (revision == 0 && family == 4) {
        auto i = read_struct<nf_nat_ipv4_multi_range_compat>(info);
        if (!i || i->rangesize != 1) return std::monostate{};
        const auto& r = i->range[0];
        return XtNat{{NatRange{r.flags, ipv4_bytes(r.min_ip), ipv4_bytes(r.max_ip), ntohs(r.min.all),
                               ntohs(r.max.all)}}};
    }
    if (revision == 0 && family == 6) {  // ip6 MASQUERADE/REDIRECT rev 0 use nf_nat_range
        if (auto i = read_struct<nf_nat_range>(info)) return XtNat{{nat_range_from(*i, family)}};
        return std::monostate{};
    }
    if (revision == 1) {
        if (auto i = read_struct<nf_nat_range>(info)) return XtNat{{nat_range_from(*i, family)}};
    }
    if (revision == 2) {
        if (auto i = read_struct<nf_nat_range2>(info)) {
            nf_nat_range r{};
            r.flags = i->flags;
            r.min_addr = i->min_addr;
            r.max_addr = i->max_addr;
            r.min_proto = i->min_proto;
            r.max_proto = i->max_proto;
            return XtNat{{nat_range_from(r, family)}};
        }
    }
    return std::monostate{};
}

XtDecoded decode_match(std::string_view name, std::uint8_t revision,
                       std::span<const std::uint8_t> info, int family) {
    if (name == "conntrack") return decode_conntrack(revision, info);
    if (name == "addrtype" && revision == 1) {
        if (auto i = read_struct<xt_addrtype_info_v1>(info)) return XtAddrtype{i->source, i->dest, i->flags};
        return std::monostate{};
    }
    if (name == "comment") return decode_comment(info);
    if (name == "tcp") {
        if (auto i = read_struct<xt_tcp>(info))
            return XtPorts{i->spts[0], i->spts[1], i->dpts[0], i->dpts[1], i->invflags, i->flg_mask, i->flg_cmp};
        return std::monostate{};
    }
    if (name == "udp") {
        if (auto i = read_struct<xt_udp>(info))
            return XtPorts{i->spts[0], i->spts[1], i->dpts[0], i->dpts[1], i->invflags, 0, 0};
        return std::monostate{};
    }
    if (name == "multiport") return decode_multiport(revision, info);
    if (name == "iprange" && revision == 1) {
        auto i = read_struct<xt_iprange_mtinfo>(info);
        if (!i) return std::monostate{};
        return XtIprange{i->flags, address_bytes(i->src_min, family), address_bytes(i->src_max, family),
                         address_bytes(i->dst_min, family), address_bytes(i->dst_max, family)};
    }
    return std::monostate{};
}

XtDecoded decode_target(std::string_view name, std::uint8_t revision,
                        std::span<const std::uint8_t> info, int family) {
    if (name == "DNAT" || name == "SNAT" || name == "MASQUERADE" || name == "REDIRECT")
        return decode_nat(revision, info, family);
    if (name == "REJECT" && revision == 0) {
        if (family == 6) {
            if (auto i = read_struct<ip6t_reject_info>(info)) return XtReject{i->with};
        } else if (info.size() >= sizeof(ipt_reject_info)) {
            // ipt_reject_info's field is an enum: read it as the u32 it is on the wire, so a
            // value outside the enum is data to report, not an invalid enum load.
            std::uint32_t with = 0;
            std::memcpy(&with, info.data() + offsetof(ipt_reject_info, with), sizeof with);
            return XtReject{with};
        }
    }
    return std::monostate{};
}

}  // namespace

XtDecoded decode_xt(bool is_target, std::string_view name, std::uint8_t revision,
                    std::span<const std::uint8_t> info, int family) {
    return is_target ? decode_target(name, revision, info, family)
                     : decode_match(name, revision, info, family);
}

}  // namespace dnd::nf
