#pragma once
// Listening TCP sockets over NETLINK_SOCK_DIAG, the fast way to what /proc/PID/net/tcp
// shows: printing that file walks every TCP socket of every namespace (milliseconds on a
// big hash table), a LISTEN-only dump walks the listening sockets only (microseconds).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

// The netlink messages of one inet_diag dump of TCP sockets in LISTEN state of family
// (4 or 6), concatenated as received (NLMSG_DONE left out), from the calling thread's
// network namespace. Errors: source "sock_diag".
Result<std::vector<std::uint8_t>> dump_tcp_listeners(int family);

// The same for the TCP sockets in any of the states in the mask (1 << TCP_ESTABLISHED ...).
Result<std::vector<std::uint8_t>> dump_tcp_sockets(int family, std::uint32_t states);

// Parses such messages into listeners (address in presentation form, port, inode), in
// the kernel's order (the order of /proc/net/tcp{,6}). Owners are not filled in.
Result<std::vector<Listener>> parse_tcp_listeners_dump(std::span<const std::uint8_t> messages, int family);

// One TCP socket that is not listening: who it talks to. Addresses in presentation form.
struct TcpConnection {
    int family = 4;
    std::string local;
    std::uint16_t local_port = 0;
    std::string remote;
    std::uint16_t remote_port = 0;
    unsigned long inode = 0;
};

// Parses a dump_tcp_sockets answer into its non-listening sockets, in the kernel's order.
Result<std::vector<TcpConnection>> parse_tcp_connections_dump(std::span<const std::uint8_t> messages, int family);

}  // namespace dnd
