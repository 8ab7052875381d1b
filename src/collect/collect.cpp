// Collection of one container: talk to the engine, resolve and inspect the container, and
// meanwhile (on a thread of its own) read the host: netfilter, links, routes, sysctls,
// listeners. Then the container's sockets and the packet paths. Only an unreachable engine
// or an unknown container stop the run; every other failure is recorded in its Facts slot.
#include "docknetdoctor/collect/collect.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "collect_parts.hpp"
#include "docknetdoctor/collect/peer_collect.hpp"

namespace dnd {

Result<Facts> collect_facts(const CollectOptions& options, PhaseTimings& timings) {
    auto endpoint = choose_docker_endpoint(options.docker_host, docker_host_from_environment());
    if (!endpoint) return std::unexpected(endpoint.error());

    Facts facts = new_facts(options.query);

    // The host side needs only /proc and netlink: it runs while the engine answers. Its
    // results stay in `host` until joined; on an early return the task is joined unused.
    HostSide host(*endpoint);
    host.timeout = options.timeout;
    BackgroundTask host_task([&host] { host.collect(); });

    PhaseTimer engine_timer;
    auto connection = connect_engine(*endpoint, options.timeout);
    if (!connection) return std::unexpected(connection.error());
    const DockerClient& client = connection->client;
    timings["collect.engine.ping_version"] = engine_timer.ms();
    EngineIdentity identity(client, host.located(), std::move(connection->engine));

    // Every container is listed only when needed: when the engine does not know the name
    // as given (the list then decides, with suggestions), and for --to's target.
    std::optional<std::vector<ContainerSummary>> list;
    auto list_containers = [&]() -> Result<void> {
        if (list) return {};
        auto listed = client.get_parsed<std::vector<ContainerSummary>>("/containers/json?all=1", parse_container_list);
        if (!listed) return std::unexpected(listed.error());
        list = std::move(*listed);
        return {};
    };
    auto named = read_named_container_side(client, options.query.container, timings);
    if (!named) return std::unexpected(named.error());
    if (!*named) {
        if (auto listed = list_containers(); !listed) return std::unexpected(listed.error());
        auto id = resolve_container(*list, options.query.container);
        if (!id) return std::unexpected(id.error());
        auto by_id = read_container_side(client, *id, timings);
        if (!by_id) return std::unexpected(by_id.error());
        named->emplace(std::move(*by_id));
    }
    auto side = std::move(*named);
    facts.engine = identity.join(timings);
    timings["collect.engine"] = engine_timer.ms();

    take_host_side(host_task, host, facts, timings,
                   [&c = side->container](const Listener& l) { return on_published_port(c, l); });
    add_local_facts(facts, std::move(*side), client, host.owner_scan, timings);

    // --to: a DNS query and a probe each wait at most this long (like a ladder batch).
    PhaseTimer peer_timer;
    const auto peer_deadline = std::min(options.timeout, std::chrono::milliseconds(2000));
    const auto probing = options.probe ? PeerProbing::run : PeerProbing::skip;
    if (facts.query.to)
        if (auto listed = list_containers(); !listed) return std::unexpected(listed.error());
    const std::vector<ContainerSummary> none;
    if (auto peer = collect_peer_facts(facts, client, list ? *list : none, host.owner_scan, peer_deadline, probing); !peer)
        return std::unexpected(peer.error());
    if (facts.query.to) timings["collect.peer"] = peer_timer.ms();
    return facts;
}

Result<Facts> collect_facts(const CollectOptions& options) {
    PhaseTimings ignored;
    return collect_facts(options, ignored);
}

}  // namespace dnd
