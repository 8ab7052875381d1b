#pragma once
// The man page's CAUSES section, written from the catalog at build time (src/man_page.cpp),
// so the page lists exactly the causes the binary knows.
#include <span>
#include <string>
#include <string_view>

#include "docknetdoctor/model/check.hpp"
#include "docknetdoctor/model/error.hpp"

namespace dnd {

// One roff .TP entry per cause: id, severity, summary, evidence and fix.
std::string man_causes_section(std::span<const Check> catalog);

// The page template with its line "@CAUSES@" replaced by that section. Error: no such line.
Result<std::string> fill_man_page(std::string_view page_template, std::span<const Check> catalog);

}  // namespace dnd
