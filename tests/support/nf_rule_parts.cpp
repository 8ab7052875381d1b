// See nf_rule_parts.hpp.
#include "nf_rule_parts.hpp"

#include <arpa/inet.h>

#include <array>

namespace dnd::testing::nf_parts {

using namespace nf;

Bytes port_bytes(std::uint16_t port) {
    return Bytes{static_cast<std::uint8_t>(port >> 8), static_cast<std::uint8_t>(port & 0xff)};
}

Bytes ipv4_bytes(std::string_view dotted) {
    std::array<std::uint8_t, 4> raw{};
    if (::inet_pton(AF_INET, std::string(dotted).c_str(), raw.data()) != 1) return {};
    return Bytes(raw.begin(), raw.end());
}

std::vector<Expr> tcp_dport_load() {
    return {Meta{MetaKey::l4proto, kReg1, {}}, Cmp{CmpOp::eq, kReg1, Bytes{6}},
            Payload{PayloadBase::transport, 2, 2, kReg1, {}}};
}

std::vector<Expr> tcp_dport(std::uint16_t port) {
    auto exprs = tcp_dport_load();
    exprs.push_back(Cmp{CmpOp::eq, kReg1, port_bytes(port)});
    return exprs;
}

std::vector<Expr> udp_dport(std::uint16_t port) {
    return {Meta{MetaKey::l4proto, kReg1, {}}, Cmp{CmpOp::eq, kReg1, Bytes{17}},
            Payload{PayloadBase::transport, 2, 2, kReg1, {}}, Cmp{CmpOp::eq, kReg1, port_bytes(port)}};
}

std::vector<Expr> ip_saddr(std::string_view address) {
    return {Payload{PayloadBase::network, 12, 4, kReg1, {}}, Cmp{CmpOp::eq, kReg1, ipv4_bytes(address)}};
}

std::vector<Expr> ip_daddr(std::string_view address) {
    return {Payload{PayloadBase::network, 16, 4, kReg1, {}}, Cmp{CmpOp::eq, kReg1, ipv4_bytes(address)}};
}

std::vector<Expr> iifname_not(std::string_view name) {
    Bytes bytes(name.begin(), name.end());
    bytes.push_back(0);
    return {Meta{MetaKey::iifname, kReg1, {}}, Cmp{CmpOp::neq, kReg1, std::move(bytes)}};
}

std::vector<Expr> all_of(std::initializer_list<std::vector<Expr>> matches) {
    std::vector<Expr> out;
    for (const auto& m : matches) out.insert(out.end(), m.begin(), m.end());
    return out;
}

std::vector<Expr> dnat_to(std::string_view address, std::uint16_t port) {
    return {Immediate{kReg1, ipv4_bytes(address), {}}, Immediate{kReg2, port_bytes(port), {}},
            Nat{NatType::dnat, 2 /* NFPROTO_IPV4 */, kReg1, {}, kReg2, {}, 0}};
}

Expr verdict(Verdict::Kind kind, std::string chain) { return Immediate{kRegVerdict, {}, Verdict{kind, std::move(chain)}}; }

Rule rule(std::vector<Expr> exprs) {
    Rule r;
    r.exprs = std::move(exprs);
    return r;
}

Rule rule(std::vector<Expr> matches, Expr action) {
    matches.push_back(std::move(action));
    return rule(std::move(matches));
}

Chain base_chain(std::string name, ChainType type, Hook hook, std::int32_t priority, Verdict::Kind policy,
                 std::vector<Rule> rules) {
    Chain c = regular_chain(std::move(name), std::move(rules));
    c.base = BaseChain{type, hook, priority, policy, {}};
    return c;
}

Chain regular_chain(std::string name, std::vector<Rule> rules) {
    Chain c;
    c.name = std::move(name);
    c.rules = std::move(rules);
    return c;
}

Table table(Family family, std::string name, std::vector<Chain> chains, RulesetSource source) {
    Table t;
    t.family = family;
    t.name = std::move(name);
    t.source = source;
    std::uint64_t handle = 1;
    for (Chain& c : chains) {
        c.handle = handle++;
        std::uint32_t position = 0;
        for (Rule& r : c.rules) {
            r.handle = handle++;
            r.position = position++;
        }
    }
    t.chains = std::move(chains);
    return t;
}

Table raw_prerouting(std::vector<Rule> rules) {
    return table(Family::ip, "raw",
                 {base_chain("PREROUTING", ChainType::filter, Hook::prerouting, -300, Verdict::Kind::accept,
                             std::move(rules))});
}

}  // namespace dnd::testing::nf_parts
