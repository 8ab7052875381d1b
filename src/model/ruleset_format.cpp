// Rules in nft syntax. A small symbolic run over the registers: loads (payload, meta, ct,
// fib, bitwise, immediate) describe what a register holds, comparisons and lookups print
// "what op value". Whatever is not understood exactly is printed as "<name>".
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "docknetdoctor/model/ruleset.hpp"

namespace dnd::nf {
namespace {

// What a register holds.
enum class ValueKind { raw, ipv4, ipv6, port, ports_pair, proto, ifname, ifindex, u32hex, nfproto,
                       ct_state, ct_status, fib_type, ct_direction, verdict };

struct RegValue {
    RegValue() = default;
    RegValue(std::string lhs_text, ValueKind value_kind, std::uint32_t length)
        : lhs(std::move(lhs_text)), kind(value_kind), len(length) {}
    std::string lhs;             // "ip saddr"; "" = unknown
    ValueKind kind = ValueKind::raw;
    std::uint32_t len = 0;       // bytes loaded
    Bytes mask;                  // after a bitwise mask
    Bytes immediate;             // immediate data
    bool is_immediate = false;
    std::string l4;              // for ports_pair: "tcp"
    std::uint32_t full_len = 0;  // addresses: 4 / 16 (len may be less: a prefix load)
};

// A prefix load ("ip saddr" of 1 byte for a /8) padded to a whole address.
Bytes pad_to(const Bytes& b, std::uint32_t full) {
    Bytes out = b;
    if (out.size() < full) out.resize(full, 0);
    return out;
}

std::string hex_bytes(const Bytes& b) {
    std::string s = "0x";
    for (auto byte : b) s += fmt::format("{:02x}", byte);
    return s;
}

std::uint32_t host_u32(const Bytes& b) {
    std::uint32_t v = 0;
    std::memcpy(&v, b.data(), std::min<std::size_t>(4, b.size()));
    return v;
}

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

std::string proto_name(unsigned p) {
    switch (p) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 58: return "ipv6-icmp";
    case 132: return "sctp";
    case 136: return "udplite";
    default: return std::to_string(p);
    }
}

std::string bit_names(std::uint32_t bits, std::initializer_list<std::pair<std::uint32_t, const char*>> names) {
    std::string out;
    for (auto [bit, name] : names) {
        if ((bits & bit) == 0) continue;
        if (!out.empty()) out += ',';
        out += name;
        bits &= ~bit;
    }
    if (bits != 0) out += (out.empty() ? "" : ",") + fmt::format("0x{:x}", bits);
    return out;
}

std::string ct_state_names(std::uint32_t bits) {  // NF_CT_STATE_* of nft
    return bit_names(bits, {{1, "invalid"}, {8, "new"}, {2, "established"}, {4, "related"}, {0x40, "untracked"}});
}

const char* rtn_name(std::uint32_t t) {
    static constexpr std::array<const char*, 12> names{"unspec", "unicast", "local", "broadcast", "anycast",
                                                       "multicast", "blackhole", "unreachable", "prohibit",
                                                       "throw", "nat", "xresolve"};
    return t < names.size() ? names[t] : nullptr;
}

std::string quoted_ifname(const Bytes& b) {
    auto nul = std::find(b.begin(), b.end(), 0);
    std::string name(b.begin(), nul);
    bool wildcard = nul == b.end() && b.size() < 16;  // prefix compare: iptables "eth+"
    return fmt::format("\"{}{}\"", name, wildcard ? "*" : "");
}

// The prefix length if mask is 1..1 0..0, else -1.
int prefix_len(const Bytes& mask) {
    int bits = 0;
    bool ended = false;
    for (auto byte : mask) {
        for (int i = 7; i >= 0; --i) {
            bool set = (byte >> i & 1) != 0;
            if (set && ended) return -1;
            if (set) ++bits;
            else ended = true;
        }
    }
    return bits;
}

std::string format_value(const RegValue& lhs, const Bytes& data) {
    switch (lhs.kind) {
    case ValueKind::ipv4:
    case ValueKind::ipv6:
        if (data.size() == 4 || data.size() == 16) return format_address(data);
        break;
    case ValueKind::port:
        if (data.size() == 2) return std::to_string(be16(data.data()));
        break;
    case ValueKind::proto:
        if (data.size() == 1) return proto_name(data[0]);
        break;
    case ValueKind::ifname: return quoted_ifname(data);
    case ValueKind::ifindex:
        if (data.size() == 4) return std::to_string(host_u32(data));
        break;
    case ValueKind::u32hex:
        if (data.size() == 4) return fmt::format("0x{:08x}", host_u32(data));
        break;
    case ValueKind::nfproto:
        if (data.size() == 1) return data[0] == 2 ? "ipv4" : data[0] == 10 ? "ipv6" : std::to_string(data[0]);
        break;
    case ValueKind::ct_state:
        if (data.size() == 4) return ct_state_names(host_u32(data));
        break;
    case ValueKind::ct_status:
        if (data.size() == 4)
            return bit_names(host_u32(data), {{1, "expected"}, {2, "seen-reply"}, {4, "assured"}, {8, "confirmed"},
                                              {0x10, "snat"}, {0x20, "dnat"}, {0x200, "dying"}});
        break;
    case ValueKind::ct_direction:
        if (data.size() == 1) return data[0] == 0 ? "original" : "reply";
        break;
    case ValueKind::fib_type:
        if (data.size() == 4)
            if (const char* n = rtn_name(host_u32(data))) return n;
        break;
    case ValueKind::ports_pair:
    case ValueKind::verdict:
    case ValueKind::raw: break;
    }
    return hex_bytes(data);
}

std::string op_text(CmpOp op) {
    switch (op) {
    case CmpOp::eq: return "";
    case CmpOp::neq: return "!= ";
    case CmpOp::lt: return "< ";
    case CmpOp::lte: return "<= ";
    case CmpOp::gt: return "> ";
    case CmpOp::gte: return ">= ";
    }
    return "";
}

std::string verdict_text(const Verdict& v) {
    if (v.kind == Verdict::Kind::jump || v.kind == Verdict::Kind::goto_)
        return fmt::format("{} {}", to_string(v.kind), v.chain);
    return std::string(to_string(v.kind));
}

// Sorts interval elements and pairs each start with the end that follows it.
std::vector<std::string> set_element_texts(const Set& set, const RegValue& key_kind) {
    std::vector<std::string> out;
    auto data_text = [&](const SetElement& e) -> std::string {
        if (e.verdict) return " : " + verdict_text(*e.verdict);
        if (set.is_map()) return " : " + hex_bytes(e.data);
        return "";
    };
    if (!set.is_interval()) {
        for (const auto& e : set.elements) out.push_back(format_value(key_kind, e.key) + data_text(e));
        return out;
    }
    std::vector<const SetElement*> sorted;
    for (const auto& e : set.elements) sorted.push_back(&e);
    std::sort(sorted.begin(), sorted.end(), [](const SetElement* a, const SetElement* b) { return a->key < b->key; });
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const SetElement& e = *sorted[i];
        if (e.interval_end) continue;
        if (!e.key_end.empty()) {
            out.push_back(e.key == e.key_end ? format_value(key_kind, e.key) + data_text(e)
                                             : format_value(key_kind, e.key) + "-" + format_value(key_kind, e.key_end) +
                                                   data_text(e));
            continue;
        }
        Bytes last;
        if (i + 1 < sorted.size() && sorted[i + 1]->interval_end) {
            last = sorted[i + 1]->key;  // exclusive end: subtract one
            for (auto it = last.rbegin(); it != last.rend(); ++it)
                if ((*it)-- != 0) break;
        } else {
            last = Bytes(e.key.size(), 0xff);
        }
        out.push_back(last == e.key ? format_value(key_kind, e.key) + data_text(e)
                                    : format_value(key_kind, e.key) + "-" + format_value(key_kind, last) + data_text(e));
    }
    return out;
}

class RuleFormatter {
public:
    RuleFormatter(const Table& table, const Rule& rule) : table_(table), rule_(rule) {
        if (table.family == Family::ip) nh_ = "ip";
        if (table.family == Family::ip6) nh_ = "ip6";
        if (rule.compat && rule.compat->proto != 0) l4_ = proto_name(rule.compat->proto);
    }

    std::string run() {
        for (const Expr& e : rule_.exprs) {
            in_condition_ = is_condition(e);
            visit_expr([this](const auto& x) { on(x); }, e);
        }
        in_condition_ = false;
        flush_dependency();
        if (!rule_.comment.empty()) emit(fmt::format("comment \"{}\"", rule_.comment));
        return out_;
    }

private:
    static bool is_condition(const Expr& e) {
        if (const auto* l = std::get_if<Lookup>(&e)) return !l->dreg;
        if (const auto* x = expr_if<Xt>(e)) return !x->is_target;
        return std::holds_alternative<Cmp>(e) || std::holds_alternative<Range>(e) ||
               std::holds_alternative<Boxed<LegacyIp>>(e);
    }

    // Conditions are ANDed and have no side effects, so a protocol dependency
    // ("meta l4proto tcp" before "tcp dport") may be left out when a later condition
    // implies it, as nft does; before any statement it is printed where it stands.
    void emit(const std::string& s) {
        if (!in_condition_) flush_dependency();
        append(s);
    }
    void append(const std::string& s) {
        if (!out_.empty()) out_ += ' ';
        out_ += s;
    }
    void flush_dependency() {
        if (!pending_dependency_.empty()) append(pending_dependency_);
        pending_dependency_.clear();
        pending_kind_ = ValueKind::raw;
    }
    void implied(ValueKind kind) {
        if (pending_kind_ == kind) {
            pending_dependency_.clear();
            pending_kind_ = ValueKind::raw;
        }
    }
    void unknown(std::string_view name) { emit(fmt::format("<{}>", name)); }

    RegValue& reg(Register r) { return regs_[r]; }
    const RegValue* known(Register r) {
        auto it = regs_.find(r);
        return it == regs_.end() || it->second.lhs.empty() ? nullptr : &it->second;
    }

    void on(const Payload& p) {
        if (p.sreg) return unknown("payload set");
        if (p.base == PayloadBase::network) implied(ValueKind::nfproto);
        if (p.base == PayloadBase::transport) implied(ValueKind::proto);
        RegValue v;
        v.len = p.len;
        auto address = [&](const char* name, ValueKind kind, std::uint32_t full) {
            v = {name, kind, p.len};
            v.full_len = full;
        };
        if (p.base == PayloadBase::network && nh_ == "ip") {
            if (p.offset == 12 && p.len >= 1 && p.len <= 4) address("ip saddr", ValueKind::ipv4, 4);
            else if (p.offset == 16 && p.len >= 1 && p.len <= 4) address("ip daddr", ValueKind::ipv4, 4);
            else if (p.offset == 9 && p.len == 1) v = {"ip protocol", ValueKind::proto, 1};
        } else if (p.base == PayloadBase::network && nh_ == "ip6") {
            if (p.offset == 8 && p.len >= 1 && p.len <= 16) address("ip6 saddr", ValueKind::ipv6, 16);
            else if (p.offset == 24 && p.len >= 1 && p.len <= 16) address("ip6 daddr", ValueKind::ipv6, 16);
            else if (p.offset == 6 && p.len == 1) v = {"ip6 nexthdr", ValueKind::proto, 1};
        } else if (p.base == PayloadBase::transport) {
            std::string l4 = l4_.empty() || !std::isalpha(static_cast<unsigned char>(l4_[0])) ? "th" : l4_;
            if (l4 == "icmp" || l4 == "ipv6-icmp") l4 = "th";
            if (p.offset == 0 && p.len == 2) v = {l4 + " sport", ValueKind::port, 2};
            else if (p.offset == 2 && p.len == 2) v = {l4 + " dport", ValueKind::port, 2};
            else if (p.offset == 0 && p.len == 4) {
                v = {l4 + " sport . dport", ValueKind::ports_pair, 4};
                v.l4 = l4;
            }
        }
        if (v.lhs.empty()) {
            const char* base = p.base == PayloadBase::link ? "ll" : p.base == PayloadBase::network ? "nh"
                             : p.base == PayloadBase::transport ? "th" : "ih";
            v = {fmt::format("@{},{},{}", base, p.offset * 8, p.len * 8), ValueKind::raw, p.len};
        }
        reg(p.dreg) = v;
    }

    void on(const Meta& m) {
        if (m.sreg) {
            const RegValue* src = known(*m.sreg);
            if (src != nullptr && src->is_immediate)
                return emit(fmt::format("meta {} set {}", to_string(m.key), hex_bytes(src->immediate)));
            return unknown("meta set");
        }
        if (!m.dreg) return unknown("meta");
        RegValue v;
        std::string_view name = to_string(m.key);
        switch (m.key) {
        case MetaKey::iifname: case MetaKey::oifname: case MetaKey::bri_iifname: case MetaKey::bri_oifname:
            v = {std::string(name), ValueKind::ifname, 16}; break;
        case MetaKey::iif: case MetaKey::oif:
            v = {std::string(name), ValueKind::ifindex, 4}; break;
        case MetaKey::l4proto: v = {"meta l4proto", ValueKind::proto, 1}; break;
        case MetaKey::nfproto: v = {"meta nfproto", ValueKind::nfproto, 1}; break;
        case MetaKey::mark: v = {"meta mark", ValueKind::u32hex, 4}; break;
        default:
            v = {name.empty() ? std::string{} : fmt::format("meta {}", name), ValueKind::raw, 0}; break;
        }
        reg(*m.dreg) = v;
    }

    void on(const Ct& c) {
        if (c.sreg || !c.dreg) return unknown("ct set");
        RegValue v;
        std::string dir = c.direction ? (*c.direction == 0 ? "original " : "reply ") : "";
        switch (c.key) {
        case CtKey::state: v = {"ct state", ValueKind::ct_state, 4}; break;
        case CtKey::status: v = {"ct status", ValueKind::ct_status, 4}; break;
        case CtKey::mark: v = {"ct mark", ValueKind::u32hex, 4}; break;
        case CtKey::direction: v = {"ct direction", ValueKind::ct_direction, 1}; break;
        case CtKey::src_ip: v = {"ct " + dir + "ip saddr", ValueKind::ipv4, 4}; break;
        case CtKey::dst_ip: v = {"ct " + dir + "ip daddr", ValueKind::ipv4, 4}; break;
        case CtKey::src_ip6: v = {"ct " + dir + "ip6 saddr", ValueKind::ipv6, 16}; break;
        case CtKey::dst_ip6: v = {"ct " + dir + "ip6 daddr", ValueKind::ipv6, 16}; break;
        case CtKey::proto_src: v = {"ct " + dir + "proto-src", ValueKind::port, 2}; break;
        case CtKey::proto_dst: v = {"ct " + dir + "proto-dst", ValueKind::port, 2}; break;
        default: {
            auto name = to_string(c.key);
            v = {name.empty() ? std::string{} : "ct " + dir + std::string(name), ValueKind::raw, 0};
        }
        }
        reg(*c.dreg) = v;
    }

    void on(const Fib& f) {
        std::string key = (f.flags & kFibSaddr) != 0 ? "saddr" : (f.flags & kFibDaddr) != 0 ? "daddr" : "";
        if (key.empty() || (f.flags & kFibPresent) != 0) {
            reg(f.dreg) = {};
            return;
        }
        if ((f.flags & kFibMark) != 0) key += " . mark";
        if ((f.flags & kFibIif) != 0) key += " . iif";
        if ((f.flags & kFibOif) != 0) key += " . oif";
        switch (f.result) {
        case FibResult::addrtype: reg(f.dreg) = {"fib " + key + " type", ValueKind::fib_type, 4}; break;
        case FibResult::oif: reg(f.dreg) = {"fib " + key + " oif", ValueKind::ifindex, 4}; break;
        case FibResult::oifname: reg(f.dreg) = {"fib " + key + " oifname", ValueKind::ifname, 16}; break;
        default: reg(f.dreg) = {}; break;
        }
    }

    void on(const Bitwise& b) {
        const RegValue* src = known(b.sreg);
        bool xor_zero = std::all_of(b.xor_.begin(), b.xor_.end(), [](auto c) { return c == 0; });
        if (src == nullptr || b.op != BitwiseOp::mask_xor || !xor_zero || !src->mask.empty()) {
            reg(b.dreg) = {};
            return;
        }
        RegValue v = *src;
        v.mask = b.mask;
        reg(b.dreg) = v;
    }

    void on(const Immediate& i) {
        if (i.verdict) return emit(verdict_text(*i.verdict));
        RegValue v;
        v.lhs = hex_bytes(i.data);
        v.is_immediate = true;
        v.immediate = i.data;
        reg(i.dreg) = v;
    }

    void on(const Cmp& c) {
        const RegValue* lhs = known(c.sreg);
        if (lhs == nullptr || lhs->is_immediate) return unknown("cmp");
        if (!lhs->mask.empty()) return masked_cmp(*lhs, c);
        if (lhs->kind == ValueKind::ports_pair && c.data.size() == 4) {
            if (c.op != CmpOp::eq) return unknown("cmp");
            return emit(fmt::format("{} sport {} {} dport {}", lhs->l4, be16(c.data.data()), lhs->l4,
                                    be16(c.data.data() + 2)));
        }
        if (lhs->full_len > c.data.size() && c.data.size() == lhs->len && (c.op == CmpOp::eq || c.op == CmpOp::neq))
            return emit(fmt::format("{} {}{}/{}", lhs->lhs, op_text(c.op), format_value(*lhs, pad_to(c.data, lhs->full_len)),
                                    c.data.size() * 8));
        std::string text = fmt::format("{} {}{}", lhs->lhs, op_text(c.op), format_value(*lhs, c.data));
        if (c.op == CmpOp::eq && c.data.size() == 1 && (lhs->kind == ValueKind::proto || lhs->kind == ValueKind::nfproto)) {
            note_protocol(*lhs, c);
            flush_dependency();
            pending_dependency_ = text;
            pending_kind_ = lhs->kind == ValueKind::proto ? ValueKind::proto : ValueKind::nfproto;
            return;
        }
        emit(text);
    }

    // Remember the layer-4 protocol so that later transport loads print "tcp dport".
    void note_protocol(const RegValue& lhs, const Cmp& c) {
        if (c.op != CmpOp::eq || c.data.size() != 1) return;
        if (lhs.kind == ValueKind::proto) l4_ = proto_name(c.data[0]);
        if (lhs.kind == ValueKind::nfproto) nh_ = c.data[0] == 2 ? "ip" : c.data[0] == 10 ? "ip6" : "";
    }

    void masked_cmp(const RegValue& lhs, const Cmp& c) {
        bool zero = std::all_of(c.data.begin(), c.data.end(), [](auto b) { return b == 0; });
        if ((lhs.kind == ValueKind::ct_state || lhs.kind == ValueKind::ct_status) && zero && lhs.mask.size() == 4) {
            std::string names = format_value(lhs, lhs.mask);
            if (c.op == CmpOp::neq) return emit(fmt::format("{} {}", lhs.lhs, names));
            if (c.op == CmpOp::eq) return emit(fmt::format("{} ! {}", lhs.lhs, names));
        }
        int plen = prefix_len(lhs.mask);
        if ((lhs.kind == ValueKind::ipv4 || lhs.kind == ValueKind::ipv6) && plen >= 0 &&
            (c.op == CmpOp::eq || c.op == CmpOp::neq) && c.data.size() == lhs.mask.size() && c.data.size() == lhs.len)
            return emit(fmt::format("{} {}{}/{}", lhs.lhs, op_text(c.op),
                                    format_value(lhs, pad_to(c.data, std::max(lhs.full_len, lhs.len))), plen));
        emit(fmt::format("{} & {} {}{}", lhs.lhs, hex_bytes(lhs.mask), c.op == CmpOp::eq ? "== " : op_text(c.op),
                         hex_bytes(c.data)));
    }

    void on(const Range& r) {
        const RegValue* lhs = known(r.sreg);
        if (lhs == nullptr || !lhs->mask.empty()) return unknown("range");
        emit(fmt::format("{} {}{}-{}", lhs->lhs, r.negate ? "!= " : "", format_value(*lhs, r.from),
                         format_value(*lhs, r.to)));
    }

    void on(const Lookup& l) {
        const RegValue* lhs_ptr = known(l.sreg);
        if (lhs_ptr == nullptr || !lhs_ptr->mask.empty()) return unknown("lookup");
        RegValue lhs = *lhs_ptr;
        const Set* set = table_.find_set(l.set);
        std::string target = "@" + l.set;
        if (set != nullptr && set->is_anonymous() && set->elements_loaded) {
            if (set->key_len != lhs.len) lhs.kind = ValueKind::raw;  // concatenations: raw bytes, never a wrong name
            auto elements = set_element_texts(*set, lhs);
            std::string joined;
            for (const auto& e : elements) joined += (joined.empty() ? "" : ", ") + e;
            target = "{ " + joined + " }";
        }
        if (l.dreg && *l.dreg == kRegVerdict) return emit(fmt::format("{} vmap {}", lhs.lhs, target));
        if (l.dreg) {
            RegValue v;
            v.lhs = fmt::format("{} map {}", lhs.lhs, target);
            reg(*l.dreg) = v;
            return;
        }
        emit(fmt::format("{} {}{}", lhs.lhs, l.invert ? "!= " : "", target));
    }

    std::string nat_range(const Nat& n) {
        auto value_of = [this](std::optional<Register> r, ValueKind kind) -> std::optional<std::string> {
            if (!r) return std::nullopt;
            const RegValue* v = known(*r);
            if (v == nullptr) return std::nullopt;
            if (!v->is_immediate) return v->lhs;
            RegValue k;
            k.kind = kind;
            return format_value(k, v->immediate);
        };
        ValueKind addr_kind = n.family == 10 ? ValueKind::ipv6 : ValueKind::ipv4;
        std::string text;
        auto addr_min = value_of(n.reg_addr_min, addr_kind);
        auto addr_max = value_of(n.reg_addr_max, addr_kind);
        if (n.reg_addr_min && !addr_min) return "<nat address>";
        if (addr_min) {
            text = n.family == 10 && n.reg_proto_min ? "[" + *addr_min + "]" : *addr_min;
            if (addr_max && *addr_max != *addr_min) text += "-" + *addr_max;
        }
        auto port_min = value_of(n.reg_proto_min, ValueKind::port);
        auto port_max = value_of(n.reg_proto_max, ValueKind::port);
        if (n.reg_proto_min && !port_min) return "<nat port>";
        if (port_min) {
            text += ":" + *port_min;
            if (port_max && *port_max != *port_min) text += "-" + *port_max;
        }
        return text;
    }

    static std::string nat_flags(std::uint32_t flags) {
        std::string s;
        if ((flags & 0x4) != 0) s += " random";
        if ((flags & 0x10) != 0) s += " fully-random";
        if ((flags & 0x8) != 0) s += " persistent";
        return s;
    }

    void on(const Nat& n) {
        std::string family = n.family == 10 ? "ip6 " : (table_.family == Family::inet ? "ip " : "");
        std::string range = nat_range(n);
        emit(fmt::format("{} {}to {}{}", n.type == NatType::dnat ? "dnat" : "snat", family, range, nat_flags(n.flags)));
    }

    void on(const Masq& m) {
        std::string s = "masquerade";
        if (m.reg_proto_min) s += " to " + nat_range(Nat{NatType::snat, 0, {}, {}, m.reg_proto_min, m.reg_proto_max, 0});
        emit(s + nat_flags(m.flags));
    }
    void on(const Redir& r) {
        std::string s = "redirect";
        if (r.reg_proto_min) s += " to " + nat_range(Nat{NatType::dnat, 0, {}, {}, r.reg_proto_min, r.reg_proto_max, 0});
        emit(s + nat_flags(r.flags));
    }

    void on(const Reject& r) {
        if (r.type == 1) return emit("reject with tcp reset");
        if (r.type == 2) {
            static constexpr std::array<const char*, 4> icmpx{"no-route", "port-unreachable", "host-unreachable",
                                                              "admin-prohibited"};
            if (r.icmp_code < icmpx.size()) return emit(fmt::format("reject with icmpx {}", icmpx[r.icmp_code]));
            return unknown("reject");
        }
        if (table_.family == Family::ip6) {
            static constexpr std::array<const char*, 7> icmp6{"no-route", "admin-prohibited", nullptr, "addr-unreachable",
                                                              "port-unreachable", "policy-fail", "reject-route"};
            if (r.icmp_code < icmp6.size() && icmp6[r.icmp_code] != nullptr)
                return emit(fmt::format("reject with icmpv6 {}", icmp6[r.icmp_code]));
            return unknown("reject");
        }
        std::map<int, const char*> icmp{{0, "net-unreachable"}, {1, "host-unreachable"}, {2, "prot-unreachable"},
                                        {3, "port-unreachable"}, {9, "net-prohibited"}, {10, "host-prohibited"},
                                        {13, "admin-prohibited"}};
        if (auto it = icmp.find(r.icmp_code); it != icmp.end() && table_.family == Family::ip)
            return emit(fmt::format("reject with icmp {}", it->second));
        unknown("reject");
    }

    void on(const Counter&) { emit("counter"); }
    void on(const Log& l) {
        std::string s = "log";
        if (!l.prefix.empty()) s += fmt::format(" prefix \"{}\"", l.prefix);
        if (l.group) s += fmt::format(" group {}", *l.group);
        emit(s);
    }
    void on(const Limit& l) {
        const char* unit = l.unit == 1 ? "second" : l.unit == 60 ? "minute" : l.unit == 3600 ? "hour"
                         : l.unit == 86400 ? "day" : l.unit == 604800 ? "week" : nullptr;
        if (unit == nullptr) return unknown("limit");
        std::string s = fmt::format("limit rate {}{}{}/{}", l.invert ? "over " : "", l.rate,
                                    l.type == 1 ? " bytes" : "", unit);
        if (l.burst != 0) s += fmt::format(" burst {}{}", l.burst, l.type == 1 ? " bytes" : " packets");
        emit(s);
    }
    void on(const Unknown& u) { unknown(u.name); }

    void on(const LegacyIp& ip) {
        const char* fam = ip.family == 6 ? "ip6" : "ip";
        ValueKind kind = ip.family == 6 ? ValueKind::ipv6 : ValueKind::ipv4;
        auto address = [&](const char* dir, const Bytes& addr, const Bytes& mask, bool inv) {
            if (std::all_of(mask.begin(), mask.end(), [](auto b) { return b == 0; })) return;
            RegValue v{fmt::format("{} {}", fam, dir), kind, static_cast<std::uint32_t>(addr.size())};
            int plen = prefix_len(mask);
            std::string op = inv ? "!= " : "";
            if (plen == static_cast<int>(mask.size() * 8)) emit(fmt::format("{} {}{}", v.lhs, op, format_value(v, addr)));
            else if (plen >= 0) emit(fmt::format("{} {}{}/{}", v.lhs, op, format_value(v, addr), plen));
            else emit(fmt::format("{} & {} {}{}", v.lhs, format_value(v, mask), inv ? "!= " : "== ", format_value(v, addr)));
        };
        address("saddr", ip.src, ip.src_mask, (ip.invflags & 0x08) != 0);
        address("daddr", ip.dst, ip.dst_mask, (ip.invflags & 0x10) != 0);
        auto iface = [&](const char* key, const std::string& name, bool wildcard, bool inv) {
            if (name.empty() && !wildcard) return;
            emit(fmt::format("{} {}\"{}{}\"", key, inv ? "!= " : "", name, wildcard ? "*" : ""));
        };
        iface("iifname", ip.iniface, ip.iniface_wildcard, (ip.invflags & 0x01) != 0);
        iface("oifname", ip.outiface, ip.outiface_wildcard, (ip.invflags & 0x02) != 0);
        if (ip.proto != 0) {
            bool inv = (ip.invflags & 0x40) != 0;
            emit(fmt::format("{} {}{}", ip.family == 6 ? "meta l4proto" : "ip protocol", inv ? "!= " : "",
                             proto_name(ip.proto)));
            if (!inv) l4_ = proto_name(ip.proto);
        }
        if (ip.family == 4 && (ip.flags & 0x01) != 0)
            emit(fmt::format("ip frag-off & 0x1fff {}0", (ip.invflags & 0x20) != 0 ? "== " : "!= "));
    }

    void on(const Xt& x) {
        std::visit([&](const auto& d) { on_xt(x, d); }, x.decoded);
    }

    void opaque(const Xt& x) { emit(fmt::format("xt {} \"{}\"", x.is_target ? "target" : "match", x.name)); }

    void on_xt(const Xt& x, const std::monostate&) { opaque(x); }
    void on_xt(const Xt&, const XtComment&) {}  // printed once at the end, from rule.comment

    void on_xt(const Xt& x, const XtConntrack& c) {
        const std::uint16_t nft_expressible = kCtStateInvalid | kCtStateEstablished | kCtStateRelated | kCtStateNew;
        if (c.match_flags != 1 /* XT_CONNTRACK_STATE only */ || (c.state_mask & ~nft_expressible & ~kCtStateUntracked) != 0)
            return opaque(x);
        std::uint32_t bits = c.state_mask & nft_expressible;
        if ((c.state_mask & kCtStateUntracked) != 0) bits |= 0x40;  // nft's untracked bit
        emit(fmt::format("ct state {}{}", c.state_invert() ? "! " : "", ct_state_names(bits)));
    }

    void on_xt(const Xt& x, const XtAddrtype& a) {
        auto types = [](std::uint16_t mask) {
            std::vector<std::string> names;
            for (std::uint32_t t = 0; t < 12; ++t)
                if ((mask & (1u << t)) != 0) names.emplace_back(rtn_name(t));
            if (names.size() == 1) return names[0];
            std::string s = "{ ";
            for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
            return s + " }";
        };
        if ((a.flags & 0x8) != 0 && (a.flags & 0x4) != 0) return opaque(x);
        std::string dev = (a.flags & 0x4) != 0 ? " . iif" : (a.flags & 0x8) != 0 ? " . oif" : "";
        if (a.source != 0)
            emit(fmt::format("fib saddr{} type {}{}", dev, (a.flags & 1) != 0 ? "!= " : "", types(a.source)));
        if (a.dest != 0)
            emit(fmt::format("fib daddr{} type {}{}", dev, (a.flags & 2) != 0 ? "!= " : "", types(a.dest)));
    }

    void on_xt(const Xt& x, const XtPorts& p) {
        if (p.tcp_flags_mask != 0) return opaque(x);
        const std::string& l4 = x.name;  // "tcp" / "udp"
        if (l4 == l4_) implied(ValueKind::proto);
        auto ports = [&](const char* dir, std::uint16_t lo, std::uint16_t hi, bool inv) {
            if (lo == 0 && hi == 0xffff && !inv) return;
            std::string value = lo == hi ? std::to_string(lo) : fmt::format("{}-{}", lo, hi);
            emit(fmt::format("{} {} {}{}", l4, dir, inv ? "!= " : "", value));
        };
        ports("sport", p.sport_min, p.sport_max, (p.invflags & 1) != 0);
        ports("dport", p.dport_min, p.dport_max, (p.invflags & 2) != 0);
    }

    void on_xt(const Xt& x, const XtMultiport& m) {
        if (m.flags > 1 || l4_.empty() || !std::isalpha(static_cast<unsigned char>(l4_[0]))) return opaque(x);
        implied(ValueKind::proto);
        std::string list;
        for (std::size_t i = 0; i < m.ports.size(); ++i) {
            list += list.empty() ? "" : ", ";
            if (m.range_start[i] != 0 && i + 1 < m.ports.size()) {
                list += fmt::format("{}-{}", m.ports[i], m.ports[i + 1]);
                ++i;
            } else {
                list += std::to_string(m.ports[i]);
            }
        }
        emit(fmt::format("{} {} {}{{ {} }}", l4_, m.flags == 0 ? "sport" : "dport", m.invert ? "!= " : "", list));
    }

    void on_xt(const Xt&, const XtIprange& r) {
        const char* fam = r.src_min.size() == 16 ? "ip6" : "ip";
        ValueKind kind = r.src_min.size() == 16 ? ValueKind::ipv6 : ValueKind::ipv4;
        RegValue v{"", kind, 0};
        if ((r.flags & 1) != 0)
            emit(fmt::format("{} saddr {}{}-{}", fam, (r.flags & 0x10) != 0 ? "!= " : "", format_value(v, r.src_min),
                             format_value(v, r.src_max)));
        if ((r.flags & 2) != 0)
            emit(fmt::format("{} daddr {}{}-{}", fam, (r.flags & 0x20) != 0 ? "!= " : "", format_value(v, r.dst_min),
                             format_value(v, r.dst_max)));
    }

    void on_xt(const Xt& x, const XtNat& n) {
        if (n.ranges.size() != 1) return opaque(x);
        const NatRange& r = n.ranges[0];
        std::string text;
        bool v6 = r.min_addr.size() == 16;
        if ((r.flags & 1) != 0) {  // NF_NAT_RANGE_MAP_IPS
            text = format_address(r.min_addr);
            if (r.max_addr != r.min_addr) text += "-" + format_address(r.max_addr);
            if (v6 && (r.flags & 2) != 0) text = "[" + text + "]";
        }
        if ((r.flags & 2) != 0) {  // NF_NAT_RANGE_PROTO_SPECIFIED
            text += ":" + std::to_string(r.min_port);
            if (r.max_port != r.min_port) text += "-" + std::to_string(r.max_port);
        }
        std::string flags = nat_flags(r.flags);
        if (x.name == "DNAT") return emit(fmt::format("dnat to {}{}", text, flags));
        if (x.name == "SNAT") return emit(fmt::format("snat to {}{}", text, flags));
        if (x.name == "MASQUERADE") return emit(fmt::format("masquerade{}{}", text.empty() ? "" : " to " + text, flags));
        if (x.name == "REDIRECT") return emit(fmt::format("redirect{}{}", text.empty() ? "" : " to " + text, flags));
        opaque(x);
    }

    void on_xt(const Xt& x, const XtReject& r) {
        if (table_.family == Family::ip6) {
            static constexpr std::array<const char*, 9> names{
                "icmpv6 no-route", "icmpv6 admin-prohibited", nullptr, "icmpv6 addr-unreachable",
                "icmpv6 port-unreachable", nullptr, "tcp reset", "icmpv6 policy-fail", "icmpv6 reject-route"};
            if (r.with < names.size() && names[r.with] != nullptr) return emit(fmt::format("reject with {}", names[r.with]));
            return opaque(x);
        }
        static constexpr std::array<const char*, 9> names{
            "icmp net-unreachable", "icmp host-unreachable", "icmp prot-unreachable", "icmp port-unreachable",
            nullptr, "icmp net-prohibited", "icmp host-prohibited", "tcp reset", "icmp admin-prohibited"};
        if (r.with < names.size() && names[r.with] != nullptr) return emit(fmt::format("reject with {}", names[r.with]));
        opaque(x);
    }

    const Table& table_;
    const Rule& rule_;
    std::map<Register, RegValue> regs_;
    std::string nh_;   // "ip" / "ip6" / "" (network header protocol, when known)
    std::string l4_;   // "tcp" / "udp" ... when known
    std::string out_;
    bool in_condition_ = false;
    std::string pending_dependency_;  // "meta l4proto tcp" not yet printed
    ValueKind pending_kind_ = ValueKind::raw;  // proto / nfproto / raw (none)
};

}  // namespace

std::string format_address(const Bytes& bytes) {
    char text[INET6_ADDRSTRLEN] = {};
    if (bytes.size() == 4 && inet_ntop(AF_INET, bytes.data(), text, sizeof text) != nullptr) return text;
    if (bytes.size() == 16 && inet_ntop(AF_INET6, bytes.data(), text, sizeof text) != nullptr) return text;
    return hex_bytes(bytes);
}

std::string format_rule_body(const Table& table, const Rule& rule) { return RuleFormatter(table, rule).run(); }

std::string format_rule(const Table& table, const Chain& chain, const Rule& rule) {
    if (table.source == RulesetSource::iptables_legacy)
        return fmt::format("iptables-legacy {} {} {} rule {}: {}", to_string(table.family), table.name, chain.name,
                           rule.position + 1, format_rule_body(table, rule));
    return fmt::format("{} {} {} handle {}: {}", to_string(table.family), table.name, chain.name, rule.handle,
                       format_rule_body(table, rule));
}

std::string format_chain_policy(const Table& table, const Chain& chain) {
    std::string prefix = table.source == RulesetSource::iptables_legacy ? "iptables-legacy " : "";
    if (!chain.base) return fmt::format("{}{} {} {} (no policy: regular chain)", prefix, to_string(table.family), table.name, chain.name);
    return fmt::format("{}{} {} {} policy {}", prefix, to_string(table.family), table.name, chain.name,
                       to_string(chain.base->policy));
}

}  // namespace dnd::nf
