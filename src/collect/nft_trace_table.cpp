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
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
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

// `meta l4proto P th dport PORT [tcp flags & (syn|ack) == syn] [ip saddr FROM] meta nftrace set 1`
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
    if (err == EPERM || err == EACCES)
        return "cannot add the trace's table: permission denied (tracing needs CAP_NET_ADMIN; run as root)";
    if (err == EOPNOTSUPP)
        return "this kernel cannot tie a table to its owner (NFT_TABLE_F_OWNER, Linux 5.12 and later): not tracing, "
               "rather than leave a table that could outlive the trace";
    return fmt::format("cannot add the trace's table: {}", std::strerror(err));
}

namespace {

std::uint32_t hook_number(std::string_view hook) {
    if (hook == "prerouting") return NF_INET_PRE_ROUTING;
    if (hook == "input") return NF_INET_LOCAL_IN;
    if (hook == "forward") return NF_INET_FORWARD;
    if (hook == "output") return NF_INET_LOCAL_OUT;
    return NF_INET_POST_ROUTING;
}

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
    std::unique_ptr<mnl_socket, MnlSocketClose> sock(mnl_socket_open(NETLINK_NETFILTER));
    if (!sock || mnl_socket_bind(sock.get(), 0, MNL_SOCKET_AUTOPID) < 0)
        return fail("trace", trace_table_refusal(errno));
    const std::string name = fmt::format("docknetdoctor_trace_{}", getpid());

    std::vector<char> buffer(static_cast<std::size_t>(MNL_SOCKET_BUFFER_SIZE) * 4);
    mnl_nlmsg_batch* batch = mnl_nlmsg_batch_start(buffer.data(), buffer.size());
    std::uint32_t seq = static_cast<std::uint32_t>(time(nullptr));
    int acks = 0;
    nftnl_batch_begin(static_cast<char*>(mnl_nlmsg_batch_current(batch)), seq++);
    mnl_nlmsg_batch_next(batch);

    nftnl_table* table = nftnl_table_alloc();
    nftnl_table_set_str(table, NFTNL_TABLE_NAME, name.c_str());
    nftnl_table_set_u32(table, NFTNL_TABLE_FLAGS, NFT_TABLE_F_OWNER);  // never F_PERSIST: it would outlive us
    nftnl_table_nlmsg_build_payload(
        nftnl_table_nlmsg_build_hdr(static_cast<char*>(mnl_nlmsg_batch_current(batch)), NFT_MSG_NEWTABLE, NFPROTO_INET,
                                    NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, seq++),
        table);
    nftnl_table_free(table);
    mnl_nlmsg_batch_next(batch);
    ++acks;

    for (const TraceChain& spec : kTraceChains) {
        const std::string chain_name(spec.name);
        nftnl_chain* chain = nftnl_chain_alloc();
        nftnl_chain_set_str(chain, NFTNL_CHAIN_TABLE, name.c_str());
        nftnl_chain_set_str(chain, NFTNL_CHAIN_NAME, chain_name.c_str());
        nftnl_chain_set_str(chain, NFTNL_CHAIN_TYPE, "filter");
        nftnl_chain_set_u32(chain, NFTNL_CHAIN_HOOKNUM, hook_number(spec.hook));
        nftnl_chain_set_s32(chain, NFTNL_CHAIN_PRIO, spec.priority);
        nftnl_chain_nlmsg_build_payload(
            nftnl_chain_nlmsg_build_hdr(static_cast<char*>(mnl_nlmsg_batch_current(batch)), NFT_MSG_NEWCHAIN,
                                        NFPROTO_INET, NLM_F_CREATE | NLM_F_ACK, seq++),
            chain);
        nftnl_chain_free(chain);
        mnl_nlmsg_batch_next(batch);
        ++acks;
        if (spec.role != TraceChain::Role::marks) continue;
        for (const PortKey& port : filter.ports) {
            nftnl_rule* rule = nftnl_rule_alloc();
            nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, name.c_str());
            nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN, chain_name.c_str());
            add_marking_rule(ExprList{rule}, port, filter.from);
            nftnl_rule_nlmsg_build_payload(
                nftnl_rule_nlmsg_build_hdr(static_cast<char*>(mnl_nlmsg_batch_current(batch)), NFT_MSG_NEWRULE,
                                           NFPROTO_INET, NLM_F_APPEND | NLM_F_CREATE | NLM_F_ACK, seq++),
                rule);
            nftnl_rule_free(rule);
            if (!mnl_nlmsg_batch_next(batch)) {
                mnl_nlmsg_batch_stop(batch);
                return fail("trace", "too many ports to trace in one batch");
            }
            ++acks;
        }
    }
    nftnl_batch_end(static_cast<char*>(mnl_nlmsg_batch_current(batch)), seq++);
    mnl_nlmsg_batch_next(batch);
    const ssize_t sent = mnl_socket_sendto(sock.get(), mnl_nlmsg_batch_head(batch), mnl_nlmsg_batch_size(batch));
    const int send_errno = errno;
    mnl_nlmsg_batch_stop(batch);
    if (sent < 0) return fail("trace", trace_table_refusal(send_errno));
    if (const int err = await_acks(sock.get(), acks); err != 0) return fail("trace", trace_table_refusal(err));
    return TraceTable(std::move(sock), name);
}

}  // namespace dnd
