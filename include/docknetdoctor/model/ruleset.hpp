#pragma once
// The netfilter ruleset as plain data: nftables tables (including the ones iptables-nft
// writes) and iptables-legacy tables in one model. Collectors fill it, the packet-path
// evaluator and the checks read it, --save-facts writes it as JSON.
//
// Conventions, as in the kernel:
// - data (cmp/range/immediate values, set keys) is raw bytes in network byte order, except
//   meta/ct values that the kernel itself keeps in host order (e.g. meta mark, ct state);
// - registers are numbered like the kernel's: 0 = NFT_REG_VERDICT, 1..4 = NFT_REG_1..4
//   (16 bytes each), 8..23 = NFT_REG32_00..15 (4 bytes each; NFT_REG_1 == NFT_REG32_00..03).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace dnd::nf {

// Raw bytes; JSON as a lowercase hex string.
struct Bytes : std::vector<std::uint8_t> {
    using std::vector<std::uint8_t>::vector;
};

using Register = std::uint32_t;
inline constexpr Register kRegVerdict = 0;
inline constexpr Register kReg32First = 8;  // NFT_REG32_00

// struct nft_regs as the kernel lays it out: the verdict (16 bytes), then NFT_REG_1..4,
// which NFT_REG32_00..15 alias 4 bytes at a time (20 x u32).
inline constexpr std::size_t kRegisterFileBytes = 80;
// Where register r starts in that file; nullopt for a register that does not exist.
constexpr std::optional<std::size_t> register_offset(Register r) {
    if (r <= 4) return static_cast<std::size_t>(r) * 16;
    if (r >= kReg32First && r < kReg32First + 16) return 16 + static_cast<std::size_t>(r - kReg32First) * 4;
    return std::nullopt;
}

enum class Family : std::uint8_t { ip, ip6, inet, arp, bridge, netdev, unknown };
enum class RulesetSource : std::uint8_t { nftables, iptables_legacy };

enum class Hook : std::uint8_t { prerouting, input, forward, output, postrouting, ingress, egress };
enum class ChainType : std::uint8_t { filter, nat, route };

struct Verdict {
    enum class Kind : std::uint8_t { accept, drop, queue, continue_, break_, jump, goto_, return_, stolen, repeat };
    Kind kind = Kind::accept;
    std::string chain;  // jump / goto only
    bool operator==(const Verdict&) const = default;
};

// ---- expressions ------------------------------------------------------------------------

enum class PayloadBase : std::uint8_t { link, network, transport, inner };
struct Payload {            // load (or, with sreg, store) header bytes
    PayloadBase base = PayloadBase::network;
    std::uint32_t offset = 0;
    std::uint32_t len = 0;
    Register dreg = 0;
    std::optional<Register> sreg;  // payload write (mangling)
};

enum class CmpOp : std::uint8_t { eq, neq, lt, lte, gt, gte };
struct Cmp {
    CmpOp op = CmpOp::eq;
    Register sreg = 0;
    Bytes data;
};

// NFT_META_* values of linux/netfilter/nf_tables.h.
enum class MetaKey : std::uint32_t {
    len = 0, protocol = 1, priority = 2, mark = 3, iif = 4, oif = 5, iifname = 6, oifname = 7,
    iiftype = 8, oiftype = 9, skuid = 10, skgid = 11, nftrace = 12, rtclassid = 13, secmark = 14,
    nfproto = 15, l4proto = 16, bri_iifname = 17, bri_oifname = 18, pkttype = 19, cpu = 20,
    iifgroup = 21, oifgroup = 22, cgroup = 23, prandom = 24, secpath = 25, iifkind = 26,
    oifkind = 27, bri_iifpvid = 28, bri_iifvproto = 29, time_ns = 30, time_day = 31,
    time_hour = 32, sdif = 33, sdifname = 34,
};
struct Meta {
    MetaKey key = MetaKey::len;
    std::optional<Register> dreg;  // load
    std::optional<Register> sreg;  // set
};

enum class BitwiseOp : std::uint8_t { mask_xor, lshift, rshift };
struct Bitwise {            // dreg = (sreg & mask) ^ xor, or a shift by `shift`
    BitwiseOp op = BitwiseOp::mask_xor;
    Register sreg = 0;
    Register dreg = 0;
    std::uint32_t len = 0;
    Bytes mask;
    Bytes xor_;
    std::uint32_t shift = 0;
};

struct Range {
    bool negate = false;    // NFT_RANGE_NEQ
    Register sreg = 0;
    Bytes from;
    Bytes to;
};

struct Lookup {
    std::string set;        // name; anonymous sets are "__set%d" in the same table
    std::uint32_t set_id = 0;
    Register sreg = 0;
    std::optional<Register> dreg;  // maps: the data goes there (verdict maps: reg 0)
    bool invert = false;
};

// NFT_CT_* values.
enum class CtKey : std::uint32_t {
    state = 0, direction = 1, status = 2, mark = 3, secmark = 4, expiration = 5, helper = 6,
    l3protocol = 7, src = 8, dst = 9, protocol = 10, proto_src = 11, proto_dst = 12,
    labels = 13, pkts = 14, bytes = 15, avgpkt = 16, zone = 17, eventmask = 18,
    src_ip = 19, dst_ip = 20, src_ip6 = 21, dst_ip6 = 22, id = 23,
};
struct Ct {
    CtKey key = CtKey::state;
    std::optional<Register> dreg;
    std::optional<Register> sreg;
    std::optional<std::uint8_t> direction;  // IP_CT_DIR_ORIGINAL 0 / REPLY 1
};

// NFTA_FIB_F_* flags and NFT_FIB_RESULT_* values.
inline constexpr std::uint32_t kFibSaddr = 1, kFibDaddr = 2, kFibMark = 4, kFibIif = 8,
                               kFibOif = 16, kFibPresent = 32;
enum class FibResult : std::uint32_t { unspec = 0, oif = 1, oifname = 2, addrtype = 3 };
struct Fib {
    std::uint32_t flags = 0;
    FibResult result = FibResult::unspec;
    Register dreg = 0;
};

enum class NatType : std::uint8_t { snat, dnat };
struct Nat {
    NatType type = NatType::dnat;
    std::uint32_t family = 0;  // NFPROTO_IPV4 2 / NFPROTO_IPV6 10
    std::optional<Register> reg_addr_min, reg_addr_max, reg_proto_min, reg_proto_max;
    std::uint32_t flags = 0;   // NF_NAT_RANGE_*
};

struct Immediate {
    Register dreg = 0;
    Bytes data;                    // when dreg != 0
    std::optional<Verdict> verdict;  // when dreg == 0
};

struct Reject {
    std::uint32_t type = 0;    // NFT_REJECT_ICMP_UNREACH 0, TCP_RST 1, ICMPX_UNREACH 2
    std::uint8_t icmp_code = 0;
};

struct Counter {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
};

struct Log {
    std::string prefix;
    std::optional<std::uint32_t> group;
    std::optional<std::uint32_t> level;
};

struct Limit {
    std::uint64_t rate = 0;
    std::uint64_t unit = 0;    // seconds
    std::uint32_t burst = 0;
    std::uint32_t type = 0;    // NFT_LIMIT_PKTS 0 / PKT_BYTES 1
    bool invert = false;
};

struct Masq {
    std::uint32_t flags = 0;
    std::optional<Register> reg_proto_min, reg_proto_max;
};

struct Redir {
    std::uint32_t flags = 0;
    std::optional<Register> reg_proto_min, reg_proto_max;
};

// --- xt extensions (iptables-nft match/target expressions and iptables-legacy entries) ---

struct XtConntrack {
    std::uint16_t match_flags = 0;   // XT_CONNTRACK_STATE 1, PROTO 2, ... STATUS 0x80 ...
    std::uint16_t invert_flags = 0;
    std::uint16_t state_mask = 0;    // XT_CONNTRACK_STATE_* bits (kCtState* below)
    std::uint16_t status_mask = 0;
    bool state_invert() const { return (invert_flags & 1) != 0; }
    bool matches_state() const { return (match_flags & 1) != 0; }
};
inline constexpr std::uint16_t kCtStateInvalid = 1, kCtStateEstablished = 2, kCtStateRelated = 4,
                               kCtStateNew = 8, kCtStateSnat = 0x40,
                               kCtStateDnat = 0x80, kCtStateUntracked = 0x100;

struct XtAddrtype {
    std::uint16_t source = 0;   // XT_ADDRTYPE_* bits: 1 << RTN_* (LOCAL 1<<2 ...)
    std::uint16_t dest = 0;
    std::uint32_t flags = 0;    // INVERT_SOURCE 1, INVERT_DEST 2, LIMIT_IFACE_IN 4, _OUT 8
};
inline constexpr std::uint16_t kAddrtypeLocal = 1 << 2;  // 1 << RTN_LOCAL

struct XtComment {
    std::string text;
};

struct XtPorts {                 // tcp / udp match
    std::uint16_t sport_min = 0, sport_max = 0xffff;
    std::uint16_t dport_min = 0, dport_max = 0xffff;
    std::uint8_t invflags = 0;    // XT_TCP_INV_SRCPT 1, XT_TCP_INV_DSTPT 2 (udp same)
    std::uint8_t tcp_flags_mask = 0, tcp_flags_cmp = 0;  // tcp only
};

struct XtMultiport {
    std::uint8_t flags = 0;       // XT_MULTIPORT_SOURCE 0, DESTINATION 1, EITHER 2
    std::vector<std::uint16_t> ports;
    std::vector<std::uint8_t> range_start;  // pflags: ports[i]..ports[i+1] is a range
    bool invert = false;
};

struct XtIprange {
    std::uint8_t flags = 0;       // IPRANGE_SRC 1, DST 2, SRC_INV 0x10, DST_INV 0x20
    Bytes src_min, src_max, dst_min, dst_max;  // 4 or 16 bytes each
};

struct NatRange {
    std::uint32_t flags = 0;      // NF_NAT_RANGE_MAP_IPS 1, PROTO_SPECIFIED 2, ...
    Bytes min_addr, max_addr;     // 4 or 16 bytes
    std::uint16_t min_port = 0, max_port = 0;  // host order
};
struct XtNat {                    // DNAT / SNAT / MASQUERADE / REDIRECT targets
    std::vector<NatRange> ranges;
};

struct XtReject {
    std::uint32_t with = 0;       // enum ipt_reject_with / ip6t_reject_with
};

using XtDecoded = std::variant<std::monostate, XtConntrack, XtAddrtype, XtComment, XtPorts,
                               XtMultiport, XtIprange, XtNat, XtReject>;

struct Xt {
    bool is_target = false;
    std::string name;
    std::uint8_t revision = 0;
    XtDecoded decoded;            // monostate: not decoded (unknown extension or bad size)
    Bytes info;                   // the raw *_INFO struct, kept so nothing is lost
};

// The ipt_ip / ip6t_ip6 header of an iptables-legacy entry, as one condition.
struct LegacyIp {
    std::uint8_t family = 4;      // 4 or 6
    Bytes src, src_mask, dst, dst_mask;
    std::string iniface, outiface;  // "" = any; a trailing '+' is a wildcard
    bool iniface_wildcard = false, outiface_wildcard = false;
    std::uint16_t proto = 0;      // 0 = any
    std::uint8_t flags = 0;       // IPT_F_FRAG 1, IPT_F_GOTO 2 (ip6: IP6T_F_PROTO 1, GOTO 2)
    std::uint8_t invflags = 0;    // IPT_INV_VIA_IN 1, VIA_OUT 2, SRCIP 8, DSTIP 0x10, PROTO 0x40
};

struct Unknown {
    std::string name;
};

// An expression kind kept on the heap: Xt and LegacyIp are over twice the size of the
// others, and a variant is as large as its largest alternative; boxed, a ten-thousand-rule
// ruleset's expressions take 88 bytes each instead of 192. Reads as the T it holds.
template <class T>
class Boxed {
public:
    Boxed() : value_(std::make_unique<T>()) {}
    Boxed(T value) : value_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit, like the T it holds
    Boxed(const Boxed& other) : value_(std::make_unique<T>(*other.value_)) {}
    Boxed(Boxed&&) noexcept = default;
    Boxed& operator=(const Boxed& other) {
        value_ = std::make_unique<T>(*other.value_);
        return *this;
    }
    Boxed& operator=(Boxed&&) noexcept = default;
    ~Boxed() = default;

    operator const T&() const { return *value_; }  // NOLINT: implicit, so visitors take a const T&
    const T& get() const { return *value_; }
    T& get() { return *value_; }
    const T* operator->() const { return value_.get(); }
    T* operator->() { return value_.get(); }

private:
    std::unique_ptr<T> value_;
};

using Expr = std::variant<Payload, Cmp, Meta, Bitwise, Range, Lookup, Ct, Fib, Nat, Immediate,
                          Reject, Counter, Log, Limit, Masq, Redir, Boxed<Xt>, Boxed<LegacyIp>, Unknown>;

// What boxing is for: a larger expression is more memory touched per rule read.
static_assert(sizeof(Expr) <= 96, "an expression kind grew past the others: box it");

template <class T>
inline constexpr bool kIsBoxed = false;
template <class T>
inline constexpr bool kIsBoxed<Boxed<T>> = true;

template <class T>
inline constexpr bool kBoxedInExpr = std::is_same_v<T, Xt> || std::is_same_v<T, LegacyIp>;

// The expression's T (an Xt or LegacyIp out of its box), or null.
template <class T>
const T* expr_if(const Expr& e) {
    if constexpr (kBoxedInExpr<T>) {
        const auto* boxed = std::get_if<Boxed<T>>(&e);
        return boxed != nullptr ? &boxed->get() : nullptr;
    } else {
        return std::get_if<T>(&e);
    }
}

// std::visit over one expression, an Xt or LegacyIp handed to the visitor out of its box.
template <class Visitor>
decltype(auto) visit_expr(Visitor&& visitor, const Expr& e) {
    return std::visit(
        [&visitor](const auto& x) -> decltype(auto) {
            if constexpr (kIsBoxed<std::decay_t<decltype(x)>>) return visitor(x.get());
            else return visitor(x);
        },
        e);
}

// ---- containers -------------------------------------------------------------------------

struct BaseChain {
    ChainType type = ChainType::filter;
    Hook hook = Hook::input;
    std::int32_t priority = 0;
    Verdict::Kind policy = Verdict::Kind::accept;
    std::string device;           // netdev ingress/egress
};

struct RuleCompat {               // NFTA_RULE_COMPAT: iptables-nft's "-p" for xt matches
    std::uint32_t proto = 0;
    std::uint32_t flags = 0;      // NFT_RULE_COMPAT_F_INV 2
};

struct Rule {
    std::uint64_t handle = 0;     // nft handle; legacy: byte offset of the entry
    std::uint32_t position = 0;   // 0-based index in the chain
    std::string comment;          // userdata comment or xt comment match
    std::vector<Expr> exprs;
    std::optional<RuleCompat> compat;
};

struct Chain {
    std::string name;
    std::uint64_t handle = 0;
    std::optional<BaseChain> base;  // none: a regular chain, reached by jump/goto only
    std::vector<Rule> rules;
};

// NFT_SET_* flags.
inline constexpr std::uint32_t kSetAnonymous = 0x1, kSetConstant = 0x2, kSetInterval = 0x4,
                               kSetMap = 0x8, kSetTimeout = 0x10, kSetEval = 0x20,
                               kSetObject = 0x40, kSetConcat = 0x80;
inline constexpr std::uint32_t kDataTypeVerdict = 0xffffff00;  // NFT_DATA_VERDICT

struct SetElement {
    Bytes key;
    Bytes key_end;                // concatenated/pipapo intervals: the range's end
    bool interval_end = false;    // rbtree intervals: this key starts a gap (NFT_SET_ELEM_INTERVAL_END)
    Bytes data;                   // maps
    std::optional<Verdict> verdict;  // verdict maps
};

struct Set {
    std::string name;
    std::uint64_t handle = 0;
    std::uint32_t id = 0;
    std::uint32_t flags = 0;
    std::uint32_t key_type = 0, key_len = 0;
    std::uint32_t data_type = 0, data_len = 0;
    bool elements_loaded = false;  // false: not dumped (look keys up with set_contains)
    std::vector<SetElement> elements;

    bool is_anonymous() const { return (flags & kSetAnonymous) != 0; }
    bool is_interval() const { return (flags & kSetInterval) != 0; }
    bool is_map() const { return (flags & kSetMap) != 0; }
    bool is_verdict_map() const { return is_map() && data_type == kDataTypeVerdict; }
};

struct Table {
    Family family = Family::ip;
    std::string name;
    std::uint32_t flags = 0;      // NFT_TABLE_F_DORMANT 1, OWNER 2, PERSIST 4
    std::uint64_t handle = 0;
    RulesetSource source = RulesetSource::nftables;
    std::vector<Chain> chains;
    std::vector<Set> sets;

    const Chain* find_chain(std::string_view chain_name) const;
    const Set* find_set(std::string_view set_name) const;
};

struct Ruleset {
    std::uint32_t generation = 0;  // nftables generation id the dump is consistent with
    std::vector<Table> tables;

    const Table* find_table(Family family, std::string_view table_name,
                            RulesetSource source = RulesetSource::nftables) const;
};

// ---- names ------------------------------------------------------------------------------

// firewalld's own table (its nftables backend): "firewalld", in any family.
bool is_firewalld_table(const Table& t);
// Whether firewalld has left its mark on the ruleset: its own table, or the <CHAIN>_direct
// chains its iptables backend adds beside every built-in chain. A running firewalld has one
// or the other (its reload writes them again), unless the whole ruleset was flushed since.
bool holds_firewalld_rules(const Ruleset& ruleset);

std::string_view to_string(Family f);
std::string_view to_string(Hook h);
std::string_view to_string(ChainType t);
std::string_view to_string(Verdict::Kind k);
std::string_view to_string(RulesetSource s);
std::string_view to_string(MetaKey k);   // "mark", "iifname" ...; "" if unknown
std::string_view to_string(CtKey k);
std::optional<Family> family_from_string(std::string_view s);
Family family_from_nfproto(std::uint32_t nfproto);  // NFPROTO_* -> Family
std::uint32_t nfproto_of(Family f);
std::string_view expr_name(const Expr& e);  // the kernel expression name: "payload", "match" ...
// The model's name of the alternative: "payload", "xt", "legacy_ip", "unknown" ... (the JSON "type").
std::string_view expr_type_name(const Expr& e);

// ---- JSON (for --save-facts / --facts) --------------------------------------------------
// from_json throws nlohmann::json::exception on malformed input, like Facts.
void to_json(nlohmann::json& j, const Bytes& b);
void from_json(const nlohmann::json& j, Bytes& b);
void to_json(nlohmann::json& j, const Expr& e);
void from_json(const nlohmann::json& j, Expr& e);
void to_json(nlohmann::json& j, const Rule& r);
void from_json(const nlohmann::json& j, Rule& r);
void to_json(nlohmann::json& j, const Chain& c);
void from_json(const nlohmann::json& j, Chain& c);
void to_json(nlohmann::json& j, const Set& s);
void from_json(const nlohmann::json& j, Set& s);
void to_json(nlohmann::json& j, const Table& t);
void from_json(const nlohmann::json& j, Table& t);
void to_json(nlohmann::json& j, const Ruleset& r);
void from_json(const nlohmann::json& j, Ruleset& r);

// ---- nft-syntax rendering ---------------------------------------------------------------
// Best effort but never wrong: what cannot be expressed exactly is shown as "<expr name>".

// "ip saddr 10.0.0.0/8 tcp dport 8080 counter drop"
std::string format_rule_body(const Table& table, const Rule& rule);
// "ip filter DOCKER-USER handle 12: ip saddr 10.0.0.0/8 tcp dport 8080 counter drop"
std::string format_rule(const Table& table, const Chain& chain, const Rule& rule);
// "ip filter FORWARD policy drop" (base chains: where a packet that falls off ends)
std::string format_chain_policy(const Table& table, const Chain& chain);
// Addresses in presentation form ("10.0.0.1", "::1"); other lengths as hex.
std::string format_address(const Bytes& bytes);

}  // namespace dnd::nf
