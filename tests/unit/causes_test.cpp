#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "docknetdoctor/model/causes.hpp"
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
    const std::set<std::string> layers = {"container", "port",   "network",  "app",      "engine", "kernel",
                                          "netfilter", "firewall", "selinux", "exposure", "peer",   "path"};
    std::set<std::string_view> seen;
    for (const CauseInfo& c : cause_catalog()) {
        std::string id(c.id);
        EXPECT_TRUE(is_cause_id_form(id)) << id;
        EXPECT_TRUE(layers.contains(id.substr(0, id.find('.')))) << "unknown layer in " << id;
        EXPECT_TRUE(seen.insert(c.id).second) << "duplicate id " << id;
    }
    EXPECT_GE(cause_catalog().size(), 37u);
}

TEST(CauseCatalog, EveryEntryExplainsItself) {
    for (const CauseInfo& c : cause_catalog()) {
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

TEST(CauseCatalog, LayersStayTogetherInCatalogOrder) {
    // Ranking breaks ties by catalog position, bottom layer first: a layer must not reappear
    // after another one started.
    std::vector<std::string> order;
    for (const CauseInfo& c : cause_catalog()) {
        std::string layer(c.id.substr(0, c.id.find('.')));
        if (order.empty() || order.back() != layer) {
            EXPECT_EQ(std::find(order.begin(), order.end(), layer), order.end()) << layer << " split at " << c.id;
            order.push_back(layer);
        }
    }
    EXPECT_EQ(order.front(), "container");
    EXPECT_EQ(order.back(), "path");
}

TEST(CauseCatalog, FindCauseAndDefaultSeverities) {
    ASSERT_NE(find_cause("port.host-bind-loopback"), nullptr);
    EXPECT_EQ(find_cause("port.host-bind-loopback")->severity, Severity::critical);
    EXPECT_EQ(find_cause("netfilter.backend-mismatch")->severity, Severity::critical);
    EXPECT_EQ(find_cause("container.unhealthy")->severity, Severity::warning);
    EXPECT_EQ(find_cause("engine.rootless")->severity, Severity::info);
    EXPECT_EQ(find_cause("no.such-cause"), nullptr);
    EXPECT_EQ(find_cause(""), nullptr);

    Finding f = new_finding("exposure.public-sensitive-port");
    EXPECT_EQ(f.id, "exposure.public-sensitive-port");
    EXPECT_EQ(f.severity, Severity::warning);
}

TEST(CauseCatalog, EveryCheckReportsACatalogIdInCatalogOrder) {
    std::size_t last_index = 0;
    std::set<std::string_view> seen;
    for (const Check& check : all_checks()) {
        ASSERT_NE(check.run, nullptr) << check.id;
        const CauseInfo* cause = find_cause(check.id);
        ASSERT_NE(cause, nullptr) << check.id << " is not in the catalog";
        auto index = static_cast<std::size_t>(cause - cause_catalog().data());
        EXPECT_GE(index, last_index) << check.id << " is out of catalog order in checks/registry.cpp";
        last_index = index;
        EXPECT_TRUE(seen.insert(check.id).second) << "registered twice: " << check.id;
    }
}

}  // namespace
}  // namespace dnd
