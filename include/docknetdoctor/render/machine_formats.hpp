#pragma once
// The formats the tools users already run read: a Nagios plugin's output, node_exporter's
// textfile (Prometheus text exposition format 0.0.4) and JUnit XML for CI. Each renders one
// report or, for --all, several; every outside string is sanitized or escaped for its format.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "docknetdoctor/model/report.hpp"

namespace dnd {

// When the run ended and how long it took (whole process: collection, probes, checks).
struct RunInfo {
    double finished_at = 0;       // seconds since the epoch
    double duration_seconds = 0;
};

// Nagios plugin guidelines: "DOCKNETDOCTOR STATUS - text | perfdata", then the long text.
// summary: the --all form (one status line for every container, a line each after it).
std::string render_nagios(std::span<const Report> reports, bool summary);

// docknetdoctor_port_reachable, _cause, _verdict, _blind_spots, _last_run_timestamp_seconds,
// _run_duration_seconds, each with HELP and TYPE.
std::string render_prometheus(std::span<const Report> reports, const RunInfo& run);

// One testsuite per run, one testcase per container and port; a failure per critical
// cause, an error where nothing could be judged.
std::string render_junit(std::span<const Report> reports, const RunInfo& run);

// What the formats share: the causes that bear on one port of a report (those of that
// port, and those of the container as a whole), and whether one makes the port unreachable.
std::vector<const RankedCause*> causes_on_port(const Report& r, const std::optional<PortKey>& port);
bool blocks(const RankedCause& c);  // critical: the port cannot be reached
std::string container_label(const Report& r);  // the name as asked or resolved, sanitized

}  // namespace dnd
