// sock_diag dumps: listening sockets and connections, IPv4 and IPv6.
#include "fuzz_target.hpp"

#include <vector>

#include <netinet/in.h>

#include "docknetdoctor/collect/sock_diag.hpp"

void dnd::fuzz::run_one(std::span<const std::uint8_t> input) {
    // The kernel's buffers are aligned for struct nlmsghdr; past the selector byte these
    // bytes would not be, so they are copied into an allocation that is.
    const std::vector<std::uint8_t> aligned(after_selector(input).begin(), after_selector(input).end());
    const std::span<const std::uint8_t> messages(aligned);
    const unsigned choice = selector(input, 4);
    const int family = choice % 2 == 0 ? AF_INET : AF_INET6;
    if (choice < 2) (void)parse_tcp_listeners_dump(messages, family);
    else (void)parse_tcp_connections_dump(messages, family);
}
