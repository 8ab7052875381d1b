#include "loopback_sockets.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace dnd::testing {

namespace {

BoundSocket bind_ipv4_or_loopback(int family, int type, bool any_ipv4) {
    BoundSocket bound{UniqueFd(::socket(family, type | SOCK_CLOEXEC, 0))};
    if (bound.fd.get() < 0) return bound;
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (family == AF_INET6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        length = sizeof *a;
    } else {
        auto* a = reinterpret_cast<sockaddr_in*>(&storage);
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(any_ipv4 ? INADDR_ANY : INADDR_LOOPBACK);
        length = sizeof *a;
    }
    if (::bind(bound.fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0) return bound;
    if (::getsockname(bound.fd.get(), reinterpret_cast<sockaddr*>(&storage), &length) != 0) return bound;
    bound.port = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                                          : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
    return bound;
}

BoundSocket listening(BoundSocket bound) {
    if (bound.port != 0 && ::listen(bound.fd.get(), 16) != 0) bound.port = 0;
    return bound;
}

}  // namespace

BoundSocket bind_loopback(int family, int type) { return bind_ipv4_or_loopback(family, type, false); }

BoundSocket bind_any_ipv4(int type) { return bind_ipv4_or_loopback(AF_INET, type, true); }

BoundSocket tcp_listener(int family) { return listening(bind_loopback(family, SOCK_STREAM)); }

BoundSocket tcp_listener_any_ipv4() { return listening(bind_any_ipv4(SOCK_STREAM)); }

}  // namespace dnd::testing
