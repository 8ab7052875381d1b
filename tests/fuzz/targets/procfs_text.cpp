// Text from /proc and the host's files: /proc/net/{tcp,tcp6,udp,udp6}, /proc/PID/cgroup,
// dockerd's daemon.json and the nftables service's ruleset file.
#include "fuzz_target.hpp"

#include <netinet/in.h>

#include "docknetdoctor/collect/host_network_collect.hpp"
#include "docknetdoctor/collect/procfs.hpp"

void dnd::fuzz::run_one(std::span<const std::uint8_t> input) {
    const std::string_view text = as_text(after_selector(input));
    DaemonConfig config;
    switch (selector(input, 7)) {
        case 0: (void)parse_proc_net(text, Proto::tcp, AF_INET); break;
        case 1: (void)parse_proc_net(text, Proto::tcp, AF_INET6); break;
        case 2: (void)parse_proc_net(text, Proto::udp, AF_INET); break;
        case 3: (void)parse_proc_net(text, Proto::udp, AF_INET6); break;
        case 4: (void)parse_proc_cgroup(text); break;
        case 5: (void)apply_daemon_json(text, config); break;
        default: (void)ruleset_file_flushes_all(text); break;
    }
}
