// The sysctls the packet path depends on, from PROC_ROOT/sys: what the reading thread's
// network namespace uses (unlike /sys/class/net, which shows sysfs's mount netns).
#include "docknetdoctor/collect/host_network_collect.hpp"
#include "docknetdoctor/path/kernel_forwarding.hpp"
#include "proc_files.hpp"

#include <set>
#include <string_view>

namespace dnd {
namespace {

// The first line, without trailing blanks.
std::optional<std::string> read_value(const std::string& path) {
    auto text = read_text_file(path);
    if (!text) return std::nullopt;
    std::string value = text->substr(0, text->find('\n'));
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ' || value.back() == '\t')) value.pop_back();
    return value;
}

}  // namespace

Result<std::map<std::string, std::string>> read_sysctls(const std::string& proc_root, const std::vector<Link>& links) {
    std::map<std::string, std::string> out;
    const std::string sys = proc_root + "/sys/";
    auto add = [&](const std::string& key, const std::string& path) {
        if (auto v = read_value(sys + path)) out[key] = *v;
    };
    add("net.ipv4.ip_forward", "net/ipv4/ip_forward");
    if (out.empty()) return fail("procfs", "cannot read " + sys + "net/ipv4/ip_forward");
    add("net.ipv6.conf.all.forwarding", "net/ipv6/conf/all/forwarding");
    add("net.bridge.bridge-nf-call-iptables", "net/bridge/bridge-nf-call-iptables");
    add("net.bridge.bridge-nf-call-ip6tables", "net/bridge/bridge-nf-call-ip6tables");
    add("net.ipv4.conf.all.route_localnet", "net/ipv4/conf/all/route_localnet");
    std::set<std::string_view> bridges;
    for (const Link& l : links)
        if (l.kind == "bridge") bridges.insert(l.name);
    for (const Link& l : links) {
        // A '.' in an interface name stays as is in the key (sysctl(8) would show '/').
        if (l.name.empty() || l.name.find('/') != std::string::npos || l.name == "." || l.name == "..") continue;
        // A bridge's port (each container's veth) is no IP interface: a packet arriving on it
        // is routed, and switched by these sysctls, as arriving on the bridge. Skipping them
        // keeps this to a few files on a host with hundreds of containers.
        if (bridges.contains(l.master)) continue;
        add("net.ipv4.conf." + l.name + ".route_localnet", "net/ipv4/conf/" + l.name + "/route_localnet");
        // The kernel forwards by the incoming interface's own switch (kernel_forwarding.hpp).
        add(interface_sysctl_key(4, l.name, "forwarding"), "net/ipv4/conf/" + l.name + "/forwarding");
        add(interface_sysctl_key(6, l.name, "force_forwarding"), "net/ipv6/conf/" + l.name + "/force_forwarding");
    }
    return out;
}

}  // namespace dnd
