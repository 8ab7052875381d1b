// HostNetwork from the live host, and the live set lookups behind the paths of a diagnosis.
#include <filesystem>
#include <future>
#include <tuple>
#include <utility>

#include "docknetdoctor/collect/firewalld_collect.hpp"
#include "docknetdoctor/collect/host_network_collect.hpp"
#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "docknetdoctor/collect/ufw_collect.hpp"
#include "proc_files.hpp"

namespace dnd {
namespace {

// The interfaces whose firewalld zone matters: Docker's bridges and the host's own links; a
// bridge's port (a container's veth) is filtered as its bridge is.
std::vector<std::string> zone_interfaces(const HostNetwork& h) {
    std::vector<std::string> names;
    if (!h.links) return names;
    for (const Link& link : *h.links)
        if (link.master.empty() && link.name != "lo") names.push_back(link.name);
    return names;
}

}  // namespace

HostNetwork collect_host_network(const std::string& proc_root, int engine_pid, std::chrono::milliseconds timeout) {
    HostNetwork h;
    // Two independent reads, each growing with the host in its own way, run side by side:
    // the rulesets (rules per container) and, on this thread, links, routes and sysctls (a
    // veth per container). A thread starts in the netns of the thread that starts it, so
    // both read the same host.
    auto rulesets = std::async(std::launch::async, [&proc_root] {
        nf::NftReadOptions options;
        // The evaluator asks for single keys of plain named sets instead; named maps are
        // still read whole (a lookup by key says whether a key is in, not what it maps to).
        options.named_set_elements = false;
        // /proc/net is /proc/self/net: the thread group leader's netns. thread-self follows
        // a thread that joined another netns (setns), and is the same thing otherwise.
        std::error_code ec;
        const bool per_thread = std::filesystem::exists(proc_root + "/thread-self/net", ec);
        return std::pair{nf::read_nftables(options),
                         nf::read_iptables_legacy(per_thread ? proc_root + "/thread-self" : proc_root)};
    });
    // A pass over every process grows with the host: made at most once, and only when the
    // engine's own process and firewalld's pid file or unit do not answer.
    ProcessesByName processes(proc_root, {"dockerd", "firewalld"});
    if (auto raw = dump_rtnetlink(); !raw) {
        h.links = std::unexpected(raw.error());
        h.addresses = std::unexpected(raw.error());
        h.routes = std::unexpected(raw.error());
    } else {
        h.links = parse_rtnl_links(raw->links);
        const std::vector<Link> none;
        const std::vector<Link>& links = h.links ? *h.links : none;
        h.addresses = parse_rtnl_addresses(raw->addresses, links);
        h.routes = parse_rtnl_routes(raw->routes, links);
    }
    h.sysctls = read_sysctls(proc_root, h.links ? *h.links : std::vector<Link>{});
    h.daemon = read_daemon_config(proc_root, engine_pid, [&processes] { return processes.of("dockerd"); });
    std::tie(h.nftables, h.iptables_legacy) = rulesets.get();
    h.ruleset_services = read_ruleset_services("", proc_root, [&]() -> std::optional<std::vector<int>> {
        if (!may_hold_firewalld_rules(h)) return std::vector<int>{};
        return processes.of("firewalld");
    });
    h.ufw = read_ufw_state(ufw_root_from_environment());
    auto firewalld = firewalld_options_from_environment(timeout, zone_interfaces(h));
    firewalld.may_run = (h.ruleset_services && !h.ruleset_services->firewalld_running.empty()) ||
                        may_hold_firewalld_rules(h);
    h.firewalld = read_firewalld_state(firewalld);
    return h;
}

SetLookup live_set_lookup(std::vector<SetLookupRecord>& records) {
    return [&records](nf::Family family, const std::string& table, const std::string& set,
                      const nf::Bytes& key) -> std::optional<bool> {
        if (const SetLookupRecord* r = find_lookup_record(records, family, table, set, key)) return r->found;
        auto found = nf::set_contains(family, table, set, key);
        if (!found) return std::nullopt;
        records.push_back({family, table, set, key, *found});
        return *found;
    };
}

}  // namespace dnd
