#pragma once
// The host's own nftables firewall as a distribution's /etc/nftables.conf writes it (table inet
// filter, a base chain per hook at priority filter), for the cases whose packets it decides:
//   host_firewall({input_chain(Kind::drop, {rule(tcp_dport(22), verdict(Kind::accept))})})
#include <string>
#include <utility>
#include <vector>

#include "nf_rule_parts.hpp"

namespace dnd::check_cases {

// chain input { type filter hook input priority filter; policy POLICY; RULES }
inline nf::Chain input_chain(nf::Verdict::Kind policy, std::vector<nf::Rule> rules = {}) {
    return testing::nf_parts::base_chain("input", nf::ChainType::filter, nf::Hook::input, 0, policy, std::move(rules));
}

// chain forward { type filter hook forward priority filter; policy POLICY; RULES }
inline nf::Chain forward_chain(nf::Verdict::Kind policy, std::vector<nf::Rule> rules = {}) {
    return testing::nf_parts::base_chain("forward", nf::ChainType::filter, nf::Hook::forward, 0, policy, std::move(rules));
}

// chain output { type filter hook output priority filter; policy POLICY; RULES }
inline nf::Chain output_chain(nf::Verdict::Kind policy, std::vector<nf::Rule> rules = {}) {
    return testing::nf_parts::base_chain("output", nf::ChainType::filter, nf::Hook::output, 0, policy, std::move(rules));
}

// table inet filter { CHAINS }
inline nf::Table host_firewall(std::vector<nf::Chain> chains) {
    return testing::nf_parts::table(nf::Family::inet, "filter", std::move(chains));
}

// input policy drop, only ssh let in: the firewall most hosts start from.
inline nf::Table ssh_only_firewall() {
    using namespace testing::nf_parts;
    return host_firewall({input_chain(nf::Verdict::Kind::drop, {rule(tcp_dport(22), verdict(nf::Verdict::Kind::accept))})});
}

}  // namespace dnd::check_cases
