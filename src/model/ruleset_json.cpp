// Ruleset <-> JSON for --save-facts / --facts. Bytes are hex strings, enums their nft
// names, expressions objects tagged with "type". Absent keys read back as defaults.
#include <nlohmann/json.hpp>

#include "docknetdoctor/model/json_util.hpp"
#include "docknetdoctor/model/ruleset.hpp"

namespace dnd::nf {

DND_JSON_STRICT_ENUM(Family, {{Family::unknown, "unknown"}, {Family::ip, "ip"}, {Family::ip6, "ip6"},
                                      {Family::inet, "inet"}, {Family::arp, "arp"},
                                      {Family::bridge, "bridge"}, {Family::netdev, "netdev"}})
DND_JSON_STRICT_ENUM(RulesetSource, {{RulesetSource::nftables, "nftables"},
                                             {RulesetSource::iptables_legacy, "iptables-legacy"}})
DND_JSON_STRICT_ENUM(Hook, {{Hook::prerouting, "prerouting"}, {Hook::input, "input"},
                                    {Hook::forward, "forward"}, {Hook::output, "output"},
                                    {Hook::postrouting, "postrouting"}, {Hook::ingress, "ingress"},
                                    {Hook::egress, "egress"}})
DND_JSON_STRICT_ENUM(ChainType, {{ChainType::filter, "filter"}, {ChainType::nat, "nat"},
                                         {ChainType::route, "route"}})
DND_JSON_STRICT_ENUM(Verdict::Kind, {{Verdict::Kind::accept, "accept"}, {Verdict::Kind::drop, "drop"},
                                             {Verdict::Kind::queue, "queue"}, {Verdict::Kind::continue_, "continue"},
                                             {Verdict::Kind::break_, "break"}, {Verdict::Kind::jump, "jump"},
                                             {Verdict::Kind::goto_, "goto"}, {Verdict::Kind::return_, "return"},
                                             {Verdict::Kind::stolen, "stolen"}, {Verdict::Kind::repeat, "repeat"}})
DND_JSON_STRICT_ENUM(PayloadBase, {{PayloadBase::link, "link"}, {PayloadBase::network, "network"},
                                           {PayloadBase::transport, "transport"}, {PayloadBase::inner, "inner"}})
DND_JSON_STRICT_ENUM(CmpOp, {{CmpOp::eq, "=="}, {CmpOp::neq, "!="}, {CmpOp::lt, "<"},
                                     {CmpOp::lte, "<="}, {CmpOp::gt, ">"}, {CmpOp::gte, ">="}})
DND_JSON_STRICT_ENUM(BitwiseOp, {{BitwiseOp::mask_xor, "mask_xor"}, {BitwiseOp::lshift, "lshift"},
                                         {BitwiseOp::rshift, "rshift"}})
DND_JSON_STRICT_ENUM(FibResult, {{FibResult::unspec, "unspec"}, {FibResult::oif, "oif"},
                                         {FibResult::oifname, "oifname"}, {FibResult::addrtype, "type"}})
DND_JSON_STRICT_ENUM(NatType, {{NatType::snat, "snat"}, {NatType::dnat, "dnat"}})

void to_json(nlohmann::json& j, const Bytes& b) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (std::uint8_t byte : b) {
        s.push_back(hex[byte >> 4]);
        s.push_back(hex[byte & 0xf]);
    }
    j = std::move(s);
}

void from_json(const nlohmann::json& j, Bytes& b) {
    const auto& s = j.get_ref<const std::string&>();
    auto nibble = [&](char c) -> std::uint8_t {
        if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
        if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
        if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
        throw nlohmann::json::other_error::create(501, "bad hex string: " + s, &j);
    };
    if (s.size() % 2 != 0) throw nlohmann::json::other_error::create(501, "odd-length hex string: " + s, &j);
    b.clear();
    b.reserve(s.size() / 2);
    for (std::size_t i = 0; i < s.size(); i += 2)
        b.push_back(static_cast<std::uint8_t>(nibble(s[i]) << 4 | nibble(s[i + 1])));
}

namespace {

// Meta/ct keys: the nft name when known, the kernel number otherwise.
template <class Key>
nlohmann::json key_to_json(Key k) {
    auto name = to_string(k);
    if (name.empty()) return static_cast<std::uint32_t>(k);
    return std::string(name);
}
template <class Key>
Key key_from_json(const nlohmann::json& j, std::uint32_t count) {
    if (j.is_number()) return static_cast<Key>(j.get<std::uint32_t>());
    const auto& s = j.get_ref<const std::string&>();
    for (std::uint32_t i = 0; i < count; ++i)
        if (to_string(static_cast<Key>(i)) == s) return static_cast<Key>(i);
    throw nlohmann::json::other_error::create(501, "unknown key: " + s, &j);
}

template <class T>
T get_or(const nlohmann::json& j, const char* key, T fallback = T{}) {
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? fallback : it->template get<T>();
}

#define DND_PUT(field) j[#field] = x.field
#define DND_PUT_OPT(field) json_put_optional(j, #field, x.field)
#define DND_GET(field) x.field = get_or(j, #field, x.field)
#define DND_GET_OPT(field) json_get_optional(j, #field, x.field)

}  // namespace

void to_json(nlohmann::json& j, const Verdict& x) {
    j = nlohmann::json{{"kind", x.kind}};
    if (!x.chain.empty()) DND_PUT(chain);
}
void from_json(const nlohmann::json& j, Verdict& x) {
    DND_GET(kind);
    DND_GET(chain);
}

void to_json(nlohmann::json& j, const NatRange& x) {
    DND_PUT(flags); DND_PUT(min_addr); DND_PUT(max_addr); DND_PUT(min_port); DND_PUT(max_port);
}
void from_json(const nlohmann::json& j, NatRange& x) {
    DND_GET(flags); DND_GET(min_addr); DND_GET(max_addr); DND_GET(min_port); DND_GET(max_port);
}

namespace {

nlohmann::json xt_decoded_to_json(const XtDecoded& d) {
    nlohmann::json j;
    std::visit(
        [&j](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                j = nullptr;
            } else if constexpr (std::is_same_v<T, XtConntrack>) {
                j["kind"] = "conntrack";
                DND_PUT(match_flags); DND_PUT(invert_flags); DND_PUT(state_mask); DND_PUT(status_mask);
            } else if constexpr (std::is_same_v<T, XtAddrtype>) {
                j["kind"] = "addrtype";
                DND_PUT(source); DND_PUT(dest); DND_PUT(flags);
            } else if constexpr (std::is_same_v<T, XtComment>) {
                j["kind"] = "comment";
                DND_PUT(text);
            } else if constexpr (std::is_same_v<T, XtPorts>) {
                j["kind"] = "ports";
                DND_PUT(sport_min); DND_PUT(sport_max); DND_PUT(dport_min); DND_PUT(dport_max);
                DND_PUT(invflags); DND_PUT(tcp_flags_mask); DND_PUT(tcp_flags_cmp);
            } else if constexpr (std::is_same_v<T, XtMultiport>) {
                j["kind"] = "multiport";
                DND_PUT(flags); DND_PUT(ports); DND_PUT(range_start); DND_PUT(invert);
            } else if constexpr (std::is_same_v<T, XtIprange>) {
                j["kind"] = "iprange";
                DND_PUT(flags); DND_PUT(src_min); DND_PUT(src_max); DND_PUT(dst_min); DND_PUT(dst_max);
            } else if constexpr (std::is_same_v<T, XtNat>) {
                j["kind"] = "nat";
                DND_PUT(ranges);
            } else if constexpr (std::is_same_v<T, XtReject>) {
                j["kind"] = "reject";
                DND_PUT(with);
            }
        },
        d);
    return j;
}

XtDecoded xt_decoded_from_json(const nlohmann::json& j) {
    if (j.is_null()) return std::monostate{};
    const auto kind = j.at("kind").get<std::string>();
    if (kind == "conntrack") {
        XtConntrack x;
        DND_GET(match_flags); DND_GET(invert_flags); DND_GET(state_mask); DND_GET(status_mask);
        return x;
    }
    if (kind == "addrtype") {
        XtAddrtype x;
        DND_GET(source); DND_GET(dest); DND_GET(flags);
        return x;
    }
    if (kind == "comment") {
        XtComment x;
        DND_GET(text);
        return x;
    }
    if (kind == "ports") {
        XtPorts x;
        DND_GET(sport_min); DND_GET(sport_max); DND_GET(dport_min); DND_GET(dport_max);
        DND_GET(invflags); DND_GET(tcp_flags_mask); DND_GET(tcp_flags_cmp);
        return x;
    }
    if (kind == "multiport") {
        XtMultiport x;
        DND_GET(flags); DND_GET(ports); DND_GET(range_start); DND_GET(invert);
        return x;
    }
    if (kind == "iprange") {
        XtIprange x;
        DND_GET(flags); DND_GET(src_min); DND_GET(src_max); DND_GET(dst_min); DND_GET(dst_max);
        return x;
    }
    if (kind == "nat") {
        XtNat x;
        DND_GET(ranges);
        return x;
    }
    if (kind == "reject") {
        XtReject x;
        DND_GET(with);
        return x;
    }
    throw nlohmann::json::other_error::create(501, "unknown xt kind: " + kind, &j);
}

}  // namespace

void to_json(nlohmann::json& j, const Expr& e) {
    j = nlohmann::json::object();
    j["type"] = std::string(expr_type_name(e));
    visit_expr(
        [&j](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Payload>) {
                DND_PUT(base); DND_PUT(offset); DND_PUT(len); DND_PUT(dreg); DND_PUT_OPT(sreg);
            } else if constexpr (std::is_same_v<T, Cmp>) {
                DND_PUT(op); DND_PUT(sreg); DND_PUT(data);
            } else if constexpr (std::is_same_v<T, Meta>) {
                j["key"] = key_to_json(x.key);
                DND_PUT_OPT(dreg); DND_PUT_OPT(sreg);
            } else if constexpr (std::is_same_v<T, Bitwise>) {
                DND_PUT(op); DND_PUT(sreg); DND_PUT(dreg); DND_PUT(len); DND_PUT(mask);
                j["xor"] = x.xor_;
                DND_PUT(shift);
            } else if constexpr (std::is_same_v<T, Range>) {
                DND_PUT(negate); DND_PUT(sreg); DND_PUT(from); DND_PUT(to);
            } else if constexpr (std::is_same_v<T, Lookup>) {
                DND_PUT(set); DND_PUT(set_id); DND_PUT(sreg); DND_PUT_OPT(dreg); DND_PUT(invert);
            } else if constexpr (std::is_same_v<T, Ct>) {
                j["key"] = key_to_json(x.key);
                DND_PUT_OPT(dreg); DND_PUT_OPT(sreg); DND_PUT_OPT(direction);
            } else if constexpr (std::is_same_v<T, Fib>) {
                DND_PUT(flags); DND_PUT(result); DND_PUT(dreg);
            } else if constexpr (std::is_same_v<T, Nat>) {
                j["nat_type"] = x.type;
                DND_PUT(family); DND_PUT_OPT(reg_addr_min); DND_PUT_OPT(reg_addr_max);
                DND_PUT_OPT(reg_proto_min); DND_PUT_OPT(reg_proto_max); DND_PUT(flags);
            } else if constexpr (std::is_same_v<T, Immediate>) {
                DND_PUT(dreg); DND_PUT(data); DND_PUT_OPT(verdict);
            } else if constexpr (std::is_same_v<T, Reject>) {
                j["reject_type"] = x.type;
                DND_PUT(icmp_code);
            } else if constexpr (std::is_same_v<T, Counter>) {
                DND_PUT(packets); DND_PUT(bytes);
            } else if constexpr (std::is_same_v<T, Log>) {
                DND_PUT(prefix); DND_PUT_OPT(group); DND_PUT_OPT(level);
            } else if constexpr (std::is_same_v<T, Limit>) {
                DND_PUT(rate); DND_PUT(unit); DND_PUT(burst);
                j["limit_type"] = x.type;
                DND_PUT(invert);
            } else if constexpr (std::is_same_v<T, Masq> || std::is_same_v<T, Redir>) {
                DND_PUT(flags); DND_PUT_OPT(reg_proto_min); DND_PUT_OPT(reg_proto_max);
            } else if constexpr (std::is_same_v<T, Xt>) {
                DND_PUT(is_target); DND_PUT(name); DND_PUT(revision); DND_PUT(info);
                j["decoded"] = xt_decoded_to_json(x.decoded);
            } else if constexpr (std::is_same_v<T, LegacyIp>) {
                DND_PUT(family); DND_PUT(src); DND_PUT(src_mask); DND_PUT(dst); DND_PUT(dst_mask);
                DND_PUT(iniface); DND_PUT(outiface); DND_PUT(iniface_wildcard);
                DND_PUT(outiface_wildcard); DND_PUT(proto); DND_PUT(flags); DND_PUT(invflags);
            } else if constexpr (std::is_same_v<T, Unknown>) {
                DND_PUT(name);
            }
        },
        e);
}

void from_json(const nlohmann::json& j, Expr& e) {
    const auto type = j.at("type").get<std::string>();
    if (type == "payload") {
        Payload x;
        DND_GET(base); DND_GET(offset); DND_GET(len); DND_GET(dreg); DND_GET_OPT(sreg);
        e = x;
    } else if (type == "cmp") {
        Cmp x;
        DND_GET(op); DND_GET(sreg); DND_GET(data);
        e = x;
    } else if (type == "meta") {
        Meta x;
        x.key = key_from_json<MetaKey>(j.at("key"), 64);
        DND_GET_OPT(dreg); DND_GET_OPT(sreg);
        e = x;
    } else if (type == "bitwise") {
        Bitwise x;
        DND_GET(op); DND_GET(sreg); DND_GET(dreg); DND_GET(len); DND_GET(mask);
        x.xor_ = get_or(j, "xor", Bytes{});
        DND_GET(shift);
        e = x;
    } else if (type == "range") {
        Range x;
        DND_GET(negate); DND_GET(sreg); DND_GET(from); DND_GET(to);
        e = x;
    } else if (type == "lookup") {
        Lookup x;
        DND_GET(set); DND_GET(set_id); DND_GET(sreg); DND_GET_OPT(dreg); DND_GET(invert);
        e = x;
    } else if (type == "ct") {
        Ct x;
        x.key = key_from_json<CtKey>(j.at("key"), 64);
        DND_GET_OPT(dreg); DND_GET_OPT(sreg); DND_GET_OPT(direction);
        e = x;
    } else if (type == "fib") {
        Fib x;
        DND_GET(flags); DND_GET(result); DND_GET(dreg);
        e = x;
    } else if (type == "nat") {
        Nat x;
        x.type = get_or(j, "nat_type", x.type);
        DND_GET(family); DND_GET_OPT(reg_addr_min); DND_GET_OPT(reg_addr_max);
        DND_GET_OPT(reg_proto_min); DND_GET_OPT(reg_proto_max); DND_GET(flags);
        e = x;
    } else if (type == "immediate") {
        Immediate x;
        DND_GET(dreg); DND_GET(data); DND_GET_OPT(verdict);
        e = x;
    } else if (type == "reject") {
        Reject x;
        x.type = get_or(j, "reject_type", x.type);
        DND_GET(icmp_code);
        e = x;
    } else if (type == "counter") {
        Counter x;
        DND_GET(packets); DND_GET(bytes);
        e = x;
    } else if (type == "log") {
        Log x;
        DND_GET(prefix); DND_GET_OPT(group); DND_GET_OPT(level);
        e = x;
    } else if (type == "limit") {
        Limit x;
        DND_GET(rate); DND_GET(unit); DND_GET(burst);
        x.type = get_or(j, "limit_type", x.type);
        DND_GET(invert);
        e = x;
    } else if (type == "masq") {
        Masq x;
        DND_GET(flags); DND_GET_OPT(reg_proto_min); DND_GET_OPT(reg_proto_max);
        e = x;
    } else if (type == "redir") {
        Redir x;
        DND_GET(flags); DND_GET_OPT(reg_proto_min); DND_GET_OPT(reg_proto_max);
        e = x;
    } else if (type == "xt") {
        Xt x;
        DND_GET(is_target); DND_GET(name); DND_GET(revision); DND_GET(info);
        x.decoded = xt_decoded_from_json(j.value("decoded", nlohmann::json()));
        e = x;
    } else if (type == "legacy_ip") {
        LegacyIp x;
        DND_GET(family); DND_GET(src); DND_GET(src_mask); DND_GET(dst); DND_GET(dst_mask);
        DND_GET(iniface); DND_GET(outiface); DND_GET(iniface_wildcard);
        DND_GET(outiface_wildcard); DND_GET(proto); DND_GET(flags); DND_GET(invflags);
        e = x;
    } else if (type == "unknown") {
        e = Unknown{get_or(j, "name", std::string{})};
    } else {
        throw nlohmann::json::other_error::create(501, "unknown expression type: " + type, &j);
    }
}

void to_json(nlohmann::json& j, const RuleCompat& x) { DND_PUT(proto); DND_PUT(flags); }
void from_json(const nlohmann::json& j, RuleCompat& x) { DND_GET(proto); DND_GET(flags); }

void to_json(nlohmann::json& j, const Rule& x) {
    DND_PUT(handle); DND_PUT(position);
    if (!x.comment.empty()) DND_PUT(comment);
    DND_PUT(exprs); DND_PUT_OPT(compat);
}
void from_json(const nlohmann::json& j, Rule& x) {
    DND_GET(handle); DND_GET(position); DND_GET(comment); DND_GET(exprs); DND_GET_OPT(compat);
}

void to_json(nlohmann::json& j, const BaseChain& x) {
    DND_PUT(type); DND_PUT(hook); DND_PUT(priority); DND_PUT(policy);
    if (!x.device.empty()) DND_PUT(device);
}
void from_json(const nlohmann::json& j, BaseChain& x) {
    DND_GET(type); DND_GET(hook); DND_GET(priority); DND_GET(policy); DND_GET(device);
}

void to_json(nlohmann::json& j, const Chain& x) {
    DND_PUT(name); DND_PUT(handle); DND_PUT_OPT(base); DND_PUT(rules);
}
void from_json(const nlohmann::json& j, Chain& x) {
    DND_GET(name); DND_GET(handle); DND_GET_OPT(base); DND_GET(rules);
}

void to_json(nlohmann::json& j, const SetElement& x) {
    DND_PUT(key);
    if (!x.key_end.empty()) DND_PUT(key_end);
    if (x.interval_end) DND_PUT(interval_end);
    if (!x.data.empty()) DND_PUT(data);
    DND_PUT_OPT(verdict);
}
void from_json(const nlohmann::json& j, SetElement& x) {
    DND_GET(key); DND_GET(key_end); DND_GET(interval_end); DND_GET(data); DND_GET_OPT(verdict);
}

void to_json(nlohmann::json& j, const Set& x) {
    DND_PUT(name); DND_PUT(handle); DND_PUT(id); DND_PUT(flags); DND_PUT(key_type); DND_PUT(key_len);
    DND_PUT(data_type); DND_PUT(data_len); DND_PUT(elements_loaded); DND_PUT(elements);
}
void from_json(const nlohmann::json& j, Set& x) {
    DND_GET(name); DND_GET(handle); DND_GET(id); DND_GET(flags); DND_GET(key_type); DND_GET(key_len);
    DND_GET(data_type); DND_GET(data_len); DND_GET(elements_loaded); DND_GET(elements);
}

void to_json(nlohmann::json& j, const Table& x) {
    DND_PUT(family); DND_PUT(name); DND_PUT(flags); DND_PUT(handle); DND_PUT(source); DND_PUT(chains);
    DND_PUT(sets);
}
void from_json(const nlohmann::json& j, Table& x) {
    DND_GET(family); DND_GET(name); DND_GET(flags); DND_GET(handle); DND_GET(source); DND_GET(chains);
    DND_GET(sets);
}

void to_json(nlohmann::json& j, const Ruleset& x) { DND_PUT(generation); DND_PUT(tables); }
void from_json(const nlohmann::json& j, Ruleset& x) { DND_GET(generation); DND_GET(tables); }

}  // namespace dnd::nf
