// Golden files for the checks: fixtures/checks/<case>/facts.json is a Facts snapshot and
// expected.json the findings of ALL checks on it. DND_UPDATE_FIXTURES=1 rewrites
// expected.json (review the diff). The table below pins, per check, a case where it must
// fire and one where it must stay quiet, so a careless regeneration cannot hide a regression.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/rank/rank.hpp"
#include "fixture_files.hpp"

namespace dnd {
namespace {

namespace fs = std::filesystem;

fs::path cases_dir() { return fs::path(DND_SOURCE_DIR) / "fixtures" / "checks"; }

using testing::load_check_case;

nlohmann::json finding_json(const Finding& f) {
    nlohmann::json j{{"id", f.id},       {"severity", to_string(f.severity)}, {"title", f.title},
                     {"evidence", f.evidence}, {"fix", f.fix}};
    j["port"] = f.port ? nlohmann::json(f.port->str()) : nlohmann::json(nullptr);
    return j;
}

// What every check says about one case, in registry order.
nlohmann::json run_all_checks(const Facts& facts) {
    nlohmann::json out{{"findings", nlohmann::json::array()}, {"undecided", nlohmann::json::array()}};
    for (const Check& check : all_checks()) {
        if (!check.run) continue;
        CheckResult r = check.run(facts);
        for (const Finding& f : r.findings) {
            EXPECT_EQ(f.id, check.id()) << "a check reports only its own id";
            out["findings"].push_back(finding_json(f));
        }
        for (const auto& why : r.undecided) out["undecided"].push_back({{"check", check.id()}, {"reason", why}});
    }
    return out;
}

std::vector<std::string> all_cases() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(cases_dir()))
        if (entry.is_directory()) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

struct CheckCases {
    std::string_view id;
    std::vector<std::string> fires;  // cases where it must report its id
    std::vector<std::string> quiet;  // cases where it must decide and report nothing
};

const std::vector<CheckCases>& check_cases() {
    static const std::vector<CheckCases> table = {
        {"container.not-running", {"not_running_exited", "created_port_allocated"}, {"healthy_web", "restarting"}},
        {"container.restarting", {"restarting", "restarting_running", "restarting_vanished"},
         {"restarting_long_ago", "not_running_exited", "healthy_web"}},
        {"container.unhealthy", {"unhealthy"}, {"healthy_web"}},
        {"port.not-published", {"exposed_not_published", "asked_port_not_published"},
         {"exposed_partly_published", "network_internal", "host_mode_ports_ignored"}},
        {"port.wrong-container-port", {"wrong_container_port", "host_mode_app_other_port"},
         {"app_not_listening", "app_loopback_only", "healthy_web", "host_mode", "host_mode_same_port"}},
        {"port.host-port-conflict", {"created_port_allocated", "created_address_in_use", "running_port_shadowed"},
         {"healthy_web", "rootless", "not_running_exited"}},
        {"port.host-bind-loopback", {"loopback_binding", "loopback_binding_from_local"}, {"healthy_web"}},
        {"network.host-mode-ports-ignored", {"host_mode_ports_ignored", "host_mode_app_other_port", "host_mode_same_port"},
         {"host_mode", "healthy_web", "host_mode_input_drop"}},
        {"network.none", {"network_none"}, {"healthy_web", "host_mode"}},
        {"network.internal", {"network_internal"}, {"healthy_web"}},
        {"app.not-listening", {"app_not_listening", "host_mode_no_listener"},
         {"wrong_container_port", "app_loopback_only", "healthy_web", "host_mode", "host_mode_app_other_port",
          "host_mode_loopback_only"}},
        {"app.loopback-only", {"app_loopback_only", "host_mode_loopback_only"},
         {"healthy_web", "app_not_listening", "host_mode", "host_mode_same_port"}},
        {"engine.rootless", {"rootless", "rootless_process"}, {"healthy_web", "healthy_engine_process"}},
        {"exposure.public-sensitive-port", {"public_postgres"}, {"healthy_web", "exposed_partly_published"}},
        {"engine.iptables-disabled", {"nf_iptables_false_ufw"}, {"nf_docker_iptables_nft", "nf_nftables_flush"}},
        {"kernel.ip-forward-disabled", {"nf_ip_forward_off"},
         {"nf_docker_iptables_nft", "nf_interface_forwarding_off", "nf_ip_forward_off_interface_on"}},
        {"kernel.interface-forwarding-off", {"nf_interface_forwarding_off"},
         {"nf_docker_iptables_nft", "nf_ip_forward_off", "nf_ip_forward_off_interface_on"}},
        {"kernel.br-netfilter-off", {"nf_br_netfilter_absent"}, {"nf_docker_iptables_nft"}},
        {"kernel.route-localnet-off", {"nf_route_localnet_off"}, {"nf_docker_iptables_nft"}},
        {"netfilter.docker-rules-missing", {"nf_nftables_flush", "nf_nftables_flush_input_drop"},
         {"nf_docker_iptables_nft", "nf_docker28_direct_routing", "nf_docker29_nftables", "nf_iptables_false_ufw",
          "nf_flush_engine_unseen", "rootless"}},
        // Where the engine is known to run with iptables on, docker-rules-missing names the loss instead.
        {"netfilter.dnat-missing", {"nf_flush_engine_unseen"},
         {"nf_docker_iptables_nft", "nf_docker29_nftables", "nf_iptables_false_ufw", "nf_nftables_flush"}},
        // A drop in UFW's or firewalld's chains is firewall.ufw-blocks' or firewall.firewalld-zone's,
        // named in that firewall's terms.
        {"netfilter.forward-drop", {"nf_legacy_forward_drop", "nf_docker_user_drop", "nf_native_table_forward_drop"},
         {"nf_docker_iptables_nft", "nf_docker29_nftables", "nf_firewalld_bypass", "nf_ufw_docker_forward_drop",
          "nf_firewalld_strict_forward"}},
        {"firewall.firewalld-zone", {"nf_firewalld_strict_forward"},
         {"nf_firewalld_bypass", "nf_docker_iptables_nft", "nf_ufw_docker_forward_drop", "nf_legacy_forward_drop"}},
        {"netfilter.input-drop", {"host_mode_input_drop", "nf_nftables_flush_input_drop"},
         {"nf_docker_iptables_nft", "nf_ufw_bypass", "host_mode", "host_mode_loopback_only", "nf_iptables_false_ufw"}},
        {"firewall.ufw-blocks", {"nf_ufw_docker_forward_drop", "nf_iptables_false_ufw"},
         {"nf_ufw_bypass", "nf_docker_iptables_nft", "nf_native_table_forward_drop", "host_mode_input_drop"}},
        {"netfilter.prerouting-drop", {"nf_prerouting_blocklist"},
         {"nf_docker28_direct_routing", "nf_docker28_direct_access", "nf_docker29_nftables"}},
        {"netfilter.direct-routing-blocked", {"nf_docker28_direct_access"},
         {"nf_docker28_direct_routing", "nf_docker_iptables_nft", "nf_prerouting_blocklist"}},
        {"netfilter.backend-mismatch", {"nf_legacy_forward_drop"}, {"nf_docker_iptables_nft"}},
        {"exposure.firewall-bypass", {"nf_firewalld_bypass", "nf_ufw_bypass"},
         {"nf_docker_iptables_nft", "nf_ufw_docker_forward_drop", "nf_iptables_false_ufw", "nf_firewalld_strict_forward"}},
        {"peer.not-found", {"peer_not_found"}, {"peer_healthy_pair", "peer_dns_failure", "healthy_web"}},
        {"peer.different-networks", {"peer_different_networks"}, {"peer_healthy_pair", "peer_default_bridge"}},
        {"peer.default-bridge-no-dns", {"peer_default_bridge"}, {"peer_healthy_pair", "peer_different_networks"}},
        {"peer.dns-failure", {"peer_dns_failure"}, {"peer_healthy_pair", "peer_different_networks", "peer_default_bridge"}},
        {"peer.icc-disabled", {"peer_icc_disabled"}, {"peer_healthy_pair", "peer_default_bridge"}},
        {"peer.using-host-port", {"peer_using_host_port"}, {"peer_healthy_pair"}},
        {"peer.localhost", {"peer_localhost"}, {"peer_healthy_pair"}},
        {"peer.host-gateway-missing", {"peer_host_gateway_missing"}, {"peer_host_gateway_added", "peer_healthy_pair"}},
    };
    return table;
}

TEST(CheckFixtures, EveryCaseMatchesItsExpectedFindings) {
    const bool update = testing::update_fixtures();
    auto names = all_cases();
    ASSERT_GE(names.size(), 14u) << "fixtures missing under " << cases_dir();
    for (const auto& name : names) {
        SCOPED_TRACE(name);
        auto actual = run_all_checks(load_check_case(name));
        auto expected_path = cases_dir() / name / "expected.json";
        if (update) {
            testing::update_golden_file(expected_path.string(), actual.dump(2) + "\n");
            continue;
        }
        ASSERT_TRUE(fs::exists(expected_path)) << "no expected.json; run with DND_UPDATE_FIXTURES=1 and review it";
        auto expected = nlohmann::json::parse(testing::read_text(expected_path.string()), nullptr, false);
        ASSERT_FALSE(expected.is_discarded()) << expected_path << " is not valid JSON";
        EXPECT_EQ(actual, expected) << "actual:\n" << actual.dump(2);
    }
}

bool has_finding(const CheckResult& r, std::string_view id) {
    return std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.id == id; });
}

TEST(CheckFixtures, EachCheckFiresOnItsCaseAndStaysQuietOnAnother) {
    for (const CheckCases& row : check_cases()) {
        auto check = std::find_if(all_checks().begin(), all_checks().end(), [&](const Check& c) { return c.id() == row.id; });
        ASSERT_NE(check, all_checks().end()) << row.id << " is not registered";
        ASSERT_FALSE(row.fires.empty()) << row.id;
        ASSERT_FALSE(row.quiet.empty()) << row.id;
        for (const auto& name : row.fires) {
            CheckResult r = check->run(load_check_case(name));
            EXPECT_TRUE(has_finding(r, row.id)) << row.id << " must fire on " << name;
        }
        for (const auto& name : row.quiet) {
            CheckResult r = check->run(load_check_case(name));
            EXPECT_FALSE(has_finding(r, row.id)) << row.id << " must stay quiet on " << name;
            EXPECT_TRUE(r.undecided.empty()) << row.id << " must decide on " << name;
        }
    }
}

TEST(CheckFixtures, HealthyContainerHasNoFindingAndNoBlindSpot) {
    auto result = run_all_checks(load_check_case("healthy_web"));
    EXPECT_TRUE(result["findings"].empty()) << result.dump(2);
    EXPECT_TRUE(result["undecided"].empty()) << result.dump(2);
}

// The app listens on another port: only port.wrong-container-port fires, naming that port,
// not app.not-listening as well.
TEST(CheckFixtures, WrongContainerPortIsNotAlsoReportedAsNotListening) {
    auto result = run_all_checks(load_check_case("wrong_container_port"));
    ASSERT_EQ(result["findings"].size(), 1u) << result.dump(2);
    const auto& finding = result["findings"][0];
    EXPECT_EQ(finding["id"], "port.wrong-container-port");
    EXPECT_EQ(finding["port"], "80/tcp");
    EXPECT_NE(finding["title"].get<std::string>().find("3000/tcp"), std::string::npos) << finding["title"];
    EXPECT_NE(finding["fix"].dump().find("-p 8080:3000"), std::string::npos) << finding["fix"];
}

TEST(CheckFixtures, LoopbackBindingIsOnlyInfoForALocalClient) {
    auto remote = run_all_checks(load_check_case("loopback_binding"))["findings"];
    auto local = run_all_checks(load_check_case("loopback_binding_from_local"))["findings"];
    ASSERT_EQ(remote.size(), 1u) << remote.dump(2);
    ASSERT_EQ(local.size(), 1u) << local.dump(2);
    EXPECT_EQ(remote[0]["severity"], "critical");
    EXPECT_EQ(local[0]["severity"], "info");
    EXPECT_EQ(local[0]["evidence"][0], "NetworkSettings.Ports[\"80/tcp\"] = 127.0.0.1:8082");
}

// An unprivileged run: no container listeners, no /networks, no rulesets (so the packet
// paths are unknown). Every check that needs one of those says so; the host facts it did
// read (sysctls, dockerd's command line) still decide the kernel.* and engine.* checks.
TEST(CheckFixtures, ChecksThatLackFactsSayWhyInsteadOfGuessing) {
    auto result = run_all_checks(load_check_case("listeners_unavailable"));
    EXPECT_TRUE(result["findings"].empty()) << result.dump(2);
    std::set<std::string> undecided;
    for (const auto& u : result["undecided"]) {
        undecided.insert(u["check"].get<std::string>());
        EXPECT_NE(u["reason"].get<std::string>().find("needs "), std::string::npos) << u;
    }
    EXPECT_EQ(undecided, (std::set<std::string>{"port.wrong-container-port", "port.host-port-conflict",
                                                "firewall.firewalld-reload", "firewall.firewalld-zone", "firewall.ufw-blocks",
                                                "kernel.interface-forwarding-off", "network.mtu-mismatch",
                                                "network.internal", "app.not-listening", "app.loopback-only",
                                                "netfilter.dnat-missing", "netfilter.docker-rules-missing", "netfilter.forward-drop",
                                                "netfilter.input-drop", "netfilter.prerouting-drop",
                                                "netfilter.backend-mismatch", "exposure.firewall-bypass"}));
}

// The checks about the source container's published ports (what reaches them from outside).
const std::set<std::string_view>& published_port_checks() {
    static const std::set<std::string_view> ids = {
        "kernel.ip-forward-disabled", "kernel.route-localnet-off", "engine.iptables-disabled",
        "netfilter.dnat-missing",     "netfilter.forward-drop",    "netfilter.input-drop",
        "netfilter.prerouting-drop",  "exposure.firewall-bypass",  "exposure.public-sensitive-port",
        "port.host-bind-loopback",    "port.wrong-container-port", "app.not-listening",
        "app.loopback-only",          "firewall.firewalld-zone"};
    return ids;
}

// --to asks whether the source reaches another container: its own published ports are
// another question, so the checks about them neither report nor ask for facts.
TEST(CheckFixtures, UnderToTheSourcesPublishedPortsAreNotJudged) {
    std::size_t peer_cases = 0;
    for (const auto& name : all_cases()) {
        if (!name.starts_with("peer_")) continue;
        ++peer_cases;
        SCOPED_TRACE(name);
        const Facts facts = load_check_case(name);
        ASSERT_TRUE(facts.query.to.has_value()) << "a peer_* case asks --to";
        for (const Check& check : all_checks()) {
            if (!check.run || !published_port_checks().contains(check.id())) continue;
            CheckResult r = check.run(facts);
            EXPECT_TRUE(r.findings.empty()) << check.id();
            EXPECT_TRUE(r.undecided.empty()) << check.id() << ": " << (r.undecided.empty() ? "" : r.undecided.front());
        }
    }
    EXPECT_GE(peer_cases, 5u);
}

// The same question asked of hosts where these checks do fire: with --to they stay quiet.
TEST(CheckFixtures, UnderToTheNetfilterChecksDoNotFireOnTheSourcesPorts) {
    std::size_t firing = 0;
    for (const CheckCases& row : check_cases()) {
        if (!published_port_checks().contains(row.id)) continue;
        auto check = std::find_if(all_checks().begin(), all_checks().end(), [&](const Check& c) { return c.id() == row.id; });
        ASSERT_NE(check, all_checks().end()) << row.id;
        for (const auto& name : row.fires) {
            SCOPED_TRACE(name);
            Facts facts = load_check_case(name);
            ASSERT_TRUE(has_finding(check->run(facts), row.id)) << row.id << " must fire on " << name << " first";
            ++firing;
            facts.query.to = "db:5432";
            CheckResult r = check->run(facts);
            EXPECT_TRUE(r.findings.empty()) << row.id << " reported on " << name << " under --to";
            EXPECT_TRUE(r.undecided.empty()) << row.id << " on " << name << " under --to";
        }
    }
    EXPECT_GE(firing, 10u);
}

// Host facts of a rootless engine's host (no Docker rules, ip_forward 0, no br_netfilter)
// are not causes: rootlesskit forwards the ports inside its own namespace.
TEST(CheckFixtures, RootlessHostNetfilterIsNotBlamed) {
    auto result = run_all_checks(load_check_case("rootless"));
    ASSERT_EQ(result["findings"].size(), 1u) << result.dump(2);
    EXPECT_EQ(result["findings"][0]["id"], "engine.rootless");
    EXPECT_TRUE(result["undecided"].empty()) << result.dump(2);
}

// The flushed ruleset is the root: the input drop the proxy path now meets follows from it,
// and dnat-missing does not say the same thing a second time.
TEST(CheckFixtures, DockerRulesMissingRanksAboveTheInputDropItCauses) {
    const Report r = build_report(load_check_case("nf_nftables_flush_input_drop"), all_checks());
    std::vector<std::string> ids;
    for (const RankedCause& c : r.causes) ids.push_back(c.finding.id);
    ASSERT_GE(ids.size(), 2u);
    EXPECT_EQ(ids[0], "netfilter.docker-rules-missing");
    EXPECT_NE(std::find(ids.begin(), ids.end(), "netfilter.input-drop"), ids.end());
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "netfilter.dnat-missing"), ids.end());
    EXPECT_EQ(r.verdict, Verdict::critical);
    const Finding& top = r.causes[0].finding;
    EXPECT_EQ(top.fix.at(0), "restart the engine: it writes its chains and every running container's DNAT again; "
                             "run: systemctl restart docker");
    ASSERT_GE(top.fix.size(), 2u);
    EXPECT_NE(top.fix[1].find("replace `flush ruleset` with flushing only the tables"), std::string::npos) << top.fix[1];
}

}  // namespace
}  // namespace dnd
