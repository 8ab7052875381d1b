#pragma once
// Hand-built netfilter rules for tests: the expressions nft itself emits for the common
// matches, so a test states a chain or a rule in a few lines instead of a recorded dump.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/ruleset.hpp"

namespace dnd::testing::nf_parts {

inline constexpr nf::Register kReg1 = 1;  // NFT_REG_1: matches load here
inline constexpr nf::Register kReg2 = 2;  // NFT_REG_2: nat's port

nf::Bytes port_bytes(std::uint16_t port);       // network byte order
nf::Bytes ipv4_bytes(std::string_view dotted);  // "172.17.0.2" -> ac 11 00 02
// "meta l4proto tcp" and the transport destination port loaded into reg 1 (compare it next).
std::vector<nf::Expr> tcp_dport_load();
// "tcp dport PORT"
std::vector<nf::Expr> tcp_dport(std::uint16_t port);
// "udp dport PORT"
std::vector<nf::Expr> udp_dport(std::uint16_t port);
// "ip saddr ADDRESS" and "ip daddr ADDRESS" (IPv4, a single address)
std::vector<nf::Expr> ip_saddr(std::string_view address);
std::vector<nf::Expr> ip_daddr(std::string_view address);
// "iifname != NAME", as iptables-nft writes `! -i NAME` (the name and its NUL)
std::vector<nf::Expr> iifname_not(std::string_view name);
// The matches, one after the other: all_of({ip_saddr(...), tcp_dport(8080)}).
std::vector<nf::Expr> all_of(std::initializer_list<std::vector<nf::Expr>> matches);
// "dnat to ADDRESS:PORT" (IPv4)
std::vector<nf::Expr> dnat_to(std::string_view address, std::uint16_t port);
// "accept", "drop", "jump CHAIN" ...
nf::Expr verdict(nf::Verdict::Kind kind, std::string chain = {});

nf::Rule rule(std::vector<nf::Expr> exprs);
// The matches, then what the rule does: rule(tcp_dport(22), verdict(accept)).
nf::Rule rule(std::vector<nf::Expr> matches, nf::Expr action);
nf::Chain base_chain(std::string name, nf::ChainType type, nf::Hook hook, std::int32_t priority,
                     nf::Verdict::Kind policy = nf::Verdict::Kind::accept, std::vector<nf::Rule> rules = {});
nf::Chain regular_chain(std::string name, std::vector<nf::Rule> rules = {});
// table ip raw { chain PREROUTING { type filter hook prerouting priority raw; RULES } },
// as iptables-nft makes it (Docker 28's direct-routing and loopback drops live there).
nf::Table raw_prerouting(std::vector<nf::Rule> rules);
// A table whose chains and rules get handles and positions in order, as the kernel gives them.
nf::Table table(nf::Family family, std::string name, std::vector<nf::Chain> chains,
                nf::RulesetSource source = nf::RulesetSource::nftables);

}  // namespace dnd::testing::nf_parts
