// trace: arm, wait for (or send) one packet, and compare the kernel's path with the prediction.
#include "docknetdoctor/app/trace.hpp"

#include <signal.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
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

std::atomic<bool> g_interrupted{false};

void on_signal(int) { g_interrupted = true; }

// SIGINT and SIGTERM end the wait (a poll they interrupt) and the run then ends normally, so
// the table's socket is closed like at any exit; SIGKILL closes it too (the kernel does).
void catch_stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: the wait returns at once
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

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

// Whether e is the first traced packet's. The kernel's id of a packet is a hash that can
// change between hooks (a packet made here gets its flow hash on the way), so an event with
// a new id is the same packet's when the headers it carries have the same source address,
// source port and protocol (NAT before postrouting changes only the destination).
bool follows_first(const TraceEvent& e, std::set<std::uint32_t>& ids, std::optional<Packet>& first) {
    if (!first) {
        if (e.packet.saddr.empty()) return false;  // a packet's events begin with its headers
        first = e.packet;
        ids.insert(e.id);
        return true;
    }
    const bool same_tuple =
        e.packet.saddr == first->saddr && e.packet.sport == first->sport && e.packet.proto == first->proto;
    if (e.legacy) return same_tuple;  // iptables-legacy's records carry no id
    if (ids.contains(e.id)) return true;
    if (same_tuple) {
        ids.insert(e.id);
        return true;
    }
    return false;
}

// The events of the first packet traced: complete at a drop, or once quiet; nullopt when
// the wait ended first (timeout or a stop signal). An error when events were lost.
// iptables-legacy's records (legacy, when its tables are followed) come on a socket of their
// own at the same moments as nftables' events: it is read between short waits on the other.
constexpr std::chrono::milliseconds kLegacyPoll{20};

Result<std::optional<std::vector<TraceEvent>>> first_packet(TraceListener& listener, LegacyTraceLog* legacy,
                                                            const std::string& own_table, std::chrono::milliseconds wait) {
    const auto give_up = std::chrono::steady_clock::now() + wait;
    std::vector<TraceEvent> events;
    std::set<std::uint32_t> ids;
    std::optional<Packet> first;
    std::optional<std::chrono::steady_clock::time_point> last_seen;
    while (!g_interrupted) {
        const auto now = std::chrono::steady_clock::now();
        if (last_seen && now - *last_seen >= kPacketQuiet) break;
        if (!last_seen && now >= give_up) return std::optional<std::vector<TraceEvent>>{};
        const auto until = last_seen ? *last_seen + kPacketQuiet : give_up;
        std::vector<TraceEvent> arrived;
        auto left = std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(until - now));
        if (legacy != nullptr) left = std::min(left, kLegacyPoll);
        if (auto received = listener.receive(left, arrived); !received) return std::unexpected(received.error());
        if (legacy != nullptr)
            if (auto received = legacy->receive(arrived); !received) return std::unexpected(received.error());
        bool dropped = false;
        for (TraceEvent& e : arrived) {
            if (!follows_first(e, ids, first)) continue;  // another packet: only the first is followed
            dropped = dropped || (e.verdict == "drop" && e.table != own_table);
            events.push_back(std::move(e));
            last_seen = std::chrono::steady_clock::now();
        }
        if (dropped) break;
    }
    if (events.empty()) return std::optional<std::vector<TraceEvent>>{};
    return std::optional<std::vector<TraceEvent>>(std::move(events));
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

    catch_stop_signals();
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
    if (o.send) {
        std::cerr << fmt::format("docknetdoctor: tracing {}; {} {}:{} from {}\n", ports_text(traced->host_ports),
                                 traced->send_to->proto == Proto::udp ? "sending a datagram to" : "connecting to",
                                 sanitize(traced->send_to->address), traced->send_to->port, sanitize(*o.send));
        sender = std::thread([target = *traced->send_to, vantage = *o.send] {
            const std::vector<ProbeTarget> targets{target};
            if (vantage == "host") probe_batch(targets, kSendDeadline);
            else (void)probe_batch_in_netns(vantage, targets, kSendDeadline);
        });
    } else {
        std::cerr << fmt::format("docknetdoctor: tracing {}{}; waiting up to {} s for a client's connection (Ctrl-C stops)\n",
                                 ports_text(traced->host_ports), o.from ? " from " + sanitize(*o.from) : std::string(),
                                 o.trace_wait.count() / 1000.0);
    }
    auto events = first_packet(*listener, legacy.get(), table->name(), o.trace_wait);
    if (sender.joinable()) sender.join();
    if (!events) return fail_line(events.error().message);
    if (!*events)
        return fail_line(g_interrupted ? "stopped before a packet was traced"
                                       : fmt::format("no packet to {} came within {} s: nothing traced",
                                                     ports_text(traced->host_ports), o.trace_wait.count() / 1000.0));

    TraceReport report;
    report.container = facts->container->name;
    report.traced = traced_path(*facts->host, **events, table->name());
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
