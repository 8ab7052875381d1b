// The text report for a person. Every string that came from outside goes through
// sanitize(); colour only when the caller says the output is a terminal.
#include <fmt/format.h>

#include "docknetdoctor/facts_query.hpp"
#include "docknetdoctor/render.hpp"
#include "docknetdoctor/sanitize.hpp"

namespace dnd {
namespace {

struct Palette {
    bool on = false;
    std::string paint(std::string_view text, std::string_view code) const {
        return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
    }
    std::string severity(Severity s) const {
        std::string label = fmt::format("[{}]", to_string(s));
        switch (s) {
            case Severity::critical: return paint(label, "1;31");
            case Severity::warning: return paint(label, "1;33");
            case Severity::info: return paint(label, "36");
        }
        return label;
    }
    std::string verdict(Verdict v) const {
        std::string label(to_string(v));
        for (auto& ch : label) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        switch (v) {
            case Verdict::ok: return paint(label, "1;32");
            case Verdict::warning: return paint(label, "1;33");
            case Verdict::critical: return paint(label, "1;31");
            case Verdict::unknown: return paint(label, "1;35");
        }
        return label;
    }
    std::string dim(std::string_view text) const { return paint(text, "2"); }
};

std::string summary_line(const Report& r, const Palette& pal) {
    std::string who = sanitize(r.target_name.empty() ? r.target_container : r.target_name);
    if (!r.target_id.empty()) who += fmt::format(" ({})", r.target_id.substr(0, 12));
    std::string what;
    if (!r.causes.empty()) what = sanitize(r.causes.front().finding.title);
    else if (r.verdict == Verdict::ok) what = "no cause found: the checked layers look right";
    else what = "could not decide: see blind spots";
    return fmt::format("{}: {} - {}\n", who, pal.verdict(r.verdict), what);
}

std::string ports_section(const Report& r) {
    if (r.ports.empty()) return "";
    std::string out = "\nPorts\n";
    for (const auto& p : r.ports) {
        std::string bound;
        for (const auto& b : p.bindings) bound += (bound.empty() ? "" : ", ") + describe(b);
        if (bound.empty()) bound = p.state;
        std::string inside = "nothing listening";
        if (!p.listeners.empty()) {
            inside.clear();
            for (const auto& l : p.listeners) inside += (inside.empty() ? "" : ", ") + sanitize(describe(l));
        }
        out += fmt::format("  {:<9} {:<34} inside: {}\n", p.port.str(), bound, inside);
    }
    return out;
}

std::string causes_section(const Report& r, const Palette& pal) {
    if (r.causes.empty()) return "";
    std::string out = "\nLikely causes, most likely first\n";
    for (const auto& c : r.causes) {
        const Finding& f = c.finding;
        out += fmt::format("  {}. {} {}  {}\n", c.rank, pal.severity(f.severity), f.id, sanitize(f.title));
        for (const auto& e : f.evidence) out += fmt::format("       evidence: {}\n", sanitize(e));
        for (const auto& x : f.fix) out += fmt::format("       fix:      {}\n", sanitize(x));
        out += pal.dim(fmt::format("       confidence {}: {}; more: docknetdoctor explain {}\n",
                                   to_string(c.confidence), c.confidence_reason, f.id));
    }
    return out;
}

std::string blind_spots_section(const Report& r) {
    if (r.blind_spots.empty() && r.undecided.empty()) return "";
    std::string out = "\nNot seen (blind spots)\n";
    for (const auto& b : r.blind_spots) out += fmt::format("  {}: {}\n", sanitize(b.source), sanitize(b.message));
    for (const auto& u : r.undecided) out += fmt::format("  {} undecided: {}\n", u.check, sanitize(u.reason));
    return out;
}

}  // namespace

std::string render_text(const Report& r, TextStyle style) {
    Palette pal{style.color};
    std::string out = summary_line(r, pal);
    out += fmt::format("Question: {}\n", sanitize(r.question));
    out += ports_section(r);
    out += causes_section(r, pal);
    out += blind_spots_section(r);
    return out;
}

}  // namespace dnd
