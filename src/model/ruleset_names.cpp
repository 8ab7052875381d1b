// Names of the ruleset model's enums (as nft spells them) and lookups by name.
#include <array>
#include <utility>

#include "docknetdoctor/model/ruleset.hpp"

namespace dnd::nf {

std::string_view to_string(Family f) {
    switch (f) {
    case Family::ip: return "ip";
    case Family::ip6: return "ip6";
    case Family::inet: return "inet";
    case Family::arp: return "arp";
    case Family::bridge: return "bridge";
    case Family::netdev: return "netdev";
    case Family::unknown: break;
    }
    return "unknown";
}

std::optional<Family> family_from_string(std::string_view s) {
    for (Family f : {Family::ip, Family::ip6, Family::inet, Family::arp, Family::bridge, Family::netdev,
                     Family::unknown})
        if (to_string(f) == s) return f;
    return std::nullopt;
}

// NFPROTO_INET 1, IPV4 2, ARP 3, NETDEV 5, BRIDGE 7, IPV6 10
Family family_from_nfproto(std::uint32_t nfproto) {
    switch (nfproto) {
    case 1: return Family::inet;
    case 2: return Family::ip;
    case 3: return Family::arp;
    case 5: return Family::netdev;
    case 7: return Family::bridge;
    case 10: return Family::ip6;
    default: return Family::unknown;
    }
}

std::uint32_t nfproto_of(Family f) {
    switch (f) {
    case Family::inet: return 1;
    case Family::ip: return 2;
    case Family::arp: return 3;
    case Family::netdev: return 5;
    case Family::bridge: return 7;
    case Family::ip6: return 10;
    case Family::unknown: break;
    }
    return 0;
}

std::string_view to_string(Hook h) {
    switch (h) {
    case Hook::prerouting: return "prerouting";
    case Hook::input: return "input";
    case Hook::forward: return "forward";
    case Hook::output: return "output";
    case Hook::postrouting: return "postrouting";
    case Hook::ingress: return "ingress";
    case Hook::egress: return "egress";
    }
    return "?";
}

std::string_view to_string(ChainType t) {
    switch (t) {
    case ChainType::filter: return "filter";
    case ChainType::nat: return "nat";
    case ChainType::route: return "route";
    }
    return "?";
}

std::string_view to_string(Verdict::Kind k) {
    switch (k) {
    case Verdict::Kind::accept: return "accept";
    case Verdict::Kind::drop: return "drop";
    case Verdict::Kind::queue: return "queue";
    case Verdict::Kind::continue_: return "continue";
    case Verdict::Kind::break_: return "break";
    case Verdict::Kind::jump: return "jump";
    case Verdict::Kind::goto_: return "goto";
    case Verdict::Kind::return_: return "return";
    case Verdict::Kind::stolen: return "stolen";
    case Verdict::Kind::repeat: return "repeat";
    }
    return "?";
}

std::string_view to_string(RulesetSource s) {
    return s == RulesetSource::iptables_legacy ? "iptables-legacy" : "nftables";
}

std::string_view to_string(MetaKey k) {
    static constexpr std::array<std::string_view, 35> names{
        "length", "protocol", "priority", "mark", "iif", "oif", "iifname", "oifname", "iiftype",
        "oiftype", "skuid", "skgid", "nftrace", "rtclassid", "secmark", "nfproto", "l4proto",
        "ibrname", "obrname", "pkttype", "cpu", "iifgroup", "oifgroup", "cgroup", "random",
        "secpath", "iifkind", "oifkind", "ibrpvid", "ibrvproto", "time", "day", "hour", "sdif",
        "sdifname"};
    auto i = static_cast<std::uint32_t>(k);
    return i < names.size() ? names[i] : std::string_view{};
}

std::string_view to_string(CtKey k) {
    static constexpr std::array<std::string_view, 24> names{
        "state", "direction", "status", "mark", "secmark", "expiration", "helper", "l3proto",
        "saddr", "daddr", "protocol", "proto-src", "proto-dst", "label", "packets", "bytes",
        "avgpkt", "zone", "event", "ip saddr", "ip daddr", "ip6 saddr", "ip6 daddr", "id"};
    auto i = static_cast<std::uint32_t>(k);
    return i < names.size() ? names[i] : std::string_view{};
}

std::string_view expr_type_name(const Expr& e) {
    static constexpr std::array<std::string_view, std::variant_size_v<Expr>> names{
        "payload", "cmp", "meta", "bitwise", "range", "lookup", "ct", "fib", "nat", "immediate",
        "reject", "counter", "log", "limit", "masq", "redir", "xt", "legacy_ip", "unknown"};
    return names[e.index()];
}

std::string_view expr_name(const Expr& e) {
    if (const auto* x = expr_if<Xt>(e)) return x->is_target ? "target" : "match";
    if (const auto* u = std::get_if<Unknown>(&e)) return u->name;
    return expr_type_name(e);
}

const Chain* Table::find_chain(std::string_view chain_name) const {
    for (const Chain& c : chains)
        if (c.name == chain_name) return &c;
    return nullptr;
}

const Set* Table::find_set(std::string_view set_name) const {
    for (const Set& s : sets)
        if (s.name == set_name) return &s;
    return nullptr;
}

const Table* Ruleset::find_table(Family family, std::string_view table_name, RulesetSource source) const {
    for (const Table& t : tables)
        if (t.family == family && t.name == table_name && t.source == source) return &t;
    return nullptr;
}

bool is_firewalld_table(const Table& t) { return t.source == RulesetSource::nftables && t.name == "firewalld"; }

bool holds_firewalld_rules(const Ruleset& ruleset) {
    constexpr std::string_view kDirectChains[] = {"INPUT_direct", "FORWARD_direct", "OUTPUT_direct", "PREROUTING_direct",
                                                  "POSTROUTING_direct"};
    for (const Table& t : ruleset.tables) {
        if (is_firewalld_table(t)) return true;
        for (std::string_view chain : kDirectChains)
            if (t.find_chain(chain) != nullptr) return true;
    }
    return false;
}

}  // namespace dnd::nf
