// rtnetlink dumps: links, addresses, routes.
#include "fuzz_target.hpp"

#include "docknetdoctor/collect/host_network_collect.hpp"

void dnd::fuzz::run_one(std::span<const std::uint8_t> input) {
    const auto messages = after_selector(input);
    switch (selector(input, 3)) {
        case 0: (void)parse_rtnl_links(messages); break;
        case 1: (void)parse_rtnl_addresses(messages, {}); break;
        default: (void)parse_rtnl_routes(messages, {}); break;
    }
}
