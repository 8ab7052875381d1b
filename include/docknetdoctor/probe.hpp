#pragma once
// Real connection attempts: many targets in parallel under one deadline, optionally from
// inside another network namespace. What each outcome means: /work/shared/notes/probing.md.
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/error.hpp"
#include "docknetdoctor/port.hpp"

namespace dnd {

struct ProbeTarget {
    std::string address;  // numeric IPv4 or IPv6 ("fe80::1%eth0" and "[::1]" accepted)
    std::uint16_t port = 0;
    Proto proto = Proto::tcp;
    std::string vantage;  // where the probe runs from, for people: "host", "container netns" ...
};

enum class ProbeStatus {
    open,           // TCP: connected and not reset within the grace period; UDP: a reply came
    refused,        // TCP: RST (or ICMP port unreachable): a host answered, nothing accepts
    timeout,        // TCP: no answer before the deadline: something dropped the packets
    unreachable,    // ICMP host/net unreachable or no route
    reset,          // TCP: accepted, then reset or closed without data (proxy without backend)
    closed,         // UDP: ICMP port unreachable
    open_filtered,  // UDP: silence (an app that does not answer, or a drop)
    error,          // the probe itself could not run (bad address, no fds ...)
};

std::string_view to_string(ProbeStatus s);  // the enumerator's name: "open_filtered"

struct ProbeOutcome {
    ProbeTarget target;
    ProbeStatus outcome = ProbeStatus::error;
    double latency_ms = 0;  // until the answer that decided the outcome (timeouts: the wait)
    std::string detail;     // one line for people, e.g. "connect: Connection refused"
};

void to_json(nlohmann::json& j, const ProbeTarget& t);
void from_json(const nlohmann::json& j, ProbeTarget& t);
void to_json(nlohmann::json& j, const ProbeOutcome& o);
void from_json(const nlohmann::json& j, ProbeOutcome& o);

// After a TCP connect succeeds, how long to wait for a reset before calling the port open
// (bounded by the batch deadline).
inline constexpr std::chrono::milliseconds kResetGrace{150};

// Probes every target at once from the calling thread's network namespace; returns when
// all are decided or the deadline (counted from the call) has passed. One outcome per
// target, in order. Never fails as a whole: a target that cannot be probed is `error`.
// reset_grace: how long a connected TCP probe waits for a reset; 0 calls it open at once
// (right when no proxy sits in between: the kernel of the app's netns completed the handshake).
std::vector<ProbeOutcome> probe_batch(std::span<const ProbeTarget> targets, std::chrono::milliseconds deadline,
                                      std::chrono::milliseconds reset_grace = kResetGrace);

// Runs work on a dedicated thread that first enters the network namespace at netns_path
// ("/proc/PID/ns/net", "/run/netns/NAME") and exits afterwards, so no other work ever runs
// in that namespace. Errors (source "probe"): cannot open the path, no privilege (EPERM).
Result<void> run_in_netns(const std::string& netns_path, const std::function<void()>& work);

Result<std::vector<ProbeOutcome>> probe_batch_in_netns(const std::string& netns_path,
                                                        std::span<const ProbeTarget> targets,
                                                        std::chrono::milliseconds deadline,
                                                        std::chrono::milliseconds reset_grace = kResetGrace);

}  // namespace dnd
