// Benchmark for the probe ladder; prints figures, asserts nothing.
//  (a) 50 ports that all time out, probed in one batch: the cost should be about one
//      deadline, not fifty. Runs in a private netns where an nft rule drops the ports.
//  (b) the whole diagnosis of a healthy container against `docker inspect` of the same
//      container, in the same run, through the same nsenter, alternating; medians and
//      their ratio. Needs the sandbox engine: DND_SANDBOX_DIR (scripts/sandbox.sh start).
//      Then the phases: the report's timings_ms, and collect_phases_bench (finer: each
//      collection phase, each netfilter reader alone), medians of the same number of runs.
// Usage: dnd_bench [--runs N] [--healthy-only]   (needs root for both parts)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/probe/probe.hpp"
#include "sandbox.hpp"
#include "scratch_netns.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t mid = v.size() / 2;
    return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

int bench_timeouts() {
    constexpr int kPorts = 50;
    constexpr std::uint16_t kFirstPort = 20000;
    const auto deadline = 1000ms;
    const dnd::testing::ScratchNetns ns("bench");
    if (!ns.ok()) {
        fmt::print("(a) skipped: cannot create a network namespace (root needed)\n");
        return 0;
    }
    const auto rule = ns.run({"nft", fmt::format("add table inet dndbench; add chain inet dndbench input {{ type filter "
                                                 "hook input priority 0; }}; add rule inet dndbench input tcp dport "
                                                 "{}-{} drop",
                                                 kFirstPort, kFirstPort + kPorts - 1)});
    if (!rule.ok()) {
        fmt::print("(a) skipped: nft rule failed: {}\n", rule.describe());
        return 0;
    }
    std::vector<dnd::ProbeTarget> targets;
    for (int i = 0; i < kPorts; ++i)
        targets.push_back(dnd::ProbeTarget{"127.0.0.1", static_cast<std::uint16_t>(kFirstPort + i), dnd::Proto::tcp, "bench"});
    const auto started = Clock::now();
    auto outcomes = dnd::probe_batch_in_netns(ns.path(), targets, deadline);
    const double elapsed = ms_since(started);
    if (!outcomes) {
        fmt::print("(a) failed: {}\n", outcomes.error().message);
        return 1;
    }
    const auto timeouts = std::count_if(outcomes->begin(), outcomes->end(),
                                        [](const dnd::ProbeOutcome& o) { return o.outcome == dnd::ProbeStatus::timeout; });
    fmt::print("(a) {} dropped ports in one batch: {:.1f} ms for a {} ms deadline (x{:.2f} one deadline; "
               "one after the other would be {} ms); {} of {} timed out\n",
               kPorts, elapsed, deadline.count(), elapsed / static_cast<double>(deadline.count()),
               kPorts * deadline.count(), timeouts, kPorts);
    return timeouts == kPorts ? 0 : 1;
}

// collect_phases_bench in the sandbox host netns: each phase's median over runs.
int bench_phases(const dnd::test::Sandbox& sandbox, const std::string& container, int runs) {
#ifdef DND_COLLECT_PHASES_BENCH
    std::map<std::string, std::vector<double>> phases;
    for (int i = 0; i < runs; ++i) {
        const auto run = sandbox.in_host({DND_COLLECT_PHASES_BENCH, container});
        if (!run.ok()) {
            fmt::print("    collect_phases_bench: {}\n", run.describe());
            return 1;
        }
        const auto j = nlohmann::json::parse(run.out, nullptr, false);
        if (!j.is_object() || !j.value("ok", false)) {
            fmt::print("    collect_phases_bench: unexpected output: {}{}\n", run.out, run.err);
            return 1;
        }
        for (const auto& [phase, ms] : j.items())
            if (ms.is_number()) phases[phase].push_back(ms.get<double>());
    }
    fmt::print("    collect_phases_bench medians (in-process; collect.* overlap when concurrent):\n");
    for (const auto& [phase, values] : phases) fmt::print("      {:28} {:7.2f} ms\n", phase, median(values));
    return 0;
#else
    (void)sandbox, (void)container, (void)runs;
    fmt::print("    (phase breakdown: build the collect_phases_bench target)\n");
    return 0;
#endif
}

int bench_healthy(int runs) {
    auto sandbox = dnd::test::Sandbox::from_env();
    if (!sandbox) {
        fmt::print("(b) skipped: {}\n", sandbox.error().message);
        return 0;
    }
    const std::string name = "bench-healthy";
    const auto web = sandbox->run_container(name, {"-p", "8090:80", sandbox->image(), "httpd", "-f", "-p", "80"});
    if (!web.run_result().ok()) {
        fmt::print("(b) failed: docker run: {}\n", web.run_result().describe());
        return 1;
    }
    const bool listening = dnd::test::eventually([&] { return sandbox->client_connect(8090) == dnd::test::ConnectOutcome::open; }, 15s);
    if (!listening) {
        fmt::print("(b) failed: the web server never answered\n");
        return 1;
    }
    std::vector<double> doctor_ms, inspect_ms;
    std::map<std::string, std::vector<double>> report_phases;
    int failures = 0;
    for (int i = 0; i < runs; ++i) {
        auto t = Clock::now();
        const auto inspect = sandbox->in_host({"docker", "inspect", name});
        inspect_ms.push_back(ms_since(t));
        t = Clock::now();
        const auto diagnosis = sandbox->diagnose({"--format", "json", name});
        doctor_ms.push_back(ms_since(t));
        if (!inspect.ok() || diagnosis.process.exit_code != 0 || !diagnosis.json) {
            ++failures;
            fmt::print("run {}: inspect {} / diagnosis {}\n", i, inspect.describe(), diagnosis.describe());
            continue;
        }
        for (const auto& [phase, ms] : diagnosis.json->at("timings_ms").items())
            if (ms.is_number()) report_phases[phase].push_back(ms.get<double>());
    }
    const double doctor = median(doctor_ms);
    const double inspect = median(inspect_ms);
    fmt::print("(b) healthy container, {} runs, medians: docknetdoctor {:.1f} ms, docker inspect {:.1f} ms, "
               "ratio {:.2f}\n",
               runs, doctor, inspect, inspect > 0 ? doctor / inspect : 0.0);
    fmt::print("    report timings_ms medians:");
    for (const auto& [phase, values] : report_phases) fmt::print(" {} {:.1f}", phase, median(values));
    fmt::print("\n");
    failures += bench_phases(*sandbox, name, runs);
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 15;
    bool healthy_only = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        if (arg == "--healthy-only") healthy_only = true;
    }
    const int a = healthy_only ? 0 : bench_timeouts();
    const int b = bench_healthy(runs);
    return a != 0 || b != 0 ? 1 : 0;
}
