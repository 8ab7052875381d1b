// Benchmark driver: one collection of CONTAINER (collect_facts with its phase timings),
// then the probe ladder, then each netfilter reader on its own. Prints one JSON line of
// milliseconds; ladder_bench runs it in the sandbox host netns and reports medians.
// Usage: collect_phases_bench CONTAINER   (DOCKER_HOST names the engine)
#include <chrono>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "docknetdoctor/collect/collect_timings.hpp"
#include "docknetdoctor/collect/host_addresses.hpp"
#include "docknetdoctor/collect/host_network_collect.hpp"
#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "docknetdoctor/probe/probe_ladder.hpp"
#include "docknetdoctor/collect/procfs.hpp"
#include "docknetdoctor/collect/procfs_scan.hpp"

namespace {

using Clock = std::chrono::steady_clock;

template <class F>
double time_ms(F&& f) {
    const auto start = Clock::now();
    f();
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string describe(const std::vector<dnd::Listener>& listeners) {
    std::string out;
    for (const auto& l : listeners) {
        out += std::to_string(static_cast<int>(l.proto)) + "/" + std::to_string(l.family) + " " + l.address + ":" +
               std::to_string(l.port) + " inode " + std::to_string(l.inode) + " owners";
        for (const auto& o : l.owners) out += " " + std::to_string(o.pid) + "/" + o.process;
        out += "\n";
    }
    return out;
}

bool same_listeners(const std::vector<dnd::Listener>& a, const std::vector<dnd::Listener>& b) {
    if (describe(a) == describe(b)) return true;
    std::cerr << "listener sources differ:\n" << describe(a) << "--- vs ---\n" << describe(b);
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: collect_phases_bench CONTAINER\n";
        return 2;
    }
    using namespace std::chrono_literals;
    dnd::CollectOptions options;
    options.query.container = argv[1];
    dnd::PhaseTimings timings;
    dnd::Result<dnd::Facts> facts = dnd::fail("bench", "not run");
    timings["collect"] = time_ms([&] { facts = dnd::collect_facts(options, timings); });
    if (!facts) {
        std::cerr << "collect_phases_bench: " << facts.error().message << "\n";
        return 1;
    }
    timings["probes"] = time_ms([&] { facts->probes = dnd::run_probe_ladder(*facts, dnd::host_addresses(), 1000ms); });

    // The netfilter readers one by one, after the fact: what each costs on its own.
    timings["alone.rtnetlink"] = time_ms([] { (void)dnd::dump_rtnetlink(); });
    timings["alone.sysctls"] = time_ms([] { (void)dnd::read_sysctls("/proc", {}); });
    timings["alone.nftables"] = time_ms([] {
        dnd::nf::NftReadOptions o;
        o.named_set_elements = false;
        (void)dnd::nf::read_nftables(o);
    });
    timings["alone.iptables_legacy"] = time_ms([] { (void)dnd::nf::read_iptables_legacy("/proc"); });
    timings["alone.daemon_config"] = time_ms([] { (void)dnd::read_daemon_config("/proc"); });
    timings["alone.host_listeners"] = time_ms([] { (void)dnd::read_listeners("/proc", 0); });

    // Both TCP listener sources must agree (same listeners, same order, same owners).
    bool sources_agree = true;
    for (int pid : {0, facts->container ? facts->container->state.pid : 0}) {
        dnd::Result<std::vector<dnd::Listener>> by_files = dnd::fail("bench", "not run"), by_diag = by_files;
        const std::string key = pid == 0 ? "host" : "container";
        timings["alone.listeners_files." + key] = time_ms([&] {
            dnd::SocketOwnerScan scan("/proc");
            by_files = dnd::read_listeners("/proc", pid, scan, dnd::TcpListenerSource::proc_files);
        });
        timings["alone.listeners_sock_diag." + key] = time_ms([&] {
            dnd::SocketOwnerScan scan("/proc");
            by_diag = dnd::read_listeners("/proc", pid, scan, dnd::TcpListenerSource::sock_diag);
        });
        sources_agree = sources_agree && by_files && by_diag && same_listeners(*by_files, *by_diag);
    }

    nlohmann::json out = timings;
    out["ok"] = facts->engine.has_value() && facts->container.has_value() && facts->networks.has_value() &&
                facts->container_listeners.has_value() && facts->host_listeners.has_value() &&
                facts->paths.has_value() && facts->probes.has_value() && sources_agree;
    out["sources_agree"] = sources_agree;
    std::cout << out.dump() << "\n";
    return 0;
}
