#pragma once
// The report: ranked causes plus what was seen, ready to render. JSON contract in
// man/docknetdoctor-report.schema.json.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/finding.hpp"

namespace dnd {

inline constexpr int kReportSchemaVersion = 1;

enum class Verdict { ok, warning, critical, unknown };
std::string_view to_string(Verdict v);
int exit_code(Verdict v);  // 0 ok, 1 warning, 2 critical, 3 unknown
// Also the exit status of a run that could not diagnose at all (bad usage, no engine).
inline constexpr int kExitUnknown = 3;
// The worst of several verdicts (--all): critical > warning > unknown > ok, so one container
// that could not be diagnosed does not hide another that is broken. ok when empty.
Verdict worst_verdict(std::span<const Verdict> verdicts);

enum class Confidence { low, medium, high };
std::string_view to_string(Confidence c);

// How the probes bear on a finding: they confirm it (confidence high), contradict it (low)
// or leave it open (medium).
enum class Support { confirmed, open, contradicted };
std::string_view to_string(Support s);

struct RankedCause {
    Finding finding;
    int rank = 0;                        // 1 = most likely
    Confidence confidence = Confidence::medium;
    std::string confidence_reason;       // why this confidence: the probes quoted, or why none bear on it
    Support support = Support::open;
};

// One port under question as the user would want it summarized.
struct PortView {
    PortKey port;
    std::vector<HostBinding> bindings;   // empty: not published
    std::vector<Listener> listeners;     // inside the container, on that port
    std::string state;                   // "published", "not published", "host network" ...
    std::optional<Rung> first_failing_rung;  // where the ladder says the connection dies
};

// --to: the connection tried from the source's netns to the target (PeerFacts::probe). The
// JSON report lists it in probes[] after the ladder, under this rung name.
inline constexpr std::string_view kPeerProbeRung = "source-to-target";

struct PeerProbeView {
    std::string target_spec;   // --to as typed, "db:5432"
    PortKey port;              // the target port asked, TCP
    std::string address_from;  // why that address: "dns", "hosts file", "literal address" ...
    ProbeOutcome probe;
};

// A source docknetdoctor could not read (from a Facts slot holding an error).
struct BlindSpot {
    std::string source;
    std::string message;
};

// A check that could not decide, and why.
struct Undecided {
    std::string check;
    std::string reason;
};

// A Swarm task's service: what it publishes, through the routing mesh or on the node of
// each task. Ports empty when the engine could not say (a blind spot says why).
struct ServiceView {
    std::string id;
    std::string name;
    std::vector<ServicePort> ports;
    // Its tasks on every node, the wanted ones first; empty when they could not be read
    // (then a blind spot says why), and tasks_text says so too.
    std::vector<SwarmTask> tasks;
    std::string tasks_text;  // service_tasks_text(): "its tasks: web.1 running on node ..."
};

struct Report {
    using Timings = std::map<std::string, double>;
    int schema_version = kReportSchemaVersion;
    std::string tool_version;
    std::string target_container;        // as asked
    std::string target_name;             // resolved name ("" if unknown)
    std::string target_id;
    std::string question;                // the question, in words
    Verdict verdict = Verdict::unknown;
    std::vector<RankedCause> causes;
    std::vector<PortView> ports;
    std::vector<LadderProbe> probes;     // the ladder's outcomes, by port then rung
    std::optional<PeerProbeView> peer_probe;  // --to: the probe from the source, when it ran
    std::optional<ServiceView> service;       // the target is a Swarm task: its service
    // The question's packets walked through the host's rules (Facts::paths); empty when
    // they could not be evaluated (a blind spot says why) or --to asks another question.
    std::vector<PathResult> paths;
    std::vector<BlindSpot> blind_spots;
    std::vector<Undecided> undecided;
    // What was looked at and is worth a word without being a cause or a blind spot, each said
    // once: "SELinux is not enabled: ...", how much of a log was read.
    std::vector<std::string> notes;
    Timings timings_ms;
};

}  // namespace dnd
