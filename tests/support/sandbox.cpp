#include "sandbox.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <arpa/inet.h>
#include <unistd.h>
#include <utility>

#include "diagnosis_log.hpp"
#include "docknetdoctor/probe/probe.hpp"
#include "docknetdoctor/probe/socket_address.hpp"
#include "docknetdoctor/probe/unique_fd.hpp"

namespace dnd::test {
namespace {

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

// KEY=VALUE lines, as sandbox.sh writes them.
std::map<std::string, std::string> parse_env_file(const std::string& text) {
    std::map<std::string, std::string> values;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        values[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
    }
    return values;
}

ConnectOutcome classify_connect_error(int error) {
    switch (error) {
        case 0: return ConnectOutcome::open;
        case ECONNREFUSED: return ConnectOutcome::refused;
        case ETIMEDOUT: return ConnectOutcome::timeout;
        case EHOSTUNREACH:
        case ENETUNREACH: return ConnectOutcome::unreachable;
        default: return ConnectOutcome::error;
    }
}

// Runs in a thread that has already joined the target netns.
ConnectOutcome connect_once(const std::string& address, int port, std::chrono::milliseconds timeout) {
    const auto target = numeric_address(address, static_cast<std::uint16_t>(port));
    if (!target) return ConnectOutcome::error;
    const UniqueFd sock(::socket(target->family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (sock.get() < 0) return ConnectOutcome::error;
    if (::connect(sock.get(), target->get(), target->length) == 0) {
        return ConnectOutcome::open;
    }
    if (errno != EINPROGRESS) return classify_connect_error(errno);
    pollfd pfd{sock.get(), POLLOUT, 0};
    int ready = 0;
    do {
        ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready == 0) return ConnectOutcome::timeout;
    if (ready < 0) return ConnectOutcome::error;
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (::getsockopt(sock.get(), SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) return ConnectOutcome::error;
    return classify_connect_error(so_error);
}

bool args_ask_for_json(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--format=json" || args[i] == "--json") return true;
        if (args[i] == "--format" && i + 1 < args.size() && args[i + 1] == "json") return true;
    }
    return false;
}

}  // namespace

// ---- RAII owners -------------------------------------------------------------------------

ScopedContainer::ScopedContainer(const Sandbox& sandbox, std::string name, ProcessResult run_result)
    : sandbox_(&sandbox), name_(std::move(name)), run_result_(std::move(run_result)) {}

ScopedContainer::ScopedContainer(ScopedContainer&& other) noexcept
    : sandbox_(std::exchange(other.sandbox_, nullptr)),
      name_(std::move(other.name_)),
      run_result_(std::move(other.run_result_)) {}

ScopedContainer::~ScopedContainer() {
    if (sandbox_ != nullptr) sandbox_->docker({"rm", "-f", "-v", name_}, 30s);
}

ScopedNetwork::ScopedNetwork(const Sandbox& sandbox, std::string name, ProcessResult create_result)
    : sandbox_(&sandbox), name_(std::move(name)), create_result_(std::move(create_result)) {}

ScopedNetwork::ScopedNetwork(ScopedNetwork&& other) noexcept
    : sandbox_(std::exchange(other.sandbox_, nullptr)),
      name_(std::move(other.name_)),
      create_result_(std::move(other.create_result_)) {}

ScopedNetwork::~ScopedNetwork() {
    if (sandbox_ != nullptr) sandbox_->docker({"network", "rm", name_}, 30s);
}

std::string_view to_string(ConnectOutcome outcome) {
    switch (outcome) {
        case ConnectOutcome::open: return "open";
        case ConnectOutcome::refused: return "refused";
        case ConnectOutcome::timeout: return "timeout";
        case ConnectOutcome::unreachable: return "unreachable";
        case ConnectOutcome::error: return "error";
    }
    return "error";
}

// ---- Diagnosis ---------------------------------------------------------------------------

std::vector<std::string> Diagnosis::cause_ids() const {
    std::vector<std::string> ids;
    if (!json || !json->is_object()) return ids;
    const auto causes = json->find("causes");
    if (causes == json->end() || !causes->is_array()) return ids;
    for (const auto& cause : *causes) {
        if (cause.is_object() && cause.contains("id") && cause["id"].is_string()) {
            ids.push_back(cause["id"].get<std::string>());
        }
    }
    return ids;
}

std::string Diagnosis::top_cause_id() const {
    const auto ids = cause_ids();
    return ids.empty() ? std::string() : ids.front();
}

std::string Diagnosis::describe() const {
    std::string text = "docknetdoctor: " + process.describe();
    if (!json_error.empty()) text += "\nJSON: " + json_error;
    text += "\nstdout:\n" + process.out;
    return text;
}

// ---- Sandbox -----------------------------------------------------------------------------

Result<Sandbox> Sandbox::from_env() {
    const char* dir = std::getenv("DND_SANDBOX_DIR");
    if (dir == nullptr || *dir == '\0') {
        return fail("sandbox", "DND_SANDBOX_DIR is not set (run the tests through ctest)");
    }
    return from_dir(dir);
}

Result<Sandbox> Sandbox::from_dir(const std::string& dir) {
    const std::string env_path = dir + "/env";
    std::ifstream file(env_path);
    if (!file) return fail("sandbox", "no sandbox: " + env_path + " is missing (sandbox_start skipped or failed)");
    std::stringstream content;
    content << file.rdbuf();
    auto values = parse_env_file(content.str());

    Sandbox sandbox;
    sandbox.dir_ = dir;
    const std::pair<const char*, std::string*> fields[] = {
        {"DOCKER_HOST", &sandbox.docker_host_}, {"HOST_NETNS", &sandbox.host_netns_},
        {"CLIENT_NETNS", &sandbox.client_netns_}, {"HOST_ADDR", &sandbox.host_addr_},
        {"CLIENT_ADDR", &sandbox.client_addr_}, {"IMAGE", &sandbox.image_},
    };
    for (const auto& [key, target] : fields) {
        auto it = values.find(key);
        if (it == values.end() || it->second.empty()) return fail("sandbox", env_path + " lacks " + key);
        *target = it->second;
    }
    if (auto it = values.find("HOST_ADDR6"); it != values.end()) sandbox.host_addr6_ = it->second;
    if (auto it = values.find("CLIENT_ADDR6"); it != values.end()) sandbox.client_addr6_ = it->second;
    if (auto it = values.find("SERVICE_BIN"); it != values.end()) sandbox.service_bin_ = it->second;
    if (auto it = values.find("ENGINE_VERSION"); it != values.end()) sandbox.engine_version_ = it->second;
    return sandbox;
}

ProcessResult Sandbox::docker(const std::vector<std::string>& args, std::chrono::milliseconds timeout) const {
    std::vector<std::string> argv{"docker"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions options;
    options.timeout = timeout;
    options.env["DOCKER_HOST"] = docker_host_;
    return run_process(argv, options);
}

std::string Sandbox::inspect(const std::string& object, const std::string& format) const {
    const auto result = docker({"inspect", "-f", format, object}, 30s);
    return result.ok() ? trim(result.out) : std::string();
}

ScopedContainer Sandbox::run_container(const std::string& name, const std::vector<std::string>& run_args) const {
    // A leftover from an aborted earlier run would make the name clash.
    docker({"rm", "-f", "-v", name}, 30s);
    std::vector<std::string> args{"run", "-d", "--name", name};
    args.insert(args.end(), run_args.begin(), run_args.end());
    return ScopedContainer(*this, name, docker(args, 60s));
}

ScopedNetwork Sandbox::create_network(const std::string& name, const std::vector<std::string>& args) const {
    docker({"network", "rm", name}, 30s);
    std::vector<std::string> create{"network", "create"};
    create.insert(create.end(), args.begin(), args.end());
    create.push_back(name);
    return ScopedNetwork(*this, name, docker(create, 60s));
}

ProcessResult Sandbox::in_host(const std::vector<std::string>& cmd, std::chrono::milliseconds timeout) const {
    std::vector<std::string> argv{"nsenter", "--net=" + host_netns_};
    argv.insert(argv.end(), cmd.begin(), cmd.end());
    RunOptions options;
    options.timeout = timeout;
    options.env["DOCKER_HOST"] = docker_host_;
    return run_process(argv, options);
}

ProcessResult Sandbox::in_client(const std::vector<std::string>& cmd, std::chrono::milliseconds timeout) const {
    std::vector<std::string> argv{"nsenter", "--net=" + client_netns_};
    argv.insert(argv.end(), cmd.begin(), cmd.end());
    RunOptions options;
    options.timeout = timeout;
    return run_process(argv, options);
}

BackgroundProcess Sandbox::start_in_host(const std::vector<std::string>& cmd, std::string* error) const {
    std::vector<std::string> argv{"nsenter", "--net=" + host_netns_};
    argv.insert(argv.end(), cmd.begin(), cmd.end());
    return BackgroundProcess::start(argv, error);
}

ProcessResult Sandbox::run_fix_command(const std::string& command, std::chrono::milliseconds timeout) const {
    const std::string stand_in = service_bin_ + "/systemctl";
    if (service_bin_.empty() || ::access(stand_in.c_str(), X_OK) != 0) {
        ProcessResult refused;
        refused.spawn_error = "the sandbox has no stand-in service manager (" + stand_in +
                              "): restart it with this sandbox.sh; not running: " + command;
        return refused;
    }
    const char* path = std::getenv("PATH");
    return in_host({"env", "PATH=" + service_bin_ + ":" + (path ? path : "/usr/sbin:/usr/bin:/sbin:/bin"), "sh", "-ec",
                    command},
                   timeout);
}

bool Sandbox::wait_for_host_listener(int port, std::chrono::milliseconds timeout) const {
    const std::string needle = ":" + std::to_string(port) + " ";
    return eventually(
        [&] {
            const auto listeners = in_host({"busybox", "netstat", "-ltn"}, 10s);
            return listeners.ok() && listeners.out.find(needle) != std::string::npos;
        },
        timeout);
}

ConnectOutcome Sandbox::client_connect(int port, std::chrono::milliseconds timeout) const {
    return client_connect_to(host_addr_, port, timeout);
}

ConnectOutcome Sandbox::client_connect_to(const std::string& address, int port,
                                          std::chrono::milliseconds timeout) const {
    // Stays `error` when the client netns cannot be entered.
    ConnectOutcome outcome = ConnectOutcome::error;
    (void)run_in_netns(client_netns_, [&] { outcome = connect_once(address, port, timeout); });
    return outcome;
}

int Sandbox::engine_major() const {
    int major = 0;
    std::from_chars(engine_version_.data(), engine_version_.data() + engine_version_.size(), major);
    return major;
}

Diagnosis Sandbox::diagnose(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                            const std::map<std::string, std::string>& env) const {
    std::vector<std::string> argv{"nsenter", "--net=" + host_netns_, DND_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions options;
    options.timeout = timeout;
    options.env = env;
    options.env["DOCKER_HOST"] = docker_host_;
    Diagnosis diagnosis;
    diagnosis.process = run_process(argv, options);
    if (args_ask_for_json(args)) {
        auto parsed = nlohmann::json::parse(diagnosis.process.out, nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded()) {
            diagnosis.json_error = "stdout is not one JSON document";
        } else {
            diagnosis.json = std::move(parsed);
        }
    }
    record_diagnosis(engine_version_, args, diagnosis);
    return diagnosis;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (condition()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(interval);
    }
}

}  // namespace dnd::test
