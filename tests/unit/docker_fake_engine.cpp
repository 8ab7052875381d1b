#include "docker_fake_engine.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dnd::testing {
namespace {

int listen_on(const std::filesystem::path& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const auto text = path.string();
    if (text.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long: " + text);
    std::memcpy(addr.sun_path, text.data(), text.size());
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0) {
        int err = errno;
        ::close(fd);
        throw std::runtime_error("bind/listen " + text + ": " + std::strerror(err));
    }
    return fd;
}

void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) return;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

// The request target of "GET /x HTTP/1.1\r\n...\r\n\r\n", "" when the client sent nothing.
std::string read_request_target(int fd) {
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 2000) <= 0) break;
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
    }
    auto first_space = request.find(' ');
    auto second_space = request.find(' ', first_space + 1);
    if (first_space == std::string::npos || second_space == std::string::npos) return {};
    return request.substr(first_space + 1, second_space - first_space - 1);
}

}  // namespace

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dnd-docker-test.XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

SilentSocket::SilentSocket(const std::filesystem::path& path) : fd_(listen_on(path)) {}
SilentSocket::~SilentSocket() { ::close(fd_); }

std::string http_response(int status, const std::string& body, const std::string& api_version) {
    return fmt::format(
        "HTTP/1.1 {} X\r\nApi-Version: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
        "Connection: close\r\n\r\n{}",
        status, api_version, body.size(), body);
}

FakeEngine::FakeEngine(std::filesystem::path socket_path, Responder respond)
    : socket_path_(std::move(socket_path)), respond_(std::move(respond)), listen_fd_(listen_on(socket_path_)) {
    if (::pipe2(stop_pipe_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    thread_ = std::thread([this] { serve(); });
}

FakeEngine::~FakeEngine() {
    [[maybe_unused]] auto written = ::write(stop_pipe_[1], "x", 1);
    thread_.join();
    ::close(stop_pipe_[0]);
    ::close(stop_pipe_[1]);
    ::close(listen_fd_);
}

std::vector<std::string> FakeEngine::targets_seen() const {
    std::lock_guard lock(mutex_);
    return targets_;
}

void FakeEngine::serve() {
    for (;;) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
        if (fds[1].revents) return;
        if (!(fds[0].revents & POLLIN)) continue;
        int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        auto target = read_request_target(client);
        if (target.empty()) {  // connected and closed without a request (as for SO_PEERCRED)
            ::close(client);
            continue;
        }
        {
            std::lock_guard lock(mutex_);
            targets_.push_back(target);
        }
        const FakeReply reply = respond_(target);
        if (reply.pause.count() == 0) {
            write_all(client, reply.bytes);
        } else {
            auto body_start = reply.bytes.find("\r\n\r\n");
            body_start = body_start == std::string::npos ? reply.bytes.size() : body_start + 4;
            if (reply.drip_headers) body_start = 0;
            write_all(client, std::string_view(reply.bytes).substr(0, body_start));
            for (std::size_t i = body_start; i < reply.bytes.size(); ++i) {
                std::this_thread::sleep_for(reply.pause);
                if (::send(client, &reply.bytes[i], 1, MSG_NOSIGNAL) != 1) break;
            }
        }
        if (reply.then)
            while (reply.then(client)) {
            }
        ::shutdown(client, SHUT_WR);
        ::close(client);
    }
}

std::string read_fixture(const std::string& relative_path) {
    std::ifstream in(std::filesystem::path(DND_SOURCE_DIR) / "fixtures" / relative_path, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + relative_path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

FakeEngine::Responder recorded_engine(std::map<std::string, std::string> overrides) {
    std::map<std::string, std::string> answers = {
        {"/_ping", http_response(200, "OK")},
        {"/v1.41/version", http_response(200, read_fixture("engine-api/version.json"))},
        {"/v1.41/info", http_response(200, read_fixture("engine-api/info.json"))},
        {"/v1.41/containers/json?all=1", http_response(200, read_fixture("engine-api/containers-list.json"))},
    };
    for (const char* name : {"web", "exited", "restarting", "none", "host", "internal", "unhealthy", "loopback",
                             "exposed", "portclash"}) {
        auto body = read_fixture(fmt::format("engine-api/container-{}.json", name));
        const auto inspect = nlohmann::json::parse(body);
        // The engine knows a container by its full id and by its name, as here; an id
        // prefix it would resolve too is left to the list (how a client must handle a 404).
        answers[fmt::format("/v1.41/containers/{}/json", inspect.at("Id").get<std::string>())] = http_response(200, body);
        answers[fmt::format("/v1.41/containers/{}/json", inspect.at("Name").get<std::string>().substr(1))] =
            http_response(200, body);
    }
    for (const char* name : {"bridge", "internal", "host"}) {
        auto body = read_fixture(fmt::format("engine-api/network-{}.json", name));
        auto id = nlohmann::json::parse(body).at("Id").get<std::string>();
        answers[fmt::format("/v1.41/networks/{}", id)] = http_response(200, body);
    }
    for (auto& [target, response] : overrides) answers[target] = std::move(response);
    return [answers = std::move(answers)](const std::string& target) -> FakeReply {
        if (auto it = answers.find(target); it != answers.end()) return it->second;
        return http_response(404, R"({"message":"page not found"})");
    };
}

}  // namespace dnd::testing
