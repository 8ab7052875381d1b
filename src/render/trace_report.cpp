// The trace's report: text for people, JSON for tools.
#include "docknetdoctor/render/trace_report.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "docknetdoctor/model/sanitize.hpp"
#include "path_text.hpp"
#include "text_style.hpp"

namespace dnd {

std::string render_trace_text(const TraceReport& r, bool color) {
    std::string out = fmt::format("Traced packet to {} (the kernel's own path: nftables' trace events, iptables-legacy's TRACE records)\n", sanitize(r.container));
    out += render::path_block(r.traced, color);
    out += "\nPredicted for the same packet (evaluated over the rules read)\n";
    out += render::path_block(r.predicted, color);
    out += "\nConntrack: " + (r.conntrack ? describe(*r.conntrack)
                                          : std::string("no entry for this flow (a packet dropped before conntrack "
                                                        "confirmed it leaves none)")) + "\n";
    const bool parted = r.comparison.outcome == TraceComparison::Outcome::contradicted;
    out += "\nPrediction: " + render::paint(color && parted, sanitize(r.comparison.text), "1;33") + "\n";
    if (!r.blind_spots.empty()) {
        out += "\nBlind spots\n";
        for (const std::string& b : r.blind_spots) out += "  - " + sanitize(b) + "\n";
    }
    return out;
}

nlohmann::json trace_to_json(const TraceReport& r) {
    nlohmann::json j;
    j["schema_version"] = 1;
    j["tool"] = {{"name", "docknetdoctor"}, {"version", DND_VERSION}};
    j["container"] = r.container;
    j["verdict"] = to_string(r.traced.verdict);
    j["traced"] = r.traced;
    j["predicted"] = r.predicted;
    j["comparison"] = {{"outcome", to_string(r.comparison.outcome)}, {"at", r.comparison.at}, {"text", r.comparison.text}};
    j["conntrack"] = r.conntrack ? nlohmann::json(*r.conntrack) : nlohmann::json(nullptr);
    j["blind_spots"] = r.blind_spots;
    return j;
}

}  // namespace dnd
