// The attribute policy libnftnl 1.2.4's parsers apply (its *_cb functions validate each
// attribute with libmnl's mnl_attr_validate and call exit(1) when one fails), applied here
// first with the same libmnl call, plus what its parsers assume without checking.
#include "nft_message_policy.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

namespace dnd::nf {
namespace {

const char* kSource = "nftables";

// What an attribute holds, past the check of its own type and size.
enum class Holds : std::uint8_t {
    nothing,
    hook,         // a base chain's hook
    counters,     // a chain's counters
    compat,       // a rule's xtables protocol
    set_desc,     // a set's size and concatenation
    expression,   // one expression
    expressions,  // a list of expressions
    data,         // a data register: a value or a verdict
    elements,     // a list of set elements
};

struct Field {
    std::uint16_t type;
    mnl_attr_data_type check;  // MNL_TYPE_UNSPEC: libnftnl checks nothing
    Holds holds = Holds::nothing;
};

struct Policy {
    std::string_view what;  // for the error message
    std::span<const Field> fields;
    // libnftnl keeps the attributes in a table of this many slots but lets larger types
    // through (set elements: the set's maximum), so a larger type writes past it. 0: no such gap.
    std::uint16_t slots = 0;
};

constexpr Field kTableFields[] = {
    {NFTA_TABLE_NAME, MNL_TYPE_STRING}, {NFTA_TABLE_HANDLE, MNL_TYPE_U64}, {NFTA_TABLE_FLAGS, MNL_TYPE_U32},
    {NFTA_TABLE_USE, MNL_TYPE_U32}, {NFTA_TABLE_OWNER, MNL_TYPE_U32}};
constexpr Field kChainFields[] = {
    {NFTA_CHAIN_NAME, MNL_TYPE_STRING}, {NFTA_CHAIN_TABLE, MNL_TYPE_STRING}, {NFTA_CHAIN_TYPE, MNL_TYPE_STRING},
    {NFTA_CHAIN_HOOK, MNL_TYPE_NESTED, Holds::hook}, {NFTA_CHAIN_COUNTERS, MNL_TYPE_NESTED, Holds::counters},
    {NFTA_CHAIN_POLICY, MNL_TYPE_U32}, {NFTA_CHAIN_USE, MNL_TYPE_U32}, {NFTA_CHAIN_FLAGS, MNL_TYPE_U32},
    {NFTA_CHAIN_ID, MNL_TYPE_U32}, {NFTA_CHAIN_HANDLE, MNL_TYPE_U64}};
constexpr Field kHookFields[] = {
    {NFTA_HOOK_HOOKNUM, MNL_TYPE_U32}, {NFTA_HOOK_PRIORITY, MNL_TYPE_U32}, {NFTA_HOOK_DEV, MNL_TYPE_STRING}};
constexpr Field kCounterFields[] = {{NFTA_COUNTER_BYTES, MNL_TYPE_U64}, {NFTA_COUNTER_PACKETS, MNL_TYPE_U64}};
constexpr Field kSetFields[] = {
    {NFTA_SET_TABLE, MNL_TYPE_STRING}, {NFTA_SET_NAME, MNL_TYPE_STRING}, {NFTA_SET_HANDLE, MNL_TYPE_U64},
    {NFTA_SET_FLAGS, MNL_TYPE_U32}, {NFTA_SET_KEY_TYPE, MNL_TYPE_U32}, {NFTA_SET_KEY_LEN, MNL_TYPE_U32},
    {NFTA_SET_DATA_TYPE, MNL_TYPE_U32}, {NFTA_SET_DATA_LEN, MNL_TYPE_U32}, {NFTA_SET_ID, MNL_TYPE_U32},
    {NFTA_SET_POLICY, MNL_TYPE_U32}, {NFTA_SET_GC_INTERVAL, MNL_TYPE_U32}, {NFTA_SET_TIMEOUT, MNL_TYPE_U64},
    {NFTA_SET_DESC, MNL_TYPE_NESTED, Holds::set_desc}, {NFTA_SET_EXPR, MNL_TYPE_NESTED, Holds::expression},
    {NFTA_SET_EXPRESSIONS, MNL_TYPE_NESTED, Holds::expressions}};
constexpr Field kRuleFields[] = {
    {NFTA_RULE_TABLE, MNL_TYPE_STRING}, {NFTA_RULE_CHAIN, MNL_TYPE_STRING}, {NFTA_RULE_HANDLE, MNL_TYPE_U64},
    {NFTA_RULE_COMPAT, MNL_TYPE_NESTED, Holds::compat}, {NFTA_RULE_POSITION, MNL_TYPE_U64},
    {NFTA_RULE_ID, MNL_TYPE_U32}, {NFTA_RULE_POSITION_ID, MNL_TYPE_U32},
    {NFTA_RULE_EXPRESSIONS, MNL_TYPE_UNSPEC, Holds::expressions}};
constexpr Field kCompatFields[] = {{NFTA_RULE_COMPAT_PROTO, MNL_TYPE_U32}, {NFTA_RULE_COMPAT_FLAGS, MNL_TYPE_U32}};
constexpr Field kElementListFields[] = {
    {NFTA_SET_ELEM_LIST_TABLE, MNL_TYPE_STRING}, {NFTA_SET_ELEM_LIST_SET, MNL_TYPE_STRING},
    {NFTA_SET_ELEM_LIST_ELEMENTS, MNL_TYPE_NESTED, Holds::elements}};
constexpr Field kElementFields[] = {
    {NFTA_SET_ELEM_FLAGS, MNL_TYPE_U32}, {NFTA_SET_ELEM_TIMEOUT, MNL_TYPE_U64},
    {NFTA_SET_ELEM_EXPIRATION, MNL_TYPE_U64}, {NFTA_SET_ELEM_KEY, MNL_TYPE_NESTED, Holds::data},
    {NFTA_SET_ELEM_KEY_END, MNL_TYPE_NESTED, Holds::data}, {NFTA_SET_ELEM_DATA, MNL_TYPE_NESTED, Holds::data},
    {NFTA_SET_ELEM_EXPR, MNL_TYPE_NESTED, Holds::expression},
    {NFTA_SET_ELEM_EXPRESSIONS, MNL_TYPE_NESTED, Holds::expressions}};
constexpr Field kGenFields[] = {{NFTA_GEN_ID, MNL_TYPE_U32}};
constexpr Field kExpressionFields[] = {{NFTA_EXPR_NAME, MNL_TYPE_STRING}, {NFTA_EXPR_DATA, MNL_TYPE_NESTED}};
constexpr Field kDataFields[] = {{NFTA_DATA_VERDICT, MNL_TYPE_NESTED}};
constexpr Field kVerdictFields[] = {
    {NFTA_VERDICT_CODE, MNL_TYPE_U32}, {NFTA_VERDICT_CHAIN, MNL_TYPE_STRING}, {NFTA_VERDICT_CHAIN_ID, MNL_TYPE_U32}};

// libnftnl's table for a set element has NFTA_SET_ELEM_EXPRESSIONS + 1 slots.
constexpr std::uint16_t kElementSlots = NFTA_SET_ELEM_EXPRESSIONS + 1;

constexpr Policy kTable{"table", kTableFields};
constexpr Policy kChain{"chain", kChainFields};
constexpr Policy kHook{"chain hook", kHookFields};
constexpr Policy kCounters{"chain counters", kCounterFields};
constexpr Policy kSet{"set", kSetFields};
constexpr Policy kRule{"rule", kRuleFields};
constexpr Policy kCompat{"rule's xtables protocol", kCompatFields};
constexpr Policy kElementList{"set element list", kElementListFields};
constexpr Policy kElement{"set element", kElementFields, kElementSlots};
constexpr Policy kGen{"generation", kGenFields};
constexpr Policy kExpression{"expression", kExpressionFields};
constexpr Policy kData{"data register", kDataFields};
constexpr Policy kVerdict{"verdict", kVerdictFields};

// Each expression libnftnl 1.2.4 knows, with the attributes its parser checks.
constexpr mnl_attr_data_type u8 = MNL_TYPE_U8, u16 = MNL_TYPE_U16, u32 = MNL_TYPE_U32, u64 = MNL_TYPE_U64,
                             str = MNL_TYPE_STRING, nul_str = MNL_TYPE_NUL_STRING, bin = MNL_TYPE_BINARY;
constexpr Field kBitwise[] = {{NFTA_BITWISE_SREG, u32}, {NFTA_BITWISE_DREG, u32}, {NFTA_BITWISE_OP, u32},
                              {NFTA_BITWISE_LEN, u32}, {NFTA_BITWISE_MASK, bin, Holds::data},
                              {NFTA_BITWISE_XOR, bin, Holds::data}, {NFTA_BITWISE_DATA, bin, Holds::data}};
constexpr Field kByteorder[] = {{NFTA_BYTEORDER_SREG, u32}, {NFTA_BYTEORDER_DREG, u32}, {NFTA_BYTEORDER_OP, u32},
                                {NFTA_BYTEORDER_LEN, u32}, {NFTA_BYTEORDER_SIZE, u32}};
constexpr Field kCmp[] = {{NFTA_CMP_SREG, u32}, {NFTA_CMP_OP, u32}, {NFTA_CMP_DATA, bin, Holds::data}};
constexpr Field kConnlimit[] = {{NFTA_CONNLIMIT_COUNT, u32}, {NFTA_CONNLIMIT_FLAGS, u32}};
constexpr Field kCounter[] = {{NFTA_COUNTER_BYTES, u64}, {NFTA_COUNTER_PACKETS, u64}};
constexpr Field kCt[] = {{NFTA_CT_KEY, u32}, {NFTA_CT_DREG, u32}, {NFTA_CT_SREG, u32}, {NFTA_CT_DIRECTION, u8}};
constexpr Field kDup[] = {{NFTA_DUP_SREG_ADDR, u32}, {NFTA_DUP_SREG_DEV, u32}};
constexpr Field kDynset[] = {{NFTA_DYNSET_SREG_KEY, u32}, {NFTA_DYNSET_SREG_DATA, u32}, {NFTA_DYNSET_SET_ID, u32},
                             {NFTA_DYNSET_OP, u32}, {NFTA_DYNSET_FLAGS, u32}, {NFTA_DYNSET_TIMEOUT, u64},
                             {NFTA_DYNSET_SET_NAME, str}, {NFTA_DYNSET_EXPR, MNL_TYPE_NESTED, Holds::expression},
                             {NFTA_DYNSET_EXPRESSIONS, MNL_TYPE_UNSPEC, Holds::expressions}};
constexpr Field kExthdr[] = {{NFTA_EXTHDR_TYPE, u8}, {NFTA_EXTHDR_DREG, u32}, {NFTA_EXTHDR_SREG, u32},
                             {NFTA_EXTHDR_OFFSET, u32}, {NFTA_EXTHDR_LEN, u32}, {NFTA_EXTHDR_OP, u32},
                             {NFTA_EXTHDR_FLAGS, u32}};
constexpr Field kFib[] = {{NFTA_FIB_RESULT, u32}, {NFTA_FIB_DREG, u32}, {NFTA_FIB_FLAGS, u32}};
constexpr Field kFlowOffload[] = {{NFTA_FLOW_TABLE_NAME, str}};
constexpr Field kFwd[] = {{NFTA_FWD_SREG_DEV, u32}, {NFTA_FWD_SREG_ADDR, u32}, {NFTA_FWD_NFPROTO, u32}};
constexpr Field kHash[] = {{NFTA_HASH_SREG, u32}, {NFTA_HASH_DREG, u32}, {NFTA_HASH_LEN, u32},
                           {NFTA_HASH_MODULUS, u32}, {NFTA_HASH_SEED, u32}, {NFTA_HASH_OFFSET, u32},
                           {NFTA_HASH_TYPE, u32}};
constexpr Field kImmediate[] = {{NFTA_IMMEDIATE_DREG, u32}, {NFTA_IMMEDIATE_DATA, bin, Holds::data}};
constexpr Field kLast[] = {{NFTA_LAST_MSECS, u64}, {NFTA_LAST_SET, u32}};
constexpr Field kLimit[] = {{NFTA_LIMIT_RATE, u64}, {NFTA_LIMIT_UNIT, u64}, {NFTA_LIMIT_BURST, u32},
                            {NFTA_LIMIT_TYPE, u32}, {NFTA_LIMIT_FLAGS, u32}};
constexpr Field kLog[] = {{NFTA_LOG_PREFIX, str}, {NFTA_LOG_GROUP, u16}, {NFTA_LOG_QTHRESHOLD, u16},
                          {NFTA_LOG_SNAPLEN, u32}, {NFTA_LOG_LEVEL, u32}, {NFTA_LOG_FLAGS, u32}};
constexpr Field kLookup[] = {{NFTA_LOOKUP_SREG, u32}, {NFTA_LOOKUP_DREG, u32}, {NFTA_LOOKUP_SET_ID, u32},
                             {NFTA_LOOKUP_FLAGS, u32}, {NFTA_LOOKUP_SET, str}};
constexpr Field kMasq[] = {{NFTA_MASQ_REG_PROTO_MIN, u32}, {NFTA_MASQ_REG_PROTO_MAX, u32}, {NFTA_MASQ_FLAGS, u32}};
constexpr Field kMatch[] = {{NFTA_MATCH_NAME, nul_str}, {NFTA_MATCH_REV, u32}};
constexpr Field kMeta[] = {{NFTA_META_KEY, u32}, {NFTA_META_DREG, u32}, {NFTA_META_SREG, u32}};
constexpr Field kNat[] = {{NFTA_NAT_TYPE, u32}, {NFTA_NAT_FAMILY, u32}, {NFTA_NAT_REG_ADDR_MIN, u32},
                          {NFTA_NAT_REG_ADDR_MAX, u32}, {NFTA_NAT_REG_PROTO_MIN, u32},
                          {NFTA_NAT_REG_PROTO_MAX, u32}, {NFTA_NAT_FLAGS, u32}};
constexpr Field kNumgen[] = {{NFTA_NG_DREG, u32}, {NFTA_NG_MODULUS, u32}, {NFTA_NG_TYPE, u32}, {NFTA_NG_OFFSET, u32}};
constexpr Field kObjref[] = {{NFTA_OBJREF_IMM_TYPE, u32}, {NFTA_OBJREF_IMM_NAME, str}, {NFTA_OBJREF_SET_NAME, str},
                             {NFTA_OBJREF_SET_SREG, u32}, {NFTA_OBJREF_SET_ID, u32}};
// libnftnl checks the osf and synproxy expressions by its own attribute numbers
// (NFTNL_EXPR_*), not the kernel's: what it checks is what can end the process.
constexpr Field kOsf[] = {{NFTNL_EXPR_OSF_DREG, u32}, {NFTNL_EXPR_OSF_TTL, u8}, {NFTNL_EXPR_OSF_FLAGS, u32}};
constexpr Field kPayload[] = {{NFTA_PAYLOAD_SREG, u32}, {NFTA_PAYLOAD_DREG, u32}, {NFTA_PAYLOAD_BASE, u32},
                              {NFTA_PAYLOAD_OFFSET, u32}, {NFTA_PAYLOAD_LEN, u32}, {NFTA_PAYLOAD_CSUM_TYPE, u32},
                              {NFTA_PAYLOAD_CSUM_OFFSET, u32}, {NFTA_PAYLOAD_CSUM_FLAGS, u32}};
constexpr Field kQueue[] = {{NFTA_QUEUE_NUM, u16}, {NFTA_QUEUE_TOTAL, u16}, {NFTA_QUEUE_FLAGS, u16},
                            {NFTA_QUEUE_SREG_QNUM, u32}};
constexpr Field kQuota[] = {{NFTA_QUOTA_BYTES, u64}, {NFTA_QUOTA_CONSUMED, u64}, {NFTA_QUOTA_FLAGS, u32}};
constexpr Field kRange[] = {{NFTA_RANGE_SREG, u32}, {NFTA_RANGE_OP, u32}, {NFTA_RANGE_FROM_DATA, bin, Holds::data},
                            {NFTA_RANGE_TO_DATA, bin, Holds::data}};
constexpr Field kRedir[] = {{NFTA_REDIR_REG_PROTO_MIN, u32}, {NFTA_REDIR_REG_PROTO_MAX, u32}, {NFTA_REDIR_FLAGS, u32}};
constexpr Field kReject[] = {{NFTA_REJECT_TYPE, u32}, {NFTA_REJECT_ICMP_CODE, u8}};
constexpr Field kRt[] = {{NFTA_RT_KEY, u32}, {NFTA_RT_DREG, u32}};
constexpr Field kSocket[] = {{NFTA_SOCKET_KEY, u32}, {NFTA_SOCKET_DREG, u32}, {NFTA_SOCKET_LEVEL, u32}};
constexpr Field kSynproxy[] = {{NFTNL_EXPR_SYNPROXY_MSS, u16}, {NFTNL_EXPR_SYNPROXY_WSCALE, u8},
                               {NFTNL_EXPR_SYNPROXY_FLAGS, u32}};
constexpr Field kTarget[] = {{NFTA_TARGET_NAME, nul_str}, {NFTA_TARGET_REV, u32}};
constexpr Field kTproxy[] = {{NFTA_TPROXY_FAMILY, u32}, {NFTA_TPROXY_REG_ADDR, u32}, {NFTA_TPROXY_REG_PORT, u32}};
constexpr Field kTunnel[] = {{NFTA_TUNNEL_KEY, u32}, {NFTA_TUNNEL_DREG, u32}};
constexpr Field kXfrm[] = {{NFTA_XFRM_DREG, u32}, {NFTA_XFRM_KEY, u32}, {NFTA_XFRM_SPNUM, u32}, {NFTA_XFRM_DIR, u8}};

constexpr Policy kExpressions[] = {
    {"bitwise", kBitwise}, {"byteorder", kByteorder}, {"cmp", kCmp}, {"connlimit", kConnlimit},
    {"counter", kCounter}, {"ct", kCt}, {"dup", kDup}, {"dynset", kDynset}, {"exthdr", kExthdr},
    {"fib", kFib}, {"flow_offload", kFlowOffload}, {"fwd", kFwd}, {"hash", kHash},
    {"immediate", kImmediate}, {"last", kLast}, {"limit", kLimit}, {"log", kLog}, {"lookup", kLookup},
    {"masq", kMasq}, {"match", kMatch}, {"meta", kMeta}, {"nat", kNat}, {"numgen", kNumgen},
    {"objref", kObjref}, {"osf", kOsf}, {"payload", kPayload}, {"queue", kQueue}, {"quota", kQuota},
    {"range", kRange}, {"redir", kRedir}, {"reject", kReject}, {"rt", kRt}, {"socket", kSocket},
    {"synproxy", kSynproxy}, {"target", kTarget}, {"tproxy", kTproxy}, {"tunnel", kTunnel}, {"xfrm", kXfrm}};

// libnftnl keeps a set's concatenated key lengths in NFT_REG32_COUNT slots and counts
// without a bound.
constexpr int kConcatFieldSlots = NFT_REG32_COUNT;
// Expressions inside expressions (dynset, set elements) nest without a bound in the format;
// the kernel nests one level. The bound keeps this walk and libnftnl's off a deep stack.
constexpr int kMaxDepth = 8;

Result<void> malformed(std::string_view what, std::string_view why) {
    return fail(kSource, fmt::format("malformed {} in the nftables dump: {}", what, why));
}

// The attributes in [begin, end): libmnl's own test of each one's length.
template <class Visit>
Result<void> for_each_attribute(const void* begin, const void* end, Visit visit) {
    const auto* limit = static_cast<const char*>(end);
    for (const auto* attr = static_cast<const nlattr*>(begin);
         mnl_attr_ok(attr, static_cast<int>(limit - reinterpret_cast<const char*>(attr)));
         attr = mnl_attr_next(attr))
        if (auto r = visit(attr); !r) return r;
    return {};
}

template <class Visit>
Result<void> for_each_nested(const nlattr* nest, Visit visit) {
    const auto* payload = static_cast<const char*>(mnl_attr_get_payload(nest));
    return for_each_attribute(payload, payload + mnl_attr_get_payload_len(nest), visit);
}

// A string attribute's text as libnftnl will read it: up to its NUL, which must be in it.
std::optional<std::string_view> terminated_string(const nlattr* attr) {
    const auto* text = static_cast<const char*>(mnl_attr_get_payload(attr));
    const std::size_t len = mnl_attr_get_payload_len(attr);
    const std::size_t used = strnlen(text, len);
    if (used == len) return std::nullopt;
    return std::string_view(text, used);
}

class Checker {
public:
    Result<void> message(const nlmsghdr* nlh) {
        const Policy* policy = policy_of(NFNL_MSG_TYPE(nlh->nlmsg_type));
        if (policy == nullptr) return {};  // not parsed by libnftnl here
        return for_each_attribute(mnl_nlmsg_get_payload_offset(nlh, sizeof(nfgenmsg)), mnl_nlmsg_get_payload_tail(nlh),
                                  [&](const nlattr* attr) { return field(attr, *policy, 0); });
    }

private:
    static const Policy* policy_of(int message_type) {
        switch (message_type) {
        case NFT_MSG_NEWGEN: return &kGen;
        case NFT_MSG_NEWTABLE: return &kTable;
        case NFT_MSG_NEWCHAIN: return &kChain;
        case NFT_MSG_NEWSET: return &kSet;
        case NFT_MSG_NEWRULE: return &kRule;
        case NFT_MSG_NEWSETELEM: return &kElementList;
        default: return nullptr;
        }
    }

    Result<void> fields(const nlattr* nest, const Policy& policy, int depth) {
        return for_each_nested(nest, [&](const nlattr* attr) { return field(attr, policy, depth); });
    }

    Result<void> field(const nlattr* attr, const Policy& policy, int depth) {
        const std::uint16_t type = mnl_attr_get_type(attr);
        if (policy.slots != 0 && type >= policy.slots)
            return malformed(policy.what, fmt::format("attribute {} is not one of its {}", type, policy.slots - 1));
        const auto it = std::ranges::find(policy.fields, type, &Field::type);
        if (it == policy.fields.end()) return {};  // libnftnl ignores it or reads it unchecked as bytes
        if (it->check != MNL_TYPE_UNSPEC && mnl_attr_validate(attr, it->check) < 0)
            return malformed(policy.what, fmt::format("attribute {} has the wrong size or type", type));
        switch (it->holds) {
        case Holds::nothing: return {};
        case Holds::hook: return fields(attr, kHook, depth);
        case Holds::counters: return fields(attr, kCounters, depth);
        case Holds::compat: return fields(attr, kCompat, depth);
        case Holds::set_desc: return set_desc(attr);
        case Holds::expression: return expression(attr, depth + 1);
        case Holds::expressions: return list(attr, [&](const nlattr* e) { return expression(e, depth + 1); });
        case Holds::data: return data(attr);
        case Holds::elements:
            return list(attr, [&](const nlattr* e) { return fields(e, kElement, depth); });
        }
        return {};
    }

    // libnftnl parses the NFTA_LIST_ELEM entries of a list and fails (an error, not an exit)
    // at any other.
    template <class Visit>
    static Result<void> list(const nlattr* nest, Visit visit) {
        return for_each_nested(nest, [&](const nlattr* entry) -> Result<void> {
            if (mnl_attr_get_type(entry) != NFTA_LIST_ELEM) return {};
            return visit(entry);
        });
    }

    Result<void> expression(const nlattr* nest, int depth) {
        if (depth > kMaxDepth) return malformed("expression", "nested deeper than the kernel nests");
        const nlattr* name = nullptr;
        const nlattr* data = nullptr;
        if (auto r = for_each_nested(nest, [&](const nlattr* attr) -> Result<void> {
                if (auto checked = field(attr, kExpression, depth); !checked) return checked;
                if (mnl_attr_get_type(attr) == NFTA_EXPR_NAME) name = attr;
                if (mnl_attr_get_type(attr) == NFTA_EXPR_DATA) data = attr;
                return {};
            });
            !r)
            return r;
        if (name == nullptr) return fail(kSource, "an expression without a name in the nftables dump");
        auto text = terminated_string(name);
        if (!text) return malformed("expression", "a name without its NUL");
        const auto known = std::ranges::find(kExpressions, *text, &Policy::what);
        if (known == std::end(kExpressions))
            return fail(kSource, fmt::format("an expression this reader does not know in the nftables dump: {:?}", *text));
        if (data == nullptr) return {};
        return fields(data, *known, depth);
    }

    static Result<void> set_desc(const nlattr* desc) {
        int concatenated = 0;
        return for_each_nested(desc, [&](const nlattr* attr) -> Result<void> {
            const std::uint16_t type = mnl_attr_get_type(attr);
            if (type == NFTA_SET_DESC_SIZE && mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
                return malformed("set description", "its size is not 4 bytes");
            if (type != NFTA_SET_DESC_CONCAT) return {};
            // libnftnl walks every entry here, NFTA_LIST_ELEM or not, and skips all but those.
            return list(attr, [&](const nlattr* entry) {
                return for_each_nested(entry, [&](const nlattr* field) -> Result<void> {
                    if (mnl_attr_get_type(field) != NFTA_SET_FIELD_LEN) return {};
                    if (mnl_attr_validate(field, MNL_TYPE_U32) < 0)
                        return malformed("set description", "a field length is not 4 bytes");
                    if (++concatenated > kConcatFieldSlots)
                        return malformed("set description", fmt::format("more than {} concatenated fields", kConcatFieldSlots));
                    return {};
                });
            });
        });
    }

    // A data register: a value, or a verdict. libnftnl reads a verdict's code and, for a jump
    // or goto, its chain from a table it never cleared: both must be there.
    Result<void> data(const nlattr* nest) {
        return for_each_nested(nest, [&](const nlattr* attr) -> Result<void> {
            if (auto r = field(attr, kData, 0); !r) return r;
            if (mnl_attr_get_type(attr) != NFTA_DATA_VERDICT) return {};
            const nlattr* code = nullptr;
            const nlattr* chain = nullptr;
            if (auto r = for_each_nested(attr, [&](const nlattr* part) -> Result<void> {
                    if (auto checked = field(part, kVerdict, 0); !checked) return checked;
                    if (mnl_attr_get_type(part) == NFTA_VERDICT_CODE) code = part;
                    if (mnl_attr_get_type(part) == NFTA_VERDICT_CHAIN) chain = part;
                    return {};
                });
                !r)
                return r;
            if (code == nullptr) return malformed("verdict", "no verdict code");
            const auto verdict = static_cast<std::int32_t>(ntohl(mnl_attr_get_u32(code)));
            if ((verdict == NFT_JUMP || verdict == NFT_GOTO) && chain == nullptr)
                return malformed("verdict", "a jump without its chain");
            return {};
        });
    }
};

}  // namespace

Result<void> check_nftables_message(const nlmsghdr* nlh) { return Checker{}.message(nlh); }

const nlmsghdr* PaddedMessage::copy(const nlmsghdr& message) {
    constexpr std::size_t kPadding = 8;
    buffer_.assign((message.nlmsg_len + kPadding + sizeof(std::uint32_t) - 1) / sizeof(std::uint32_t), 0);
    std::memcpy(buffer_.data(), &message, message.nlmsg_len);
    return reinterpret_cast<const nlmsghdr*>(buffer_.data());
}

}  // namespace dnd::nf
