// Nagios plugin output (the Monitoring Plugins development guidelines): the first line is
// "SERVICE STATUS - text | perfdata", performance data as 'label'=value[UOM];warn;crit;min;max,
// then the long text. The status and exit code agree (0 OK, 1 WARNING, 2 CRITICAL, 3
// UNKNOWN). A '|' in text would start performance data: text never holds one.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "docknetdoctor/model/sanitize.hpp"
#include "docknetdoctor/render/machine_formats.hpp"

namespace dnd {
namespace {

std::string status_word(Verdict v) {
    std::string word(to_string(v));
    for (char& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return word;
}

// One line of text for the plugin output: sanitized, and no '|'.
std::string plain(std::string_view text) {
    std::string out = sanitize(text);
    std::replace(out.begin(), out.end(), '|', '/');
    std::replace(out.begin(), out.end(), '\n', ' ');
    return out;
}

// 'label'=value[UOM];;;min  (quotes only when the label needs them; it never holds ' or =)
std::string perf(std::string_view label, double value, std::string_view unit = "") {
    return fmt::format("{}={:.6g}{};;;0", label, value, unit);
}

std::string perf_count(std::string_view label, std::size_t value) {
    return fmt::format("{}={};;;0", label, value);
}

// "web 80/tcp: app.loopback-only: the app in web listens on 127.0.0.1:80 only"
std::string headline(const Report& r) {
    const std::string who = container_label(r);
    if (!r.causes.empty()) {
        const Finding& f = r.causes.front().finding;
        return plain(fmt::format("{}{}: {}: {}", who, f.port ? " " + f.port->str() : std::string(), f.id, f.title));
    }
    if (r.verdict == Verdict::ok) return plain(who + ": no cause found, the checked layers look right");
    if (!r.blind_spots.empty()) return plain(fmt::format("{}: could not decide: {}", who, r.blind_spots.front().message));
    return plain(who + ": could not decide");
}

std::vector<std::string> long_text(const Report& r) {
    std::vector<std::string> out;
    for (const RankedCause& c : r.causes) {
        out.push_back(plain(fmt::format("{}. [{}] {} {}", c.rank, to_string(c.finding.severity), c.finding.id, c.finding.title)));
        for (const auto& e : c.finding.evidence) out.push_back(plain("   evidence: " + e));
        for (const auto& x : c.finding.fix) out.push_back(plain("   fix: " + x));
    }
    for (const auto& b : r.blind_spots) out.push_back(plain(fmt::format("not seen: {}: {}", b.source, b.message)));
    for (const auto& u : r.undecided) out.push_back(plain(fmt::format("undecided: {}: {}", u.check, u.reason)));
    for (const auto& n : r.notes) out.push_back(plain("note: " + n));
    return out;
}

double timing(const Report& r, const char* phase) {
    auto it = r.timings_ms.find(phase);
    return it == r.timings_ms.end() ? 0 : it->second;
}

std::string single(const Report& r) {
    std::vector<std::string> data{perf_count("causes", r.causes.size()), perf_count("blind_spots", r.blind_spots.size()),
                                  perf_count("undecided", r.undecided.size())};
    for (const char* phase : {"collect", "probes", "checks", "total"})
        if (r.timings_ms.contains(phase)) data.push_back(perf(phase, timing(r, phase), "ms"));
    std::string out = fmt::format("DOCKNETDOCTOR {} - {} | {}\n", status_word(r.verdict), headline(r), fmt::join(data, " "));
    for (const auto& line : long_text(r)) out += line + "\n";
    return out;
}

std::string summary_of(std::span<const Report> reports) {
    std::vector<Verdict> verdicts;
    for (const auto& r : reports) verdicts.push_back(r.verdict);
    const Verdict worst = worst_verdict(verdicts);
    const auto count = [&](Verdict v) { return static_cast<std::size_t>(std::count(verdicts.begin(), verdicts.end(), v)); };
    std::string text = fmt::format("{} container(s): {} critical, {} warning, {} unknown, {} ok", reports.size(),
                                   count(Verdict::critical), count(Verdict::warning), count(Verdict::unknown),
                                   count(Verdict::ok));
    // The first container with the worst verdict says what it is.
    for (const auto& r : reports)
        if (r.verdict == worst && worst != Verdict::ok) {
            text += "; " + headline(r);
            break;
        }
    std::string out = fmt::format("DOCKNETDOCTOR {} - {} | {} {} {} {} {}\n", status_word(worst), plain(text),
                                  perf_count("containers", reports.size()), perf_count("critical", count(Verdict::critical)),
                                  perf_count("warning", count(Verdict::warning)), perf_count("unknown", count(Verdict::unknown)),
                                  perf_count("ok", count(Verdict::ok)));
    for (const auto& r : reports) out += fmt::format("{} {}\n", status_word(r.verdict), headline(r));
    return out;
}

}  // namespace

std::string render_nagios(std::span<const Report> reports, bool summary) {
    if (!summary && reports.size() == 1) return single(reports.front());
    return summary_of(reports);
}

}  // namespace dnd
