#include "docknetdoctor/render/man_page.hpp"

#include <fmt/format.h>

namespace dnd {
namespace {

constexpr std::string_view kCausesLine = "@CAUSES@\n";

// Text as roff shows it literally: backslashes and hyphens escaped, and a leading . or '
// kept from being read as a request.
std::string roff_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
    return out;
}

}  // namespace

std::string man_causes_section(std::span<const Check> catalog) {
    std::string out;
    for (const Check& entry : catalog) {
        const CauseInfo& c = entry.cause;
        out += fmt::format(".TP\n.B {}\n({}) {}\n.br\nEvidence: {}\n.br\nFix: {}\n", roff_escape(c.id),
                           to_string(c.severity), roff_escape(c.summary), roff_escape(c.evidence), roff_escape(c.fix));
    }
    return out;
}

Result<std::string> fill_man_page(std::string_view page_template, std::span<const Check> catalog) {
    const auto at = page_template.find(kCausesLine);
    if (at == std::string_view::npos || (at != 0 && page_template[at - 1] != '\n'))
        return fail("man", "the page template has no line @CAUSES@");
    std::string page(page_template.substr(0, at));
    page += man_causes_section(catalog);
    page += page_template.substr(at + kCausesLine.size());
    return page;
}

}  // namespace dnd
