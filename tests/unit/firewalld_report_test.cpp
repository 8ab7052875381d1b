// firewalld in the report: what could not be read is a blind spot with the reason (a malformed
// zone file, a bus that did not answer while firewalld runs), and the rest of the diagnosis is
// unchanged; a host where firewalld is installed but not running needs no word.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/check_case.hpp"
#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/collect/firewalld_collect.hpp"
#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/render/render.hpp"

namespace dnd {
namespace {

using namespace check_cases;

const std::string kMalformed = std::string(DND_SOURCE_DIR) + "/fixtures/firewalld/malformed-zone";
constexpr const char* kNoAnswer = "the system bus at unix:path=/run/dbus/system_bus_socket: getDefaultZone: no answer in time";

// A healthy host whose firewalld state was read from the malformed tree's files.
Facts with_firewalld_files(bool firewalld_runs) {
    Facts f = FactsBuilder().build();
    FirewalldState s = read_firewalld_files(kMalformed, {"docker0", "eth0"});
    s.runtime_unread = kNoAnswer;
    f.host->firewalld = s;
    RulesetServices services;
    if (firewalld_runs) services.firewalld_running = "/run/firewalld.pid (pid 812)";
    f.host->ruleset_services = services;
    return f;
}

TEST(FirewalldReport, MalformedZoneAndUnreadRuntimeAreBlindSpotsAndTheRestStands) {
    const Facts f = with_firewalld_files(true);
    const Report r = build_report(f, all_checks());
    const std::string text = render_text(r, {});
    EXPECT_THAT(text, HasSubstr("firewalld: zone public: " + kMalformed + "/etc/firewalld/zones/public.xml: line "));
    EXPECT_THAT(text, HasSubstr(std::string("firewalld: firewalld runs, but its runtime state was not read (") + kNoAnswer));
    // The rest of the diagnosis is what it is without firewalld: the healthy container is ok.
    const Report without = build_report(FactsBuilder().build(), all_checks());
    EXPECT_EQ(r.verdict, without.verdict);
    EXPECT_EQ(r.causes.size(), without.causes.size());
}

TEST(FirewalldReport, FirewalldInstalledButNotRunningNeedsNoWord) {
    Facts f = with_firewalld_files(false);
    f.host->firewalld->unreadable.clear();
    const std::string text = render_text(build_report(f, all_checks()), {});
    EXPECT_EQ(text.find("firewalld"), std::string::npos) << text;
}

TEST(FirewalldReport, AFailedReadIsABlindSpotOnlyWhereFirewalldRuns) {
    Facts f = with_firewalld_files(true);
    f.host->firewalld = fail("firewalld", "cannot load libsystemd.so.0");
    EXPECT_THAT(render_text(build_report(f, all_checks()), {}), HasSubstr("firewalld: cannot load libsystemd.so.0"));
    f.host->ruleset_services = RulesetServices{};
    const std::string text = render_text(build_report(f, all_checks()), {});
    EXPECT_EQ(text.find("firewalld"), std::string::npos) << text;
}

}  // namespace
}  // namespace dnd
