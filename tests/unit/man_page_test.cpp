// The man page the build writes (build/docknetdoctor.1): its CAUSES section comes from the
// catalog, the rest from man/docknetdoctor.1.in.
#include <gtest/gtest.h>

#include <sstream>

#include "docknetdoctor/app/options.hpp"
#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/render/man_page.hpp"
#include "fixture_files.hpp"

namespace dnd {
namespace {

const std::string kManPath = DND_MAN_PAGE;

TEST(ManPage, BuiltPageListsEveryCauseOfTheCatalog) {
    const std::string page = testing::read_text(kManPath);
    EXPECT_EQ(page.find("@CAUSES@"), std::string::npos);
    const auto section = page.find(".SH CAUSES\n");
    ASSERT_NE(section, std::string::npos);
    const auto first = page.find(man_causes_section(all_checks()), section);
    EXPECT_NE(first, std::string::npos) << "the built page is older than the catalog: rebuild";
    EXPECT_LT(first, page.find(".SH FILES"));
    for (const Check& entry : all_checks()) {
        std::string escaped;
        for (char c : entry.id()) escaped += (c == '-') ? std::string("\\-") : std::string(1, c);
        EXPECT_NE(page.find(".B " + escaped + "\n"), std::string::npos) << entry.id();
    }
}

TEST(ManPage, SectionEntryReadsAsRoff) {
    const Check* entry = find_check("app.loopback-only");
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(man_causes_section({entry, 1}),
              ".TP\n.B app.loopback\\-only\n(critical) app listens on 127.0.0.1/::1 inside the container, unreachable "
              "through the bridge\n.br\nEvidence: same, local address 127.0.0.1/::1\n.br\nFix: bind 0.0.0.0 or ::\n");
}

TEST(ManPage, TemplateWithoutTheCausesLineIsAnError) {
    auto page = fill_man_page(".SH CAUSES\n.SH FILES\n", all_checks());
    ASSERT_FALSE(page);
    EXPECT_EQ(page.error().message, "the page template has no line @CAUSES@");
    auto filled = fill_man_page(".SH CAUSES\n@CAUSES@\n.SH FILES\n", {});
    ASSERT_TRUE(filled);
    EXPECT_EQ(*filled, ".SH CAUSES\n.SH FILES\n");
}

TEST(ManPage, DocumentsEveryOption) {
    std::string page = testing::read_text(kManPath);
    auto help = parse_options({"--help"});
    ASSERT_TRUE(help);
    std::istringstream lines(help->help_text);
    std::string line;
    int options_seen = 0;
    while (std::getline(lines, line)) {
        auto dash = line.find("--");
        if (dash == std::string::npos) continue;
        auto stop = line.find_first_of(" ,=", dash);
        std::string option = line.substr(dash, stop - dash);
        std::string escaped;
        for (char c : option) escaped += (c == '-') ? std::string("\\-") : std::string(1, c);
        EXPECT_NE(page.find(escaped), std::string::npos) << option << " is not in the man page";
        ++options_seen;
    }
    EXPECT_GE(options_seen, 10);
}

}  // namespace
}  // namespace dnd
