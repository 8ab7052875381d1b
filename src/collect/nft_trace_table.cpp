// The tracer's own table: one nftables batch makes it, owned by the socket that sent it.
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/collect/nft_trace.hpp"

namespace dnd {

void MnlSocketClose::operator()(mnl_socket* s) const noexcept {
    if (s != nullptr) mnl_socket_close(s);
}

namespace {

constexpr int kAckWaitMs = 5000;

struct ExprList {
    nftnl_rule* rule;
    nftnl_expr* add(const char* name) {
        nftnl_expr* e = nftnl_expr_alloc(name);
        nftnl_rule_add_expr(rule, e);  // the rule owns it from here
        return e;
    }
    void load_meta(std::uint32_t key) {
        nftnl_expr* e = add("meta");
        nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
        nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
    }
    void load_payload(std::uint32_t base, std::uint32_t offset, std::uint32_t len) {
        nftnl_expr* e = add("payload");
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
    }
    void equals(const void* data, std::uint32_t len) {
        nftnl_expr* e = add("cmp");
        nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
        nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
    }
    void mask(std::uint8_t bits) {
        nftnl_expr* e = add("bitwise");
        const std::uint8_t zero = 0;
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 1);
        nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &bits, 1);
        nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 1);
    }
    // fib daddr type local: the packet is for this host (as Docker's DNAT rules ask), so
    // the host's and containers' own traffic out to that port elsewhere is not marked.
    void to_a_local_address() {
        nftnl_expr* e = add("fib");
        nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
        nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
        nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
        const std::uint32_t local = RTN_LOCAL;
        equals(&local, sizeof local);
    }
    void set_nftrace() {
        const std::uint8_t one = 1;
        nftnl_expr* imm = add("immediate");
        nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
        nftnl_expr_set(imm, NFTNL_EXPR_IMM_DATA, &one, 1);
        nftnl_expr* set = add("meta");
        nftnl_expr_set_u32(set, NFTNL_EXPR_META_KEY, NFT_META_NFTRACE);
        nftnl_expr_set_u32(set, NFTNL_EXPR_META_SREG, NFT_REG_1);
    }
};

// `meta l4proto P th dport PORT [tcp flags & (syn|ack) == syn] fib daddr type local
//  [ip saddr FROM] meta nftrace set 1`
void add_marking_rule(ExprList x, PortKey port, const std::optional<std::string>& from) {
    const std::uint8_t l4 = port.proto == Proto::udp ? IPPROTO_UDP : IPPROTO_TCP;
    x.load_meta(NFT_META_L4PROTO);
    x.equals(&l4, 1);
    const std::uint16_t dport = htons(port.port);
    x.load_payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
    x.equals(&dport, 2);
    if (port.proto == Proto::tcp) {  // the SYN that opens the connection, not its every segment
        const std::uint8_t syn = 0x02;
        x.load_payload(NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
        x.mask(0x12);
        x.equals(&syn, 1);
    }
    x.to_a_local_address();
    if (from) {
        in6_addr v6{};
        in_addr v4{};
        const bool is_v6 = inet_pton(AF_INET6, from->c_str(), &v6) == 1;
        if (!is_v6) inet_pton(AF_INET, from->c_str(), &v4);
        const std::uint8_t nfproto = is_v6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
        x.load_meta(NFT_META_NFPROTO);
        x.equals(&nfproto, 1);
        if (is_v6) {
            x.load_payload(NFT_PAYLOAD_NETWORK_HEADER, 8, 16);
            x.equals(&v6, 16);
        } else {
            x.load_payload(NFT_PAYLOAD_NETWORK_HEADER, 12, 4);
            x.equals(&v4, 4);
        }
    }
    x.set_nftrace();
}

}  // namespace

std::string trace_table_refusal(int err) {
    if (err == EPERM || err == EACCES) return fmt::format("cannot add the trace's table: {}", kTraceNeedsNetAdmin);
    if (err == EOPNOTSUPP)
        return "this kernel cannot tie a table to its owner (NFT_TABLE_F_OWNER, Linux 5.12 and later): not tracing, "
               "rather than leave a table that could outlive the trace";
    return fmt::format("cannot add the trace's table: {}", std::strerror(err));
}

namespace {

// nf::Hook's first five are the kernel's NF_INET_* numbers.
static_assert(static_cast<int>(nf::Hook::prerouting) == NF_INET_PRE_ROUTING &&
              static_cast<int>(nf::Hook::input) == NF_INET_LOCAL_IN && static_cast<int>(nf::Hook::forward) == NF_INET_FORWARD &&
              static_cast<int>(nf::Hook::output) == NF_INET_LOCAL_OUT &&
              static_cast<int>(nf::Hook::postrouting) == NF_INET_POST_ROUTING);

// One batch of messages in a buffer sized for them: libmnl builds the next message before it
// says the limit is passed, so the buffer is twice the limit, and every step is checked.
class Batch {
public:
    explicit Batch(std::size_t messages)
        : limit_(std::max<std::size_t>(MNL_SOCKET_BUFFER_SIZE, messages * kMaxMessage)), buffer_(2 * limit_),
          batch_(mnl_nlmsg_batch_start(buffer_.data(), limit_)) {}
    ~Batch() { mnl_nlmsg_batch_stop(batch_); }
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;
    char* current() { return static_cast<char*>(mnl_nlmsg_batch_current(batch_)); }
    // After building a message at current(): false when it passed the limit.
    bool next() { return mnl_nlmsg_batch_next(batch_); }
    const void* head() { return mnl_nlmsg_batch_head(batch_); }
    std::size_t size() { return mnl_nlmsg_batch_size(batch_); }
    std::uint32_t seq() { return seq_++; }

private:
    static constexpr std::size_t kMaxMessage = 1024;  // a marking rule with an IPv6 source is ~600 bytes
    std::size_t limit_;
    std::vector<char> buffer_;
    mnl_nlmsg_batch* batch_;
    std::uint32_t seq_ = static_cast<std::uint32_t>(time(nullptr));
};

// Waits for the ACK of each of `acks` messages; 0 or the first error the kernel sent.
int await_acks(mnl_socket* sock, int acks) {
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    while (acks > 0) {
        pollfd p{mnl_socket_get_fd(sock), POLLIN, 0};
        const int ready = poll(&p, 1, kAckWaitMs);
        if (ready == 0) return ETIMEDOUT;
        if (ready < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        const ssize_t n = mnl_socket_recvfrom(sock, buf.data(), buf.size());
        if (n < 0) return errno;
        int left = static_cast<int>(n);
        for (auto* nlh = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
            if (nlh->nlmsg_type != NLMSG_ERROR) continue;
            if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) return EPROTO;
            const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
            if (err->error != 0) return -err->error;
            --acks;
        }
    }
    return 0;
}

}  // namespace

Result<TraceTable> TraceTable::arm(const TraceFilter& filter) {
    if (filter.ports.empty()) return fail("trace", "no port to trace");
    if (filter.ports.size() > kMaxTracedPorts)
        return fail("trace", fmt::format("{} published ports: a trace follows at most {} at once (name one with --port)",
                                         filter.ports.size(), kMaxTracedPorts));
    // Close-on-exec: a child that inherited the socket would keep the table after we end.
    std::unique_ptr<mnl_socket, MnlSocketClose> sock(mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC));
    if (!sock || mnl_socket_bind(sock.get(), 0, MNL_SOCKET_AUTOPID) < 0)
        return fail("trace", trace_table_refusal(errno));
    const std::string name = fmt::format("docknetdoctor_trace_{}", getpid());

    const std::size_t marking_chains = 2;
    Batch batch(3 + std::size(kTraceChains) + marking_chains * filter.ports.size());
    int acks = 0;
    bool fits = true;
    nftnl_batch_begin(batch.current(), batch.seq());
    fits = batch.next() && fits;

    nftnl_table* table = nftnl_table_alloc();
    nftnl_table_set_str(table, NFTNL_TABLE_NAME, name.c_str());
    nftnl_table_set_u32(table, NFTNL_TABLE_FLAGS, NFT_TABLE_F_OWNER);  // never F_PERSIST: it would outlive us
    nftnl_table_nlmsg_build_payload(nftnl_table_nlmsg_build_hdr(batch.current(), NFT_MSG_NEWTABLE, NFPROTO_INET,
                                                                NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, batch.seq()),
                                    table);
    nftnl_table_free(table);
    fits = batch.next() && fits;
    ++acks;

    for (const TraceChain& spec : kTraceChains) {
        const std::string chain_name(spec.name);
        nftnl_chain* chain = nftnl_chain_alloc();
        nftnl_chain_set_str(chain, NFTNL_CHAIN_TABLE, name.c_str());
        nftnl_chain_set_str(chain, NFTNL_CHAIN_NAME, chain_name.c_str());
        nftnl_chain_set_str(chain, NFTNL_CHAIN_TYPE, "filter");
        nftnl_chain_set_u32(chain, NFTNL_CHAIN_HOOKNUM, static_cast<std::uint32_t>(spec.hook));
        nftnl_chain_set_s32(chain, NFTNL_CHAIN_PRIO, spec.priority);
        nftnl_chain_nlmsg_build_payload(nftnl_chain_nlmsg_build_hdr(batch.current(), NFT_MSG_NEWCHAIN, NFPROTO_INET,
                                                                    NLM_F_CREATE | NLM_F_ACK, batch.seq()),
                                        chain);
        nftnl_chain_free(chain);
        fits = batch.next() && fits;
        ++acks;
        if (spec.role != TraceChain::Role::marks) continue;
        for (const PortKey& port : filter.ports) {
            nftnl_rule* rule = nftnl_rule_alloc();
            nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, name.c_str());
            nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN, chain_name.c_str());
            add_marking_rule(ExprList{rule}, port, filter.from);
            nftnl_rule_nlmsg_build_payload(nftnl_rule_nlmsg_build_hdr(batch.current(), NFT_MSG_NEWRULE, NFPROTO_INET,
                                                                      NLM_F_APPEND | NLM_F_CREATE | NLM_F_ACK, batch.seq()),
                                           rule);
            nftnl_rule_free(rule);
            fits = batch.next() && fits;
            ++acks;
        }
    }
    nftnl_batch_end(batch.current(), batch.seq());
    fits = batch.next() && fits;
    if (!fits) return fail("trace", "the trace's table did not fit in one netlink batch");  // sized for it: a bug
    // The kernel takes a message up to the socket's send buffer: a table for hundreds of
    // ports is larger than the default.
    const int send_buffer = static_cast<int>(batch.size()) + (64 << 10);
    const int fd = mnl_socket_get_fd(sock.get());
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &send_buffer, sizeof send_buffer) < 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);
    // An ACK per message, each without the request echoed back (NETLINK_CAP_ACK), all of
    // them queued before they are read: each is a buffer of its own (~1 KiB counted).
    const int cap_ack = 1;
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &cap_ack, sizeof cap_ack);
    const int receive_buffer = acks * 4096 + (64 << 10);
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer, sizeof receive_buffer) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    const ssize_t sent = mnl_socket_sendto(sock.get(), batch.head(), batch.size());
    if (sent < 0) return fail("trace", trace_table_refusal(errno));
    if (const int err = await_acks(sock.get(), acks); err != 0) return fail("trace", trace_table_refusal(err));
    return TraceTable(std::move(sock), name);
}

}  // namespace dnd
