#pragma once
// The live trace's nftables parts. TraceTable adds the one table the trace needs, flagged
// NFT_TABLE_F_OWNER so the kernel removes it when its socket closes: at exit, on a signal,
// on SIGKILL. TraceListener receives nftables' trace events (NFNLGRP_NFTRACE) for the
// packets that table marks. (iptables-legacy's part: legacy_trace_log.hpp.)
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/port.hpp"
#include "docknetdoctor/model/trace.hpp"

struct mnl_socket;

namespace dnd {

// How a refusal for want of privilege ends, in each of the trace's parts.
inline constexpr const char* kTraceNeedsNetAdmin = "permission denied (tracing needs CAP_NET_ADMIN; run as root)";

struct MnlSocketClose {
    void operator()(mnl_socket* s) const noexcept;
};

// Which packets to mark: to these ports of a local address (TCP: the SYN only, one packet
// per connection attempt; UDP: every datagram), from `from` when given; at most
// kMaxTracedPorts ports (one netlink message holds the table). Marked on prerouting (packets
// that arrive) and output (packets made here) at priority -350, before conntrack and NAT.
inline constexpr std::size_t kMaxTracedPorts = 256;

struct TraceFilter {
    std::vector<PortKey> ports;
    std::optional<std::string> from;  // an IPv4 or IPv6 literal
};

// The one line for a table the kernel refused (errno err): no privilege, no owned tables.
std::string trace_table_refusal(int err);

class TraceTable {
public:
    // Errors (source "trace"), one line each: no CAP_NET_ADMIN; a kernel without owned
    // tables (before Linux 5.12): never a table that could outlive the process instead.
    static Result<TraceTable> arm(const TraceFilter& filter);
    const std::string& name() const { return name_; }

private:
    TraceTable(std::unique_ptr<mnl_socket, MnlSocketClose> sock, std::string name)
        : sock_(std::move(sock)), name_(std::move(name)) {}
    std::unique_ptr<mnl_socket, MnlSocketClose> sock_;  // the table lives as long as this socket
    std::string name_;
};

class TraceListener {
public:
    // Joined before the table is armed, so no event is missed. The receive buffer is made
    // large (a SYN through a busy ruleset is ~90 events); an overflow is reported, never silent.
    static constexpr int kReceiveBuffer = 16 << 20;
    static Result<TraceListener> open(int receive_buffer = kReceiveBuffer);
    // Waits at most `wait` for events, or until wake_fd (when >= 0) is readable, and appends
    // what arrived. An error when the kernel dropped events (ENOBUFS) or the socket failed.
    Result<void> receive(std::chrono::milliseconds wait, std::vector<TraceEvent>& out, int wake_fd = -1);

private:
    explicit TraceListener(std::unique_ptr<mnl_socket, MnlSocketClose> sock) : sock_(std::move(sock)) {}
    std::unique_ptr<mnl_socket, MnlSocketClose> sock_;
    std::vector<char> buffer_;
};

}  // namespace dnd
