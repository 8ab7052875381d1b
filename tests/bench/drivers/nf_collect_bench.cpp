// Benchmark driver: one full netfilter diagnosis in the current network namespace, i.e.
// collect_host_network + paths_for for a container publishing 0.0.0.0:8080 -> 80/tcp, with
// live set lookups. Prints one JSON line: timings (ms), peak RSS (KiB), path verdicts.
// With --host-json: prints the HostNetwork read instead (to record a fixture of a host,
// e.g. `nsenter --net=/run/netns/NAME nf_collect_bench --host-json`).
#include <sys/resource.h>

#include <chrono>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/collect/host_network_collect.hpp"

int main(int argc, char** argv) {
    if (argc > 1 && std::string(argv[1]) == "--host-json") {
        std::cout << nlohmann::json(dnd::collect_host_network("/proc")).dump(1) << "\n";
        return 0;
    }
    using clock = std::chrono::steady_clock;
    auto ms = [](clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
    const auto start = clock::now();
    dnd::Facts facts;
    dnd::Container c;
    c.name = "bench";
    c.state.running = true;
    c.ports[dnd::PortKey{80, dnd::Proto::tcp}] = {dnd::HostBinding{"0.0.0.0", 8080}};
    facts.container = c;
    facts.host = dnd::collect_host_network("/proc");
    const auto collected = clock::now();
    facts.paths = dnd::paths_for(facts, dnd::live_set_lookup(facts.host->set_lookups));
    const auto evaluated = clock::now();

    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    nlohmann::json out;
    out["collect_ms"] = ms(collected - start);
    out["evaluate_ms"] = ms(evaluated - collected);
    out["total_ms"] = ms(evaluated - start);
    out["max_rss_kib"] = usage.ru_maxrss;
    std::size_t rules = 0;
    if (facts.host->nftables)
        for (const auto& t : facts.host->nftables->tables)
            for (const auto& ch : t.chains) rules += ch.rules.size();
    out["nft_rules"] = rules;
    out["set_lookups"] = facts.host->set_lookups.size();
    out["errors"] = nlohmann::json::array();
    if (!facts.host->nftables) out["errors"].push_back(facts.host->nftables.error().message);
    if (!facts.paths) out["errors"].push_back(facts.paths.error().message);
    else
        for (const auto& p : *facts.paths)
            out["paths"].push_back(std::string(dnd::to_string(p.verdict)) + " by " + p.decided_by);
    std::cout << out.dump() << "\n";
    return facts.paths && facts.host->nftables ? 0 : 1;
}
