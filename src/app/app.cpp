// The pipeline: options -> facts (collected or loaded) -> probes (the ladder) -> checks ->
// rank -> render; --all runs it for every running container that publishes a port or runs
// a Swarm task, and a service's name runs it for the service's tasks on this node.
#include "docknetdoctor/app/app.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/app/catalog_commands.hpp"
#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/collect/collect.hpp"
#include "docknetdoctor/collect/collect_running.hpp"
#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/collect/host_addresses.hpp"
#include "docknetdoctor/collect/swarm_collect.hpp"
#include "docknetdoctor/app/options.hpp"
#include "docknetdoctor/app/output.hpp"
#include "docknetdoctor/app/progress_line.hpp"
#include "docknetdoctor/model/service_tasks_text.hpp"
#include "docknetdoctor/model/json_limits.hpp"
#include "docknetdoctor/model/saved_facts.hpp"
#include "docknetdoctor/probe/probe_ladder.hpp"
#include "docknetdoctor/probe/swarm_node_probes.hpp"
#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/app/replay.hpp"
#include "docknetdoctor/app/trace.hpp"
#include "docknetdoctor/app/watch.hpp"
#include "docknetdoctor/render/machine_formats.hpp"
#include "docknetdoctor/render/render.hpp"
#include "docknetdoctor/model/sanitize.hpp"
#include "docknetdoctor/collect/vanished_process.hpp"

namespace dnd {
namespace {

int usage_error(const Error& e) {
    std::cerr << "docknetdoctor: " << sanitize(e.message) << "\n";
    return kExitUnknown;
}

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

Result<SavedFacts> load_facts_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("facts-file", fmt::format("cannot read facts file {}: {}", path, std::strerror(errno)));
    // A file over the bound is refused unread; from anything else (a pipe, /dev/zero) one
    // byte past the bound is read, so it is refused, never slurped.
    std::error_code size_error;
    const auto size = std::filesystem::file_size(path, size_error);
    if (!size_error && size > kFactsJsonLimits.max_bytes)
        return fail("facts-file", fmt::format("{}: refused: larger than {} MiB ({} bytes)", path,
                                              kFactsJsonLimits.max_bytes >> 20, size));
    std::string text;
    if (!size_error) text.reserve(static_cast<std::size_t>(size) + 1);
    std::array<char, 1 << 16> chunk;
    while (in && text.size() <= kFactsJsonLimits.max_bytes) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) return fail("facts-file", fmt::format("cannot read facts file {}: {}", path, std::strerror(errno)));
    auto saved = saved_facts_from_json_text(text);
    if (!saved) return fail("facts-file", fmt::format("{}: {}", path, saved.error().message));
    return saved;
}

Result<void> save_facts_file(const std::string& path, const nlohmann::json& facts) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << json_document(facts) << "\n";
    out.close();
    if (!out) return fail("facts-file", fmt::format("cannot write facts file {}: {}", path, std::strerror(errno)));
    return {};
}

// What to collect for one container, from the command line.
CollectOptions collect_options(const Options& o, std::string container) {
    CollectOptions c;
    c.docker_host = o.docker_host;
    c.timeout = o.timeout;
    c.query.container = std::move(container);
    c.query.port = o.port;
    c.query.from = o.from;
    c.query.to = o.to;
    c.query.direct = o.direct;
    c.probe = !o.no_probe;
    return c;
}

std::string saved_container_name(const Facts& f) {
    return f.container ? f.container->name : f.query.container;
}

// As typed at collection, the saved name, or a prefix of the saved id.
bool names_saved_container(const Facts& f, const std::string& name) {
    if (name == f.query.container) return true;
    if (!f.container) return false;
    return name == f.container->name || (name.size() >= 2 && f.container->id.starts_with(name));
}

// The one container of a saved file; from an --all run's, the one named.
Result<Facts> saved_container(const SavedFacts& saved, const Options& o) {
    if (!saved.all) return saved.entries.front().facts;
    std::string refs;
    for (const auto& e : saved.entries) {
        if (!o.container.empty() && (e.ref == o.container || (e.facts && names_saved_container(*e.facts, o.container))))
            return e.facts;
        refs += (refs.empty() ? "" : ", ") + e.ref;
    }
    if (o.container.empty())
        return fail("usage", fmt::format("{} holds an --all run ({} containers): add --all, or name one of them: {}",
                                         *o.facts_file, saved.entries.size(), refs));
    return fail("usage", fmt::format("{} holds no container {}: it holds {}", *o.facts_file, o.container, refs));
}

// timings gets collection's phases (collect.engine, collect.netfilter, ...) when collecting.
Result<Facts> obtain_facts(const Options& o, Report::Timings& timings) {
    if (o.facts_file) {
        auto saved = load_facts_file(*o.facts_file);
        if (!saved) return std::unexpected(saved.error());
        auto facts = saved_container(*saved, o);
        if (!facts) return facts;
        // A name beside --facts must be the saved container: never answer about another.
        if (!saved->all && !o.container.empty() && !names_saved_container(*facts, o.container))
            return fail("usage", fmt::format("{} holds the facts of container {}, not of {}: give no name, or that one",
                                             *o.facts_file, saved_container_name(*facts), o.container));
        // Re-asking a saved host a different question is allowed offline.
        reask_saved_facts(*facts, o.port, o.from, o.direct);
        return facts;
    }
    return collect_facts(collect_options(o, o.container), timings);
}

bool use_color(const Options& o) {
    const char* no_color = std::getenv("NO_COLOR");
    return !o.no_color && !(no_color && *no_color) && !o.output && isatty(STDOUT_FILENO);
}

std::string json_text(const nlohmann::json& j) {
    return json_document(j) + "\n";
}

double epoch_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The reports in the format asked; all: the --all form (a summary, an array, JSON lines, a suite).
std::string render_reports(const Options& o, std::span<const Report> reports, bool all, const RunInfo& run) {
    switch (o.format) {
        case Format::json: {
            if (!all) return json_text(report_to_json(reports.front()));
            auto array = nlohmann::json::array();
            for (const auto& r : reports) array.push_back(report_to_json(r));
            return json_text(array);
        }
        case Format::jsonl: {  // JSON lines: a report a line, for streams and line-based tools
            std::string lines;
            for (const auto& r : reports) lines += json_document(report_to_json(r), -1) + "\n";
            return lines;
        }
        case Format::nagios: return render_nagios(reports, all);
        case Format::prometheus: return render_prometheus(reports, run);
        case Format::junit: return render_junit(reports, run);
        case Format::text: break;
    }
    return all ? render_summary_text(reports, TextStyle{use_color(o)}) : render_text(reports.front(), TextStyle{use_color(o)});
}

// Renders and writes the reports; the exit code, or unknown with one line when the output
// could not be written (a full disk must not pass for "ok").
int emit(const Options& o, std::span<const Report> reports, bool all, std::chrono::steady_clock::time_point started,
         int code) {
    const RunInfo run{epoch_now(), ms_since(started) / 1000};
    if (auto written = write_output(o.output, render_reports(o, reports, all, run)); !written)
        return usage_error(written.error());
    return code;
}

// Text for stdout (help, version, lists): exit 0, or unknown when it could not be written.
int print(const std::string& text) {
    if (auto written = write_output(std::nullopt, text); !written) return usage_error(written.error());
    return 0;
}

// The ladder, unless the user wants the static diagnosis only; replayed facts keep the
// probes they were saved with.
void add_probes(Facts& facts, const Options& o, Report::Timings& timings) {
    if (o.no_probe) {
        facts.probes = fail("probe", "not run (--no-probe)");
        if (facts.swarm) facts.swarm->probes = fail("probe", "not run (--no-probe)");
        return;
    }
    if (o.facts_file) return;
    if (facts.swarm) {
        const auto started = std::chrono::steady_clock::now();
        facts.swarm->probes = probe_swarm_nodes(*facts.swarm, probe_deadline(o.timeout));
        timings["probes.swarm_nodes"] = ms_since(started);
    }
    // --to: the question is the path to the target; collect_facts probed it from the source
    // (the ladder of the source's own published ports would answer another question).
    if (facts.query.to) {
        facts.probes = std::vector<LadderProbe>{};
        return;
    }
    const auto started = std::chrono::steady_clock::now();
    const ProcessWatch watch = facts.container ? ProcessWatch(*facts.container) : ProcessWatch();
    facts.probes = run_probe_ladder(facts, host_addresses(facts.host->addresses), probe_deadline(o.timeout));
    timings["probes"] = ms_since(started);
    if (watch.gone()) {
        const auto recheck_started = std::chrono::steady_clock::now();
        recheck_vanished_process(collect_options(o, facts.query.container), facts, watch.vanished("the probes"));
        timings["probes.recheck"] = ms_since(recheck_started);
    }
}

Report report_from(const Facts& facts, Report::Timings timings, std::chrono::steady_clock::time_point started) {
    auto checks_started = std::chrono::steady_clock::now();
    Report report = build_report(facts, all_checks());
    timings["checks"] = ms_since(checks_started);
    timings["total"] = ms_since(started);
    report.timings_ms = std::move(timings);
    return report;
}

// A client of the engine the options name, its API version agreed.
Result<DockerClient> engine_client(const Options& o) {
    auto endpoint = choose_docker_endpoint(o.docker_host, docker_host_from_environment());
    if (!endpoint) return std::unexpected(endpoint.error());
    DockerClient client(*endpoint, o.timeout);
    if (auto ping = client.negotiate(); !ping) return std::unexpected(ping.error());
    return client;
}

int diagnose_service(const Options& o, const DockerClient& client, const SwarmService& service);

// The resolver's words for a name no container has (docker_resolve.cpp).
bool names_no_container(const Error& e) { return e.message.starts_with("no such container: "); }

int diagnose(const Options& o) {
    auto started = std::chrono::steady_clock::now();
    Report::Timings timings;
    auto facts = obtain_facts(o, timings);
    if (!facts && !o.facts_file && names_no_container(facts.error())) {
        // A Swarm service's name (or id) is a target too: its tasks here are diagnosed. --to
        // asks about one container's connection, which a service's name does not pick.
        if (auto client = engine_client(o); client)
            if (auto service = find_service(*client, o.container); service && *service) {
                if (!o.to) return diagnose_service(o, *client, **service);
                return usage_error(Error{"usage", fmt::format("{} is a Swarm service: --to asks what one container can "
                                                              "reach; name one of its tasks (docker ps --filter "
                                                              "label=com.docker.swarm.service.name={})",
                                                              (*service)->name, (*service)->name)});
            }
    }
    if (!facts) return usage_error(facts.error());
    timings["collect"] = o.facts_file ? 0.0 : ms_since(started);
    add_probes(*facts, o, timings);
    if (o.save_facts) {
        if (auto saved = save_facts_file(*o.save_facts, facts_to_json(*facts)); !saved) return usage_error(saved.error());
    }
    const Report report = report_from(*facts, std::move(timings), started);
    return emit(o, std::span<const Report>(&report, 1), false, started, exit_code(report.verdict));
}

bool publishes_a_port(const Container& c) {
    for (const auto& [port, bindings] : c.ports)
        for (const auto& b : bindings)
            if (b.host_port != 0) return true;
    return false;
}

// A container that could not be diagnosed still gets a row: verdict unknown, and why.
Report unknown_report(const std::string& container, const Error& e) {
    Report r;
    r.tool_version = DND_VERSION;
    r.target_container = container;
    r.question = fmt::format("can a client reach the published ports of container {}?", container);
    r.verdict = Verdict::unknown;
    r.blind_spots.push_back({e.source, e.message});
    return r;
}

// The engine's running containers (without ?all=1 the engine lists only those).
Result<std::vector<ContainerSummary>> running_containers(const Options& o) {
    auto client = engine_client(o);
    if (!client) return std::unexpected(client.error());
    return client->get_parsed<std::vector<ContainerSummary>>("/containers/json", parse_container_list);
}

// --all: every container's ladder in one batch under one deadline and one descriptor
// budget, however many containers (each ladder alone costs about one deadline).
void add_all_probes(std::vector<RunningContainerFacts>& collected, const Options& o, ProgressLine& progress) {
    std::vector<Facts*> probed;
    for (auto& c : collected)
        if (c.facts) probed.push_back(&*c.facts);
    if (o.no_probe) {
        for (Facts* facts : probed) {
            facts->probes = fail("probe", "not run (--no-probe)");
            if (facts->swarm) facts->swarm->probes = fail("probe", "not run (--no-probe)");
        }
        return;
    }
    progress.update("probing", 0, probed.size());
    const auto started = std::chrono::steady_clock::now();
    // The containers of one run share their host.
    const auto addresses = probed.empty() ? std::vector<std::string>{} : host_addresses(probed.front()->host->addresses);
    std::vector<LadderPlan> plans;
    std::vector<ProcessWatch> watches;  // without descriptors: there may be hundreds
    for (Facts* facts : probed) {
        plans.push_back(plan_probe_ladder(*facts, addresses));
        watches.push_back(ProcessWatch(*facts->container, ProcessWatch::By::signal_probe));
    }
    // The swarm's nodes are the run's, not a container's: probed once, beside the ladders.
    const auto with_swarm = std::find_if(probed.begin(), probed.end(), [](const Facts* f) { return f->swarm.has_value(); });
    std::future<Result<std::vector<ProbeOutcome>>> swarm_probes;
    if (with_swarm != probed.end())
        swarm_probes = std::async(std::launch::async, probe_swarm_nodes, *(*with_swarm)->swarm, probe_deadline(o.timeout));
    auto results = run_ladder_plans(plans, probe_deadline(o.timeout));
    if (swarm_probes.valid()) {
        const auto nodes = swarm_probes.get();
        for (Facts* facts : probed)
            if (facts->swarm) facts->swarm->probes = nodes;
    }
    const double probes_ms = ms_since(started);
    std::size_t k = 0;
    for (auto& c : collected) {
        if (!c.facts) continue;
        c.facts->probes = std::move(results[k]);
        c.timings["probes"] = probes_ms;
        if (watches[k].gone())
            recheck_vanished_process(collect_options(o, c.facts->query.container), *c.facts, watches[k].vanished("the probes"));
        ++k;
    }
}

// One report per container (unknown, and why, for one that could not be collected).
std::vector<Report> reports_of(std::vector<RunningContainerFacts>& collected,
                               std::chrono::steady_clock::time_point run_started) {
    std::vector<Report> reports;
    for (auto& c : collected)
        reports.push_back(c.facts ? report_from(*c.facts, std::move(c.timings), run_started)
                                  : unknown_report(c.ref, c.facts.error()));
    return reports;
}

int emit_all(const Options& o, std::vector<RunningContainerFacts>& collected,
             std::chrono::steady_clock::time_point run_started) {
    const auto reports = reports_of(collected, run_started);
    std::vector<Verdict> verdicts;
    for (const auto& r : reports) verdicts.push_back(r.verdict);
    return emit(o, reports, true, run_started, exit_code(worst_verdict(verdicts)));
}

// --all --facts FILE: a saved --all run, every container again offline (asked again with
// --port/--from when given).
int replay_all(const Options& o, std::chrono::steady_clock::time_point run_started) {
    auto saved = load_facts_file(*o.facts_file);
    if (!saved) return usage_error(saved.error());
    if (!saved->all) {
        const auto& only = saved->entries.front().facts;
        return usage_error(Error{"usage", fmt::format("{} holds the facts of one container ({}): drop --all",
                                                      *o.facts_file, only ? saved_container_name(*only) : "?")});
    }
    std::vector<RunningContainerFacts> collected;
    for (auto& e : saved->entries) {
        if (e.facts) reask_saved_facts(*e.facts, o.port, o.from, o.direct);
        collected.push_back({e.ref, std::move(e.facts), {{"collect", 0.0}}});
    }
    return emit_all(o, collected, run_started);
}

// Containers collected at once; more only queue up behind the engine and the /proc scan.
constexpr std::size_t kCollectWorkers = 8;

// Which running containers --all diagnoses: those that publish a port, and Swarm tasks (a
// service's ingress ports are no binding of the task container's own).
bool wanted_by_all(const Container& c) { return c.state.running && (publishes_a_port(c) || is_swarm_task(c)); }

// A task is worth a report when its service publishes a port, or could not be read (the
// report says why); any other container was already chosen for its own ports.
bool worth_a_report(const RunningContainerFacts& c) {
    if (!c.facts || !c.facts->container || publishes_a_port(*c.facts->container)) return true;
    const auto& service = c.facts->swarm_service;
    return service && (!service->ports || !service->ports->empty());
}

Result<std::vector<RunningContainerFacts>> collect_for_reports(const Options& o,
                                                               const std::function<bool(const Container&)>& wanted,
                                                               const CollectProgress& progress,
                                                               std::string_view only_label = {}) {
    auto collected = collect_running_facts(collect_options(o, ""), wanted, kCollectWorkers, progress, only_label);
    if (collected) std::erase_if(*collected, [](const RunningContainerFacts& c) { return !worth_a_report(c); });
    return collected;
}

// The host read once, the wanted running containers collected beside each other, their
// ladders run at the same time (each costs about one deadline), one report each; none
// wanted: the error none_here gives, when given (else no report at all).
int diagnose_running(const Options& o, const std::function<bool(const Container&)>& wanted,
                     const std::function<Error()>& none_here, std::string_view only_label = {}) {
    const auto run_started = std::chrono::steady_clock::now();
    ProgressLine progress(wants_progress_line(isatty(STDERR_FILENO) == 1, o.format == Format::text), STDERR_FILENO);
    auto collected = collect_for_reports(  // --to is refused with --all
        o, wanted, [&progress](std::size_t done, std::size_t total) { progress.update("collecting", done, total); },
        only_label);
    if (!collected || (collected->empty() && none_here)) {
        progress.finish();  // the error line must not land on the progress line
        return usage_error(collected ? none_here() : collected.error());
    }
    add_all_probes(*collected, o, progress);
    if (o.save_facts) {
        std::vector<ContainerFacts> entries;
        for (const auto& c : *collected) entries.push_back({c.ref, c.facts});
        if (auto saved = save_facts_file(*o.save_facts, all_facts_to_json(entries)); !saved) {
            progress.finish();
            return usage_error(saved.error());
        }
    }

    progress.finish();
    return emit_all(o, *collected, run_started);
}

// --all: every running container that publishes a port, and every Swarm task here.
int diagnose_all(const Options& o) {
    if (o.facts_file) return replay_all(o, std::chrono::steady_clock::now());
    return diagnose_running(o, wanted_by_all, {});
}

// Why a service has no task to diagnose here, in one line, with its tasks as the
// orchestrator sees them.
Error no_task_here(const DockerClient& client, const SwarmService& service) {
    return Error{"docker-api", fmt::format("service {} ({}) has no running task on this node; {} (`docker service ps {}`)",
                                           service.name, service.id.substr(0, 12),
                                           service_tasks_text(service, read_service_tasks(client, service)), service.name)};
}

// A Swarm service: its tasks on this node, in --all's form (a service is as many containers
// as it has tasks here).
int diagnose_service(const Options& o, const DockerClient& client, const SwarmService& service) {
    // The engine lists only the service's tasks: the host's other containers are not inspected.
    return diagnose_running(o, [&service](const Container& c) { return c.state.running && is_task_of(c, service.id); },
                            [&] { return no_task_here(client, service); },
                            std::string(kSwarmServiceIdLabel) + "=" + service.id);
}

// watch's one look: the reports of the container (its diagnosis failing is its state:
// unknown, and why) or of every running container with a published port (a failure there
// is the look's: no container's state is known).
Result<std::vector<Report>> look_once(const Options& o) {
    const auto started = std::chrono::steady_clock::now();
    if (!o.all) {
        Report::Timings timings;
        auto facts = obtain_facts(o, timings);
        if (!facts) return std::vector<Report>{unknown_report(o.container, facts.error())};
        add_probes(*facts, o, timings);
        return std::vector<Report>{report_from(*facts, std::move(timings), started)};
    }
    ProgressLine silent(false, STDERR_FILENO);
    auto collected = collect_for_reports(o, wanted_by_all, {});
    if (!collected) return std::unexpected(collected.error());
    add_all_probes(*collected, o, silent);
    return reports_of(*collected, started);
}

// Running containers' names, one a line, for shell completion (and scripts).
int list_containers(const Options& o) {
    auto list = running_containers(o);
    if (!list) return usage_error(list.error());
    std::string text;
    for (const auto& summary : *list)
        if (!summary.names.empty()) text += sanitize(summary.names.front()) + "\n";
    return print(text);
}

}  // namespace

int run_app(int argc, char** argv) try {
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    auto options = parse_options(args);
    if (!options) return usage_error(options.error());
    const Options& o = *options;
    switch (o.command) {
        case Command::help: return print(o.help_text);
        case Command::version: return print(fmt::format("docknetdoctor {}\n", DND_VERSION));
        case Command::list_causes: return print(list_causes_text());
        case Command::list_containers: return list_containers(o);
        case Command::explain: {
            auto text = explain_text(o.explain_id);
            if (!text) return usage_error(text.error());
            return print(*text);
        }
        case Command::diagnose: return o.all ? diagnose_all(o) : diagnose(o);
        case Command::watch: return run_watch(o, [&o] { return look_once(o); });
        case Command::trace: {
            CollectOptions collect = collect_options(o, o.container);
            collect.timeout = std::min(o.timeout, std::chrono::milliseconds(5000));  // --timeout is the trace's wait
            collect.probe = false;
            return run_trace(o, collect);
        }
    }
    return kExitUnknown;
} catch (const std::exception& e) {
    // Our own invariant broke; still one line and "unknown", never an abort.
    std::cerr << "docknetdoctor: internal error: " << sanitize(e.what()) << "\n";
    return kExitUnknown;
}

}  // namespace dnd
