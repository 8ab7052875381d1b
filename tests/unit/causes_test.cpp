#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <set>
#include <string>

#include "docknetdoctor/app/catalog_commands.hpp"
#include "docknetdoctor/app/options.hpp"
#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/check.hpp"

namespace dnd {
namespace {

// layer.kebab-name: lower-case words of [a-z0-9] joined by '-', one '.' after the layer.
bool is_cause_id_form(std::string_view id) {
    auto dot = id.find('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    for (char ch : id.substr(0, dot))
        if (ch < 'a' || ch > 'z') return false;
    std::string_view name = id.substr(dot + 1);
    if (name.empty() || name.front() == '-' || name.back() == '-' || name.find("--") != std::string_view::npos) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'; });
}

TEST(CauseCatalog, IdFormRejectsWhatIsNotKebab) {
    EXPECT_TRUE(is_cause_id_form("port.host-bind-loopback"));
    for (std::string_view bad : {"port", ".x", "Port.x", "port.", "port.Host", "port.-x", "port.x-", "port.a--b", "port.a_b", "a.b.c"})
        EXPECT_FALSE(is_cause_id_form(bad)) << bad;
}

TEST(CauseCatalog, IdsAreUniqueKebabLayerNames) {
    const std::set<std::string> layers = {"container", "port", "network", "swarm", "app", "engine", "kernel",
                                          "netfilter", "conntrack", "firewall", "selinux", "exposure", "peer", "path"};
    std::set<std::string_view> seen;
    for (const Check& entry : all_checks()) {
        const CauseInfo& c = entry.cause;
        std::string id(c.id);
        EXPECT_TRUE(is_cause_id_form(id)) << id;
        EXPECT_TRUE(layers.contains(id.substr(0, id.find('.')))) << "unknown layer in " << id;
        EXPECT_TRUE(seen.insert(c.id).second) << "duplicate id " << id;
    }
    EXPECT_GE(all_checks().size(), 37u);
}

TEST(CauseCatalog, EveryEntryExplainsItself) {
    for (const Check& entry : all_checks()) {
        const CauseInfo& c = entry.cause;
        EXPECT_FALSE(c.summary.empty()) << c.id;
        EXPECT_FALSE(c.evidence.empty()) << c.id;
        EXPECT_FALSE(c.fix.empty()) << c.id;
        // 2-4 sentences: at least two full stops, and it ends with one.
        EXPECT_TRUE(c.rationale.ends_with('.')) << c.id;
        EXPECT_GE(std::count(c.rationale.begin(), c.rationale.end(), '.'), 2) << c.id;
        EXPECT_EQ(c.summary.find('`'), std::string_view::npos) << "markdown in " << c.id;
        EXPECT_EQ(c.fix.find('`'), std::string_view::npos) << "markdown in " << c.id;
    }
}

// A fix that tells the user to run "docknetdoctor SUBCOMMAND ..." names one that exists.
TEST(CauseCatalog, EveryCommandAFixNamesExists) {
    constexpr std::string_view kTool = "docknetdoctor ";
    int named = 0;
    for (const Check& entry : all_checks()) {
        const std::string_view fix = entry.cause.fix;
        for (auto at = fix.find(kTool); at != std::string_view::npos; at = fix.find(kTool, at + 1)) {
            const auto word_at = at + kTool.size();
            const auto word = std::string(fix.substr(word_at, fix.find_first_of(" ,;.)", word_at) - word_at));
            if (word.empty() || word.front() == '-' || word.front() < 'a' || word.front() > 'z') continue;
            ++named;
            auto parsed = parse_options({word, "web"});
            EXPECT_TRUE(parsed && parsed->command != Command::diagnose)
                << entry.cause.id << " names 'docknetdoctor " << word << "', which is no subcommand";
        }
    }
    EXPECT_GE(named, 2);  // path.unexplained names trace and watch
}

TEST(CauseCatalog, LayersStayTogetherInCatalogOrder) {
    // Ranking breaks ties by catalog position, bottom layer first: a layer must not reappear
    // after another one started.
    std::vector<std::string> order;
    for (const Check& entry : all_checks()) {
        const CauseInfo& c = entry.cause;
        std::string layer(c.id.substr(0, c.id.find('.')));
        if (order.empty() || order.back() != layer) {
            EXPECT_EQ(std::find(order.begin(), order.end(), layer), order.end()) << layer << " split at " << c.id;
            order.push_back(layer);
        }
    }
    EXPECT_EQ(order.front(), "container");
    EXPECT_EQ(order.back(), "path");
}

// One check, one file: its catalog text, evidence rule and function sit in checks/ID.cpp
// (app.loopback-only -> checks/app_loopback_only.cpp).
TEST(CauseCatalog, EveryCheckLivesInTheFileNamedAfterItsId) {
    for (const Check& entry : all_checks()) {
        if (!entry.run) continue;
        std::string stem(entry.id());
        std::replace(stem.begin(), stem.end(), '.', '_');
        std::replace(stem.begin(), stem.end(), '-', '_');
        const auto path = std::filesystem::path(DND_SOURCE_DIR) / "checks" / (stem + ".cpp");
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        EXPECT_NE(text.str().find(".id = \"" + std::string(entry.id()) + "\""), std::string::npos)
            << path.string() << " does not hold the catalog entry of " << entry.id();
    }
}

TEST(CauseCatalog, FindCauseAndDefaultSeverities) {
    ASSERT_NE(find_check("port.host-bind-loopback"), nullptr);
    EXPECT_EQ(find_check("port.host-bind-loopback")->cause.severity, Severity::critical);
    EXPECT_EQ(find_check("netfilter.backend-mismatch")->cause.severity, Severity::critical);
    EXPECT_EQ(find_check("container.unhealthy")->cause.severity, Severity::warning);
    EXPECT_EQ(find_check("engine.rootless")->cause.severity, Severity::info);
    EXPECT_EQ(find_check("no.such-cause"), nullptr);
    EXPECT_EQ(find_check(""), nullptr);

    Finding f = new_finding(find_check("exposure.public-sensitive-port")->cause);
    EXPECT_EQ(f.id, "exposure.public-sensitive-port");
    EXPECT_EQ(f.severity, Severity::warning);
}

// What `list-causes` shows as planned: in the catalog, looked for by no check. path.unexplained
// is reported by the ranking itself.
TEST(CauseCatalog, OnlyThePlannedCausesAndTheRankingsOwnHaveNoCheck) {
    std::set<std::string_view> without_check;
    for (const Check& entry : all_checks())
        if (!entry.run) without_check.insert(entry.id());
    EXPECT_EQ(without_check,
              (std::set<std::string_view>{"path.unexplained"}));
}

// list-causes and explain say how each cause is found, as the catalog has it: a check (it
// has one), the ranking, or not yet.
TEST(CauseCatalog, ListCausesAndExplainSayHowEachCauseIsFound) {
    std::istringstream listing(list_causes_text());
    std::map<std::string, std::string> how;
    for (std::string id, severity, found; listing >> id >> severity >> found;) {
        how[id] = found;
        std::string rest;
        std::getline(listing, rest);
    }
    for (const Check& entry : all_checks()) {
        const std::string id(entry.id());
        const std::string expected = entry.run ? "checked" : entry.reported_by_ranking ? "ranking" : "planned";
        EXPECT_EQ(how[id], expected) << id;
        const auto text = explain_text(id);
        ASSERT_TRUE(text) << id;
        const std::string_view said = expected == "checked"   ? "Found by a check of what docknetdoctor collects"
                                      : expected == "ranking" ? "Found by the ranking"
                                                              : "does not check for it yet";
        EXPECT_NE(text->find(said), std::string::npos) << id << "\n" << *text;
    }
    EXPECT_EQ(how["path.unexplained"], "ranking");
}

}  // namespace
}  // namespace dnd
