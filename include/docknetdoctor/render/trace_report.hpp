#pragma once
// What `trace` prints: the kernel's path of the traced packet in the rendering "Packet
// paths" uses, the evaluator's prediction for it, and the comparison; or the same as JSON.
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/trace.hpp"

namespace dnd {

std::string render_trace_text(const TraceReport& r, bool color);
// {"schema_version", "tool", "container", "verdict", "traced", "predicted", "comparison", "blind_spots"}
nlohmann::json trace_to_json(const TraceReport& r);

}  // namespace dnd
