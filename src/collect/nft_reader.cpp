// Dumping the nftables ruleset over netlink: one dump per object kind, set elements per
// set, between two generation-id reads; an interrupted or changed dump is repeated.
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>

#include <fmt/format.h>

#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "netlink_dump.hpp"
#include "nft_dump_parse.hpp"
#include "nft_handles.hpp"
#include "nft_message_policy.hpp"

namespace dnd::nf {
namespace {

constexpr const char* kSource = "nftables";

constexpr netlink::ErrorWording kWording{kSource,
                                       "permission denied reading the nftables ruleset (needs CAP_NET_ADMIN)"};

std::unexpected<Error> netlink_error(int err, std::string_view what) {
    return std::unexpected(netlink::netlink_error(kWording, err, what));
}

struct SetIdentity {
    std::uint32_t nfproto;
    std::string table;
    std::string name;
    bool anonymous;
    bool map;  // NFT_SET_MAP
};

// A netfilter netlink socket and the buffer its requests are built in.
class NftSocket {
public:
    static Result<NftSocket> open() {
        auto sock = netlink::Socket::open(NETLINK_NETFILTER);
        if (!sock) return netlink_error(sock.error(), "cannot open a netfilter netlink socket");
        return NftSocket(std::move(*sock));
    }

    // Hands the reply's messages to sink; 0 or an errno value (the kernel's or the
    // socket's). interrupted is set if the kernel flagged the dump inconsistent.
    int transact(nlmsghdr* request, const netlink::MessageSink& sink, bool& interrupted) {
        return outcome(sock_.transact(request, sink), interrupted);
    }
    int transact(nlmsghdr* request, std::vector<std::uint8_t>& out, bool& interrupted) {
        return transact(request, netlink::appending_to(out), interrupted);
    }
    // transact(), the sink run beside the receives (Socket::transact_overlapped).
    int transact_overlapped(nlmsghdr* request, const netlink::MessageSink& sink, bool& interrupted) {
        return outcome(sock_.transact_overlapped(request, sink), interrupted);
    }

    std::uint32_t next_seq() { return sock_.next_seq(); }
    char* request_buffer() { return request_.data(); }

private:
    static int outcome(const std::expected<netlink::ReplyEnd, netlink::Errno>& end, bool& interrupted) {
        if (!end) return end.error();
        if (end->interrupted) interrupted = true;
        return 0;
    }

    explicit NftSocket(netlink::Socket sock) : sock_(std::move(sock)), request_(MNL_SOCKET_BUFFER_SIZE) {}

    netlink::Socket sock_;
    std::vector<char> request_;
};

// The ruleset's generation id, its message appended to `out`.
Result<std::uint32_t> read_generation(NftSocket& sock, std::vector<std::uint8_t>& out) {
    auto* nlh = nftnl_nlmsg_build_hdr(sock.request_buffer(), NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, sock.next_seq());
    std::size_t before = out.size();
    bool interrupted = false;
    if (int err = sock.transact(nlh, out, interrupted); err != 0)
        return netlink_error(err, "cannot read the nftables generation");
    if (out.size() == before) return fail(kSource, "no generation id in the reply");
    const auto* reply = reinterpret_cast<const nlmsghdr*>(out.data() + before);
    NftGenPtr gen(nftnl_gen_alloc());
    if (!gen || !check_nftables_message(reply) || nftnl_gen_nlmsg_parse(reply, gen.get()) < 0)
        return fail(kSource, "malformed generation message");
    return nftnl_gen_get_u32(gen.get(), NFTNL_GEN_ID);
}

// The set a NEWSET message of a set dump describes.
std::optional<SetIdentity> set_identity(const nlmsghdr& received) {
    if (NFNL_MSG_TYPE(received.nlmsg_type) != NFT_MSG_NEWSET) return std::nullopt;
    PaddedMessage padded;
    const nlmsghdr* message = padded.copy(received);
    NftSetPtr s(nftnl_set_alloc());
    if (!s || !check_nftables_message(message) || nftnl_set_nlmsg_parse(message, s.get()) < 0) return std::nullopt;
    const char* table = nftnl_set_get_str(s.get(), NFTNL_SET_TABLE);
    const char* name = nftnl_set_get_str(s.get(), NFTNL_SET_NAME);
    const std::uint32_t flags = nftnl_set_get_u32(s.get(), NFTNL_SET_FLAGS);
    if (table == nullptr || name == nullptr) return std::nullopt;
    return SetIdentity{nftnl_set_get_u32(s.get(), NFTNL_SET_FAMILY), table, name, (flags & NFT_SET_ANONYMOUS) != 0,
                       (flags & NFT_SET_MAP) != 0};
}

NftSetPtr set_handle(std::string_view table, std::string_view name) {
    NftSetPtr s(nftnl_set_alloc());
    if (!s) return s;
    nftnl_set_set_str(s.get(), NFTNL_SET_TABLE, std::string(table).c_str());
    nftnl_set_set_str(s.get(), NFTNL_SET_NAME, std::string(name).c_str());
    return s;
}

enum class Attempt { consistent, retry };

// One dump, its messages handed to sink as they arrive.
Result<Attempt> dump_once(NftSocket& sock, const NftReadOptions& options, const netlink::MessageSink& sink) {
    bool interrupted = false;
    std::vector<std::uint8_t> generation_message;
    auto gen_before = read_generation(sock, generation_message);
    if (!gen_before) return std::unexpected(gen_before.error());
    netlink::for_each_message(generation_message, sink);

    std::vector<SetIdentity> sets;
    const netlink::MessageSink noting_sets = [&sets, &sink](const nlmsghdr& message) {
        if (auto set = set_identity(message)) sets.push_back(std::move(*set));
        sink(message);
    };
    for (std::uint16_t type : {NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETSET, NFT_MSG_GETRULE}) {
        auto* nlh = nftnl_nlmsg_build_hdr(sock.request_buffer(), type, NFPROTO_UNSPEC, NLM_F_DUMP, sock.next_seq());
        // The rules are most of a large ruleset: parsed beside the kernel's dump of them.
        const int err = type == NFT_MSG_GETRULE ? sock.transact_overlapped(nlh, sink, interrupted)
                                                : sock.transact(nlh, type == NFT_MSG_GETSET ? noting_sets : sink, interrupted);
        if (err != 0) {
            if (err == EINTR || err == ENOBUFS) return Attempt::retry;
            return netlink_error(err, "cannot dump the nftables ruleset");
        }
    }
    for (const SetIdentity& set : sets) {
        // Named maps only because of named_set_elements == false: optional, see below.
        const bool required = set.anonymous || options.named_set_elements;
        if (!required && !set.map) continue;
        auto handle = set_handle(set.table, set.name);
        if (!handle) return fail(kSource, "out of memory");
        auto* nlh = nftnl_nlmsg_build_hdr(sock.request_buffer(), NFT_MSG_GETSETELEM,
                                          static_cast<std::uint16_t>(set.nfproto), NLM_F_DUMP, sock.next_seq());
        nftnl_set_elems_nlmsg_build_payload(nlh, handle.get());
        // An optional map's elements are held back until its dump succeeded: one that fails
        // midway stays unloaded (lookups in it evaluate as unknown), never half loaded.
        std::vector<std::uint8_t> held_back;
        const int err = required ? sock.transact(nlh, sink, interrupted) : sock.transact(nlh, held_back, interrupted);
        if (err == 0) {
            netlink::for_each_message(held_back, sink);
            continue;
        }
        // ENOENT: the set went away meanwhile
        if (err == ENOENT || err == EINTR || err == ENOBUFS) return Attempt::retry;
        if (required) return netlink_error(err, "cannot dump the elements of set " + set.name);
    }

    std::vector<std::uint8_t> scratch;
    auto gen_after = read_generation(sock, scratch);
    if (!gen_after) return std::unexpected(gen_after.error());
    return (interrupted || *gen_after != *gen_before) ? Attempt::retry : Attempt::consistent;
}

// Dumps until one dump is consistent; begin_attempt() is called before each (it discards
// what an earlier attempt's sink received) and gives the sink of that attempt.
Result<void> dump_consistently(const NftReadOptions& options, const std::function<netlink::MessageSink()>& begin_attempt) {
    const auto deadline = std::chrono::steady_clock::now() + options.retry_budget;
    for (;;) {
        // A fresh socket each attempt: after lost messages (ENOBUFS) the old one may still
        // hold the rest of the broken dump, which the next request's sequence check refuses.
        auto sock = NftSocket::open();
        if (!sock) return std::unexpected(sock.error());
        auto attempt = dump_once(*sock, options, begin_attempt());
        if (!attempt) return std::unexpected(attempt.error());
        if (*attempt == Attempt::consistent) return {};
        if (std::chrono::steady_clock::now() >= deadline)
            return fail(kSource, "the nftables ruleset kept changing while it was read; gave up");
    }
}

}  // namespace

Result<NftRawDump> dump_nftables(const NftReadOptions& options) {
    NftRawDump dump;
    auto done = dump_consistently(options, [&dump] {
        dump.messages.clear();
        return netlink::appending_to(dump.messages);
    });
    if (!done) return std::unexpected(done.error());
    return dump;
}

// Parsed as the messages arrive, not from a copy of the whole dump: on a ten-thousand-rule
// ruleset the copy was a fifth of the pages the whole diagnosis touched.
Result<Ruleset> read_nftables(const NftReadOptions& options) {
    std::optional<NftDumpParser> parser;
    auto done = dump_consistently(options, [&parser]() -> netlink::MessageSink {
        parser.emplace();
        return [&parser](const nlmsghdr& message) { parser->add(message); };
    });
    if (!done) return std::unexpected(done.error());
    return std::move(*parser).finish();
}

Result<bool> set_contains(Family family, std::string_view table, std::string_view set,
                          std::span<const std::uint8_t> key) {
    auto sock = NftSocket::open();
    if (!sock) return std::unexpected(sock.error());
    auto handle = set_handle(table, set);
    nftnl_set_elem* elem = nftnl_set_elem_alloc();
    if (!handle || elem == nullptr) return fail(kSource, "out of memory");
    nftnl_set_elem_set(elem, NFTNL_SET_ELEM_KEY, key.data(), static_cast<std::uint32_t>(key.size()));
    nftnl_set_elem_add(handle.get(), elem);  // the set owns it from here
    auto* nlh = nftnl_nlmsg_build_hdr(sock->request_buffer(), NFT_MSG_GETSETELEM,
                                      static_cast<std::uint16_t>(nfproto_of(family)), NLM_F_ACK, sock->next_seq());
    nftnl_set_elems_nlmsg_build_payload(nlh, handle.get());
    std::vector<std::uint8_t> reply;
    bool interrupted = false;
    if (int err = sock->transact(nlh, reply, interrupted); err != 0) {
        if (err == ENOENT) {
            // ENOENT also means "no such set"; tell the two apart by asking for the set.
            NftSetPtr probe = set_handle(table, set);
            auto* get = nftnl_nlmsg_build_hdr(sock->request_buffer(), NFT_MSG_GETSET,
                                              static_cast<std::uint16_t>(nfproto_of(family)), NLM_F_ACK, sock->next_seq());
            nftnl_set_nlmsg_build_payload(get, probe.get());
            std::vector<std::uint8_t> set_reply;
            if (int set_err = sock->transact(get, set_reply, interrupted); set_err != 0)
                return netlink_error(set_err, fmt::format("set {} in table {} {}", set, to_string(family), table));
            return false;
        }
        return netlink_error(err, fmt::format("cannot look up a key in set {}", set));
    }
    return !reply.empty();
}

}  // namespace dnd::nf
