// The answer key: real AVC records from public reports (fixtures/selinux/answer-key, each
// with its URL), and what a real SELinux policy says of each (Debian 12's
// selinux-policy-default, through audit2why and sesearch; the README there records the
// commands and their output). The parser must read each record as the tools do, and where
// docknetdoctor names a boolean or a port type, the policy must agree.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/collect/avc_parse.hpp"
#include "docknetdoctor/model/selinux_policy.hpp"
#include "fixture_files.hpp"

namespace dnd {
namespace {

using ::testing::Contains;

std::string answer_key_dir() { return testing::fixtures_root() + "/selinux/answer-key"; }

nlohmann::json answer_key() {
    return nlohmann::json::parse(testing::read_text(answer_key_dir() + "/answer-key.json"), nullptr, false);
}

// The domains whose port rules selinux_policy.hpp models: for these a remedy is owed.
bool modelled_domain(std::string_view type) { return type == "httpd_t" || type == "container_t"; }

TEST(SelinuxAnswerKey, HasTheCasesItPromises) {
    const auto key = answer_key();
    ASSERT_TRUE(key.is_array()) << "answer-key.json is not a JSON array";
    EXPECT_GE(key.size(), 10U);
    for (const auto& c : key) EXPECT_TRUE(c.at("source_url").get<std::string>().starts_with("https://")) << c.dump();
}

TEST(SelinuxAnswerKey, EachRecordIsReadAsTheToolsReadIt) {
    for (const auto& c : answer_key()) {
        const std::string file = c.at("file").get<std::string>();
        SCOPED_TRACE(file);
        const auto scan = scan_avc_text(testing::read_text(answer_key_dir() + "/" + file), 0);
        ASSERT_FALSE(scan.denials.empty());
        const AvcDenial& d = scan.denials.front();
        EXPECT_EQ(context_type(d.scontext), c.at("source_type").get<std::string>());
        EXPECT_EQ(context_type(d.tcontext), c.at("target_type").get<std::string>());
        EXPECT_THAT(d.permissions, Contains(c.at("permission").get<std::string>()));
        EXPECT_EQ(d.tclass, c.at("tclass").get<std::string>());
        const std::optional<std::uint16_t> port = d.dest ? d.dest : d.src;
        if (c.at("port").is_null()) EXPECT_FALSE(port);
        else EXPECT_EQ(port, std::optional<std::uint16_t>(c.at("port").get<std::uint16_t>()));
        EXPECT_EQ(d.permissive.value_or(false), c.at("permissive").get<bool>());
    }
}

TEST(SelinuxAnswerKey, TheRemedyIsOneThePolicyGives) {
    int compared = 0;
    for (const auto& c : answer_key()) {
        const std::string file = c.at("file").get<std::string>();
        SCOPED_TRACE(file);
        if (!c.at("known_to_policy").get<bool>()) continue;  // a type Debian's policy lacks: no answer
        const auto scan = scan_avc_text(testing::read_text(answer_key_dir() + "/" + file), 0);
        ASSERT_FALSE(scan.denials.empty());
        const auto remedy = remedy_for(scan.denials.front());
        const auto booleans = c.at("booleans").get<std::vector<std::string>>();
        if (!modelled_domain(c.at("source_type").get<std::string>())) {
            EXPECT_FALSE(remedy) << "a remedy invented for a domain the table does not model";
            continue;
        }
        ASSERT_TRUE(remedy) << "no remedy for a modelled domain";
        if (!remedy->boolean.empty()) EXPECT_THAT(booleans, Contains(remedy->boolean));
        else EXPECT_TRUE(booleans.empty()) << "the policy names a boolean and docknetdoctor does not";
        if (!remedy->port_type.empty()) {
            EXPECT_THAT(c.at("port_types_allowed").get<std::vector<std::string>>(), Contains(remedy->port_type));
            EXPECT_EQ(remedy->port_type_defined, c.at("debian_port_type").get<std::string>() != "unreserved_port_t");
        }
        ++compared;
    }
    EXPECT_GE(compared, 5);
}

// The relay boolean's port types, as sesearch lists them for httpd_t (tables.json).
TEST(SelinuxAnswerKey, TheRelayPortTypesAreThePolicys) {
    const auto tables = nlohmann::json::parse(testing::read_text(answer_key_dir() + "/tables.json"), nullptr, false);
    ASSERT_FALSE(tables.is_discarded());
    const auto relay =
        tables.at("httpd_t").at("name_connect").at("by_boolean").at("httpd_can_network_relay").get<std::vector<std::string>>();
    for (const auto& type : relay) EXPECT_TRUE(relay_port_type(type)) << type;
    for (std::string_view type : {"http_port_t", "http_cache_port_t", "ftp_port_t", "gopher_port_t", "squid_port_t"})
        EXPECT_THAT(relay, Contains(std::string(type)));
    EXPECT_FALSE(relay_port_type("unreserved_port_t"));
}

}  // namespace
}  // namespace dnd
