#pragma once
// A Docker host (FactsBuilder's) with UFW: its state as read from its files, and the chains
// it adds to Docker's ip filter table, for the cases about UFW.
#include <stdexcept>
#include <string_view>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/ufw.hpp"
#include "docknetdoctor/path/evaluate.hpp"
#include "nf_rule_parts.hpp"

namespace dnd::check_cases {

// UFW enabled with Debian's default policies (incoming and routed DROP), IPv4 only, and
// user.rules holding user_rules; ufw-docker's block in after.rules.
inline UfwState ufw_state(std::string_view user_rules) {
    UfwState s;
    s.config_dir = "/etc/ufw";
    s.installed = true;
    s.enabled = true;
    s.default_input_policy = "DROP";
    s.default_forward_policy = "DROP";
    s.default_output_policy = "ACCEPT";
    s.ipv6 = false;
    s.rules = parse_ufw_rules_file(user_rules, false, 1);
    s.docker_user_hooked = true;
    return s;
}

// FactsBuilder's ip filter table (Docker's).
inline nf::Table& ip_filter(Facts& f) {
    for (nf::Table& t : f.host->nftables->tables)
        if (t.family == nf::Family::ip && t.name == "filter") return t;
    throw std::logic_error("FactsBuilder made no ip filter table");
}

// The chain called name in t, added empty when t has none.
inline nf::Chain& chain_in(nf::Table& t, std::string_view name) {
    for (nf::Chain& c : t.chains)
        if (c.name == name) return c;
    t.chains.push_back(testing::nf_parts::regular_chain(std::string(name)));
    return t.chains.back();
}

// The packet paths evaluated again, after a case changed the host's rules.
inline Facts evaluated(Facts f) {
    f.paths = paths_for(f, recorded_lookups(f.host));
    return f;
}

}  // namespace dnd::check_cases
