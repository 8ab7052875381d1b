#pragma once
// What the reader must find in the rules of fixtures/netfilter/inputs/, shared by the live
// tests and the tests on the recorded bytes. DND_PRINT_RULES=1 prints every rendered rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "nft_testing.hpp"

namespace dnd::nf::testing {

inline void print_rules(const Table& t) {
    if (std::getenv("DND_PRINT_RULES") == nullptr) return;
    for (const Chain& c : t.chains)
        for (const Rule& r : c.rules) std::printf("%s\n", format_rule(t, c, r).c_str());
}

inline void expect_base_chain(const Chain* c, Hook hook, ChainType type, int priority, Verdict::Kind policy) {
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(c->base.has_value()) << c->name;
    EXPECT_EQ(c->base->hook, hook) << c->name;
    EXPECT_EQ(c->base->type, type) << c->name;
    EXPECT_EQ(c->base->priority, priority) << c->name;
    EXPECT_EQ(c->base->policy, policy) << c->name;
}

// fixtures/netfilter/inputs/docker-iptables-nft.rules, loaded with iptables-nft-restore.
inline void expect_docker_tables(const Ruleset& rs) {
    const Table* filter = rs.find_table(Family::ip, "filter");
    const Table* nat = rs.find_table(Family::ip, "nat");
    ASSERT_NE(filter, nullptr);
    ASSERT_NE(nat, nullptr);
    print_rules(*filter);
    print_rules(*nat);
    EXPECT_EQ(filter->source, RulesetSource::nftables);

    expect_base_chain(filter->find_chain("FORWARD"), Hook::forward, ChainType::filter, 0, Verdict::Kind::drop);
    expect_base_chain(filter->find_chain("INPUT"), Hook::input, ChainType::filter, 0, Verdict::Kind::accept);
    expect_base_chain(nat->find_chain("PREROUTING"), Hook::prerouting, ChainType::nat, -100, Verdict::Kind::accept);
    expect_base_chain(nat->find_chain("POSTROUTING"), Hook::postrouting, ChainType::nat, 100, Verdict::Kind::accept);
    ASSERT_NE(filter->find_chain("DOCKER-USER"), nullptr);
    EXPECT_FALSE(filter->find_chain("DOCKER-USER")->base.has_value());

    EXPECT_EQ(rule_texts(rs, Family::ip, "filter", "FORWARD"),
              (std::vector<std::string>{
                  "counter jump DOCKER-USER",
                  "counter jump DOCKER-ISOLATION-STAGE-1",
                  "oifname \"docker0\" ct state established,related counter accept",
                  "oifname \"docker0\" counter jump DOCKER",
                  "iifname \"docker0\" oifname != \"docker0\" counter accept",
                  "iifname \"docker0\" oifname \"docker0\" counter accept",
              }));
    EXPECT_EQ(rule_texts(rs, Family::ip, "filter", "DOCKER-USER"),
              (std::vector<std::string>{
                  "ip saddr 10.0.0.0/8 tcp dport 8080 counter drop comment \"block ten\"",
                  "udp dport { 53, 5000-5010 } counter reject with icmp port-unreachable",
                  "counter return",
              }));
    EXPECT_EQ(rule_texts(rs, Family::ip, "nat", "OUTPUT").at(0),
              "ip daddr != 127.0.0.0/8 fib daddr type local counter jump DOCKER");
    EXPECT_EQ(rule_texts(rs, Family::ip, "nat", "POSTROUTING").at(2),
              "ip saddr 192.168.5.1-192.168.5.9 counter snat to 10.1.1.1");

    // The DNAT target is an xt target with its decoded range, not only text.
    const Chain* docker = nat->find_chain("DOCKER");
    ASSERT_NE(docker, nullptr);
    ASSERT_EQ(docker->rules.size(), 2u);
    const Rule& dnat_rule = docker->rules[1];
    const Xt* dnat = nullptr;
    for (const Expr& e : dnat_rule.exprs)
        if (const auto* x = expr_if<Xt>(e); x != nullptr && x->is_target) dnat = x;
    ASSERT_NE(dnat, nullptr);
    EXPECT_EQ(dnat->name, "DNAT");
    const auto* range = std::get_if<XtNat>(&dnat->decoded);
    ASSERT_NE(range, nullptr);
    ASSERT_EQ(range->ranges.size(), 1u);
    EXPECT_EQ(format_address(range->ranges[0].min_addr), "172.17.0.2");
    EXPECT_EQ(range->ranges[0].min_port, 80);
    EXPECT_EQ(range->ranges[0].max_port, 80);
    EXPECT_EQ(format_rule(*nat, *docker, dnat_rule),
              fmt::format("ip nat DOCKER handle {}: iifname != \"docker0\" tcp dport 8080 counter dnat to 172.17.0.2:80",
                          dnat_rule.handle));

    // conntrack and comment matches decoded
    const Rule& est = filter->find_chain("FORWARD")->rules.at(2);
    bool saw_conntrack = false;
    for (const Expr& e : est.exprs)
        if (const auto* x = expr_if<Xt>(e))
            if (const auto* ct = std::get_if<XtConntrack>(&x->decoded)) {
                saw_conntrack = true;
                EXPECT_EQ(ct->state_mask, kCtStateEstablished | kCtStateRelated);
                EXPECT_FALSE(ct->state_invert());
            }
    EXPECT_TRUE(saw_conntrack);
    EXPECT_EQ(filter->find_chain("DOCKER-USER")->rules.at(0).comment, "block ten");
}

// fixtures/netfilter/inputs/native.nft
inline void expect_native_table(const Ruleset& rs) {
    const Table* t = rs.find_table(Family::inet, "dndtest");
    ASSERT_NE(t, nullptr);
    print_rules(*t);
    expect_base_chain(t->find_chain("input"), Hook::input, ChainType::filter, -10, Verdict::Kind::drop);
    expect_base_chain(t->find_chain("pre"), Hook::prerouting, ChainType::nat, -100, Verdict::Kind::accept);

    const Set* blocked = t->find_set("blocked");
    ASSERT_NE(blocked, nullptr);
    EXPECT_TRUE(blocked->is_interval());
    EXPECT_FALSE(blocked->is_anonymous());
    EXPECT_EQ(blocked->key_len, 4u);
    ASSERT_TRUE(blocked->elements_loaded);
    std::vector<std::string> starts;
    for (const auto& e : blocked->elements)
        if (!e.interval_end) starts.push_back(format_address(e.key));
    std::sort(starts.begin(), starts.end());
    EXPECT_EQ(starts, (std::vector<std::string>{"10.0.0.0", "192.168.1.5"}));

    const Set* portmap = t->find_set("portmap");
    ASSERT_NE(portmap, nullptr);
    EXPECT_TRUE(portmap->is_verdict_map());
    ASSERT_EQ(portmap->elements.size(), 2u);
    std::map<std::uint16_t, std::string> verdicts;
    for (const auto& e : portmap->elements) {
        ASSERT_EQ(e.key.size(), 2u);
        ASSERT_TRUE(e.verdict.has_value());
        verdicts[static_cast<std::uint16_t>(e.key[0] << 8 | e.key[1])] =
            std::string(to_string(e.verdict->kind)) + (e.verdict->chain.empty() ? "" : " " + e.verdict->chain);
    }
    EXPECT_EQ(verdicts, (std::map<std::uint16_t, std::string>{{80, "accept"}, {443, "jump web"}}));

    EXPECT_EQ(rule_texts(rs, Family::inet, "dndtest", "input"),
              (std::vector<std::string>{
                  "ip saddr @blocked counter drop comment \"blocked sources\"",
                  "tcp dport vmap @portmap",
                  "tcp dport { 22, 8080 } accept",
                  "ct state established,related accept",
                  "iifname \"lo\" accept",
                  "fib daddr type local meta l4proto udp reject with icmpx port-unreachable",
              }));
    EXPECT_EQ(rule_texts(rs, Family::inet, "dndtest", "pre"),
              (std::vector<std::string>{"ip daddr 192.0.2.1 tcp dport 8443 dnat ip to 172.17.0.3:443"}));
    EXPECT_EQ(t->find_chain("input")->rules.at(0).comment, "blocked sources");
}

// fixtures/netfilter/inputs/legacy-iptables.rules, loaded with iptables-legacy-restore.
inline void expect_legacy_filter(const Table& t) {
    print_rules(t);
    EXPECT_EQ(t.name, "filter");
    EXPECT_EQ(t.family, Family::ip);
    EXPECT_EQ(t.source, RulesetSource::iptables_legacy);
    expect_base_chain(t.find_chain("FORWARD"), Hook::forward, ChainType::filter, 0, Verdict::Kind::drop);
    expect_base_chain(t.find_chain("INPUT"), Hook::input, ChainType::filter, 0, Verdict::Kind::accept);
    ASSERT_NE(t.find_chain("DNDUSER"), nullptr);
    EXPECT_FALSE(t.find_chain("DNDUSER")->base.has_value());

    std::vector<std::string> forward, user;
    for (const Rule& r : t.find_chain("FORWARD")->rules) forward.push_back(format_rule_body(t, r));
    for (const Rule& r : t.find_chain("DNDUSER")->rules) user.push_back(format_rule_body(t, r));
    EXPECT_EQ(forward, (std::vector<std::string>{
                           "ip saddr 10.9.0.0/16 iifname \"eth*\" ip protocol tcp tcp dport 8080 counter jump DNDUSER "
                           "comment \"legacy rule\"",
                           "oifname \"docker0\" ct state established,related counter accept",
                       }));
    EXPECT_EQ(user, (std::vector<std::string>{
                        "ip daddr 172.17.0.2 ip protocol tcp counter reject with tcp reset",
                        "ip protocol udp counter goto DNDOTHER",
                    }));
    EXPECT_EQ(t.find_chain("FORWARD")->rules.at(0).comment, "legacy rule");
    EXPECT_EQ(format_rule(t, *t.find_chain("DNDUSER"), t.find_chain("DNDUSER")->rules.at(1)),
              "iptables-legacy ip filter DNDUSER rule 2: ip protocol udp counter goto DNDOTHER");
    EXPECT_EQ(format_chain_policy(t, *t.find_chain("FORWARD")), "iptables-legacy ip filter FORWARD policy drop");
}

}  // namespace dnd::nf::testing
