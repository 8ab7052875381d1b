#include "collect_parts.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iterator>
#include <set>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "docknetdoctor/collect/conntrack_collect.hpp"
#include "docknetdoctor/collect/engine_process.hpp"
#include "docknetdoctor/model/docker_name.hpp"
#include "docknetdoctor/collect/host_addresses.hpp"
#include "docknetdoctor/collect/host_network_collect.hpp"
#include "docknetdoctor/collect/restart_history_collect.hpp"
#include "docknetdoctor/collect/swarm_collect.hpp"
#include "docknetdoctor/collect/selinux_collect.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/rfc3339.hpp"
#include "docknetdoctor/path/evaluate.hpp"
#include "docknetdoctor/path/swarm_node_paths.hpp"
#include "proc_files.hpp"

namespace dnd {
namespace {

// /info: OS, kernel, security options. It may fail on its own (the engine slot records it).
Result<EngineInfo> add_info(const DockerClient& client, EngineInfo engine) {
    return client.get_parsed<EngineInfo>("/info", [&](std::string_view body) -> Result<EngineInfo> {
        if (auto r = parse_info_into(body, engine); !r) return std::unexpected(r.error());
        return engine;
    });
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

// /version, unless /_ping's Server header said it (/version is slow: the engine runs runc
// and docker-init to learn their versions).
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

}  // namespace

Facts new_facts(const Query& query) {
    Facts facts;
    facts.tool_version = DND_VERSION;
    facts.collected_at = format_rfc3339(utc_now(), 3);
    facts.query = query;
    if (facts.query.from) facts.query.from_is_local = is_local_address(*facts.query.from, host_addresses());
    return facts;
}

namespace {

// Of the engine's children, the proxies of the wanted listeners' ports (EngineChildren's
// map); all children when none names one (another proxy, another engine): the owner scan
// reads the likely processes whole, and with hundreds of containers they are hundreds of
// proxies.
std::vector<int> proxies_of_ports(const EngineChildren& engine, const std::vector<Listener>& listeners,
                                  const std::function<bool(const Listener&)>& wanted) {
    std::set<int> proxies;
    for (const Listener& l : listeners)
        if (!wanted || wanted(l))
            if (auto named = engine.proxies_by_port.find(l.port); named != engine.proxies_by_port.end())
                proxies.insert(named->second.begin(), named->second.end());
    return proxies.empty() ? engine.children : std::vector<int>(proxies.begin(), proxies.end());
}

}  // namespace

void take_host_side(BackgroundTask& task, HostSide& host, Facts& facts, PhaseTimings& timings,
                    const std::function<bool(const Listener&)>& owners_wanted) {
    PhaseTimer wait_timer;
    task.join();  // rethrows what the host side threw, as if it had run here
    timings["collect.wait_host"] = wait_timer.ms();
    timings["collect.netfilter"] = host.netfilter_ms;
    PhaseTimer owners_timer;
    if (host.listeners) {
        // The engine's proxies are its children: the likely owners of a published port (none
        // when the engine's process is unknown: it has no children read).
        const std::vector<int> likely = proxies_of_ports(host.engine_children, *host.listeners, owners_wanted);
        const unsigned long host_netns = netns_inode_of(std::string(kProcRoot) + "/self").value_or(0);
        name_owners(*host.listeners, host.owner_scan, host_netns, likely, owners_wanted);
    }
    timings["collect.procfs.host"] = host.listeners_ms + owners_timer.ms();
    facts.host_listeners = std::move(host.listeners);
    facts.host = std::move(host.network);
}

bool on_published_port(const Container& container, const Listener& listener) {
    // Asked for (HostConfig) and in effect (NetworkSettings): a container that could not
    // start has only the former, and the holder of its port is what it wants to know.
    for (const auto* map : {&container.port_bindings, &container.ports})
        for (const auto& [port, bindings] : *map)
            for (const HostBinding& b : bindings)
                if (b.host_port == listener.port && port.proto == listener.proto) return true;
    return false;
}

Result<EngineConnection> connect_engine(const DockerEndpoint& endpoint, std::chrono::milliseconds timeout) {
    DockerClient client(endpoint, timeout);
    if (auto ping = client.negotiate(); !ping) return std::unexpected(ping.error());
    auto engine = read_version(client);
    if (!engine) return std::unexpected(engine.error());
    return EngineConnection{std::move(client), std::move(*engine)};
}

BackgroundTask::BackgroundTask(std::function<void()> work) : work_(std::move(work)) {
    try {
        thread_ = std::thread([this] { run(); });
    } catch (const std::system_error&) {
        run();  // no thread to spare: one after the other, still correct
    }
}

BackgroundTask::~BackgroundTask() {
    if (thread_.joinable()) thread_.join();
}

void BackgroundTask::join() {
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void BackgroundTask::run() {
    try {
        work_();
    } catch (...) {
        error_ = std::current_exception();
    }
}

void HostSide::collect() {
    // First the engine's process: the identity waits for it, and its config is read below.
    try {
        LocatedEngine found = locate_engine_process(endpoint_);
        if (found.process) engine_pid = found.process->pid;
        promise_.set_value(std::move(found));
    } catch (...) {
        promise_.set_exception(std::current_exception());
        throw;
    }
    // The listeners and the engine's children grow with the containers as the rulesets and
    // links do (a proxy, its sockets): read beside them, in the same netns (a thread starts
    // in its creator's).
    BackgroundTask listening([this] {
        PhaseTimer listeners_timer;
        listeners = list_listeners(kProcRoot, 0, TcpListenerSource::sock_diag);
        if (engine_pid > 0) engine_children = read_engine_children(kProcRoot, engine_pid);
        listeners_ms = listeners_timer.ms();
    });
    PhaseTimer netfilter_timer;
    network = collect_host_network(kProcRoot, engine_pid, timeout);
    netfilter_ms = netfilter_timer.ms();
    listening.join();
}

LocatedEngine locate_engine_process(const DockerEndpoint& endpoint) {
    LocatedEngine located;
    if (endpoint.kind != DockerEndpoint::Kind::unix_socket) {
        located.process = fail("engine-process", "not a local unix socket");
        return located;
    }
    PhaseTimer process_timer;
    located.process = find_engine_process(kProcRoot, endpoint.socket_path);
    located.ms = process_timer.ms();
    return located;
}

EngineIdentity::EngineIdentity(const DockerClient& client, std::shared_future<LocatedEngine> located, EngineInfo engine)
    : task_([this, client, located = std::move(located), engine = std::move(engine)]() mutable {
          const LocatedEngine& found = located.get();  // rethrows what the host side threw finding it
          process_ms_ = found.ms;
          if (auto process = found.process) {
              engine.process = std::move(*process);
              identified_ = std::move(engine);
              return;
          }
          PhaseTimer info_timer;
          identified_ = add_info(client, std::move(engine));
          info_ms_ = info_timer.ms();
      }) {}

Result<EngineInfo> EngineIdentity::join(PhaseTimings& timings) {
    task_.join();
    timings["collect.engine.process"] = process_ms_;
    if (info_ms_ > 0) timings["collect.engine.info"] = info_ms_;
    return std::move(identified_);
}

Result<std::optional<SwarmMembership>> SwarmCache::membership(const DockerClient& client) {
    std::call_once(asked_, [&] { answer_ = read_swarm_membership(client); });
    return answer_;
}

Result<RoutingMesh> SwarmCache::routing_mesh(const std::string& sandbox) {
    std::lock_guard lock(mesh_mutex_);
    auto known = meshes_.find(sandbox);
    if (known == meshes_.end()) known = meshes_.emplace(sandbox, read_routing_mesh(sandbox)).first;
    return known->second;
}

Result<std::vector<NetworkInfo>> NetworkCache::attached_networks(const DockerClient& client, const Container& container) {
    std::vector<NetworkInfo> out;
    for (const auto& attachment : container.networks) {
        const auto& ref = attachment.network_id.empty() ? attachment.network : attachment.network_id;
        {
            std::lock_guard lock(mutex_);
            if (auto known = by_ref_.find(ref); known != by_ref_.end()) {
                out.push_back(known->second);
                continue;
            }
        }
        // Asked outside the lock: two workers may ask for the same network once each.
        auto network = client.get_parsed<NetworkInfo>("/networks/" + ref, parse_network_inspect);
        if (!network) return std::unexpected(network.error());
        std::lock_guard lock(mutex_);
        out.push_back(by_ref_.try_emplace(ref, std::move(*network)).first->second);
    }
    return out;
}

namespace {

// The rest of read_container_side, once the container is inspected; container_timer started
// before the inspect.
Result<ContainerSide> side_of(const DockerClient& client, Result<Container> container, const PhaseTimer& container_timer,
                              PhaseTimings& timings, NetworkCache* networks, SwarmCache* swarm) {
    if (!container) return std::unexpected(container.error());
    ContainerSide side;
    side.watch = ProcessWatch(*container);
    // A sign of a restart loop: its recent runs, beside the networks.
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
    if (!has_own_network_stack(*container))  // host, none and container:X have no networks of their own
        side.networks = std::vector<NetworkInfo>{};
    else
        side.networks = networks ? networks->attached_networks(client, *container)
                                 : inspect_attached_networks(client, *container);
    timings["collect.engine.container_networks"] = container_timer.ms();
    side.swarm_service =
        swarm ? read_swarm_service(client, *container, "/sys",
                                   [swarm](const std::string& sandbox) { return swarm->routing_mesh(sandbox); })
              : read_swarm_service(client, *container);
    if (side.networks && crosses_swarm_nodes(*container, *side.networks)) {
        PhaseTimer swarm_timer;
        auto membership = swarm ? swarm->membership(client) : read_swarm_membership(client);
        if (!membership) {
            // Only a swarm member has tasks and overlay networks: it is one, whose nodes are unknown.
            SwarmMembership unknown;
            unknown.nodes = std::unexpected(membership.error());
            side.swarm = std::move(unknown);
        } else {
            side.swarm = std::move(*membership);
        }
        timings["collect.engine.swarm"] = swarm_timer.ms();
    }
    if (history_task) {
        history_task->join();
        side.restart_history = std::move(history);
        timings["collect.engine.restart_history"] = history_ms;
    }
    side.container = std::move(*container);
    return side;
}

}  // namespace

Result<ContainerSide> read_container_side(const DockerClient& client, const std::string& id, PhaseTimings& timings,
                                          NetworkCache* networks, SwarmCache* swarm) {
    PhaseTimer container_timer;
    auto container = client.get_parsed<Container>("/containers/" + id + "/json", parse_container_inspect);
    return side_of(client, std::move(container), container_timer, timings, networks, swarm);
}

Result<std::optional<ContainerSide>> read_named_container_side(const DockerClient& client, std::string_view name,
                                                               PhaseTimings& timings) {
    if (!is_docker_name(name)) return std::nullopt;  // nothing a URL path would need escaped
    PhaseTimer container_timer;
    auto container = client.get_parsed_if_ok<Container>("/containers/" + std::string(name) + "/json",
                                                         parse_container_inspect);
    if (!container) return std::unexpected(container.error());
    if (!*container) return std::nullopt;
    return side_of(client, std::move(**container), container_timer, timings, nullptr, nullptr);
}

std::vector<PortKey> conntrack_ports(const std::vector<PortKey>& published_host_ports) {
    std::vector<PortKey> out;
    for (const PortKey& p : published_host_ports)
        if (p.proto == Proto::udp && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    return out;
}

void add_local_facts(Facts& facts, ContainerSide side, const DockerClient& client, SocketOwnerScan& owner_scan,
                     PhaseTimings& timings, std::mutex* lookups_mutex, const Result<std::vector<ConntrackEntry>>* conntrack) {
    PhaseTimer procfs_timer;
    facts.container_listeners = read_container_listeners(side.container, owner_scan);
    timings["collect.procfs.container"] = procfs_timer.ms();
    facts.networks = std::move(side.networks);
    if (side.restart_history) facts.restart_history = std::move(side.restart_history);
    facts.swarm_service = std::move(side.swarm_service);
    facts.swarm = std::move(side.swarm);
    facts.container = std::move(side.container);
    if (side.watch.gone()) {
        PhaseTimer recheck_timer;
        if (!facts.container_listeners)
            facts.container_listeners = fail("procfs", "the container's process exited while its sockets were read");
        recheck_vanished_process(client, facts, side.watch.vanished("listener collection"));
        timings["collect.engine.recheck"] = recheck_timer.ms();
    }
    PhaseTimer selinux_timer;
    facts.selinux = collect_selinux(selinux_root(), kProcRoot, selinux_subjects(facts), owner_scan,
                                    seconds_since_epoch(utc_now()));
    timings["collect.selinux"] = selinux_timer.ms();
    if (facts.container) {
        std::vector<PortKey> published;
        for (const auto& [port, bindings] : facts.container->ports)
            for (const HostBinding& b : bindings)
                if (b.host_port != 0) published.push_back(PortKey{b.host_port, port.proto});
        if (const auto ports = conntrack_ports(published); !ports.empty()) {
            PhaseTimer conntrack_timer;
            if (conntrack == nullptr) {
                facts.conntrack = read_conntrack_to_ports(ports, kMaxConntrackEntries);
            } else if (!*conntrack) {
                facts.conntrack = std::unexpected(conntrack->error());
            } else {
                std::vector<ConntrackEntry> mine;  // the run's read keeps kMaxConntrackEntries a port already
                for (const ConntrackEntry& e : **conntrack)
                    if (std::find(ports.begin(), ports.end(), PortKey{e.orig_dport, e.proto}) != ports.end()) mine.push_back(e);
                facts.conntrack = std::move(mine);
            }
            timings["collect.conntrack"] = conntrack_timer.ms();
        }
    }
    PhaseTimer paths_timer;
    SetLookup lookup = live_set_lookup(facts.host->set_lookups);
    if (lookups_mutex != nullptr)
        lookup = [unlocked = std::move(lookup), lookups_mutex](nf::Family family, const std::string& table,
                                                               const std::string& set, const nf::Bytes& key) {
            std::lock_guard lock(*lookups_mutex);
            return unlocked(family, table, set, key);
        };
    facts.paths = paths_for(facts, lookup);
    if (facts.swarm) facts.swarm->paths = swarm_node_paths(*facts.host, *facts.swarm, lookup);
    timings["collect.paths"] = paths_timer.ms();
}

}  // namespace dnd
