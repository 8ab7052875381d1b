#pragma once
// The parts collection is made of, shared by one container's collection (collect.cpp) and
// every running container's (collect_running.cpp): the host side, read once however many
// containers are asked about; the engine's identity; one container's engine side (inspect,
// networks, restart history); and what is then read locally for that container (its
// listeners, SELinux, the packet paths).
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "docknetdoctor/collect/collect_timings.hpp"
#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/collect/engine_process.hpp"
#include "docknetdoctor/collect/procfs_scan.hpp"
#include "docknetdoctor/collect/vanished_process.hpp"

namespace dnd {

inline constexpr const char* kProcRoot = "/proc";

class PhaseTimer {
public:
    double ms() const { return std::chrono::duration<double, std::milli>(Clock::now() - start_).count(); }

private:
    using Clock = std::chrono::steady_clock;
    Clock::time_point start_ = Clock::now();
};

// Runs work on a thread of its own (or right here when no thread can be had), joined at
// the latest on destruction. An exception thrown by work is rethrown by join().
class BackgroundTask {
public:
    explicit BackgroundTask(std::function<void()> work);
    BackgroundTask(const BackgroundTask&) = delete;
    BackgroundTask& operator=(const BackgroundTask&) = delete;
    ~BackgroundTask();

    void join();

private:
    void run();

    std::function<void()> work_;
    std::exception_ptr error_;
    std::thread thread_;
};

// The engine's own dockerd, when the endpoint is a local unix socket that leads to one
// (its listener, or the dockerd socket activation handed it to). Found first by the host
// side, which reads its config; the engine's identity reads its environment.
struct LocatedEngine {
    Result<EngineProcess> process = fail("engine-process", "not looked for");
    double ms = 0;
};
LocatedEngine locate_engine_process(const DockerEndpoint& endpoint);

// What collection reads from this host alone: rtnetlink, sysctls, rulesets, dockerd's
// config, and the host's listeners (their owners named later, from the /proc scan the
// containers' listeners reuse).
struct HostSide {
    explicit HostSide(DockerEndpoint endpoint) : endpoint_(std::move(endpoint)), located_(promise_.get_future().share()) {}
    // The engine's dockerd as collect() found it first, for the engine's identity to wait on.
    std::shared_future<LocatedEngine> located() const { return located_; }

    int engine_pid = 0;  // the engine's dockerd (0: unknown), set by collect() before the rest
    std::chrono::milliseconds timeout{5000};  // for a daemon asked on the way (firewalld over D-Bus)
    HostNetwork network;
    Result<std::vector<Listener>> listeners = fail("procfs", "not collected");
    EngineChildren engine_children;  // of engine_pid
    SocketOwnerScan owner_scan{kProcRoot};
    double netfilter_ms = 0;
    double listeners_ms = 0;

    void collect();

private:
    DockerEndpoint endpoint_;
    std::promise<LocatedEngine> promise_;
    std::shared_future<LocatedEngine> located_;
};

// Facts before anything is read: the tool, the time, the question (whether --from is this
// host decided here, for one container and --all alike).
Facts new_facts(const Query& query);

// Waits for the host side, then moves what it read into facts (host network, host
// listeners; its owner scan stays for the containers' listeners), with its timings. Names
// the owners of the host listeners owners_wanted selects (all when empty): finding an
// owner may read every process's fd table, so a diagnosis asks only for what it uses.
// facts.engine must be filled already (its process's children are the likely owners).
void take_host_side(BackgroundTask& task, HostSide& host, Facts& facts, PhaseTimings& timings,
                    const std::function<bool(const Listener&)>& owners_wanted);

// Whether listener is on one of container's published host ports, asked for or in effect:
// the host listeners one container's diagnosis looks at.
bool on_published_port(const Container& container, const Listener& listener);

// /_ping (it fixes the API version), then /version: who the engine is (from /_ping's
// Server header when it said so). An error means there is no engine to ask.
struct EngineConnection {
    DockerClient client;
    EngineInfo engine;
};
Result<EngineConnection> connect_engine(const DockerEndpoint& endpoint, std::chrono::milliseconds timeout);

// The rest of the engine's identity: whether it is rootless, from its own process when it
// is a local dockerd we can read, else from /info (the engine's slowest answer). Runs beside
// the container requests on a copy of the negotiated client.
class EngineIdentity {
public:
    EngineIdentity(const DockerClient& client, std::shared_future<LocatedEngine> located, EngineInfo engine);
    // An error when /info failed (the engine slot records it).
    Result<EngineInfo> join(PhaseTimings& timings);

private:
    Result<EngineInfo> identified_ = fail("docker-api", "not collected");
    double process_ms_ = 0;
    double info_ms_ = 0;
    BackgroundTask task_;
};

// Networks by id, each asked of the engine once, shared by the workers of one run.
class NetworkCache {
public:
    Result<std::vector<NetworkInfo>> attached_networks(const DockerClient& client, const Container& container);

private:
    std::mutex mutex_;
    std::map<std::string, NetworkInfo> by_ref_;
};

// What the workers of one run share about the swarm, each read once: the engine's
// membership (only when a container needs it: a task, or one on an overlay network), and
// this node's routing mesh, which every task publishing through it would read again.
class SwarmCache {
public:
    Result<std::optional<SwarmMembership>> membership(const DockerClient& client);
    Result<RoutingMesh> routing_mesh(const std::string& sandbox);

private:
    std::once_flag asked_;
    Result<std::optional<SwarmMembership>> answer_ = fail("docker-api", "not asked");
    std::mutex mesh_mutex_;  // held while the first read of a sandbox runs: the others wait for it
    std::map<std::string, Result<RoutingMesh>> meshes_;
};

// One container as the engine tells it, read while its process is watched.
struct ContainerSide {
    Container container;
    Result<std::vector<NetworkInfo>> networks = fail("docker-api", "not collected");
    std::optional<RestartHistory> restart_history;
    std::optional<SwarmService> swarm_service;  // a Swarm task's
    std::optional<SwarmMembership> swarm;       // crosses_swarm_nodes: the engine's swarm membership
    ProcessWatch watch;
};

// Inspect, the attached networks (through networks when given), on a sign of a restart
// loop its recent runs (beside the networks), and for a task or a container on an overlay
// network the engine's swarm membership (through swarm when given).
Result<ContainerSide> read_container_side(const DockerClient& client, const std::string& id, PhaseTimings& timings,
                                          NetworkCache* networks = nullptr, SwarmCache* swarm = nullptr);

// read_container_side for the container the user named, asked of the engine by that name:
// it resolves a name, a full id or a unique id prefix the way `docker inspect` does, so the
// container list (slow on a host with hundreds) is not needed. std::nullopt when the engine
// does not know it that way, or it is not a name a container can have.
Result<std::optional<ContainerSide>> read_named_container_side(const DockerClient& client, std::string_view name,
                                                               PhaseTimings& timings);

// The host ports whose conntrack entries a diagnosis reads: the UDP ones published. A UDP
// flow lasts while its client sends, so it is what outlives a recreated container; a stale
// TCP entry holds only the connection it was made for.
std::vector<PortKey> conntrack_ports(const std::vector<PortKey>& published_host_ports);

// The rest of one container's facts, read on this host: its listeners (through the shared
// owner scan), a recheck when its process vanished meanwhile, SELinux, the conntrack entries
// to its published UDP ports, the packet paths. facts.host must be filled already.
// lookups_mutex: held around each set lookup when several containers' facts, sharing one
// host and its record of lookups, are completed at once.
// conntrack: the entries to every port of the run, read once (--all); nullptr: read here.
void add_local_facts(Facts& facts, ContainerSide side, const DockerClient& client, SocketOwnerScan& owner_scan,
                     PhaseTimings& timings, std::mutex* lookups_mutex = nullptr,
                     const Result<std::vector<ConntrackEntry>>* conntrack = nullptr);

}  // namespace dnd
