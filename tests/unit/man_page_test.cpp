// The man page mirrors the catalog: its CAUSES section is generated from it, compared
// here, and rewritten with DND_UPDATE_FIXTURES=1 (review the diff).
#include <gtest/gtest.h>

#include <sstream>

#include <fmt/format.h>

#include "docknetdoctor/model/causes.hpp"
#include "docknetdoctor/app/options.hpp"
#include "fixture_files.hpp"

namespace dnd {
namespace {

const std::string kManPath = std::string(DND_SOURCE_DIR) + "/man/docknetdoctor.1";
const std::string kBegin = ".\\\" BEGIN CAUSES (generated from the catalog; DND_UPDATE_FIXTURES=1 rewrites it)\n";
const std::string kEnd = ".\\\" END CAUSES\n";

std::string roff_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
    }
    // A line starting with . or ' would be a request.
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
    return out;
}

std::string generated_causes_section() {
    std::string out;
    for (const auto& c : cause_catalog()) {
        out += fmt::format(".TP\n.B {}\n({}) {}\n.br\nEvidence: {}\n.br\nFix: {}\n", roff_escape(c.id),
                           to_string(c.severity), roff_escape(c.summary), roff_escape(c.evidence),
                           roff_escape(c.fix));
    }
    return out;
}

TEST(ManPage, CausesSectionMatchesTheCatalog) {
    std::string page = testing::read_text(kManPath);
    auto begin = page.find(kBegin);
    auto end = page.find(kEnd);
    ASSERT_NE(begin, std::string::npos);
    ASSERT_NE(end, std::string::npos);
    begin += kBegin.size();
    std::string expected = generated_causes_section();
    if (testing::update_fixtures()) {
        page.replace(begin, end - begin, expected);
        testing::update_golden_file(kManPath, page);
        return;
    }
    EXPECT_EQ(page.substr(begin, end - begin), expected) << "run with DND_UPDATE_FIXTURES=1 and review the diff";
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
