#pragma once
// In-process stand-ins for the Docker engine on a unix socket in a temporary directory,
// for testing what the user sees when the engine misbehaves.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace dnd::testing {

// A temporary directory, removed (with its contents) on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A bound, listening unix socket that never accepts: connects succeed (the kernel queues
// them) and requests are never answered.
class SilentSocket {
public:
    explicit SilentSocket(const std::filesystem::path& path);
    ~SilentSocket();
    SilentSocket(const SilentSocket&) = delete;
    SilentSocket& operator=(const SilentSocket&) = delete;

private:
    int fd_ = -1;
};

// Raw HTTP/1.1 response bytes with the engine's API-Version header.
std::string http_response(int status, const std::string& body, const std::string& api_version = "1.41");

// Raw bytes to send before closing; with a pause, one byte at a time after the headers (or,
// with drip_headers, from the first byte). Then, if set, `then` writes more until it
// returns false (the client went away): endless headers, a body without end.
struct FakeReply {
    FakeReply(std::string raw, std::chrono::milliseconds body_byte_pause = {})  // NOLINT: implicit from bytes
        : bytes(std::move(raw)), pause(body_byte_pause) {}
    std::string bytes;
    std::chrono::milliseconds pause;
    bool drip_headers = false;
    std::function<bool(int client_fd)> then;
};

// Serves each request with respond(target).
class FakeEngine {
public:
    using Responder = std::function<FakeReply(const std::string& target)>;
    FakeEngine(std::filesystem::path socket_path, Responder respond);
    ~FakeEngine();
    FakeEngine(const FakeEngine&) = delete;
    FakeEngine& operator=(const FakeEngine&) = delete;

    std::string endpoint() const { return "unix://" + socket_path_.string(); }
    std::vector<std::string> targets_seen() const;

private:
    void serve();
    std::filesystem::path socket_path_;
    Responder respond_;
    int listen_fd_ = -1;
    int stop_pipe_[2] = {-1, -1};
    mutable std::mutex mutex_;
    std::vector<std::string> targets_;
    std::thread thread_;
};

// The recorded bodies of fixtures/engine-api/ served as a 1.41 engine; overrides replace
// the answer for a target ("/v1.41/version" ...).
FakeEngine::Responder recorded_engine(std::map<std::string, std::string> overrides = {});

std::string read_fixture(const std::string& relative_path);

}  // namespace dnd::testing
