#pragma once
// Sockets on loopback with kernel-chosen ports: what the probe tests aim at.
#include <sys/socket.h>

#include <cstdint>

#include "docknetdoctor/probe/unique_fd.hpp"

namespace dnd::testing {

struct BoundSocket {
    UniqueFd fd;
    std::uint16_t port = 0;  // 0 when it could not be made
};

// A socket bound to 127.0.0.1 or ::1 (family), type SOCK_STREAM or SOCK_DGRAM.
BoundSocket bind_loopback(int family, int type);

// The same on 0.0.0.0: every address of 127.0.0.0/8 reaches it.
BoundSocket bind_any_ipv4(int type);

// A TCP listener on loopback (backlog 16), or on 0.0.0.0.
BoundSocket tcp_listener(int family = AF_INET);
BoundSocket tcp_listener_any_ipv4();

}  // namespace dnd::testing
