// watch's lines (watch_lines.hpp).
#include "docknetdoctor/render/watch_lines.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/model/sanitize.hpp"
#include "docknetdoctor/render/render.hpp"

namespace dnd {
namespace {

// ": the causes", or ": why it is unknown", or nothing.
std::string details(const WatchedState& s) {
    if (!s.causes.empty()) return fmt::format(": {}", fmt::join(s.causes, ", "));
    if (!s.reason.empty()) return ": " + s.reason;
    return "";
}

nlohmann::json verdict_json(const std::optional<WatchedState>& s) {
    return s ? nlohmann::json(std::string(to_string(s->verdict))) : nlohmann::json(nullptr);
}

nlohmann::json causes_json(const std::optional<WatchedState>& s) {
    return s ? nlohmann::json(s->causes) : nlohmann::json::array();
}

}  // namespace

std::string watch_line_text(const VerdictChange& change, std::string_view time, std::string_view trigger) {
    std::string now;
    if (change.after) {
        now = std::string(to_string(change.after->verdict));
        if (change.before) now += fmt::format(" (was {})", to_string(change.before->verdict));
        now += details(*change.after);
    } else {
        const std::string was = change.before ? std::string(to_string(change.before->verdict)) + details(*change.before) : "?";
        now = fmt::format("no longer diagnosed: not running with a published port (was {})", was);
    }
    return sanitize(fmt::format("{} {}: {} (after: {})", time, change.container, now, trigger)) + "\n";
}

std::string watch_line_json(const VerdictChange& change, std::string_view time, std::string_view trigger) {
    nlohmann::json j{{"time", time},
                     {"container", change.container},
                     {"verdict", verdict_json(change.after)},
                     {"exit_code", change.after ? nlohmann::json(exit_code(change.after->verdict)) : nlohmann::json(nullptr)},
                     {"causes", causes_json(change.after)},
                     {"reason", change.after ? change.after->reason : std::string("not running with a published port")},
                     {"previous", verdict_json(change.before)},
                     {"previous_causes", causes_json(change.before)},
                     {"trigger", trigger}};
    return json_document(j, -1) + "\n";
}

std::string watch_note_text(std::string_view time, std::string_view note) {
    return sanitize(fmt::format("{} watch: {}", time, note)) + "\n";
}

std::string watch_note_json(std::string_view time, std::string_view note) {
    return json_document(nlohmann::json{{"time", time}, {"note", note}}, -1) + "\n";
}

}  // namespace dnd
