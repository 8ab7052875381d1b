#pragma once
// Renderers: text for a person, JSON for machines.
#include <string>

#include <nlohmann/json.hpp>

#include "docknetdoctor/report.hpp"

namespace dnd {

struct TextStyle {
    bool color = false;
};

std::string render_text(const Report& r, TextStyle style);
nlohmann::json report_to_json(const Report& r);

}  // namespace dnd
