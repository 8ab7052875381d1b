// Benchmark driver: probing N ports (1,000, 4,000, 10,000) in one batch, on loopback, as a
// host publishing that many ports looks to the ladder: every probe connects (to listeners
// this driver holds, whose backlogs complete the handshakes) and then waits out the reset
// grace, so each port costs a connect event and a timer, and the loop's work per event
// decides the curve. Prints one JSON line per N: wall time, outcomes, and the most
// descriptors open at once (sampled every millisecond) against RLIMIT_NOFILE; then the
// ranking of a container publishing those N ports with 4 probes each (build_report: every
// check, the ladder summary, the judgement of each finding), so no step after the probes
// grows faster than the ports. Usage: probe_scale_bench [N...]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/probe/probe.hpp"
#include "docknetdoctor/rank/rank.hpp"

namespace {

std::size_t open_fds() {
    std::size_t n = 0;
    std::error_code ignored;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ignored);
         it != std::filesystem::directory_iterator(); it.increment(ignored))
        ++n;
    return n;
}

// A listener on 127.0.0.1 whose backlog completes up to 4,096 handshakes unaccepted.
int listener(std::uint16_t& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd, 4096) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return -1;
    port = ntohs(a.sin_port);
    return fd;
}

// A running bridge container publishing N ports whose ladders all passed.
dnd::Facts published_facts(int n) {
    dnd::Facts f;
    f.query.container = "bench";
    dnd::Container c;
    c.id = "0123456789abcdef";
    c.name = "bench";
    c.state.status = "running";
    c.state.running = true;
    c.state.pid = 4242;
    c.network_mode = "bridge";
    dnd::NetworkAttachment net;
    net.network = "bridge";
    net.ip_address = "172.17.0.2";
    c.networks.push_back(net);
    std::vector<dnd::LadderProbe> probes;
    std::vector<dnd::Listener> listeners;
    for (int i = 0; i < n; ++i) {
        const auto port = static_cast<std::uint16_t>(10000 + i);
        const dnd::PortKey key{port, dnd::Proto::tcp};
        c.ports[key] = {dnd::HostBinding{"0.0.0.0", port}};
        c.port_bindings[key] = {dnd::HostBinding{"", port}};
        dnd::Listener l;
        l.proto = dnd::Proto::tcp;
        l.address = "0.0.0.0";
        l.port = port;
        listeners.push_back(l);
        for (dnd::Rung rung : {dnd::Rung::container_loopback, dnd::Rung::container_address, dnd::Rung::host_to_container,
                               dnd::Rung::host_published}) {
            dnd::LadderProbe p;
            p.port = key;
            p.rung = rung;
            p.probe.target = {"127.0.0.1", port, dnd::Proto::tcp, "bench"};
            p.probe.outcome = dnd::ProbeStatus::open;
            probes.push_back(p);
        }
    }
    f.container = c;
    f.engine = dnd::EngineInfo{};
    f.networks = std::vector<dnd::NetworkInfo>{};
    f.container_listeners = listeners;
    f.host_listeners = std::vector<dnd::Listener>{};
    f.probes = probes;
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<int> sizes;
    for (int i = 1; i < argc; ++i) sizes.push_back(std::stoi(argv[i]));
    if (sizes.empty()) sizes = {1000, 4000, 10000};
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    for (int n : sizes) {
        // One listener per 1,000 probes: each backlog holds its share of the handshakes.
        std::vector<int> listeners;
        std::vector<std::uint16_t> ports;
        for (int i = 0; i < (n + 999) / 1000; ++i) {
            std::uint16_t port = 0;
            const int fd = listener(port);
            if (fd < 0) return 1;
            listeners.push_back(fd);
            ports.push_back(port);
        }
        std::vector<dnd::ProbeTarget> targets;
        for (int i = 0; i < n; ++i)
            targets.push_back({"127.0.0.1", ports[static_cast<std::size_t>(i) % ports.size()], dnd::Proto::tcp, "bench"});
        const std::size_t before = open_fds();
        std::atomic<bool> done{false};
        std::atomic<std::size_t> peak{before};
        std::thread sampler([&] {
            while (!done) {
                const std::size_t now = open_fds();
                if (now > peak) peak = now;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        });
        const auto start = std::chrono::steady_clock::now();
        const auto outcomes = dnd::probe_batch(targets, std::chrono::milliseconds(2000));
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        done = true;
        sampler.join();
        std::map<std::string, int> counts;
        for (const auto& o : outcomes) ++counts[std::string(dnd::to_string(o.outcome))];
        nlohmann::json line{{"ports", n}, {"seconds", seconds}, {"outcomes", counts},
                            {"peak_open_fds", peak.load()}, {"fds_before", before},
                            {"rlimit_nofile", static_cast<long long>(limit.rlim_cur)}};
        for (int fd : listeners) ::close(fd);
        const dnd::Facts facts = published_facts(n);
        const auto ranked = std::chrono::steady_clock::now();
        const dnd::Report report = dnd::build_report(facts, dnd::all_checks());
        line["report_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - ranked).count();
        line["report_causes"] = report.causes.size();
        std::cout << line.dump() << std::endl;
    }
    return 0;
}
