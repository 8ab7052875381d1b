#pragma once
// Renderers: text for a person, JSON for machines.
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/report.hpp"

namespace dnd {

struct TextStyle {
    bool color = false;
};

std::string render_text(const Report& r, TextStyle style);
// --all: one line per container (name, published ports, verdict, top cause).
std::string render_summary_text(std::span<const Report> reports, TextStyle style);
nlohmann::json report_to_json(const Report& r);

}  // namespace dnd
