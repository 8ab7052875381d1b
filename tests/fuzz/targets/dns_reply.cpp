// A DNS reply from the container's resolver (the --to name lookup).
#include "fuzz_target.hpp"

#include <vector>

#include "docknetdoctor/model/dns_message.hpp"

void dnd::fuzz::run_one(std::span<const std::uint8_t> input) {
    const std::vector<std::uint8_t> bytes(input.begin(), input.end());
    (void)parse_dns_reply(bytes, 0x1234);
    (void)answers_another_query(bytes, 0x1234);
}
