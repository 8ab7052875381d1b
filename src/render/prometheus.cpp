// Prometheus text exposition format 0.0.4, for node_exporter's textfile collector: each
// metric family once, with HELP and TYPE, then its samples. Label values escape \, " and
// newline as the format requires; they are sanitized first (no control bytes).
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "docknetdoctor/model/sanitize.hpp"
#include "docknetdoctor/render/machine_formats.hpp"

namespace dnd {
namespace {

std::string label_value(std::string_view text) {
    std::string out;
    for (char ch : sanitize(text)) {
        if (ch == '\\') out += "\\\\";
        else if (ch == '"') out += "\\\"";
        else if (ch == '\n') out += "\\n";
        else out += ch;
    }
    return out;
}

std::string sample_value(double v) {
    if (std::isnan(v)) return "NaN";
    return fmt::format("{:.17g}", v);
}

void family(std::string& out, std::string_view name, std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
}

// 1 reachable, 0 a critical cause stops it, NaN could not be judged (verdict unknown with
// nothing found): never 1 on a port the diagnosis could not vouch for.
double reachable(const Report& r, const PortView& p) {
    for (const RankedCause* c : causes_on_port(r, p.port))
        if (blocks(*c)) return 0;
    if (r.verdict == Verdict::unknown) return std::numeric_limits<double>::quiet_NaN();
    return 1;
}

}  // namespace

std::string render_prometheus(std::span<const Report> reports, const RunInfo& run) {
    std::string out;
    family(out, "docknetdoctor_port_reachable",
           "1 when docknetdoctor found nothing that stops a client reaching the container port, 0 when a critical "
           "cause does, NaN when it could not judge");
    for (const auto& r : reports)
        for (const auto& p : r.ports)
            out += fmt::format("docknetdoctor_port_reachable{{container=\"{}\",port=\"{}\"}} {}\n",
                               label_value(container_label(r)), p.port.str(), sample_value(reachable(r, p)));
    family(out, "docknetdoctor_cause", "1 for each cause found, by container, container port (empty: the whole "
                                       "container), cause id and severity");
    for (const auto& r : reports)
        for (const auto& c : r.causes)
            out += fmt::format("docknetdoctor_cause{{container=\"{}\",port=\"{}\",id=\"{}\",severity=\"{}\"}} 1\n",
                               label_value(container_label(r)), c.finding.port ? c.finding.port->str() : "",
                               label_value(c.finding.id), to_string(c.finding.severity));
    family(out, "docknetdoctor_verdict", "1 for the verdict of each container (ok, warning, critical, unknown)");
    for (const auto& r : reports)
        out += fmt::format("docknetdoctor_verdict{{container=\"{}\",verdict=\"{}\"}} 1\n", label_value(container_label(r)),
                           to_string(r.verdict));
    family(out, "docknetdoctor_blind_spots", "sources docknetdoctor could not read for the container");
    for (const auto& r : reports)
        out += fmt::format("docknetdoctor_blind_spots{{container=\"{}\"}} {}\n", label_value(container_label(r)),
                           r.blind_spots.size());
    // A Swarm task's service, to group its tasks' ports by; only on a host that runs tasks.
    const bool any_task = std::any_of(reports.begin(), reports.end(), [](const Report& r) { return r.service.has_value(); });
    if (any_task) {
        family(out, "docknetdoctor_swarm_task", "1 for each container that runs as a task of a Swarm service, by service");
        for (const auto& r : reports)
            if (r.service)
                out += fmt::format("docknetdoctor_swarm_task{{container=\"{}\",service=\"{}\",service_id=\"{}\"}} 1\n",
                                   label_value(container_label(r)), label_value(r.service->name),
                                   label_value(r.service->id));
    }
    family(out, "docknetdoctor_last_run_timestamp_seconds", "when the run that wrote this ended, seconds since the epoch");
    out += fmt::format("docknetdoctor_last_run_timestamp_seconds {}\n", sample_value(run.finished_at));
    family(out, "docknetdoctor_run_duration_seconds", "how long the run took, whole process");
    out += fmt::format("docknetdoctor_run_duration_seconds {}\n", sample_value(run.duration_seconds));
    return out;
}

}  // namespace dnd
