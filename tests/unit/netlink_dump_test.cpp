// The collectors' one netlink request loop (src/collect/netlink_dump.hpp): what a reply
// keeps, where it ends, what it refuses; on bytes built here, and on a real NETLINK_ROUTE
// socket (no privilege needed to dump links).
#include <libnftnl/common.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>

#include <gtest/gtest.h>

#include "docknetdoctor/collect/host_network_collect.hpp"
#include "netlink_dump.hpp"
#include "scratch_netns.hpp"

namespace dnd::netlink {
namespace {

constexpr std::uint32_t kSeq = 7;
constexpr std::uint32_t kPortid = 4242;

// One datagram as the kernel sends it, message by message.
class Datagram {
public:
    Datagram() : bytes_(MNL_SOCKET_BUFFER_SIZE, 0) {}

    // An answer message (RTM_NEWLINK) whose payload is `payload`.
    Datagram& answer(std::string_view payload, std::uint16_t flags = NLM_F_MULTI, std::uint32_t seq = kSeq,
                     std::uint32_t portid = kPortid) {
        nlmsghdr* m = put(RTM_NEWLINK, flags, seq, portid);
        std::memcpy(mnl_nlmsg_put_extra_header(m, payload.size()), payload.data(), payload.size());
        used_ += m->nlmsg_len;
        return *this;
    }
    Datagram& done(std::uint16_t flags = NLM_F_MULTI) {
        nlmsghdr* m = put(NLMSG_DONE, flags, kSeq, kPortid);
        mnl_nlmsg_put_extra_header(m, sizeof(int));
        used_ += m->nlmsg_len;
        return *this;
    }
    // NLMSG_ERROR carrying -err; err 0 is the ACK.
    Datagram& error(int err) {
        nlmsghdr* m = put(NLMSG_ERROR, 0, kSeq, kPortid);
        auto* e = static_cast<nlmsgerr*>(mnl_nlmsg_put_extra_header(m, sizeof(nlmsgerr)));
        e->error = -err;
        used_ += m->nlmsg_len;
        return *this;
    }
    // Shortens the last message's length to `len` (the next one still starts aligned).
    Datagram& unaligned_last(std::uint32_t len) {
        last_->nlmsg_len = len;
        return *this;
    }
    std::span<std::uint8_t> bytes() { return {bytes_.data(), used_}; }

private:
    nlmsghdr* put(std::uint16_t type, std::uint16_t flags, std::uint32_t seq, std::uint32_t portid) {
        last_ = mnl_nlmsg_put_header(bytes_.data() + used_);
        last_->nlmsg_type = type;
        last_->nlmsg_flags = flags;
        last_->nlmsg_seq = seq;
        last_->nlmsg_pid = portid;
        return last_;
    }
    std::vector<std::uint8_t> bytes_;
    std::size_t used_ = 0;
    nlmsghdr* last_ = nullptr;
};

// The payloads of the messages in `out`, in order.
std::vector<std::string> payloads(const std::vector<std::uint8_t>& out) {
    std::vector<std::string> texts;
    int left = static_cast<int>(out.size());
    for (auto* m = reinterpret_cast<const nlmsghdr*>(out.data()); mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left))
        texts.emplace_back(static_cast<const char*>(mnl_nlmsg_get_payload(m)), mnl_nlmsg_get_payload_len(m));
    EXPECT_EQ(left, 0) << "the kept messages do not walk to their end";
    return texts;
}

TEST(NetlinkReply, KeepsTheAnswersAcrossDatagramsUntilDone) {
    std::vector<std::uint8_t> out;
    ReplyReader reader(kSeq, kPortid, out);
    Datagram first;
    first.answer("lo..").answer("eth0");
    auto r1 = reader.feed(first.bytes());
    ASSERT_TRUE(r1.has_value()) << std::strerror(r1.error());
    EXPECT_FALSE(*r1) << "no NLMSG_DONE yet";
    Datagram second;
    second.answer("br-1").done();
    auto r2 = reader.feed(second.bytes());
    ASSERT_TRUE(r2.has_value()) << std::strerror(r2.error());
    EXPECT_TRUE(*r2);
    EXPECT_EQ(payloads(out), (std::vector<std::string>{"lo..", "eth0", "br-1"}));
    EXPECT_FALSE(reader.interrupted());
}

// libmnl alone stops at the first flagged message and never sees the NLMSG_DONE behind it.
TEST(NetlinkReply, AnInterruptedDumpIsReportedAndStillReadToItsEnd) {
    std::vector<std::uint8_t> out;
    ReplyReader reader(kSeq, kPortid, out);
    Datagram d;
    d.answer("set1", NLM_F_MULTI | NLM_F_DUMP_INTR).answer("set2").done(NLM_F_MULTI | NLM_F_DUMP_INTR);
    auto r = reader.feed(d.bytes());
    ASSERT_TRUE(r.has_value()) << std::strerror(r.error());
    EXPECT_TRUE(*r) << "the dump's end was not seen";
    EXPECT_TRUE(reader.interrupted());
    EXPECT_EQ(payloads(out), (std::vector<std::string>{"set1", "set2"}));
}

TEST(NetlinkReply, RefusesMessagesOfAnotherRequestOrSocket) {
    std::vector<std::uint8_t> out;
    Datagram other_request;
    other_request.answer("old.", NLM_F_MULTI, kSeq - 1).done();
    auto r = ReplyReader(kSeq, kPortid, out).feed(other_request.bytes());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), EPROTO);

    Datagram other_socket;
    other_socket.answer("lo..", NLM_F_MULTI, kSeq, kPortid + 1).done();
    auto s = ReplyReader(kSeq, kPortid, out).feed(other_socket.bytes());
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error(), ESRCH);
    EXPECT_TRUE(out.empty());
}

TEST(NetlinkReply, AKernelErrorIsItsErrnoAndAnAckEndsTheReply) {
    std::vector<std::uint8_t> out;
    Datagram refused;
    refused.error(EPERM);
    auto r = ReplyReader(kSeq, kPortid, out).feed(refused.bytes());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), EPERM);

    Datagram acked;
    acked.answer("gen1", 0).error(0);
    auto a = ReplyReader(kSeq, kPortid, out).feed(acked.bytes());
    ASSERT_TRUE(a.has_value()) << std::strerror(a.error());
    EXPECT_TRUE(*a);
    EXPECT_EQ(payloads(out), (std::vector<std::string>{"gen1"}));
}

TEST(NetlinkReply, KeptMessagesArePaddedToTheNetlinkAlignment) {
    std::vector<std::uint8_t> out;
    Datagram d;
    d.answer("abcd").unaligned_last(NLMSG_HDRLEN + 3).answer("efgh").done();
    auto r = ReplyReader(kSeq, kPortid, out).feed(d.bytes());
    ASSERT_TRUE(r.has_value()) << std::strerror(r.error());
    EXPECT_EQ(out.size(), 2 * (NLMSG_HDRLEN + 4));
    EXPECT_EQ(payloads(out), (std::vector<std::string>{"abc", "efgh"}));
}

TEST(NetlinkReply, ErrorsAreWordedForTheCollector) {
    const ErrorWording nft{"nftables", "permission denied reading the nftables ruleset (needs CAP_NET_ADMIN)"};
    const Error denied = netlink_error(nft, EPERM, "cannot dump the nftables ruleset");
    EXPECT_EQ(denied.source, "nftables");
    EXPECT_EQ(denied.message, "permission denied reading the nftables ruleset (needs CAP_NET_ADMIN)");
    EXPECT_EQ(netlink_error(nft, ENOENT, "cannot dump set x").message, "cannot dump set x: No such file or directory");
    const ErrorWording plain{"sock_diag", ""};
    EXPECT_EQ(netlink_error(plain, EACCES, "the sock_diag dump failed").message,
              "the sock_diag dump failed: Permission denied");
}

// A real socket: two dumps in a row on one socket, a request with an ACK, a kernel error.
TEST(NetlinkSocket, DumpsAndAsksTheKernel) {
    auto sock = Socket::open(NETLINK_ROUTE);
    if (!sock) GTEST_SKIP() << "no NETLINK_ROUTE socket here: " << std::strerror(sock.error());
    auto request = [&](std::uint16_t flags, int ifindex, bool overlapped = false) {
        std::vector<std::uint8_t> out;
        std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
        nlmsghdr* m = mnl_nlmsg_put_header(buffer.data());
        m->nlmsg_type = RTM_GETLINK;
        m->nlmsg_flags = NLM_F_REQUEST | flags;
        m->nlmsg_seq = sock->next_seq();
        auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(m, sizeof(ifinfomsg)));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        auto end = overlapped ? sock->transact_overlapped(m, appending_to(out)) : sock->transact(m, out);
        return std::pair(end, out);
    };
    for (int round = 0; round < 2; ++round) {
        auto [end, out] = request(NLM_F_DUMP, 0);
        ASSERT_TRUE(end.has_value()) << std::strerror(end.error());
        auto links = parse_rtnl_links(out);
        ASSERT_TRUE(links.has_value()) << links.error().message;
        EXPECT_TRUE(std::any_of(links->begin(), links->end(), [](const Link& l) { return l.name == "lo"; }));
    }
    const int lo = static_cast<int>(::if_nametoindex("lo"));
    ASSERT_NE(lo, 0);
    auto [one_end, one] = request(NLM_F_ACK, lo);
    ASSERT_TRUE(one_end.has_value()) << std::strerror(one_end.error());
    auto links = parse_rtnl_links(one);
    ASSERT_TRUE(links.has_value()) << links.error().message;
    ASSERT_EQ(links->size(), 1u);
    EXPECT_EQ(links->front().name, "lo");

    auto [missing_end, missing] = request(NLM_F_ACK, 0x7ffffff0);
    ASSERT_FALSE(missing_end.has_value());
    EXPECT_EQ(missing_end.error(), ENODEV);

    // The same requests with the sink beside the receives: the same messages, the same ends,
    // and the socket still answers the next request.
    // (The host's links may come and go meanwhile: lo stands for them. A dump of many
    // datagrams is compared byte for byte below, in a namespace of its own.)
    auto has_lo = [lo](const std::vector<std::uint8_t>& out) {
        auto parsed = parse_rtnl_links(out);
        return parsed && std::any_of(parsed->begin(), parsed->end(),
                                     [lo](const Link& l) { return l.index == lo && l.name == "lo"; });
    };
    auto [overlapped_end, overlapped] = request(NLM_F_DUMP, 0, true);
    ASSERT_TRUE(overlapped_end.has_value()) << std::strerror(overlapped_end.error());
    EXPECT_TRUE(has_lo(overlapped));
    auto [one_overlapped_end, one_overlapped] = request(NLM_F_ACK, lo, true);
    ASSERT_TRUE(one_overlapped_end.has_value()) << std::strerror(one_overlapped_end.error());
    auto only = parse_rtnl_links(one_overlapped);
    ASSERT_TRUE(only.has_value()) << only.error().message;
    ASSERT_EQ(only->size(), 1u);
    EXPECT_EQ(only->front().name, "lo");
    auto [missing_overlapped_end, missing_overlapped] = request(NLM_F_ACK, 0x7ffffff0, true);
    ASSERT_FALSE(missing_overlapped_end.has_value());
    EXPECT_EQ(missing_overlapped_end.error(), ENODEV);
    auto [after_end, after] = request(NLM_F_DUMP, 0);
    ASSERT_TRUE(after_end.has_value()) << std::strerror(after_end.error());
    EXPECT_TRUE(has_lo(after));
}

// Each message's sequence number set to 0: two replies to two requests compared as replies.
std::vector<std::uint8_t> without_sequence_numbers(std::vector<std::uint8_t> out) {
    int left = static_cast<int>(out.size());
    for (auto* m = reinterpret_cast<nlmsghdr*>(out.data()); mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left))
        m->nlmsg_seq = 0;
    return out;
}

// Where a reply ends: at NLMSG_DONE or NLMSG_ERROR (the ACK, or the kernel's error), in
// whichever message of the datagram it comes.
TEST(NetlinkReply, TheEndOfAReplyIsSeenInItsDatagram) {
    EXPECT_FALSE(ends_reply(Datagram().answer("a").answer("b").bytes()));
    EXPECT_TRUE(ends_reply(Datagram().answer("a").done().bytes()));
    EXPECT_TRUE(ends_reply(Datagram().answer("a").error(0).bytes()));
    EXPECT_TRUE(ends_reply(Datagram().error(EPERM).bytes()));
    EXPECT_FALSE(ends_reply({}));
}

// A dump of many datagrams (more than the receiver's buffers in flight), fed on the other
// thread while the next are received: byte for byte what one thread receives. 4,000 rules in
// a scratch namespace (root only).
TEST(NetlinkSocket, AnOverlappedDumpOfManyDatagramsIsTheSameDump) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (a network namespace with nftables rules)";
    testing::ScratchNetns ns("overlap");
    if (!ns.ok()) GTEST_SKIP() << "cannot create a network namespace";
    std::string rules = "add table ip many\nadd chain ip many c\n";
    for (int i = 0; i < 4000; ++i)
        rules += "add rule ip many c ip saddr 10." + std::to_string(i / 250) + "." + std::to_string(i % 250) +
                 ".1 tcp dport " + std::to_string(1000 + i) + " counter drop\n";
    const std::string file = ::testing::TempDir() + "dnd-many-" + std::to_string(::getpid()) + ".nft";
    std::ofstream(file) << rules;
    const bool loaded = ns.exec("nft -f " + file);
    std::remove(file.c_str());
    ASSERT_TRUE(loaded);
    struct Dumps {
        std::expected<ReplyEnd, Errno> plain_end = std::unexpected(0), overlapped_end = std::unexpected(0);
        std::vector<std::uint8_t> plain, overlapped;
        std::thread::id caller, sink_thread;
    };
    auto dumps = ns.inside([] {
        Dumps d;
        d.caller = std::this_thread::get_id();
        auto sock = Socket::open(NETLINK_NETFILTER);
        if (!sock) return std::optional<Dumps>();
        std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
        auto request = [&] {
            return nftnl_nlmsg_build_hdr(buffer.data(), NFT_MSG_GETRULE, NFPROTO_UNSPEC, NLM_F_DUMP, sock->next_seq());
        };
        d.plain_end = sock->transact(request(), d.plain);
        const MessageSink keep = appending_to(d.overlapped);
        d.overlapped_end = sock->transact_overlapped(request(), [&](const nlmsghdr& m) {
            d.sink_thread = std::this_thread::get_id();
            keep(m);
        });
        return std::optional<Dumps>(std::move(d));
    });
    ASSERT_TRUE(dumps.has_value());
    ASSERT_TRUE(dumps->plain_end.has_value()) << std::strerror(dumps->plain_end.error());
    ASSERT_TRUE(dumps->overlapped_end.has_value()) << std::strerror(dumps->overlapped_end.error());
    EXPECT_GT(dumps->plain.size(), 8u * 65536) << "too few datagrams to go round the receiver's buffers";
    EXPECT_EQ(dumps->overlapped.size(), dumps->plain.size());
    EXPECT_TRUE(without_sequence_numbers(dumps->overlapped) == without_sequence_numbers(dumps->plain));
    EXPECT_NE(dumps->sink_thread, dumps->caller) << "the sink ran on the receiving thread";

    // A sink that throws midway: the throw reaches the caller, as from transact(), once the
    // receiving is over.
    auto thrown = ns.inside([] {
        auto sock = Socket::open(NETLINK_NETFILTER);
        if (!sock) return std::string("no socket");
        std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
        auto* request = nftnl_nlmsg_build_hdr(buffer.data(), NFT_MSG_GETRULE, NFPROTO_UNSPEC, NLM_F_DUMP, sock->next_seq());
        int seen = 0;
        try {
            (void)sock->transact_overlapped(request, [&](const nlmsghdr&) {
                if (++seen == 1000) throw std::runtime_error("sink gave up");
            });
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("nothing thrown");
    });
    EXPECT_EQ(thrown, "sink gave up");
}

}  // namespace
}  // namespace dnd::netlink
