// ctnetlink dumps through libnetfilter_conntrack, filtered here.
#include "docknetdoctor/collect/conntrack_collect.hpp"
#include "kernel_names.hpp"

#include <arpa/inet.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

#include <fmt/format.h>

namespace dnd {
namespace {

struct HandleClose {
    void operator()(nfct_handle* h) const noexcept { nfct_close(h); }
};

std::string tcp_state_name(std::uint8_t state) {
    static constexpr const char* kNames[] = {"NONE",     "SYN_SENT",  "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
                                             "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",      "SYN_SENT2"};
    return state < std::size(kNames) ? kNames[state] : fmt::format("state {}", state);
}

std::optional<ConntrackEntry> entry_of(const nf_conntrack* ct) {
    const std::uint8_t l4 = nfct_get_attr_u8(ct, ATTR_L4PROTO);
    if (l4 != IPPROTO_TCP && l4 != IPPROTO_UDP) return std::nullopt;
    ConntrackEntry e;
    e.family = nfct_get_attr_u8(ct, ATTR_L3PROTO) == AF_INET6 ? 6 : 4;
    e.proto = l4 == IPPROTO_UDP ? Proto::udp : Proto::tcp;
    if (e.family == 4) {
        const std::uint32_t a[4] = {nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_SRC), nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_DST),
                                    nfct_get_attr_u32(ct, ATTR_REPL_IPV4_SRC), nfct_get_attr_u32(ct, ATTR_REPL_IPV4_DST)};
        e.orig_src = address_text(4, &a[0]);
        e.orig_dst = address_text(4, &a[1]);
        e.reply_src = address_text(4, &a[2]);
        e.reply_dst = address_text(4, &a[3]);
    } else {
        e.orig_src = address_text(6, nfct_get_attr(ct, ATTR_ORIG_IPV6_SRC));
        e.orig_dst = address_text(6, nfct_get_attr(ct, ATTR_ORIG_IPV6_DST));
        e.reply_src = address_text(6, nfct_get_attr(ct, ATTR_REPL_IPV6_SRC));
        e.reply_dst = address_text(6, nfct_get_attr(ct, ATTR_REPL_IPV6_DST));
    }
    e.orig_sport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC));
    e.orig_dport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
    e.reply_sport = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC));
    e.reply_dport = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_DST));
    const std::uint32_t status = nfct_get_attr_u32(ct, ATTR_STATUS);
    e.seen_reply = (status & IPS_SEEN_REPLY) != 0;
    e.assured = (status & IPS_ASSURED) != 0;
    if (e.proto == Proto::tcp && nfct_attr_is_set(ct, ATTR_TCP_STATE) > 0)
        e.tcp_state = tcp_state_name(nfct_get_attr_u8(ct, ATTR_TCP_STATE));
    e.timeout = nfct_get_attr_u32(ct, ATTR_TIMEOUT);
    return e;
}

// Keeps the entries a bucket takes (nullopt: none), at most `keep` a bucket: one busy port
// cannot crowd out another's.
struct Dump {
    std::function<std::optional<PortKey>(const ConntrackEntry&)> bucket;
    std::size_t keep;
    std::map<PortKey, std::size_t> kept;
    std::vector<ConntrackEntry> entries;
};

int on_entry(nf_conntrack_msg_type, nf_conntrack* ct, void* data) {
    auto* dump = static_cast<Dump*>(data);
    auto e = entry_of(ct);
    if (!e) return NFCT_CB_CONTINUE;
    const auto bucket = dump->bucket(*e);
    if (bucket && dump->kept[*bucket]++ < dump->keep) dump->entries.push_back(std::move(*e));
    return NFCT_CB_CONTINUE;
}

Result<std::vector<ConntrackEntry>> dump_entries(std::function<std::optional<PortKey>(const ConntrackEntry&)> bucket,
                                                 std::size_t keep) {
    std::unique_ptr<nfct_handle, HandleClose> h(nfct_open(CONNTRACK, 0));
    if (!h) return fail("conntrack", fmt::format("cannot open ctnetlink: {}", std::strerror(errno)));
    Dump dump{std::move(bucket), keep, {}, {}};
    nfct_callback_register(h.get(), NFCT_T_ALL, on_entry, &dump);
    // One dump of every family: the kernel walks its whole hash table for a dump (about 8 ms
    // here however few entries there are), so one walk, not one per family.
    std::uint32_t every_family = AF_UNSPEC;
    if (nfct_query(h.get(), NFCT_Q_DUMP, &every_family) < 0) {
        const int err = errno;
        if (err == EPERM || err == EACCES)
            return fail("conntrack", "permission denied reading the conntrack table (needs CAP_NET_ADMIN)");
        return fail("conntrack", fmt::format("cannot read the conntrack table: {}", std::strerror(err)));
    }
    return std::move(dump.entries);
}

}  // namespace

Result<std::vector<ConntrackEntry>> read_conntrack_to_ports(std::span<const PortKey> ports, std::size_t keep_per_port) {
    const std::vector<PortKey> wanted(ports.begin(), ports.end());
    return dump_entries(
        [&wanted](const ConntrackEntry& e) -> std::optional<PortKey> {
            const PortKey port{e.orig_dport, e.proto};
            if (std::find(wanted.begin(), wanted.end(), port) == wanted.end()) return std::nullopt;
            return port;
        },
        keep_per_port);
}

Result<std::optional<ConntrackEntry>> read_conntrack_flow(const Packet& p) {
    auto found = dump_entries(
        [&p](const ConntrackEntry& e) -> std::optional<PortKey> {
            const bool flow = e.family == p.family && e.proto == p.proto && e.orig_src == p.saddr &&
                              e.orig_sport == p.sport && e.orig_dst == p.daddr && e.orig_dport == p.dport;
            if (!flow) return std::nullopt;
            return PortKey{p.dport, p.proto};
        },
        1);
    if (!found) return std::unexpected(found.error());
    if (found->empty()) return std::optional<ConntrackEntry>{};
    return std::optional<ConntrackEntry>(found->front());
}

}  // namespace dnd
