// port.host-port-conflict: another process or container holds the host port, so the
// binding failed (or, with userland-proxy=false, local clients reach the other process).
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "port.host-port-conflict",
    .severity = Severity::critical,
    .summary = "host port held by another process or container, so the binding failed",
    .evidence = "State.Error (\"address already in use\", \"port is already allocated\"), host listeners and their owners",
    .fix = "free the port or pick another",
    .rationale = "Publishing a port reserves it on the host: docker-proxy binds it and the engine records "
        "it as allocated. If another process or another container's binding already holds the "
        "same address and port, the engine refuses to start the container (\"port is already "
        "allocated\", \"address already in use\"). Stopping the holder or choosing another host "
        "port lets the binding succeed.",
};

constexpr std::string_view kDockerProxy = "docker-proxy";
constexpr std::string_view kDockerd = "dockerd";
// Processes that hold published ports on the engine's behalf (rootlesskit: rootless engines).
constexpr std::string_view kEngineProxies[] = {kDockerProxy, "rootlesskit"};

bool error_says_port_taken(std::string_view error) {
    return error.find("address already in use") != std::string_view::npos ||
           error.find("port is already allocated") != std::string_view::npos;
}

// "Bind for 0.0.0.0:8080 failed", "listen tcp4 0.0.0.0:8080: bind": ":PORT" not followed by a digit.
bool error_mentions_port(std::string_view error, std::uint16_t port) {
    const std::string needle = fmt::format(":{}", port);
    for (auto at = error.find(needle); at != std::string_view::npos; at = error.find(needle, at + 1)) {
        auto after = at + needle.size();
        if (after == error.size() || error[after] < '0' || error[after] > '9') return true;
    }
    return false;
}

bool overlaps(const HostBinding& b, const Listener& l, Proto proto) {
    if (l.proto != proto || l.port != b.host_port) return false;
    return is_wildcard_address(b.host_ip) || is_wildcard_address(l.address) || b.host_ip == l.address;
}

// The engine's own process (its pid read). Docker 28 binds published ports itself: with
// userland-proxy off it keeps the socket; with the proxy it hands it over (-use-listen-fd).
bool is_engine_process(const Facts& f, const SocketOwner& o) {
    return f.engine && f.engine->process && o.pid == f.engine->process->pid;
}

// A proxy of the engine's, its process, or, when its process could not be read, a process
// named dockerd: no proof of another holder.
bool is_engine_owner(const Facts& f, const SocketOwner& o) {
    const bool engine_unread = !(f.engine && f.engine->process);
    return std::find(std::begin(kEngineProxies), std::end(kEngineProxies), o.process) != std::end(kEngineProxies) ||
           is_engine_process(f, o) || (engine_unread && o.process == kDockerd);
}

bool owned_by_engine(const Facts& f, const Listener& l) {
    return !l.owners.empty() &&
           std::all_of(l.owners.begin(), l.owners.end(), [&](const SocketOwner& o) { return is_engine_owner(f, o); });
}

// Host listeners that take the host port of b away from this container. While it runs, its
// own docker-proxy (or rootlesskit) holds the port legitimately; a socket whose owner is
// unknown is no proof.
std::vector<Listener> holders_of(const Facts& f, const HostBinding& b, Proto proto,
                                 const std::vector<Listener>& host) {
    const Container& c = *f.container;
    std::vector<Listener> out;
    for (const Listener& l : host) {
        if (!overlaps(b, l, proto)) continue;
        if (c.state.running && (l.owners.empty() || owned_by_engine(f, l))) continue;
        if (std::none_of(out.begin(), out.end(), [&](const Listener& o) { return o.inode == l.inode; })) out.push_back(l);
    }
    return out;
}

std::string holder_name(const Facts& f, const Listener& l) {
    if (l.owners.empty()) return "a process docknetdoctor could not identify";
    const SocketOwner& o = l.owners.front();
    if (o.process == kDockerProxy) return fmt::format("another container's docker-proxy (pid {})", o.pid);
    if (is_engine_process(f, o)) return fmt::format("the engine for another container ({}, pid {})", o.process, o.pid);
    return fmt::format("{} (pid {})", o.process, o.pid);
}

std::uint16_t another_port(std::uint16_t port) { return port == 65535 ? 65534 : static_cast<std::uint16_t>(port + 1); }

Finding conflict_finding(const Facts& f, PortKey p, const HostBinding& b, const std::vector<Listener>& holders,
                         bool error_mentions) {
    const Container& c = *f.container;
    const std::string name = container_ref(f);
    Finding finding = new_finding(kCause);
    finding.port = p;
    finding.title = holders.empty()
                        ? fmt::format("host port {} is already taken, so {} of {} could not be published", b.host_port, p.str(), name)
                        : fmt::format("host port {} is held by {}", b.host_port, holder_name(f, holders.front()));
    if (error_mentions) finding.evidence.push_back(fmt::format("State.Error = \"{}\"", c.state.error));
    finding.evidence.push_back(bindings_evidence(c, p));
    for (const Listener& l : holders) finding.evidence.push_back("host: " + describe(l));

    finding.fix.push_back(fmt::format("see who holds it: ss -l{}np 'sport = :{}'", p.proto == Proto::udp ? "u" : "t", b.host_port));
    if (std::any_of(holders.begin(), holders.end(), [&](const Listener& l) { return owned_by_engine(f, l); }))
        finding.fix.push_back(fmt::format("docker ps --filter publish={} shows the container that has it", b.host_port));
    if (!c.state.running) finding.fix.push_back(fmt::format("stop the holder, then docker start {}", name));
    std::string ip = is_wildcard_address(b.host_ip) ? std::string() : b.host_ip;
    finding.fix.push_back(fmt::format("or recreate {} on another host port: docker run {} ...", name,
                                      publish_flag(p, another_port(b.host_port), ip)));
    return finding;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* container = publishing_container_to_judge(f, result.undecided);
    if (!container) return result;
    const Container& c = *container;
    const bool error_says = error_says_port_taken(c.state.error);
    const std::vector<Listener> no_listeners;
    const auto& host = f.host_listeners ? *f.host_listeners : no_listeners;

    bool error_quoted = false;
    bool has_bindings = false;
    for (PortKey p : ports_in_question(f)) {
        for (const HostBinding& b : bindings_of(c, p)) {
            if (b.host_port == 0) continue;
            has_bindings = true;
            auto holders = holders_of(f, b, p.proto, host);
            bool mentioned = error_says && error_mentions_port(c.state.error, b.host_port);
            if (holders.empty() && !mentioned) continue;
            result.findings.push_back(conflict_finding(f, p, b, holders, mentioned));
            error_quoted = error_quoted || mentioned;
            break;  // one finding per container port; its other bindings share the host port
        }
    }
    if (error_says && !error_quoted) {
        Finding finding = new_finding(kCause);
        finding.title = fmt::format("{} could not bind its host port: it is already in use", container_ref(f));
        finding.evidence.push_back(fmt::format("State.Error = \"{}\"", c.state.error));
        finding.fix.push_back("see who holds the port: ss -ltnp");
        finding.fix.push_back("stop the holder or publish on another host port");
        result.findings.push_back(std::move(finding));
    }
    // The failed bind is why the container did not start.
    if (error_says && !c.state.running)
        for (Finding& finding : result.findings) finding.explains.push_back("container.not-running");
    if (result.findings.empty() && has_bindings && !f.host_listeners)
        result.undecided.push_back(unavailable_reason("host_listeners", f.host_listeners.error()));
    return result;
}

}  // namespace

const Check& port_host_port_conflict() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = {kPublished},
            .confirmed_when = {host_side_fails},
            .open_note = "a probe that connects cannot tell the container from another process holding the port",
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
