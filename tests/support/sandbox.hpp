#pragma once
// The sandbox engine from scripts/sandbox.sh, seen from a test: a real dockerd in its own
// network namespace (the "host"), plus a client namespace that reaches it over a veth pair.
// Every helper runs its child processes with a deadline; containers and networks a test
// creates are removed by RAII owners, even when the test fails.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/error.hpp"
#include "run_binary.hpp"

namespace dnd::test {

using namespace std::chrono_literals;

class Sandbox;

// Removes its container (docker rm -f -v) on destruction. Holds the `docker run` outcome,
// which fails on purpose in some scenarios (a host port conflict) while the container exists.
class ScopedContainer {
public:
    ScopedContainer(const Sandbox& sandbox, std::string name, ProcessResult run_result);
    ScopedContainer(ScopedContainer&& other) noexcept;
    ScopedContainer& operator=(ScopedContainer&&) = delete;
    ScopedContainer(const ScopedContainer&) = delete;
    ScopedContainer& operator=(const ScopedContainer&) = delete;
    ~ScopedContainer();

    const std::string& name() const { return name_; }
    const ProcessResult& run_result() const { return run_result_; }

private:
    const Sandbox* sandbox_;
    std::string name_;
    ProcessResult run_result_;
};

// Removes its network (docker network rm) on destruction.
class ScopedNetwork {
public:
    ScopedNetwork(const Sandbox& sandbox, std::string name, ProcessResult create_result);
    ScopedNetwork(ScopedNetwork&& other) noexcept;
    ScopedNetwork& operator=(ScopedNetwork&&) = delete;
    ScopedNetwork(const ScopedNetwork&) = delete;
    ScopedNetwork& operator=(const ScopedNetwork&) = delete;
    ~ScopedNetwork();

    const std::string& name() const { return name_; }
    const ProcessResult& create_result() const { return create_result_; }

private:
    const Sandbox* sandbox_;
    std::string name_;
    ProcessResult create_result_;
};

// What a TCP connect attempt ended in (see shared/notes/probing.md).
enum class ConnectOutcome { open, refused, timeout, unreachable, error };
std::string_view to_string(ConnectOutcome outcome);

// One run of docknetdoctor against the sandbox engine.
struct Diagnosis {
    ProcessResult process;
    std::optional<nlohmann::json> json;  // set when stdout parsed as JSON
    std::string json_error;               // why it did not

    // causes[0].id, or "" when there is no cause.
    std::string top_cause_id() const;
    // All cause ids in rank order.
    std::vector<std::string> cause_ids() const;
    // Everything a failing assertion should show.
    std::string describe() const;
};

class Sandbox {
public:
    // Reads $DND_SANDBOX_DIR/env (written by `sandbox.sh start`). An error means "no sandbox
    // here": tests skip.
    static Result<Sandbox> from_env();
    // The sandbox `sandbox.sh start DIR` made.
    static Result<Sandbox> from_dir(const std::string& dir);

    const std::string& dir() const { return dir_; }
    const std::string& docker_host() const { return docker_host_; }
    const std::string& host_netns() const { return host_netns_; }
    const std::string& client_netns() const { return client_netns_; }
    const std::string& host_addr() const { return host_addr_; }
    const std::string& client_addr() const { return client_addr_; }
    // The same link's IPv6 addresses (fd00:dd:N::1 and ::2); "" from a sandbox without them.
    const std::string& host_addr6() const { return host_addr6_; }
    const std::string& client_addr6() const { return client_addr6_; }
    const std::string& image() const { return image_; }
    // The engine's version as it reported it at start ("28.5.2+dfsg4"); its major number, 0
    // when unknown.
    const std::string& engine_version() const { return engine_version_; }
    int engine_major() const;

    // The docker CLI against the sandbox engine.
    ProcessResult docker(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 60s) const;
    // `docker inspect -f FORMAT OBJECT`, trimmed; "" when it fails.
    std::string inspect(const std::string& object, const std::string& format) const;

    // `docker run -d --name NAME RUN_ARGS...` (image and command are part of RUN_ARGS).
    ScopedContainer run_container(const std::string& name, const std::vector<std::string>& run_args) const;
    // `docker network create ARGS... NAME`.
    ScopedNetwork create_network(const std::string& name, const std::vector<std::string>& args) const;

    // CMD in the host netns (DOCKER_HOST set), or in the client netns.
    ProcessResult in_host(const std::vector<std::string>& cmd, std::chrono::milliseconds timeout = 30s) const;
    ProcessResult in_client(const std::vector<std::string>& cmd, std::chrono::milliseconds timeout = 30s) const;
    // A long-running process in the host netns (e.g. one holding a port); killed on destruction.
    BackgroundProcess start_in_host(const std::vector<std::string>& cmd, std::string* error = nullptr) const;
    // True once something listens on TCP PORT in the host netns.
    bool wait_for_host_listener(int port, std::chrono::milliseconds timeout = 10s) const;

    // A fix text's shell command, run as written in the host netns with the sandbox's stand-in
    // service manager first on PATH (`systemctl restart docker` restarts the sandbox engine:
    // `sandbox.sh restart`). Refused, never run, when the stand-in is missing: this host's
    // own systemctl must not be reached.
    ProcessResult run_fix_command(const std::string& command, std::chrono::milliseconds timeout = 120s) const;

    // A real TCP connect from the client netns to HOST_ADDR:PORT (a thread that setns()es).
    ConnectOutcome client_connect(int port, std::chrono::milliseconds timeout = 3s) const;
    // The same to ADDRESS:PORT, IPv4 or IPv6 (a container's address the client has a route to).
    ConnectOutcome client_connect_to(const std::string& address, int port,
                                     std::chrono::milliseconds timeout = 3s) const;

    // docknetdoctor ARGS... in the host netns with DOCKER_HOST set; JSON parsed when it is.
    // env: further environment variables for it (DOCKNETDOCTOR_SELINUX_ROOT ...).
    Diagnosis diagnose(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 120s,
                       const std::map<std::string, std::string>& env = {}) const;

private:
    Sandbox() = default;
    std::string dir_;
    std::string docker_host_;
    std::string host_netns_;
    std::string client_netns_;
    std::string host_addr_;
    std::string client_addr_;
    std::string host_addr6_;
    std::string client_addr6_;
    std::string image_;
    std::string service_bin_;
    std::string engine_version_;  // the server's version, as the sandbox read it at start
};

// Polls CONDITION every INTERVAL until it holds or TIMEOUT passes; returns the last result.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = 250ms);

}  // namespace dnd::test
