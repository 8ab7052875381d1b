// The ranking principle (src/rank/rank.cpp), pair by pair: for each pair of causes that can
// fire together, which one leads and why. A pair led by a root (cause_precedence.cpp, or a
// finding naming what it explains) must lead whatever the probes say about either; the
// others lead by the general order (context last, contradicted after standing, severity,
// confirmed before open, lower layer), checked with the probes saying the same of both.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "docknetdoctor/rank/cause_precedence.hpp"
#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/rank/rank.hpp"

namespace dnd {
namespace {

enum class Why {
    root,          // the precedence table: the follower holds only while the leader does
    says_root,     // the leader's finding names the follower in `explains`
    severity,      // same support: a cause of unreachability before a risk
    layer,         // same severity and support: the lower layer explains the one above it
    context,       // the follower is info: context after what matters to the question
};

struct Pair {
    std::string_view leader;
    std::string_view follower;
    Why why;
    std::string_view note;  // the case in which both fire
};

// Pairs that can fire together on one diagnosis, with the order the user must see.
const std::vector<Pair>& pairs() {
    static const std::vector<Pair> table = {
        // Roots: the leader is why the follower holds.
        {"container.restarting", "app.not-listening", Why::root, "caught between two runs of the loop"},
        {"container.restarting", "app.loopback-only", Why::root, "caught running, bound to loopback, crashing"},
        {"container.restarting", "port.wrong-container-port", Why::root, "a helper process listens while the app is down"},
        {"container.restarting", "container.unhealthy", Why::root, "the healthcheck fails as the app dies"},
        {"container.restarting", "path.unexplained", Why::root, "the pid vanished while the probes ran"},
        {"container.restarting", "netfilter.dnat-missing", Why::root, "the ruleset was read between two runs"},
        {"network.host-mode-ports-ignored", "app.not-listening", Why::root, "-p 8080:80 in host mode, app on 8081"},
        {"network.host-mode-ports-ignored", "port.wrong-container-port", Why::root, "-p 8080:80 in host mode, app on 8081"},
        {"network.host-mode-ports-ignored", "path.unexplained", Why::root, "the discarded host port is probed"},
        {"netfilter.docker-rules-missing", "netfilter.input-drop", Why::root,
         "flush ruleset plus an input policy drop: the proxy path dies in input"},
        {"netfilter.docker-rules-missing", "netfilter.forward-drop", Why::root,
         "flush ruleset on a host whose forward policy drops"},
        {"netfilter.docker-rules-missing", "path.unexplained", Why::root, "the published address fails after a flush"},
        {"firewall.firewalld-reload", "netfilter.docker-rules-missing", Why::root,
         "firewall-cmd --reload emptied the nat and filter tables"},
        {"kernel.interface-forwarding-off", "exposure.public-sensitive-port", Why::severity,
         "a database published while its client's interface does not forward"},
        {"kernel.interface-forwarding-off", "netfilter.backend-mismatch", Why::layer,
         "forwarding off on the client's interface on a mixed-backend host"},
        {"exposure.firewall-bypass", "exposure.public-sensitive-port", Why::root,
         "postgres published on 0.0.0.0 while the INPUT policy drops"},
        {"port.host-port-conflict", "container.not-running", Why::says_root, "the bind failed, so the start failed"},
        // The general order.
        {"app.loopback-only", "exposure.public-sensitive-port", Why::severity, "redis bound to 127.0.0.1 inside, published"},
        {"netfilter.forward-drop", "exposure.public-sensitive-port", Why::severity,
         "a DOCKER-USER drop on a published database port"},
        {"netfilter.forward-drop", "kernel.br-netfilter-off", Why::severity, "a drop, and bridge traffic bypassing it"},
        {"netfilter.forward-drop", "container.unhealthy", Why::severity, "a drop, and a failing healthcheck"},
        {"port.host-bind-loopback", "exposure.public-sensitive-port", Why::severity, "127.0.0.1:80 and 0.0.0.0:5432"},
        {"netfilter.forward-drop", "netfilter.backend-mismatch", Why::layer,
         "a legacy FORWARD policy drop beside Docker's nft rules: the deciding rule first"},
        {"app.not-listening", "netfilter.input-drop", Why::layer, "nothing listens, and the proxy path is dropped too"},
        {"port.not-published", "network.internal", Why::layer, "an exposed port on an internal network"},
        {"kernel.ip-forward-disabled", "netfilter.forward-drop", Why::layer, "IPv4 forwarding off; an IPv6 drop"},
        {"kernel.ip-forward-disabled", "netfilter.backend-mismatch", Why::layer, "forwarding off on a mixed-backend host"},
        {"port.host-bind-loopback", "engine.rootless", Why::context, "a loopback binding on a rootless engine"},
        {"netfilter.forward-drop", "engine.rootless", Why::context, "a drop on a rootless engine's host"},
    };
    return table;
}

RankedCause ranked(const Pair& pair, std::string_view id, Support support) {
    RankedCause c;
    c.finding = new_finding(find_check(id)->cause);
    if (pair.why == Why::says_root && id == pair.leader) c.finding.explains.push_back(std::string(pair.follower));
    c.support = support;
    return c;
}

// The order of the pair, given the support of each and the order the checks reported them in.
std::vector<std::string> order(const Pair& pair, Support leader, Support follower, bool follower_reported_first) {
    std::vector<RankedCause> causes{ranked(pair, pair.leader, leader), ranked(pair, pair.follower, follower)};
    if (follower_reported_first) std::swap(causes[0], causes[1]);
    order_causes(causes, all_checks());
    return {causes[0].finding.id, causes[1].finding.id};
}

std::string label(const Pair& p) {
    return std::string(p.leader) + " before " + std::string(p.follower) + " (" + std::string(p.note) + ")";
}

constexpr Support kSupports[] = {Support::confirmed, Support::open, Support::contradicted};

TEST(RankPrinciple, EveryPairLeadsTheWayTheTableSays) {
    for (const Pair& p : pairs()) {
        const std::vector<std::string> expected{std::string(p.leader), std::string(p.follower)};
        ASSERT_NE(find_check(p.leader), nullptr) << p.leader;
        ASSERT_NE(find_check(p.follower), nullptr) << p.follower;
        const bool root = p.why == Why::root || p.why == Why::says_root;
        if (p.why == Why::root) {
            EXPECT_TRUE(is_root_of(p.leader, p.follower)) << label(p);
        }
        for (Support leader : kSupports) {
            for (Support follower : kSupports) {
                // The general order is pinned with the probes saying the same of both; a root
                // leads whatever they say.
                if (!root && leader != follower) continue;
                for (bool follower_first : {false, true})
                    EXPECT_EQ(order(p, leader, follower, follower_first), expected)
                        << label(p) << ", leader " << to_string(leader) << ", follower " << to_string(follower);
            }
        }
    }
}

// What each general reason claims must be true of the pair, or the table explains nothing.
TEST(RankPrinciple, EachReasonHoldsForItsPair) {
    for (const Pair& p : pairs()) {
        const CauseInfo& leader = find_check(p.leader)->cause;
        const CauseInfo& follower = find_check(p.follower)->cause;
        switch (p.why) {
            case Why::root: break;
            case Why::says_root: EXPECT_FALSE(is_root_of(p.leader, p.follower)) << label(p); break;
            case Why::severity:
                EXPECT_GT(leader.severity, follower.severity) << label(p);
                EXPECT_NE(follower.severity, Severity::info) << label(p);
                break;
            case Why::layer:
                EXPECT_EQ(leader.severity, follower.severity) << label(p);
                EXPECT_LT(&leader, &follower) << label(p) << ": the leader comes first in the catalog";
                break;
            case Why::context: EXPECT_EQ(follower.severity, Severity::info) << label(p); break;
        }
    }
}

// Between causes no root relates, what the probes say decides next: a cause they contradict
// falls below a standing one of lower severity; one they confirm leads one they leave open.
TEST(RankPrinciple, ProbesDecideBetweenUnrelatedCausesOfOneSeverityAndDoubtSinksACause) {
    const Pair app{"app.not-listening", "app.loopback-only", Why::layer, "both read from the listeners"};
    EXPECT_EQ(order(app, Support::contradicted, Support::confirmed, false),
              (std::vector<std::string>{"app.loopback-only", "app.not-listening"}));
    const Pair risk{"exposure.public-sensitive-port", "app.not-listening", Why::severity, ""};
    EXPECT_EQ(order(risk, Support::confirmed, Support::contradicted, false),
              (std::vector<std::string>{"exposure.public-sensitive-port", "app.not-listening"}));
    const Pair open_critical{"netfilter.forward-drop", "exposure.public-sensitive-port", Why::severity, ""};
    EXPECT_EQ(order(open_critical, Support::open, Support::confirmed, true),
              (std::vector<std::string>{"netfilter.forward-drop", "exposure.public-sensitive-port"}));
}

TEST(RankPrinciple, ChainsOfRootsSettleWhateverTheInputOrder) {
    std::vector<RankedCause> causes(3);
    causes[0].finding = new_finding(find_check("app.not-listening")->cause);
    causes[1].finding = new_finding(find_check("path.unexplained")->cause);
    causes[2].finding = new_finding(find_check("container.restarting")->cause);
    for (auto& c : causes) c.support = Support::confirmed;
    causes[2].support = Support::contradicted;
    order_causes(causes, all_checks());
    EXPECT_EQ(causes[0].finding.id, "container.restarting");
}

TEST(RankPrinciple, PrecedenceTableIsAcyclicAndNamesCatalogIds) {
    std::set<std::string_view> ids;
    for (const CausePrecedence& p : cause_precedence()) {
        EXPECT_NE(find_check(p.root), nullptr) << p.root;
        EXPECT_NE(find_check(p.follows), nullptr) << p.follows;
        EXPECT_FALSE(p.why.empty()) << p.root << " -> " << p.follows;
        ids.insert(p.root);
        ids.insert(p.follows);
    }
    // Depth-first search for a path back to where it started.
    std::function<bool(std::string_view, std::string_view, int)> reaches = [&](std::string_view from,
                                                                               std::string_view to, int depth) {
        if (depth > static_cast<int>(ids.size())) return true;
        for (const CausePrecedence& p : cause_precedence())
            if (p.root == from && (p.follows == to || reaches(p.follows, to, depth + 1))) return true;
        return false;
    };
    for (std::string_view id : ids) EXPECT_FALSE(reaches(id, id, 0)) << id << " leads itself through the table";
}

}  // namespace
}  // namespace dnd
