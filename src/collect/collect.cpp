// Collection: talk to the engine, resolve and inspect the container, and meanwhile (on a
// thread of its own) read the host: netfilter, links, routes, sysctls, listeners. Then the
// container's sockets and the packet paths. Only an unreachable engine or an unknown
// container stop the run; every other failure is recorded in its Facts slot.
#include "docknetdoctor/collect/collect.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <functional>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "docknetdoctor/collect/collect_timings.hpp"
#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/collect/engine_process.hpp"
#include "docknetdoctor/collect/host_addresses.hpp"
#include "docknetdoctor/collect/host_network_collect.hpp"
#include "docknetdoctor/collect/peer_collect.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/collect/procfs_scan.hpp"
#include "docknetdoctor/collect/restart_history_collect.hpp"
#include "docknetdoctor/collect/selinux_collect.hpp"
#include "docknetdoctor/collect/vanished_process.hpp"

namespace dnd {
namespace {

constexpr const char* kProcRoot = "/proc";

// /version: who the engine is. Failing here means there is no engine to ask. /_ping's
// Server header usually says it already: then /version (slow: the engine runs runc and
// docker-init to learn their versions) is not asked.
Result<EngineInfo> read_version(const DockerClient& client) {
    EngineInfo engine;
    engine.endpoint = client.endpoint().str();
    engine.api_version = client.api_version();
    if (!client.server_version().empty()) {
        engine.server_version = client.server_version();
        return engine;
    }
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

// Host, none and container:X modes have no networks of their own to inspect.
Result<std::vector<NetworkInfo>> read_networks(const DockerClient& client, const Container& container) {
    if (!has_own_network_stack(container)) return std::vector<NetworkInfo>{};
    return inspect_attached_networks(client, container);
}

Result<std::vector<Listener>> read_container_listeners(const Container& container, SocketOwnerScan& scan) {
    const auto& state = container.state;
    if (!has_live_process(container) || state.pid <= 0) return fail("procfs", "container is not running");
    return read_listeners(kProcRoot, state.pid, scan, TcpListenerSource::sock_diag);
}

// "" (this host), or the tree DOCKNETDOCTOR_SELINUX_ROOT names.
std::string selinux_root() {
    const char* root = std::getenv(kSelinuxRootVariable);
    return root ? std::string(root) : std::string{};
}

double seconds_since_epoch(UtcTime t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

class PhaseTimer {
public:
    double ms() const { return std::chrono::duration<double, std::milli>(Clock::now() - start_).count(); }

private:
    using Clock = std::chrono::steady_clock;
    Clock::time_point start_ = Clock::now();
};

// What collection reads from this host alone: rtnetlink, sysctls, rulesets, dockerd's
// config, and the host's listeners (whose /proc scan the container's listeners reuse).
struct HostSide {
    HostNetwork network;
    Result<std::vector<Listener>> listeners = fail("procfs", "not collected");
    SocketOwnerScan owner_scan{kProcRoot};
    double netfilter_ms = 0;
    double listeners_ms = 0;

    void collect() {
        PhaseTimer netfilter_timer;
        network = collect_host_network(kProcRoot);
        netfilter_ms = netfilter_timer.ms();
        PhaseTimer listeners_timer;
        listeners = read_listeners(kProcRoot, 0, owner_scan, TcpListenerSource::sock_diag);
        listeners_ms = listeners_timer.ms();
    }
};

// Runs work on a thread of its own (or right here when no thread can be had), joined at
// the latest on destruction. An exception thrown by work is rethrown by join().
class BackgroundTask {
public:
    explicit BackgroundTask(std::function<void()> work) : work_(std::move(work)) {
        try {
            thread_ = std::thread([this] { run(); });
        } catch (const std::system_error&) {
            run();  // no thread to spare: one after the other, still correct
        }
    }
    BackgroundTask(const BackgroundTask&) = delete;
    BackgroundTask& operator=(const BackgroundTask&) = delete;
    ~BackgroundTask() {
        if (thread_.joinable()) thread_.join();
    }

    void join() {
        if (thread_.joinable()) thread_.join();
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    void run() {
        try {
            work_();
        } catch (...) {
            error_ = std::current_exception();
        }
    }

    std::function<void()> work_;
    std::exception_ptr error_;
    std::thread thread_;
};

}  // namespace

Result<Facts> collect_facts(const CollectOptions& options, PhaseTimings& timings) {
    auto endpoint = choose_docker_endpoint(options.docker_host, docker_host_from_environment());
    if (!endpoint) return std::unexpected(endpoint.error());

    Facts facts;
    facts.tool_version = DND_VERSION;
    facts.collected_at = format_rfc3339(utc_now(), 3);
    facts.query = options.query;
    if (facts.query.from) facts.query.from_is_local = is_local_address(*facts.query.from, host_addresses());

    // The host side needs only /proc and netlink: it runs while the engine answers. Its
    // results stay in `host` until joined; on an early return the task is joined unused.
    HostSide host;
    BackgroundTask host_task([&host] { host.collect(); });

    // Ping first (it fixes the API version). Then, beside the container requests: whether
    // the engine is rootless, from its own process when it is a local dockerd we can read,
    // else from /info (the engine's slowest answer), on a copy of the negotiated client.
    PhaseTimer engine_timer;
    DockerClient client(*endpoint, options.timeout);
    if (auto ping = client.negotiate(); !ping) return std::unexpected(ping.error());
    auto engine = read_version(client);
    if (!engine) return std::unexpected(engine.error());
    timings["collect.engine.ping_version"] = engine_timer.ms();
    Result<EngineInfo> identified = fail("docker-api", "not collected");
    double process_ms = 0;
    double info_ms = 0;
    BackgroundTask identify_task([&, info_client = client, engine = std::move(*engine)]() mutable {
        PhaseTimer process_timer;
        Result<EngineProcess> process = fail("engine-process", "not a local unix socket");
        if (endpoint->kind == DockerEndpoint::Kind::unix_socket)
            process = find_engine_process(kProcRoot, endpoint->socket_path);
        process_ms = process_timer.ms();
        if (process) {
            engine.process = std::move(*process);
            identified = std::move(engine);
            return;
        }
        PhaseTimer info_timer;
        identified = add_info(info_client, std::move(engine));
        info_ms = info_timer.ms();
    });

    PhaseTimer container_timer;
    auto list = client.get_parsed<std::vector<ContainerSummary>>("/containers/json?all=1", parse_container_list);
    if (!list) return std::unexpected(list.error());
    auto id = resolve_container(*list, options.query.container);
    if (!id) return std::unexpected(id.error());
    auto container = client.get_parsed<Container>("/containers/" + *id + "/json", parse_container_inspect);
    if (!container) return std::unexpected(container.error());
    const ProcessWatch watch(*container);
    // A sign of a restart loop: its recent runs, beside the rest of collection.
    RestartHistory history;
    double history_ms = 0;
    std::optional<BackgroundTask> history_task;
    if (shows_restart_signs(*container)) {
        history_task.emplace([&history, &history_ms, history_client = client, c = *container] {
            PhaseTimer history_timer;
            history = read_restart_history(history_client, c, utc_now());
            history_ms = history_timer.ms();
        });
    }
    facts.networks = read_networks(client, *container);
    timings["collect.engine.container_networks"] = container_timer.ms();
    identify_task.join();
    facts.engine = std::move(identified);
    timings["collect.engine.process"] = process_ms;
    if (info_ms > 0) timings["collect.engine.info"] = info_ms;
    timings["collect.engine"] = engine_timer.ms();

    PhaseTimer wait_timer;
    host_task.join();  // rethrows what the host side threw, as if it had run here
    timings["collect.wait_host"] = wait_timer.ms();
    timings["collect.netfilter"] = host.netfilter_ms;

    PhaseTimer procfs_timer;
    facts.container_listeners = read_container_listeners(*container, host.owner_scan);
    facts.host_listeners = std::move(host.listeners);
    timings["collect.procfs.host"] = host.listeners_ms;
    timings["collect.procfs.container"] = procfs_timer.ms();

    if (history_task) {
        history_task->join();
        facts.restart_history = std::move(history);
        timings["collect.engine.restart_history"] = history_ms;
    }
    facts.container = std::move(*container);
    if (watch.gone()) {
        PhaseTimer recheck_timer;
        if (!facts.container_listeners)
            facts.container_listeners = fail("procfs", "the container's process exited while its sockets were read");
        recheck_vanished_process(client, facts, watch.vanished("listener collection"));
        timings["collect.engine.recheck"] = recheck_timer.ms();
    }
    facts.host = std::move(host.network);
    PhaseTimer selinux_timer;
    facts.selinux = collect_selinux(selinux_root(), kProcRoot, selinux_subjects(facts), host.owner_scan,
                                    seconds_since_epoch(utc_now()));
    timings["collect.selinux"] = selinux_timer.ms();
    PhaseTimer paths_timer;
    facts.paths = paths_for(facts, live_set_lookup(facts.host.set_lookups));
    timings["collect.paths"] = paths_timer.ms();

    // --to: a DNS query and a probe each wait at most this long (like a ladder batch).
    PhaseTimer peer_timer;
    const auto peer_deadline = std::min(options.timeout, std::chrono::milliseconds(2000));
    const auto probing = options.probe ? PeerProbing::run : PeerProbing::skip;
    if (auto peer = collect_peer_facts(facts, client, *list, host.owner_scan, peer_deadline, probing); !peer)
        return std::unexpected(peer.error());
    if (facts.query.to) timings["collect.peer"] = peer_timer.ms();
    return facts;
}

Result<Facts> collect_facts(const CollectOptions& options) {
    PhaseTimings ignored;
    return collect_facts(options, ignored);
}

}  // namespace dnd
