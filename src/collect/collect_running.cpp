// Collection for --all: the host side and the engine's identity once, then every running
// container's own part under a bounded pool of workers.
#include "docknetdoctor/collect/collect_running.hpp"

#include <algorithm>
#include <cctype>
#include <atomic>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "collect_parts.hpp"
#include "docknetdoctor/collect/conntrack_collect.hpp"

namespace dnd {
namespace {

// What every worker shares: the host's facts to copy into each container's, one client
// configuration, the network cache, and the host's record of set lookups behind its lock
// (each worker has a /proc scan of its own). The host's facts are finished (its listeners'
// owners named) while the workers ask the engine: each waits for them only before its
// container's local part.
struct SharedCollection {
    const Facts& base;
    std::shared_future<bool> base_ready;  // false: the host side failed, nothing local is read
    const DockerClient& client;
    NetworkCache networks;
    SwarmCache swarm;
    std::mutex lookups_mutex;  // the set lookups, recorded in the one host all containers share
    const std::function<bool(const Container&)>& wanted;
    const PhaseTimings& host_timings;  // the shared part's, in every container's timings
    // Every container's published UDP ports' conntrack entries: one walk of the kernel's
    // table for the run. Filled before base_ready.
    Result<std::vector<ConntrackEntry>> conntrack = fail("conntrack", kNotCollected);
};

// One container's facts, or nullopt when wanted() turns it down or the host side failed.
std::optional<RunningContainerFacts> collect_one(SharedCollection& shared, SocketOwnerScan& owner_scan,
                                                 const ContainerSummary& summary) {
    RunningContainerFacts out{summary.names.empty() ? summary.id.substr(0, 12) : summary.names.front(),
                              fail("docker-api", "not collected"), {}};
    PhaseTimer timer;
    const DockerClient client = shared.client;  // a worker's own copy: requests never share state
    auto side = read_container_side(client, summary.id, out.timings, &shared.networks, &shared.swarm);
    if (const auto ready = shared.base_ready; !ready.get()) return std::nullopt;  // each thread its own copy
    for (const auto& [phase, ms] : shared.host_timings) out.timings.try_emplace(phase, ms);
    if (!side) {
        out.facts = std::unexpected(side.error());
        return out;
    }
    if (!shared.wanted(side->container)) return std::nullopt;
    Facts facts = shared.base;
    facts.query.container = out.ref;
    add_local_facts(facts, std::move(*side), client, owner_scan, out.timings, &shared.lookups_mutex, &shared.conntrack);
    out.timings["collect"] = timer.ms();
    out.facts = std::move(facts);
    return out;
}

}  // namespace

namespace {

// GET /containers/json, filtered by a label when one is given: filters={"label":["K=V"]},
// every byte but letters and digits percent-encoded.
std::string running_list_path(std::string_view only_label) {
    if (only_label.empty()) return "/containers/json";
    std::string encoded;
    for (const char ch : "{\"label\":[\"" + std::string(only_label) + "\"]}") {
        if (std::isalnum(static_cast<unsigned char>(ch)) != 0) encoded += ch;
        else encoded += fmt::format("%{:02X}", static_cast<unsigned char>(ch));
    }
    return "/containers/json?filters=" + encoded;
}

}  // namespace

Result<std::vector<RunningContainerFacts>> collect_running_facts(const CollectOptions& options,
                                                                 const std::function<bool(const Container&)>& wanted,
                                                                 std::size_t workers, const CollectProgress& progress,
                                                                 std::string_view only_label) {
    auto endpoint = choose_docker_endpoint(options.docker_host, docker_host_from_environment());
    if (!endpoint) return std::unexpected(endpoint.error());

    HostSide host(*endpoint);
    host.timeout = options.timeout;
    BackgroundTask host_task([&host] { host.collect(); });
    auto connection = connect_engine(*endpoint, options.timeout);
    if (!connection) return std::unexpected(connection.error());
    const DockerClient& client = connection->client;
    PhaseTimings host_timings;
    EngineIdentity identity(client, host.located(), std::move(connection->engine));
    // Without ?all=1 the engine lists only the running containers.
    auto list = client.get_parsed<std::vector<ContainerSummary>>(running_list_path(only_label), parse_container_list);
    if (!list) return std::unexpected(list.error());

    Facts base = new_facts(options.query);
    base.engine = identity.join(host_timings);
    std::promise<bool> host_done;
    SharedCollection shared{base, host_done.get_future().share(), client, {}, {}, {}, wanted, host_timings,
                            fail("conntrack", kNotCollected)};
    std::vector<std::optional<RunningContainerFacts>> slots(list->size());
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    auto work = [&] {
        SocketOwnerScan owner_scan(kProcRoot);  // its cache is this worker's containers'
        for (std::size_t i = next++; i < list->size(); i = next++) {
            slots[i] = collect_one(shared, owner_scan, (*list)[i]);
            const std::size_t finished = ++done;
            if (progress) progress(finished, list->size());
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < std::min(workers, list->size()); ++w) {
        try {
            pool.emplace_back(work);
        } catch (const std::system_error&) {
            break;  // fewer workers: slower, still correct
        }
    }
    // Meanwhile the host side is taken here (its owners named: every proxy's fd table);
    // whatever it throws is rethrown once the workers have stopped.
    std::exception_ptr host_failure;
    try {
        std::set<PortKey> published;  // every container's: a saved run's one host part serves them all
        for (const ContainerSummary& c : *list) published.insert(c.published.begin(), c.published.end());
        take_host_side(host_task, host, base, host_timings, [&published](const Listener& l) {
            return published.contains(PortKey{l.port, l.proto});
        });
        if (const auto udp = conntrack_ports({published.begin(), published.end()}); !udp.empty())
            shared.conntrack = read_conntrack_to_ports(udp, kMaxConntrackEntries);
    } catch (...) {
        host_failure = std::current_exception();
    }
    host_done.set_value(!host_failure);
    if (!host_failure) work();
    for (auto& t : pool) t.join();
    if (host_failure) std::rethrow_exception(host_failure);

    std::vector<RunningContainerFacts> out;
    for (auto& slot : slots)
        if (slot) out.push_back(std::move(*slot));
    std::sort(out.begin(), out.end(),
              [](const RunningContainerFacts& a, const RunningContainerFacts& b) { return a.ref < b.ref; });
    return out;
}

}  // namespace dnd
