// Collection: talk to the engine, resolve and inspect the container, then read the
// sockets. Only an unreachable engine or an unknown container stop the run; every other
// failure is recorded in its Facts slot.
#include "docknetdoctor/collect.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

#include "docknetdoctor/docker_api.hpp"
#include "docknetdoctor/host_addresses.hpp"
#include "docknetdoctor/host_network_collect.hpp"
#include "docknetdoctor/peer_collect.hpp"
#include "docknetdoctor/procfs.hpp"

namespace dnd {
namespace {

constexpr const char* kProcRoot = "/proc";

std::string utc_now_rfc3339() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::optional<std::string_view> env_docker_host() {
    const char* value = std::getenv("DOCKER_HOST");
    if (!value) return std::nullopt;
    return std::string_view(value);
}

// /version: who the engine is. Failing here means there is no engine to ask.
Result<EngineInfo> read_version(const DockerClient& client) {
    EngineInfo engine;
    engine.endpoint = client.endpoint().str();
    engine.api_version = client.api_version();
    return client.get_parsed<EngineInfo>("/version", [&](std::string_view body) -> Result<EngineInfo> {
        if (auto r = parse_version_into(body, engine); !r) return std::unexpected(r.error());
        return engine;
    });
}

// /info: OS, kernel, security options. It may fail on its own (the engine slot records it).
Result<EngineInfo> add_info(const DockerClient& client, EngineInfo engine) {
    return client.get_parsed<EngineInfo>("/info", [&](std::string_view body) -> Result<EngineInfo> {
        if (auto r = parse_info_into(body, engine); !r) return std::unexpected(r.error());
        return engine;
    });
}

bool has_own_network_stack(const Container& c) {
    return c.network_mode != "host" && c.network_mode != "none" && !c.network_mode.starts_with("container:");
}

// One failed inspect makes the whole slot an error: a partial list would hide a network.
Result<std::vector<NetworkInfo>> read_networks(const DockerClient& client, const Container& container) {
    std::vector<NetworkInfo> out;
    if (!has_own_network_stack(container)) return out;
    for (const auto& attachment : container.networks) {
        const auto& ref = attachment.network_id.empty() ? attachment.network : attachment.network_id;
        auto network = client.get_parsed<NetworkInfo>("/networks/" + ref, parse_network_inspect);
        if (!network) return std::unexpected(network.error());
        out.push_back(std::move(*network));
    }
    return out;
}

Result<std::vector<Listener>> read_container_listeners(const Container& container) {
    const auto& state = container.state;
    if (!state.running || state.restarting || state.pid <= 0) return fail("procfs", "container is not running");
    return read_listeners(kProcRoot, state.pid);
}

}  // namespace

Result<Facts> collect_facts(const CollectOptions& options) {
    auto endpoint = choose_docker_endpoint(options.docker_host, env_docker_host());
    if (!endpoint) return std::unexpected(endpoint.error());

    Facts facts;
    facts.tool_version = DND_VERSION;
    facts.collected_at = utc_now_rfc3339();
    facts.query = options.query;
    if (facts.query.from) facts.query.from_is_local = is_local_address(*facts.query.from, host_addresses());

    DockerClient client(*endpoint, options.timeout);
    if (auto ping = client.negotiate(); !ping) return std::unexpected(ping.error());

    auto engine = read_version(client);
    if (!engine) return std::unexpected(engine.error());
    facts.engine = add_info(client, std::move(*engine));

    auto list = client.get_parsed<std::vector<ContainerSummary>>("/containers/json?all=1", parse_container_list);
    if (!list) return std::unexpected(list.error());
    auto id = resolve_container(*list, options.query.container);
    if (!id) return std::unexpected(id.error());
    auto container = client.get_parsed<Container>("/containers/" + *id + "/json", parse_container_inspect);
    if (!container) return std::unexpected(container.error());

    facts.networks = read_networks(client, *container);
    facts.container_listeners = read_container_listeners(*container);
    facts.host_listeners = read_listeners(kProcRoot, 0);
    facts.container = std::move(*container);
    collect_netfilter_facts(facts);  // links, routes, sysctls, rulesets, dockerd config; then paths
    // --to: a DNS query and a probe each wait at most this long (like a ladder batch).
    const auto peer_deadline = std::min(options.timeout, std::chrono::milliseconds(2000));
    const auto probing = options.probe ? PeerProbing::run : PeerProbing::skip;
    if (auto peer = collect_peer_facts(facts, client, *list, peer_deadline, probing); !peer)
        return std::unexpected(peer.error());
    return facts;
}

}  // namespace dnd
