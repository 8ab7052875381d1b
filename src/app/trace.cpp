// trace: arm, wait for (or send) one packet, and compare the kernel's path with the prediction.
#include "docknetdoctor/app/trace.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/app/output.hpp"
#include "docknetdoctor/collect/conntrack_collect.hpp"
#include "docknetdoctor/collect/legacy_trace_log.hpp"
#include "docknetdoctor/collect/nft_trace.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/report.hpp"
#include "docknetdoctor/model/sanitize.hpp"
#include "docknetdoctor/path/evaluate.hpp"
#include "docknetdoctor/path/trace_packet.hpp"
#include "docknetdoctor/path/trace_path.hpp"
#include "docknetdoctor/probe/probe.hpp"
#include "docknetdoctor/render/render.hpp"
#include "docknetdoctor/render/trace_report.hpp"

namespace dnd {
namespace {

// After the last event of the traced packet, how long to wait for more: events of one
// packet come within microseconds; a gap this long means it left the hooks.
constexpr std::chrono::milliseconds kPacketQuiet{300};
// --send's connection attempt: long enough for a dropped SYN to be traced, never a hang.
constexpr std::chrono::milliseconds kSendDeadline{1500};

// SIGINT and SIGTERM, blocked in every thread from the start of the wait (threads made after
// inherit the mask) and read through a signalfd the wait polls: a stop is seen at once,
// however the wait is timed. Given back afterwards: a stop later ends the run by default,
// and what the trace changed goes with it (the kernel removes the table; the loggers' guard
// writes them back).
class StopSignals {
public:
    StopSignals() {
        sigemptyset(&signals_);
        sigaddset(&signals_, SIGINT);
        sigaddset(&signals_, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
        fd_ = signalfd(-1, &signals_, SFD_CLOEXEC | SFD_NONBLOCK);
    }
    ~StopSignals() {
        if (fd_ >= 0) ::close(fd_);
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;
    int fd() const { return fd_; }
    // Whether a stop came (read once: it stays raised).
    bool raised() {
        signalfd_siginfo info;
        while (!raised_ && fd_ >= 0 && ::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) raised_ = true;
        return raised_;
    }

private:
    sigset_t signals_{};
    sigset_t previous_{};
    int fd_ = -1;
    bool raised_ = false;
};

int fail_line(const std::string& message) {
    std::cerr << "docknetdoctor: " << sanitize(message) << "\n";
    return kExitUnknown;
}

// Interfaces Docker makes for its networks and containers: an outside client never comes
// in over them.
bool docker_made(std::string_view ifname) {
    return ifname == "lo" || ifname.starts_with("docker") || ifname.starts_with("br-") || ifname.starts_with("veth");
}

// Where --send connects: the binding's own address, or for a wildcard binding the host's
// first address (IPv4 first) on an interface Docker did not make; 127.0.0.1 when none.
std::string send_address(const Facts& facts, const HostBinding& binding) {
    if (!binding.host_ip.empty() && binding.host_ip != "0.0.0.0" && binding.host_ip != "::") return binding.host_ip;
    if (facts.host->addresses)
        for (int family : {4, 6})
            for (const Address& a : *facts.host->addresses)
                if (a.family == family && !docker_made(a.ifname) && !a.address.starts_with("fe80"))
                    return a.address;
    return "127.0.0.1";
}

struct Traced {
    std::vector<PortKey> host_ports;
    std::optional<ProbeTarget> send_to;
};

// The published host ports to trace (--port: that container port's), and --send's target:
// a TCP port's first binding, else a UDP port's (one datagram).
Result<Traced> ports_to_trace(const Facts& facts, const Options& o) {
    if (!facts.container) return fail("trace", "no container to trace");
    Traced out;
    std::optional<ProbeTarget> datagram;  // --send's target when no TCP port is published
    for (const auto& [port, bindings] : facts.container->ports) {
        if (o.port && !(*o.port == port)) continue;
        for (const HostBinding& b : bindings) {
            if (b.host_port == 0) continue;
            const PortKey host_port{b.host_port, port.proto};
            if (std::find(out.host_ports.begin(), out.host_ports.end(), host_port) == out.host_ports.end())
                out.host_ports.push_back(host_port);
            auto& target = port.proto == Proto::tcp ? out.send_to : datagram;
            if (!target) target = ProbeTarget{send_address(facts, b), b.host_port, port.proto, o.send.value_or("")};
        }
    }
    if (!out.send_to) out.send_to = datagram;
    if (out.host_ports.empty())
        return fail("trace", o.port ? fmt::format("{} publishes no host port for {}: nothing to trace",
                                                  facts.container->name, o.port->str())
                                    : fmt::format("{} publishes no port: nothing to trace", facts.container->name));
    return out;
}

std::string ports_text(const std::vector<PortKey>& ports) {
    std::string out;
    for (const PortKey& p : ports) out += (out.empty() ? "" : ", ") + p.str();
    return out;
}

// iptables-legacy's records (when its tables are followed) come on a socket of their own at
// the same moments as nftables' events: it is read between short waits on the other, after
// it, so that a record is never older than the marking events read before it.
constexpr std::chrono::milliseconds kLegacyPoll{20};

enum class WaitEnd { packet, timeout, stopped, stopped_midway };

// The first traced packet's events: complete once another packet is marked, at a drop, or
// after kPacketQuiet without an event of it; otherwise why the wait ended.
Result<WaitEnd> first_packet(TraceListener& listener, LegacyTraceLog* legacy, StopSignals& stop,
                             FirstTracedPacket& packet, std::chrono::milliseconds wait) {
    const auto give_up = std::chrono::steady_clock::now() + wait;
    std::optional<std::chrono::steady_clock::time_point> last_seen;
    while (true) {
        if (stop.raised()) return packet.started() ? WaitEnd::stopped_midway : WaitEnd::stopped;
        const auto now = std::chrono::steady_clock::now();
        if (packet.complete() || (last_seen && now - *last_seen >= kPacketQuiet)) return WaitEnd::packet;
        if (now >= give_up) return packet.started() ? WaitEnd::packet : WaitEnd::timeout;
        const auto until = std::min(give_up, last_seen ? *last_seen + kPacketQuiet : give_up);
        auto left = std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(until - now));
        if (legacy != nullptr) left = std::min(left, kLegacyPoll);
        std::vector<TraceEvent> arrived;
        if (auto received = listener.receive(left, arrived, stop.fd()); !received) return std::unexpected(received.error());
        if (legacy != nullptr)
            if (auto received = legacy->receive(arrived); !received) return std::unexpected(received.error());
        for (const TraceEvent& e : arrived)
            if (packet.take(e)) last_seen = std::chrono::steady_clock::now();
    }
}

bool has_legacy_tables(const Facts& facts) {
    return facts.host->iptables_legacy && !facts.host->iptables_legacy->tables.empty();
}

// legacy_failure: why iptables-legacy's records could not be followed ("" when they were).
std::vector<std::string> trace_blind_spots(const Facts& facts, const std::string& legacy_failure) {
    std::vector<std::string> out;
    if (has_legacy_tables(facts) && !legacy_failure.empty())
        out.push_back(fmt::format("iptables-legacy tables hold rules here and their trace records could not be read "
                                  "({}): their part of the path is only seen as where the packet went no further",
                                  legacy_failure));
    if (!facts.host->nftables)
        out.push_back("the nftables ruleset could not be read before the trace: rules are named by handle only");
    return out;
}

}  // namespace

int run_trace(const Options& o, const CollectOptions& collect) {
    auto facts = collect_facts(collect);
    if (!facts) return fail_line(facts.error().message);
    auto traced = ports_to_trace(*facts, o);
    if (!traced) return fail_line(traced.error().message);

    StopSignals stop;
    auto listener = TraceListener::open();
    if (!listener) return fail_line(listener.error().message);
    std::unique_ptr<LegacyTraceLog> legacy;
    std::string legacy_failure;
    if (has_legacy_tables(*facts)) {
        if (auto log = LegacyTraceLog::open()) legacy = std::move(*log);
        else legacy_failure = log.error().message;
    }
    auto table = TraceTable::arm(TraceFilter{traced->host_ports, o.from});
    if (!table) return fail_line(table.error().message);

    std::thread sender;
    std::optional<Error> send_failure;  // written by the sender, read after it is joined
    auto wait = o.trace_wait;
    if (o.send) {
        // The packet sent is marked within microseconds, or a retransmission is within the
        // send's own deadline: no reason to wait longer for it.
        wait = std::min(wait, kSendDeadline + kPacketQuiet);
        std::cerr << fmt::format("docknetdoctor: tracing {}; {} {}:{} from {}\n", ports_text(traced->host_ports),
                                 traced->send_to->proto == Proto::udp ? "sending a datagram to" : "connecting to",
                                 sanitize(traced->send_to->address), traced->send_to->port, sanitize(*o.send));
        sender = std::thread([target = *traced->send_to, vantage = *o.send, &send_failure] {
            const std::vector<ProbeTarget> targets{target};
            if (vantage == "host") {
                probe_batch(targets, kSendDeadline);
            } else if (auto sent = probe_batch_in_netns(vantage, targets, kSendDeadline); !sent) {
                send_failure = sent.error();
            }
        });
    } else {
        std::cerr << fmt::format("docknetdoctor: tracing {}{}; waiting up to {} s for a client's connection (Ctrl-C stops)\n",
                                 ports_text(traced->host_ports), o.from ? " from " + sanitize(*o.from) : std::string(),
                                 o.trace_wait.count() / 1000.0);
    }
    FirstTracedPacket packet(table->name());
    auto ended = first_packet(*listener, legacy.get(), stop, packet, wait);
    if (sender.joinable()) sender.join();
    if (!ended) return fail_line(ended.error().message);
    switch (*ended) {
        case WaitEnd::stopped: return fail_line("stopped before a packet was traced");
        case WaitEnd::stopped_midway: return fail_line("stopped while the packet's path was traced: nothing to report");
        case WaitEnd::timeout:
            if (send_failure) return fail_line("--send: " + send_failure->message);
            return fail_line(fmt::format("no packet to {} came within {} s: nothing traced", ports_text(traced->host_ports),
                                         wait.count() / 1000.0));
        case WaitEnd::packet: break;
    }

    TraceReport report;
    report.container = facts->container->name;
    report.traced = traced_path(*facts->host, packet.events(), table->name());
    report.predicted = evaluate_path(*facts->host, report.traced.packet, recorded_lookups(*facts->host));
    report.comparison = compare_with_prediction(report.traced, report.predicted);
    report.blind_spots = trace_blind_spots(*facts, legacy_failure);
    if (auto entry = read_conntrack_flow(report.traced.packet)) report.conntrack = *entry;
    else report.blind_spots.push_back("the flow's conntrack entry could not be read: " + entry.error().message);
    const std::string text = o.format == Format::text ? render_trace_text(report, !o.no_color && isatty(STDOUT_FILENO))
                                                      : json_document(trace_to_json(report)) + "\n";
    if (auto written = write_output(o.output, text); !written) return fail_line(written.error().message);
    return trace_exit_code(report);
}

}  // namespace dnd
