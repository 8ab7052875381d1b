// IPVS over generic netlink (ipvs_collect.hpp): resolve the "IPVS" family, dump its
// services, then each service's real servers.
#include "docknetdoctor/collect/ipvs_collect.hpp"
#include "netlink_dump.hpp"

#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>

#include <array>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <optional>

#include <fmt/format.h>

namespace dnd {
namespace {

constexpr const char* kSource = "ipvs";
constexpr netlink::ErrorWording kWording{kSource, "permission denied reading IPVS (needs CAP_NET_ADMIN)"};

// The attributes of one nest (or of the message after its genl header), by type.
template <std::size_t N>
struct Attributes {
    std::array<const nlattr*, N + 1> by_type{};
    const nlattr* operator[](int type) const { return by_type[static_cast<std::size_t>(type)]; }
};

template <std::size_t N>
int keep_attribute(const nlattr* attr, void* data) {
    auto* attrs = static_cast<Attributes<N>*>(data);
    const auto type = mnl_attr_get_type(attr);
    if (type <= N) attrs->by_type[type] = attr;  // newer kernels' attributes are skipped
    return MNL_CB_OK;
}

// The message's header checked: a whole netlink message of an IPVS answer with its genl header.
Result<const nlmsghdr*> ipvs_message(std::span<const std::uint8_t> message) {
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(message.data());
    if (message.size() < NLMSG_HDRLEN || !netlink::whole_message(nlh, static_cast<int>(message.size())) ||
        nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
        return fail(kSource, "truncated IPVS netlink message");
    return nlh;
}

template <std::size_t N>
Result<Attributes<N>> top_attributes(const nlmsghdr* nlh) {
    Attributes<N> attrs;
    if (mnl_attr_parse(nlh, GENL_HDRLEN, keep_attribute<N>, &attrs) < 0)
        return fail(kSource, "malformed attributes in an IPVS netlink message");
    return attrs;
}

template <std::size_t N>
Result<Attributes<N>> nested_attributes(const nlattr* nest, std::string_view what) {
    Attributes<N> attrs;
    if (nest == nullptr) return fail(kSource, fmt::format("IPVS message without its {} attribute", what));
    if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 || mnl_attr_parse_nested(nest, keep_attribute<N>, &attrs) < 0)
        return fail(kSource, fmt::format("malformed {} attribute in an IPVS netlink message", what));
    return attrs;
}

// An attribute of a fixed size, or nullopt when absent or of another size.
std::optional<std::uint16_t> u16_of(const nlattr* a) {
    if (a == nullptr || mnl_attr_get_payload_len(a) != sizeof(std::uint16_t)) return std::nullopt;
    return mnl_attr_get_u16(a);
}
std::optional<std::uint32_t> u32_of(const nlattr* a) {
    if (a == nullptr || mnl_attr_get_payload_len(a) != sizeof(std::uint32_t)) return std::nullopt;
    return mnl_attr_get_u32(a);
}

int family_number(std::uint16_t af) { return af == AF_INET6 ? 6 : 4; }

// union nf_inet_addr (16 bytes) as text, the family saying how many bytes count.
Result<std::string> address_text(const nlattr* a, int family) {
    if (a == nullptr) return fail(kSource, "IPVS message without an address");
    const std::size_t len = mnl_attr_get_payload_len(a);
    const std::size_t needed = family == 6 ? 16 : 4;
    if (len < needed) return fail(kSource, fmt::format("IPVS address of {} bytes", len));
    char text[INET6_ADDRSTRLEN] = {};
    if (::inet_ntop(family == 6 ? AF_INET6 : AF_INET, mnl_attr_get_payload(a), text, sizeof text) == nullptr)
        return fail(kSource, "unreadable IPVS address");
    return std::string(text);
}

std::string protocol_name(std::uint16_t p) {
    switch (p) {
        case IPPROTO_TCP: return "tcp";
        case IPPROTO_UDP: return "udp";
        case IPPROTO_SCTP: return "sctp";
        default: return fmt::format("proto {}", p);
    }
}

// protocol_name()'s inverse.
std::uint16_t protocol_number(std::string_view name) {
    if (name == "tcp") return IPPROTO_TCP;
    if (name == "udp") return IPPROTO_UDP;
    if (name == "sctp") return IPPROTO_SCTP;
    std::uint16_t n = 0;
    if (name.starts_with("proto ")) std::from_chars(name.data() + 6, name.data() + name.size(), n);
    return n;
}

// A generic netlink request under construction: netlink header, genl header, attributes.
class GenlRequest {
public:
    GenlRequest(std::uint16_t family, std::uint8_t command, std::uint8_t version, std::uint16_t flags) {
        nlh_ = mnl_nlmsg_put_header(buffer_.data());
        nlh_->nlmsg_type = family;
        nlh_->nlmsg_flags = flags;
        auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(genlmsghdr)));
        genl->cmd = command;
        genl->version = version;
    }
    nlmsghdr* header() { return nlh_; }

private:
    alignas(nlmsghdr) std::array<std::uint8_t, 256> buffer_{};
    nlmsghdr* nlh_ = nullptr;
};

// The IPVS family's number; ENOENT when the kernel knows no such family.
std::expected<std::uint16_t, netlink::Errno> ipvs_family(netlink::Socket& sock) {
    GenlRequest request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_REQUEST | NLM_F_ACK);
    mnl_attr_put_strz(request.header(), CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME);
    request.header()->nlmsg_seq = sock.next_seq();
    std::optional<std::uint16_t> id;
    auto end = sock.transact(request.header(), [&](const nlmsghdr& answer) {
        Attributes<CTRL_ATTR_MAX> attrs;
        if (answer.nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) return;
        if (mnl_attr_parse(&answer, GENL_HDRLEN, keep_attribute<CTRL_ATTR_MAX>, &attrs) < 0) return;
        id = u16_of(attrs[CTRL_ATTR_FAMILY_ID]);
    });
    if (!end) return std::unexpected(end.error());
    if (!id) return std::unexpected(EPROTO);
    return *id;
}

// One message of a dump handed on as bytes to a parser; the first parse error is kept.
template <class T, class Parse>
netlink::MessageSink collecting(std::vector<T>& out, std::optional<Error>& error, Parse parse) {
    return [&out, &error, parse](const nlmsghdr& m) {
        if (error) return;
        auto parsed = parse(std::span(reinterpret_cast<const std::uint8_t*>(&m), m.nlmsg_len));
        if (parsed) out.push_back(std::move(*parsed));
        else error = parsed.error();
    };
}

}  // namespace

Result<IpvsService> parse_ipvs_service_message(std::span<const std::uint8_t> message) {
    auto nlh = ipvs_message(message);
    if (!nlh) return std::unexpected(nlh.error());
    auto top = top_attributes<IPVS_CMD_ATTR_MAX>(*nlh);
    if (!top) return std::unexpected(top.error());
    auto attrs = nested_attributes<IPVS_SVC_ATTR_MAX>((*top)[IPVS_CMD_ATTR_SERVICE], "service");
    if (!attrs) return std::unexpected(attrs.error());
    const auto& a = *attrs;
    const auto af = u16_of(a[IPVS_SVC_ATTR_AF]);
    if (!af) return fail(kSource, "IPVS service without its address family");
    IpvsService s;
    s.family = family_number(*af);
    if (auto mark = u32_of(a[IPVS_SVC_ATTR_FWMARK])) s.fwmark = *mark;
    if (s.fwmark == 0) {  // an address service: protocol, address and port say which
        const auto proto = u16_of(a[IPVS_SVC_ATTR_PROTOCOL]);
        const auto port = u16_of(a[IPVS_SVC_ATTR_PORT]);
        auto addr = address_text(a[IPVS_SVC_ATTR_ADDR], s.family);
        if (!proto || !port || !addr) return fail(kSource, "IPVS service without a firewall mark or an address");
        s.protocol = protocol_name(*proto);
        s.port = ntohs(*port);
        s.addr = std::move(*addr);
    }
    if (const nlattr* sched = a[IPVS_SVC_ATTR_SCHED_NAME]; sched != nullptr && mnl_attr_validate(sched, MNL_TYPE_NUL_STRING) == 0)
        s.scheduler = mnl_attr_get_str(sched);
    return s;
}

Result<IpvsDestination> parse_ipvs_destination_message(std::span<const std::uint8_t> message, int service_family) {
    auto nlh = ipvs_message(message);
    if (!nlh) return std::unexpected(nlh.error());
    auto top = top_attributes<IPVS_CMD_ATTR_MAX>(*nlh);
    if (!top) return std::unexpected(top.error());
    auto attrs = nested_attributes<IPVS_DEST_ATTR_MAX>((*top)[IPVS_CMD_ATTR_DEST], "destination");
    if (!attrs) return std::unexpected(attrs.error());
    const auto& a = *attrs;
    const int family = u16_of(a[IPVS_DEST_ATTR_ADDR_FAMILY]).transform(family_number).value_or(service_family);
    auto addr = address_text(a[IPVS_DEST_ATTR_ADDR], family);
    const auto port = u16_of(a[IPVS_DEST_ATTR_PORT]);
    const auto weight = u32_of(a[IPVS_DEST_ATTR_WEIGHT]);
    if (!addr || !port || !weight) return fail(kSource, "IPVS destination without its address, port or weight");
    IpvsDestination d;
    d.addr = std::move(*addr);
    d.port = ntohs(*port);
    d.weight = *weight;
    d.active_connections = u32_of(a[IPVS_DEST_ATTR_ACTIVE_CONNS]).value_or(0);
    d.inactive_connections = u32_of(a[IPVS_DEST_ATTR_INACT_CONNS]).value_or(0);
    return d;
}

Result<std::vector<IpvsService>> read_ipvs_services() {
    auto sock = netlink::Socket::open(NETLINK_GENERIC);
    if (!sock) return std::unexpected(netlink::netlink_error(kWording, sock.error(), "cannot open a NETLINK_GENERIC socket"));
    const auto family = ipvs_family(*sock);
    if (!family && family.error() == ENOENT)
        return fail(kSource, "this kernel has no IPVS (no \"IPVS\" generic netlink family)");
    if (!family) return std::unexpected(netlink::netlink_error(kWording, family.error(), "cannot resolve the IPVS netlink family"));

    std::vector<IpvsService> services;
    std::optional<Error> error;
    GenlRequest dump(*family, IPVS_CMD_GET_SERVICE, IPVS_GENL_VERSION, NLM_F_REQUEST | NLM_F_DUMP);
    dump.header()->nlmsg_seq = sock->next_seq();
    auto end = sock->transact(dump.header(), collecting(services, error, parse_ipvs_service_message));
    if (!end) return std::unexpected(netlink::netlink_error(kWording, end.error(), "the IPVS service dump failed"));
    if (error) return std::unexpected(*error);
    if (end->interrupted) return fail(kSource, "the kernel interrupted the IPVS service dump");

    for (IpvsService& service : services) {
        GenlRequest request(*family, IPVS_CMD_GET_DEST, IPVS_GENL_VERSION, NLM_F_REQUEST | NLM_F_DUMP);
        nlattr* nest = mnl_attr_nest_start(request.header(), IPVS_CMD_ATTR_SERVICE);
        mnl_attr_put_u16(request.header(), IPVS_SVC_ATTR_AF, service.family == 6 ? AF_INET6 : AF_INET);
        if (service.fwmark != 0) {
            mnl_attr_put_u32(request.header(), IPVS_SVC_ATTR_FWMARK, service.fwmark);
        } else {
            std::array<std::uint8_t, 16> addr{};
            ::inet_pton(service.family == 6 ? AF_INET6 : AF_INET, service.addr.c_str(), addr.data());
            mnl_attr_put_u16(request.header(), IPVS_SVC_ATTR_PROTOCOL, protocol_number(service.protocol));
            mnl_attr_put(request.header(), IPVS_SVC_ATTR_ADDR, addr.size(), addr.data());
            mnl_attr_put_u16(request.header(), IPVS_SVC_ATTR_PORT, htons(service.port));
        }
        mnl_attr_nest_end(request.header(), nest);
        request.header()->nlmsg_seq = sock->next_seq();
        const int service_family = service.family;
        auto dests = sock->transact(request.header(),
                                    collecting(service.destinations, error, [service_family](std::span<const std::uint8_t> m) {
                                        return parse_ipvs_destination_message(m, service_family);
                                    }));
        if (!dests) return std::unexpected(netlink::netlink_error(kWording, dests.error(), "the IPVS destination dump failed"));
        if (error) return std::unexpected(*error);
        if (dests->interrupted) return fail(kSource, "the kernel interrupted the IPVS destination dump");
    }
    return services;
}

}  // namespace dnd
