#pragma once
// What the host's network stack looks like, as plain data: links, addresses and routes
// (rtnetlink), the sysctls that matter, the netfilter rulesets, and how dockerd was
// configured. Filled by collectors, read by the packet-path evaluator and the checks.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/firewalld.hpp"
#include "docknetdoctor/model/ruleset.hpp"
#include "docknetdoctor/model/ufw.hpp"

namespace dnd {

struct Link {
    int index = 0;
    std::string name;
    std::string kind;        // IFLA_INFO_KIND: "bridge", "veth", "" (physical) ...
    int mtu = 0;
    bool up = false;
    std::string master;      // bridge port: the bridge's name
};

struct Address {
    int ifindex = 0;
    std::string ifname;
    int family = 4;          // 4 or 6
    std::string address;     // presentation form
    int prefix_len = 0;
};

struct Route {
    int family = 4;
    std::string destination; // "default" or CIDR "172.17.0.0/16"
    std::string gateway;     // "" when directly connected
    std::string oifname;
    int table = 254;         // RT_TABLE_MAIN 254, RT_TABLE_LOCAL 255
    std::string type;        // "unicast", "local", "broadcast", "blackhole", "unreachable", "prohibit"
    std::string prefsrc;
    int metric = 0;
};

// How the engine was started, from dockerd's command line and daemon.json.
struct DaemonConfig {
    int pid = 0;
    std::vector<std::string> cmdline;
    std::string config_file;            // path read ("" if none)
    std::optional<bool> iptables;       // --iptables / "iptables"; nullopt = default (true)
    std::optional<bool> ip_forward;     // --ip-forward
    std::optional<bool> userland_proxy; // --userland-proxy; default true
    std::optional<bool> icc;            // --icc; default true
    std::string default_bind_ip;        // --ip / "ip": the default HostIp of -p
    std::string config_error;           // daemon.json unreadable or malformed ("" = fine)
};

// Services that load a whole ruleset and so can wipe Docker's tables and chains while the
// engine runs: the culprits named when Docker's rules are gone. Read from files and /proc.
struct RulesetServices {
    std::string nftables_conf;           // the nftables service's ruleset file read ("" = none found)
    bool nftables_conf_flushes = false;  // it holds a `flush ruleset` line: every table goes, Docker's too
    std::string nftables_enabled_by;     // the *.wants link enabling nftables.service ("" = not enabled)
    std::string firewalld_running;       // how firewalld was seen running ("" = not running)
};

// A set key looked up in the kernel (instead of dumping the whole set), recorded so an
// offline replay (--facts) evaluates exactly the same way.
struct SetLookupRecord {
    nf::Family family = nf::Family::ip;
    std::string table;
    std::string set;
    nf::Bytes key;
    bool found = false;
};

struct HostNetwork {
    Result<std::vector<Link>> links = fail("rtnetlink", "not collected");
    Result<std::vector<Address>> addresses = fail("rtnetlink", "not collected");
    Result<std::vector<Route>> routes = fail("rtnetlink", "not collected");
    // "net.ipv4.ip_forward" -> "1", "net.bridge.bridge-nf-call-iptables" -> "1",
    // "net.ipv4.conf.docker0.route_localnet" -> "0" ... A key missing from the map was
    // not present on the host (e.g. br_netfilter not loaded).
    Result<std::map<std::string, std::string>> sysctls = fail("procfs", "not collected");
    Result<nf::Ruleset> nftables = fail("nftables", "not collected");
    Result<nf::Ruleset> iptables_legacy = fail("iptables-legacy", "not collected");
    Result<DaemonConfig> daemon = fail("daemon-config", "not collected");
    Result<RulesetServices> ruleset_services = fail("ruleset-services", "not collected");
    // UFW's state files: its rules name a drop in its chains as the user wrote them.
    Result<UfwState> ufw = fail("ufw", kNotCollected);
    // firewalld's zones and policies: a drop in its table is named as the zone or policy that
    // made it, and a bridge's zone is judged before any packet is.
    Result<FirewalldState> firewalld = fail("firewalld", kNotCollected);
    std::vector<SetLookupRecord> set_lookups;
};

void to_json(nlohmann::json& j, const HostNetwork& h);
void from_json(const nlohmann::json& j, HostNetwork& h);

// The host's part of Facts: one HostNetwork shared by every copy of the Facts it is in, so
// that the containers of an --all run share their host's rulesets instead of each holding a
// copy (and record their set lookups in one place, which the saved run replays). Never
// null, also when moved from. A copy that must differ from its original gets a host of its
// own by assignment: `copy.host = *original.host;`.
class SharedHostNetwork {
public:
    SharedHostNetwork() : network_(std::make_shared<HostNetwork>()) {}
    SharedHostNetwork(const SharedHostNetwork&) = default;
    SharedHostNetwork(SharedHostNetwork&& other) noexcept : network_(other.network_) {}
    SharedHostNetwork& operator=(const SharedHostNetwork&) = default;
    SharedHostNetwork& operator=(SharedHostNetwork&& other) noexcept {
        network_ = other.network_;
        return *this;
    }
    ~SharedHostNetwork() = default;
    // A host of this Facts' own (the copies it was shared with keep theirs).
    SharedHostNetwork& operator=(HostNetwork network) {
        network_ = std::make_shared<HostNetwork>(std::move(network));
        return *this;
    }

    const HostNetwork* operator->() const { return network_.get(); }
    HostNetwork* operator->() { return network_.get(); }
    const HostNetwork& operator*() const { return *network_; }
    HostNetwork& operator*() { return *network_; }
    operator const HostNetwork&() const { return *network_; }  // NOLINT: it stands for the host

private:
    std::shared_ptr<HostNetwork> network_;
};

}  // namespace dnd
