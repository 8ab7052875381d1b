// libnftnl expression -> typed Expr. Attributes that are absent stay empty; an expression
// this model does not know is kept as Unknown{name} so nothing is silently dropped.
#include "nft_expr_decode.hpp"

#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <cstring>
#include <string_view>

#include "docknetdoctor/collect/netfilter_collect.hpp"

namespace dnd::nf {
namespace {

std::uint32_t u32(const nftnl_expr* e, std::uint16_t attr) { return nftnl_expr_get_u32(e, attr); }

std::optional<Register> opt_reg(const nftnl_expr* e, std::uint16_t attr) {
    if (!nftnl_expr_is_set(e, attr)) return std::nullopt;
    return nftnl_expr_get_u32(e, attr);
}

Bytes data(const nftnl_expr* e, std::uint16_t attr) {
    if (!nftnl_expr_is_set(e, attr)) return {};
    std::uint32_t len = 0;
    const auto* p = static_cast<const std::uint8_t*>(nftnl_expr_get(e, attr, &len));
    if (p == nullptr) return {};
    return Bytes(p, p + len);
}

std::string str(const nftnl_expr* e, std::uint16_t attr) {
    if (!nftnl_expr_is_set(e, attr)) return {};
    const char* s = nftnl_expr_get_str(e, attr);
    return s != nullptr ? std::string(s) : std::string{};
}

CmpOp cmp_op(std::uint32_t op) {
    switch (op) {
    case NFT_CMP_NEQ: return CmpOp::neq;
    case NFT_CMP_LT: return CmpOp::lt;
    case NFT_CMP_LTE: return CmpOp::lte;
    case NFT_CMP_GT: return CmpOp::gt;
    case NFT_CMP_GTE: return CmpOp::gte;
    default: return CmpOp::eq;
    }
}

Expr decode_payload(const nftnl_expr* e) {
    Payload p;
    switch (u32(e, NFTNL_EXPR_PAYLOAD_BASE)) {
    case NFT_PAYLOAD_LL_HEADER: p.base = PayloadBase::link; break;
    case NFT_PAYLOAD_TRANSPORT_HEADER: p.base = PayloadBase::transport; break;
    case NFT_PAYLOAD_INNER_HEADER: p.base = PayloadBase::inner; break;
    default: p.base = PayloadBase::network; break;
    }
    p.offset = u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
    p.len = u32(e, NFTNL_EXPR_PAYLOAD_LEN);
    p.dreg = u32(e, NFTNL_EXPR_PAYLOAD_DREG);
    p.sreg = opt_reg(e, NFTNL_EXPR_PAYLOAD_SREG);
    return p;
}

Expr decode_bitwise(const nftnl_expr* e) {
    Bitwise b;
    b.sreg = u32(e, NFTNL_EXPR_BITWISE_SREG);
    b.dreg = u32(e, NFTNL_EXPR_BITWISE_DREG);
    b.len = u32(e, NFTNL_EXPR_BITWISE_LEN);
    switch (u32(e, NFTNL_EXPR_BITWISE_OP)) {
    case NFT_BITWISE_LSHIFT: b.op = BitwiseOp::lshift; break;
    case NFT_BITWISE_RSHIFT: b.op = BitwiseOp::rshift; break;
    default: b.op = BitwiseOp::mask_xor; break;
    }
    b.mask = data(e, NFTNL_EXPR_BITWISE_MASK);
    b.xor_ = data(e, NFTNL_EXPR_BITWISE_XOR);
    if (b.op != BitwiseOp::mask_xor) {
        Bytes shift = data(e, NFTNL_EXPR_BITWISE_DATA);
        if (shift.size() >= 4) std::memcpy(&b.shift, shift.data(), 4);  // host order u32
    }
    return b;
}

Expr decode_immediate(const nftnl_expr* e) {
    Immediate i;
    i.dreg = u32(e, NFTNL_EXPR_IMM_DREG);
    if (i.dreg == NFT_REG_VERDICT) {
        auto code = static_cast<std::int32_t>(u32(e, NFTNL_EXPR_IMM_VERDICT));
        auto kind = verdict_kind_from_code(code);
        if (!kind) return Unknown{"immediate"};
        i.verdict = Verdict{*kind, str(e, NFTNL_EXPR_IMM_CHAIN)};
    } else {
        i.data = data(e, NFTNL_EXPR_IMM_DATA);
    }
    return i;
}

Expr decode_xt(const nftnl_expr* e, bool is_target, int xt_family) {
    Xt x;
    x.is_target = is_target;
    const std::uint16_t name_attr = is_target ? std::uint16_t{NFTNL_EXPR_TG_NAME} : std::uint16_t{NFTNL_EXPR_MT_NAME};
    const std::uint16_t rev_attr = is_target ? std::uint16_t{NFTNL_EXPR_TG_REV} : std::uint16_t{NFTNL_EXPR_MT_REV};
    const std::uint16_t info_attr = is_target ? std::uint16_t{NFTNL_EXPR_TG_INFO} : std::uint16_t{NFTNL_EXPR_MT_INFO};
    x.name = str(e, name_attr);
    x.revision = static_cast<std::uint8_t>(u32(e, rev_attr));
    x.info = data(e, info_attr);
    x.decoded = decode_xt(is_target, x.name, x.revision, x.info, xt_family);
    return x;
}

}  // namespace

std::optional<Verdict::Kind> verdict_kind_from_code(std::int32_t code) {
    switch (code) {
    case NF_ACCEPT: return Verdict::Kind::accept;
    case NF_DROP: return Verdict::Kind::drop;
    case NF_QUEUE: return Verdict::Kind::queue;
    case NF_STOLEN: return Verdict::Kind::stolen;
    case NF_REPEAT: return Verdict::Kind::repeat;
    case NFT_CONTINUE: return Verdict::Kind::continue_;
    case NFT_BREAK: return Verdict::Kind::break_;
    case NFT_JUMP: return Verdict::Kind::jump;
    case NFT_GOTO: return Verdict::Kind::goto_;
    case NFT_RETURN: return Verdict::Kind::return_;
    default:
        // NF_QUEUE with a queue number in the upper bits
        if ((code & NF_VERDICT_MASK) == NF_QUEUE && code >= 0) return Verdict::Kind::queue;
        return std::nullopt;
    }
}

Expr decode_nft_expr(const nftnl_expr* e, int xt_family) {
    const char* raw_name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
    std::string_view name = raw_name != nullptr ? raw_name : "";
    if (name == "payload") return decode_payload(e);
    if (name == "cmp")
        return Cmp{cmp_op(u32(e, NFTNL_EXPR_CMP_OP)), u32(e, NFTNL_EXPR_CMP_SREG), data(e, NFTNL_EXPR_CMP_DATA)};
    if (name == "meta")
        return Meta{static_cast<MetaKey>(u32(e, NFTNL_EXPR_META_KEY)), opt_reg(e, NFTNL_EXPR_META_DREG),
                    opt_reg(e, NFTNL_EXPR_META_SREG)};
    if (name == "bitwise") return decode_bitwise(e);
    if (name == "range")
        return Range{u32(e, NFTNL_EXPR_RANGE_OP) == NFT_RANGE_NEQ, u32(e, NFTNL_EXPR_RANGE_SREG),
                     data(e, NFTNL_EXPR_RANGE_FROM_DATA), data(e, NFTNL_EXPR_RANGE_TO_DATA)};
    if (name == "lookup")
        return Lookup{str(e, NFTNL_EXPR_LOOKUP_SET), u32(e, NFTNL_EXPR_LOOKUP_SET_ID),
                      u32(e, NFTNL_EXPR_LOOKUP_SREG), opt_reg(e, NFTNL_EXPR_LOOKUP_DREG),
                      (u32(e, NFTNL_EXPR_LOOKUP_FLAGS) & NFT_LOOKUP_F_INV) != 0};
    if (name == "ct") {
        Ct c{static_cast<CtKey>(u32(e, NFTNL_EXPR_CT_KEY)), opt_reg(e, NFTNL_EXPR_CT_DREG),
             opt_reg(e, NFTNL_EXPR_CT_SREG), std::nullopt};
        if (nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR)) c.direction = nftnl_expr_get_u8(e, NFTNL_EXPR_CT_DIR);
        return c;
    }
    if (name == "fib")
        return Fib{u32(e, NFTNL_EXPR_FIB_FLAGS), static_cast<FibResult>(u32(e, NFTNL_EXPR_FIB_RESULT)),
                   u32(e, NFTNL_EXPR_FIB_DREG)};
    if (name == "nat")
        return Nat{u32(e, NFTNL_EXPR_NAT_TYPE) == NFT_NAT_SNAT ? NatType::snat : NatType::dnat,
                   u32(e, NFTNL_EXPR_NAT_FAMILY),
                   opt_reg(e, NFTNL_EXPR_NAT_REG_ADDR_MIN),
                   opt_reg(e, NFTNL_EXPR_NAT_REG_ADDR_MAX),
                   opt_reg(e, NFTNL_EXPR_NAT_REG_PROTO_MIN),
                   opt_reg(e, NFTNL_EXPR_NAT_REG_PROTO_MAX),
                   u32(e, NFTNL_EXPR_NAT_FLAGS)};
    if (name == "immediate") return decode_immediate(e);
    if (name == "reject")
        return Reject{u32(e, NFTNL_EXPR_REJECT_TYPE), nftnl_expr_get_u8(e, NFTNL_EXPR_REJECT_CODE)};
    if (name == "counter")
        return Counter{nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS), nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES)};
    if (name == "log") {
        Log l{str(e, NFTNL_EXPR_LOG_PREFIX), std::nullopt, std::nullopt};
        if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_GROUP)) l.group = nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_GROUP);
        if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_LEVEL)) l.level = u32(e, NFTNL_EXPR_LOG_LEVEL);
        return l;
    }
    if (name == "limit")
        return Limit{nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE), nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT),
                     u32(e, NFTNL_EXPR_LIMIT_BURST), u32(e, NFTNL_EXPR_LIMIT_TYPE),
                     (u32(e, NFTNL_EXPR_LIMIT_FLAGS) & NFT_LIMIT_F_INV) != 0};
    if (name == "masq")
        return Masq{u32(e, NFTNL_EXPR_MASQ_FLAGS), opt_reg(e, NFTNL_EXPR_MASQ_REG_PROTO_MIN),
                    opt_reg(e, NFTNL_EXPR_MASQ_REG_PROTO_MAX)};
    if (name == "redir")
        return Redir{u32(e, NFTNL_EXPR_REDIR_FLAGS), opt_reg(e, NFTNL_EXPR_REDIR_REG_PROTO_MIN),
                     opt_reg(e, NFTNL_EXPR_REDIR_REG_PROTO_MAX)};
    if (name == "match") return decode_xt(e, false, xt_family);
    if (name == "target") return decode_xt(e, true, xt_family);
    return Unknown{std::string(name)};
}

std::string rule_userdata_comment(std::span<const std::uint8_t> udata) {
    std::size_t pos = 0;
    while (pos + 2 <= udata.size()) {
        std::uint8_t type = udata[pos];
        std::size_t len = udata[pos + 1];
        if (pos + 2 + len > udata.size()) break;  // truncated TLV: ignore the rest
        if (type == 0 /* NFTNL_UDATA_RULE_COMMENT */) {
            const auto* text = reinterpret_cast<const char*>(udata.data() + pos + 2);
            return std::string(text, strnlen(text, len));
        }
        pos += 2 + len;
    }
    return {};
}

}  // namespace dnd::nf
