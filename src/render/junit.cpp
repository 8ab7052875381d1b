// JUnit XML as CI systems read it: one <testsuite> per run, one <testcase> per container
// and port (classname docknetdoctor.CONTAINER, name the port), a <failure> per critical
// cause with its evidence and fix in the body, an <error> where nothing could be judged,
// warnings and notes in <system-out>. XML escapes; control bytes are sanitized away (XML 1.0
// cannot carry them at all).
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/model/rfc3339.hpp"
#include "docknetdoctor/model/sanitize.hpp"
#include "docknetdoctor/render/machine_formats.hpp"

namespace dnd {
namespace {

// Escaped for XML, line by line: the line breaks stay, every other control byte is
// sanitized away.
std::string xml(std::string_view text) {
    std::string clean;
    for (std::size_t start = 0; start <= text.size();) {
        const auto end = std::min(text.find('\n', start), text.size());
        if (start > 0) clean += '\n';
        clean += sanitize(text.substr(start, end - start));
        start = end + 1;
    }
    std::string out;
    for (char ch : clean) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += ch;
        }
    }
    return out;
}

std::string cause_body(const Finding& f) {
    std::string body = f.title + "\n";
    for (const auto& e : f.evidence) body += "evidence: " + e + "\n";
    for (const auto& x : f.fix) body += "fix: " + x + "\n";
    return body;
}

struct Case {
    std::string xml;
    int failures = 0;
    int errors = 0;
};

Case testcase(const Report& r, const std::optional<PortKey>& port) {
    Case out;
    const std::string name = port ? port->str() : "container";
    std::string inner;
    std::string system_out;
    for (const RankedCause* c : causes_on_port(r, port)) {
        if (blocks(*c)) {
            inner += fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n", xml(c->finding.id),
                                 xml(c->finding.id + ": " + c->finding.title), xml(cause_body(c->finding)));
            ++out.failures;
        } else {
            system_out += fmt::format("[{}] {}: {}", to_string(c->finding.severity), c->finding.id, cause_body(c->finding));
        }
    }
    if (out.failures == 0 && r.verdict == Verdict::unknown) {
        std::string why;
        for (const auto& b : r.blind_spots) why += fmt::format("not seen: {}: {}\n", b.source, b.message);
        for (const auto& u : r.undecided) why += fmt::format("undecided: {}: {}\n", u.check, u.reason);
        inner += fmt::format("      <error type=\"unknown\" message=\"docknetdoctor could not judge it\">{}</error>\n",
                             xml(why));
        ++out.errors;
    }
    if (r.service)
        system_out += fmt::format("swarm service: {} ({}); {}\n", r.service->name, r.service->id, r.service->tasks_text);
    for (const auto& n : r.notes) system_out += "note: " + n + "\n";
    if (!system_out.empty()) inner += fmt::format("      <system-out>{}</system-out>\n", xml(system_out));
    const auto total = r.timings_ms.find("total");
    const double seconds = total == r.timings_ms.end() ? 0 : total->second / 1000;
    out.xml = fmt::format("    <testcase classname=\"docknetdoctor.{}\" name=\"{}\" time=\"{:.3f}\"{}", xml(container_label(r)),
                          xml(name), seconds, inner.empty() ? "/>\n" : ">\n" + inner + "    </testcase>\n");
    return out;
}

// JUnit's schema: an ISO 8601 local date-time, no zone ("2026-12-02T13:00:00"); UTC here.
std::string junit_timestamp(UtcTime t) {
    std::string text = format_rfc3339(t, 0);
    if (!text.empty() && text.back() == 'Z') text.pop_back();
    return text;
}

}  // namespace

std::string render_junit(std::span<const Report> reports, const RunInfo& run) {
    std::string cases;
    int tests = 0, failures = 0, errors = 0;
    for (const auto& r : reports) {
        std::vector<std::optional<PortKey>> ports;
        for (const auto& p : r.ports) ports.emplace_back(p.port);
        if (ports.empty()) ports.emplace_back(std::nullopt);
        for (const auto& port : ports) {
            Case c = testcase(r, port);
            cases += c.xml;
            ++tests;
            failures += c.failures;
            errors += c.errors;
        }
    }
    const UtcTime finished(std::chrono::nanoseconds(static_cast<long long>(run.finished_at * 1e9)));
    return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites name=\"docknetdoctor\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n"
                       "  <testsuite name=\"docknetdoctor\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" "
                       "time=\"{:.3f}\" timestamp=\"{}\">\n{}  </testsuite>\n</testsuites>\n",
                       tests, failures, errors, run.duration_seconds, tests, failures, errors, run.duration_seconds,
                       junit_timestamp(finished), cases);
}

}  // namespace dnd
