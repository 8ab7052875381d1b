// HostNetwork from the live host, and the live set lookups behind the paths of a diagnosis.
#include <filesystem>

#include "docknetdoctor/host_network_collect.hpp"
#include "docknetdoctor/netfilter_collect.hpp"

namespace dnd {
namespace {

// A lookup by key (set_contains) says whether a key is in a set but not what a map maps it
// to. Maps are therefore read whole: a second dump with every element, only when the
// ruleset has named maps, taking the maps' elements from it (plain sets stay unloaded).
void load_named_maps(Result<nf::Ruleset>& rules) {
    if (!rules) return;
    bool any = false;
    for (const nf::Table& t : rules->tables)
        for (const nf::Set& s : t.sets) any = any || (s.is_map() && !s.elements_loaded);
    if (!any) return;
    auto full = nf::read_nftables(nf::NftReadOptions{});
    if (!full) return;  // the maps stay unloaded: lookups in them evaluate as unknown
    for (nf::Table& t : rules->tables) {
        const nf::Table* other = full->find_table(t.family, t.name);
        if (other == nullptr) continue;
        for (nf::Set& s : t.sets) {
            if (!s.is_map() || s.elements_loaded) continue;
            if (const nf::Set* loaded = other->find_set(s.name); loaded != nullptr && loaded->elements_loaded) {
                s.elements = loaded->elements;
                s.elements_loaded = true;
            }
        }
    }
}

}  // namespace

HostNetwork collect_host_network(const std::string& proc_root) {
    HostNetwork h;
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
    nf::NftReadOptions options;
    options.named_set_elements = false;  // the evaluator asks for single keys instead
    h.nftables = nf::read_nftables(options);
    load_named_maps(h.nftables);
    // /proc/net is /proc/self/net: the thread group leader's netns. thread-self follows a
    // thread that joined another netns (setns), and is the same thing otherwise.
    std::error_code ec;
    const bool per_thread = std::filesystem::exists(proc_root + "/thread-self/net", ec);
    h.iptables_legacy = nf::read_iptables_legacy(per_thread ? proc_root + "/thread-self" : proc_root);
    h.daemon = read_daemon_config(proc_root);
    return h;
}

SetLookup live_set_lookup(std::vector<SetLookupRecord>& records) {
    return [&records](nf::Family family, const std::string& table, const std::string& set,
                      const nf::Bytes& key) -> std::optional<bool> {
        for (const SetLookupRecord& r : records)
            if (r.family == family && r.table == table && r.set == set && r.key == key) return r.found;
        auto found = nf::set_contains(family, table, set, key);
        if (!found) return std::nullopt;
        records.push_back({family, table, set, key, *found});
        return *found;
    };
}

}  // namespace dnd
