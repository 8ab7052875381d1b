#pragma once
// What a probe tried and what came back: plain data every layer reads (the probes fill it,
// the ranking judges it). What each outcome means: /work/shared/notes/probing.md.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/port.hpp"

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

}  // namespace dnd
