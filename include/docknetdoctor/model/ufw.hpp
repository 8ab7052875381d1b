#pragma once
// UFW as the diagnosis needs it, as plain data, read from UFW's own state files: whether it
// is enabled, its default policies, and the user's rules as `ufw status numbered` lists them,
// each with the iptables rules ufw made of it (so that a rule the packet-path evaluator finds
// deciding in ufw-user-forward is named as the user wrote it). Filled by
// collect/ufw_collect.hpp, read by firewall.ufw-blocks and exposure.firewall-bypass.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

// One "### tuple ###" rule of user.rules or user6.rules.
struct UfwRule {
    int number = 0;         // its number in `ufw status numbered`, which `ufw delete` and `insert` take
    bool v6 = false;        // from user6.rules
    bool route = false;     // a `ufw route` rule: forwarded traffic
    std::string action;     // "allow", "deny", "reject", "limit"
    std::string log;        // "", "log", "log-all"
    std::string protocol;   // "tcp", "udp", "any" ...
    std::string dport;      // "80", "8000:8010", "any"
    std::string dst;        // "172.17.0.2", "0.0.0.0/0", "::/0"
    std::string sport;
    std::string src;
    std::string dapp;       // application profile names ("" = none)
    std::string sapp;
    std::string direction;  // "in", "out"
    std::string interface_in;
    std::string interface_out;
    std::string comment;    // decoded
    std::string tuple;      // the tuple's text after "### tuple ###", raw (sanitize before printing)
    // The "-A CHAIN ..." lines that follow the tuple in the file: the rules ufw loads for it,
    // in the order they sit in CHAIN.
    std::vector<std::string> iptables_rules;
};

// The user's rules as UFW reads them: user.rules, then user6.rules when IPv6 is on.
struct UfwRules {
    std::vector<UfwRule> rules;
    int malformed = 0;  // tuples ufw itself would skip
};

struct UfwState {
    std::string config_dir;       // where ufw.conf was read: "/etc/ufw"
    bool installed = false;       // ufw.conf exists
    bool enabled = false;         // ufw.conf ENABLED=yes
    // /etc/default/ufw, as written there: "DROP", "ACCEPT", "REJECT" ("" unread).
    std::string default_input_policy;
    std::string default_output_policy;
    std::string default_forward_policy;
    bool ipv6 = true;             // IPV6=yes: user6.rules is loaded too
    Result<UfwRules> rules = fail("ufw", "not collected");
    // after.rules sends DOCKER-USER to ufw-user-forward (ufw-docker's block): `ufw route`
    // rules then decide what reaches published ports.
    Result<bool> docker_user_hooked = fail("ufw", "not collected");
};

// The tuples of one rules file (user.rules text; v6 for user6.rules), numbered from
// first_number on as `ufw status numbered` does (an application rule repeated with the same
// profile, address and direction is listed, and numbered, once). Tuples ufw would skip as
// malformed are counted, not kept.
UfwRules parse_ufw_rules_file(std::string_view text, bool v6, int first_number);

// The rule as `ufw status numbered` prints it, trailing spaces removed:
// "[ 2] 172.31.0.2 80/tcp          DENY FWD    10.99.2.1".
std::string ufw_status_line(const UfwRule& rule);

// The value of KEY=VALUE in a shell-style config file (ufw.conf, /etc/default/ufw), quotes
// removed; "" when absent.
std::string ufw_config_value(std::string_view text, std::string_view key);

// Whether after.rules text sends DOCKER-USER to ufw-user-forward.
bool after_rules_hook_docker_user(std::string_view text);

// The rule whose position-th iptables rule (0-based) in chain is, among rules from one file
// (v6 or not); nullptr when no rule of that file loads that many into chain, or when
// rules_in_chain (how many the kernel's chain holds) differs from what the file loads there,
// so that the file is not what the kernel runs.
const UfwRule* ufw_rule_at(const UfwRules& rules, bool v6, std::string_view chain, std::size_t position,
                           std::size_t rules_in_chain);

void to_json(nlohmann::json& j, const UfwRule& r);
void from_json(const nlohmann::json& j, UfwRule& r);
void to_json(nlohmann::json& j, const UfwRules& r);
void from_json(const nlohmann::json& j, UfwRules& r);
void to_json(nlohmann::json& j, const UfwState& s);
void from_json(const nlohmann::json& j, UfwState& s);

}  // namespace dnd
