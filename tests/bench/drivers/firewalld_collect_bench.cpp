// What reading firewalld adds to a diagnosis: read_firewalld_state (interfaces docker0 and
// ext0, this host's files as the fallback) timed RUNS times against a firewalld that answers
// on BUS_ADDRESS, and RUNS times against a bus that does not exist (unix:path=/nonexistent/bus:
// what a host without firewalld pays; its files are then read, from /). Each series runs in a
// fresh process of its own (this program with --series), so each one's first call pays what
// one diagnosis pays, libsystemd's dlopen included: it is reported apart, and the median and
// max are over the other calls. Prints one JSON object; added_ms is the difference of the
// medians. Exit 1 when the read with firewalld did not come from its runtime state (D-Bus).
// Usage: firewalld_collect_bench BUS_ADDRESS RUNS
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "docknetdoctor/collect/firewalld_collect.hpp"
#include "docknetdoctor/model/firewalld.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kNoBus = "unix:path=/nonexistent/bus";

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// RUNS reads against bus: every call's time (ms) and what the last one read.
nlohmann::json series(const std::string& bus, int runs) {
    dnd::FirewalldReadOptions options;
    options.root = "";
    options.bus_address = bus;
    options.interfaces = {"docker0", "ext0"};
    nlohmann::json out;
    out["ms"] = nlohmann::json::array();
    dnd::FirewalldState state;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        state = dnd::read_firewalld_state(options);
        out["ms"].push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    out["source"] = std::string(dnd::to_string(state.source));
    out["runtime_unread"] = state.runtime_unread;
    out["version"] = state.version;
    out["zones"] = state.zones.size();
    out["policies"] = state.policies.size();
    out["interface_zones"] = state.interface_zones;
    return out;
}

// This program with --series BUS RUNS, in a process of its own: its JSON, or nullopt.
std::optional<nlohmann::json> series_in_child(const std::string& bus, int runs) {
    int fds[2];
    if (::pipe(fds) != 0) return std::nullopt;
    const pid_t pid = ::fork();
    if (pid < 0) return std::nullopt;
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        const std::string count = std::to_string(runs);
        ::execl("/proc/self/exe", "firewalld_collect_bench", "--series", bus.c_str(), count.c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(fds[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) != 0;) {
        if (n < 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded()) return std::nullopt;
    return parsed;
}

// {first, median, max}: the first call apart, the median and max over the rest.
nlohmann::json figures(const nlohmann::json& s) {
    const auto all = s.at("ms").get<std::vector<double>>();
    const std::vector<double> rest(all.begin() + 1, all.end());
    return {{"first", all.front()},
            {"median", median(rest)},
            {"max", rest.empty() ? 0.0 : *std::max_element(rest.begin(), rest.end())}};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "--series") {
        std::cout << series(argv[2], std::max(1, std::atoi(argv[3]))).dump() << "\n";
        return 0;
    }
    if (argc != 3 || std::atoi(argv[2]) < 2) {
        std::cerr << "usage: firewalld_collect_bench BUS_ADDRESS RUNS (RUNS >= 2)\n";
        return 2;
    }
    const std::string bus = argv[1];
    const int runs = std::atoi(argv[2]);
    const auto with = series_in_child(bus, runs);
    const auto without = series_in_child(kNoBus, runs);
    if (!with || !without) {
        std::cerr << "firewalld_collect_bench: a series failed to run\n";
        return 1;
    }
    if (with->value("source", "") != dnd::to_string(dnd::FirewalldSource::runtime)) {
        std::cerr << "firewalld_collect_bench: the read with firewalld at " << bus << " did not come from its runtime "
                  << "state (source " << with->value("source", "") << ": " << with->value("runtime_unread", "") << ")\n";
        return 1;
    }
    nlohmann::json out;
    out["runs"] = runs;
    out["with_firewalld_ms"] = figures(*with);
    out["without_firewalld_ms"] = figures(*without);
    out["added_ms"] = out["with_firewalld_ms"]["median"].get<double>() - out["without_firewalld_ms"]["median"].get<double>();
    out["zones"] = with->at("zones");
    out["policies"] = with->at("policies");
    out["source"] = with->at("source");
    out["version"] = with->at("version");
    out["interface_zones"] = with->at("interface_zones");
    out["without_source"] = without->at("source");
    out["without_runtime_unread"] = without->at("runtime_unread");
    std::cout << out.dump(1) << "\n";
    return 0;
}
