// rtnetlink dumps: links, addresses, routes.
#include "fuzz_target.hpp"

#include <vector>

#include "docknetdoctor/collect/host_network_collect.hpp"

void dnd::fuzz::run_one(std::span<const std::uint8_t> input) {
    // The kernel's buffers are aligned for struct nlmsghdr; past the selector byte these
    // bytes would not be, so they are copied into an allocation that is.
    const std::vector<std::uint8_t> aligned(after_selector(input).begin(), after_selector(input).end());
    const std::span<const std::uint8_t> messages(aligned);
    switch (selector(input, 3)) {
        case 0: (void)parse_rtnl_links(messages); break;
        case 1: (void)parse_rtnl_addresses(messages, {}); break;
        default: (void)parse_rtnl_routes(messages, {}); break;
    }
}
