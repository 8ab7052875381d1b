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
// A JSON document as printed (indented by 2, or one line with indent -1): invalid UTF-8
// replaced, and the controls JSON leaves raw (DEL, U+0080..U+009F) escaped as well, so a
// document shown on a terminal cannot drive it.
std::string json_document(const nlohmann::json& j, int indent = 2);

}  // namespace dnd
