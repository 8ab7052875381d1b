// See facts_builder.hpp.
#include "facts_builder.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/evaluate.hpp"
#include "docknetdoctor/path/swarm_node_paths.hpp"
#include "docknetdoctor/model/peer.hpp"
#include "nf_rule_parts.hpp"

namespace dnd::testing {
namespace {

using namespace nf_parts;

constexpr const char* kWebId = "a21c4ad64fafcd3a169f6b653f90a0d70f69add37f8b0a09c9feeb944ce73a3f";
constexpr const char* kDbId = "7c2a1e0f2b1d5e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f";
constexpr const char* kBridgeId = "0a09b8327b9ac2e3016dda89f9cbfaba8b97a50898be01269aca7b7f080bcae9";
constexpr const char* kNeverTime = "0001-01-01T00:00:00Z";
constexpr const char* kHostAddress = "192.0.2.10";
constexpr const char* kHostGateway = "172.17.0.1";  // what host-gateway means on docker0
constexpr int kSourcePid = 2927;
constexpr int kTargetPid = 3101;
constexpr int kDockerdPid = 812;

std::string_view source_of(Fact fact) {
    switch (fact) {
        case Fact::engine:
        case Fact::container:
        case Fact::networks: return "docker-api";
        case Fact::container_listeners:
        case Fact::host_listeners:
        case Fact::sysctls: return "procfs";
        case Fact::links: return "rtnetlink";
        case Fact::daemon: return "daemon-config";
        case Fact::nftables: return "nftables";
        case Fact::iptables_legacy: return "iptables-legacy";
        case Fact::peer_dns: return "dns";
        case Fact::selinux: return "selinux";
    }
    return "test";
}

ContainerState running_state(int pid) {
    ContainerState s;
    s.status = "running";
    s.running = true;
    s.pid = pid;
    s.started_at = "2026-11-28T14:26:19.414083087Z";
    s.finished_at = kNeverTime;
    return s;
}

// The flags and pid the engine reports with each status.
void set_status(ContainerState& s, std::string status, int pid) {
    s.status = std::move(status);
    s.running = s.status == "running" || s.status == "paused" || s.status == "restarting";
    s.paused = s.status == "paused";
    s.restarting = s.status == "restarting";
    s.dead = s.status == "dead";
    s.pid = s.status == "running" || s.status == "paused" ? pid : 0;
    if (!s.running && s.status != "created") s.finished_at = "2026-11-28T14:40:02.118262215Z";
    if (s.status == "created") s.started_at = kNeverTime;
}

Listener make_listener(std::string address, std::uint16_t port, Proto proto, std::string process, int pid,
                       unsigned long inode) {
    Listener l;
    l.proto = proto;
    l.family = address.find(':') == std::string::npos ? 4 : 6;
    l.address = std::move(address);
    l.port = port;
    l.inode = inode;
    l.owners.push_back(SocketOwner{.pid = pid, .process = std::move(process), .cgroup = {}});
    return l;
}

// A deterministic 64-hex-digit id for a user-defined network: its name in hex, padded.
std::string network_id_of(const std::string& name) {
    std::string id;
    for (unsigned char ch : name) id += fmt::format("{:02x}", ch);
    id.resize(64, 'e');
    return id;
}

bool is_user_network(const NetworkInfo& n) { return n.driver == "bridge" && n.name != "bridge"; }

// The engine's view of the bindings of a running container: "" becomes dockerd's --ip.
std::map<PortKey, std::vector<HostBinding>> in_effect(const std::map<PortKey, std::vector<HostBinding>>& asked,
                                                      const std::string& default_ip) {
    auto out = asked;
    for (auto& [port, bindings] : out)
        for (HostBinding& b : bindings)
            if (b.host_ip.empty()) b.host_ip = default_ip.empty() ? "0.0.0.0" : default_ip;
    return out;
}

}  // namespace

FactsBuilder::FactsBuilder() : state_(running_state(kSourcePid)) {
    NetworkInfo bridge;
    bridge.id = kBridgeId;
    bridge.name = "bridge";
    bridge.driver = "bridge";
    bridge.scope = "local";
    bridge.options = {{"com.docker.network.bridge.default_bridge", "true"},
                      {"com.docker.network.bridge.enable_icc", "true"},
                      {"com.docker.network.bridge.name", "docker0"}};
    bridge.subnets = {"172.17.0.0/16"};
    known_networks_.push_back(std::move(bridge));
    bindings_[PortKey{80, Proto::tcp}] = {HostBinding{"", 8080}};
    exposed_ = {PortKey{80, Proto::tcp}};
    listeners_ = {make_listener("0.0.0.0", 80, Proto::tcp, "httpd", kSourcePid, 31210)};
    query_.container = "web";
    sysctls_ = {{"net.ipv4.ip_forward", "1"},
                {"net.ipv6.conf.all.forwarding", "0"},
                {"net.bridge.bridge-nf-call-iptables", "1"},
                {"net.bridge.bridge-nf-call-ip6tables", "1"},
                {"net.ipv4.conf.all.route_localnet", "0"},
                {"net.ipv4.conf.lo.route_localnet", "0"},
                {"net.ipv4.conf.eth0.route_localnet", "0"}};
    daemon_.pid = kDockerdPid;
    daemon_.cmdline = {"/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock"};
}

// ---- the container ------------------------------------------------------------------

FactsBuilder& FactsBuilder::name(std::string name) {
    query_.container = name;
    name_ = std::move(name);
    return *this;
}

FactsBuilder& FactsBuilder::state(std::string status) {
    set_status(state_, std::move(status), kSourcePid);
    return *this;
}

FactsBuilder& FactsBuilder::exit_code(int code) {
    state_.exit_code = code;
    return *this;
}

FactsBuilder& FactsBuilder::oom_killed() {
    state_.oom_killed = true;
    return *this;
}

FactsBuilder& FactsBuilder::state_error(std::string error) {
    state_.error = std::move(error);
    return *this;
}

FactsBuilder& FactsBuilder::finished_at(std::string rfc3339) {
    state_.finished_at = std::move(rfc3339);
    return *this;
}

FactsBuilder& FactsBuilder::started_at(std::string rfc3339) {
    state_.started_at = std::move(rfc3339);
    return *this;
}

FactsBuilder& FactsBuilder::restart_policy(std::string policy, int restart_count) {
    restart_policy_ = std::move(policy);
    restart_count_ = restart_count;
    return *this;
}

FactsBuilder& FactsBuilder::die_event(std::string rfc3339, int exit_code) {
    die_events_.push_back(ContainerEvent{"die", std::move(rfc3339), exit_code});
    return *this;
}

FactsBuilder& FactsBuilder::log_line(std::string line) {
    log_tail_.push_back(std::move(line));
    return *this;
}

FactsBuilder& FactsBuilder::health(std::string status, int failing_streak, int last_exit_code, std::string last_output) {
    state_.health = Health{std::move(status), failing_streak, last_exit_code, std::move(last_output)};
    return *this;
}

FactsBuilder& FactsBuilder::network_mode(std::string mode) {
    network_mode_ = std::move(mode);
    return *this;
}

FactsBuilder& FactsBuilder::network(std::string name) {
    known_network(name);
    networks_ = {std::move(name)};
    networks_chosen_ = true;
    return *this;
}

FactsBuilder& FactsBuilder::also_network(std::string name) {
    known_network(name);
    networks_.push_back(std::move(name));
    networks_chosen_ = true;
    return *this;
}

FactsBuilder& FactsBuilder::internal(const std::string& network) {
    known_network(network).internal = true;
    return *this;
}

FactsBuilder& FactsBuilder::network_option(const std::string& network, std::string key, std::string value) {
    known_network(network).options[std::move(key)] = std::move(value);
    return *this;
}

FactsBuilder& FactsBuilder::swarm_member(bool manager, std::vector<SwarmNode> others) {
    SwarmMembership m;
    m.node_id = "hpo65ulqcmsjz4nx1c1c447fj";
    m.node_addr = kHostAddress;
    m.manager = manager;
    m.data_path_port_known = manager;
    m.nodes = std::move(others);
    swarm_ = std::move(m);
    return *this;
}

FactsBuilder& FactsBuilder::label(std::string key, std::string value) {
    labels_[std::move(key)] = std::move(value);
    return *this;
}

FactsBuilder& FactsBuilder::extra_host(std::string entry) {
    extra_hosts_.push_back(std::move(entry));
    return *this;
}

// ---- ports --------------------------------------------------------------------------

FactsBuilder& FactsBuilder::publish(std::uint16_t container_port, std::uint16_t host_port, std::string host_ip,
                                    Proto proto) {
    bindings_[PortKey{container_port, proto}] = {HostBinding{std::move(host_ip), host_port}};
    return *this;
}

FactsBuilder& FactsBuilder::no_binding(std::uint16_t container_port, Proto proto) {
    bindings_.erase(PortKey{container_port, proto});
    return *this;
}

FactsBuilder& FactsBuilder::exposed(std::uint16_t container_port, Proto proto) {
    const PortKey p{container_port, proto};
    if (std::find(exposed_.begin(), exposed_.end(), p) == exposed_.end()) exposed_.push_back(p);
    return *this;
}

// ---- sockets ------------------------------------------------------------------------

FactsBuilder& FactsBuilder::listener(std::string address, std::uint16_t port, Proto proto, std::string process) {
    if (!listeners_chosen_) listeners_.clear();
    listeners_chosen_ = true;
    listeners_.push_back(make_listener(std::move(address), port, proto, std::move(process), kSourcePid,
                                       31210 + listeners_.size()));
    return *this;
}

FactsBuilder& FactsBuilder::no_listeners() {
    listeners_.clear();
    listeners_chosen_ = true;
    return *this;
}

FactsBuilder& FactsBuilder::host_listener(std::string address, std::uint16_t port, std::string process, int pid,
                                          Proto proto) {
    extra_host_listeners_.push_back(
        make_listener(std::move(address), port, proto, std::move(process), pid, 40100 + extra_host_listeners_.size()));
    return *this;
}

// ---- the question -------------------------------------------------------------------

FactsBuilder& FactsBuilder::port(std::uint16_t port, Proto proto) {
    query_.port = PortKey{port, proto};
    return *this;
}

FactsBuilder& FactsBuilder::from(std::string address) {
    query_.from_is_local = is_loopback_address(address) || address == kHostAddress ||
                           std::any_of(known_networks_.begin(), known_networks_.end(), [&](const NetworkInfo& n) {
                               return address_on(n.name, 1) == address;
                           });
    query_.from = std::move(address);
    return *this;
}

FactsBuilder& FactsBuilder::direct() {
    query_.direct = true;
    return *this;
}

// ---- the host and the engine --------------------------------------------------------

FactsBuilder& FactsBuilder::sysctl(std::string key, std::string value) {
    sysctls_[std::move(key)] = std::move(value);
    return *this;
}

FactsBuilder& FactsBuilder::no_sysctl(std::string key) {
    sysctls_[std::move(key)] = {};  // marked absent; build() leaves it out
    return *this;
}

FactsBuilder& FactsBuilder::daemon_option(const std::string& option, bool value) {
    if (option == "iptables") daemon_.iptables = value;
    else if (option == "userland-proxy") daemon_.userland_proxy = value;
    else if (option == "icc") daemon_.icc = value;
    else if (option == "ip-forward") daemon_.ip_forward = value;
    else throw std::invalid_argument("FactsBuilder::daemon_option: unknown option " + option);
    daemon_.cmdline.push_back(fmt::format("--{}={}", option, value));
    return *this;
}

FactsBuilder& FactsBuilder::default_bind_ip(std::string address) {
    daemon_.cmdline.push_back("--ip=" + address);
    daemon_.default_bind_ip = std::move(address);
    return *this;
}

FactsBuilder& FactsBuilder::rootless() {
    rootless_ = true;
    return *this;
}

FactsBuilder& FactsBuilder::engine_security_options(std::vector<std::string> options) {
    security_options_ = std::move(options);
    return *this;
}

FactsBuilder& FactsBuilder::engine_version(std::string version) {
    engine_version_ = std::move(version);
    return *this;
}

FactsBuilder& FactsBuilder::no_docker_rules() {
    docker_rules_ = false;
    return *this;
}

SelinuxState FactsBuilder::no_selinux() {
    SelinuxState s;
    s.not_enabled_why = "no /sys/fs/selinux (the kernel runs without SELinux)";
    return s;
}

FactsBuilder& FactsBuilder::selinux(SelinuxState state) {
    selinux_ = std::move(state);
    return *this;
}

FactsBuilder& FactsBuilder::no_dnat(std::uint16_t host_port) {
    without_dnat_.insert(host_port);
    return *this;
}

FactsBuilder& FactsBuilder::flushing_nftables_service() {
    ruleset_services_ = RulesetServices{"/etc/nftables.conf", true,
                                        "/etc/systemd/system/sysinit.target.wants/nftables.service", ""};
    return *this;
}

FactsBuilder& FactsBuilder::nftables_table(nf::Table table) {
    table.source = nf::RulesetSource::nftables;
    nft_tables_.push_back(std::move(table));
    return *this;
}

FactsBuilder& FactsBuilder::legacy_table(nf::Table table) {
    table.source = nf::RulesetSource::iptables_legacy;
    legacy_tables_.push_back(std::move(table));
    return *this;
}

FactsBuilder& FactsBuilder::unavailable(Fact fact, std::string message) {
    unavailable_[fact] = std::move(message);
    return *this;
}

// ---- --to ---------------------------------------------------------------------------

FactsBuilder& FactsBuilder::to(std::string spec) {
    known_network("appnet");
    Peer p;
    p.spec = std::move(spec);
    p.target_state = running_state(kTargetPid);
    p.target_bindings = {};
    peer_ = std::move(p);
    return *this;
}

FactsBuilder& FactsBuilder::no_target() {
    peer_.value().target_exists = false;
    return *this;
}

FactsBuilder& FactsBuilder::target_name(std::string name) {
    peer_.value().target_name = std::move(name);
    return *this;
}

FactsBuilder& FactsBuilder::target_network(std::string name) {
    known_network(name);
    peer_.value().target_networks = {std::move(name)};
    return *this;
}

FactsBuilder& FactsBuilder::target_state(std::string status) {
    set_status(peer_.value().target_state, std::move(status), kTargetPid);
    return *this;
}

FactsBuilder& FactsBuilder::target_label(std::string key, std::string value) {
    peer_.value().target_labels[std::move(key)] = std::move(value);
    return *this;
}

FactsBuilder& FactsBuilder::target_alias(std::string alias) {
    peer_.value().target_aliases.push_back(std::move(alias));
    return *this;
}

FactsBuilder& FactsBuilder::target_publish(std::uint16_t container_port, std::uint16_t host_port) {
    peer_.value().target_bindings[PortKey{container_port, Proto::tcp}] = {HostBinding{"", host_port}};
    return *this;
}

FactsBuilder& FactsBuilder::hosts_entry(std::string address, std::string name) {
    peer_.value().hosts_entries.push_back(HostsEntry{std::move(address), {std::move(name)}});
    return *this;
}

FactsBuilder& FactsBuilder::peer_probe(ProbeStatus outcome) {
    peer_.value().probe = outcome;
    return *this;
}

// ---- derivation ---------------------------------------------------------------------

NetworkInfo& FactsBuilder::known_network(const std::string& name) {
    for (NetworkInfo& n : known_networks_)
        if (n.name == name) return n;
    const std::size_t user_networks = std::count_if(known_networks_.begin(), known_networks_.end(), is_user_network);
    NetworkInfo n;
    n.id = network_id_of(name);
    n.name = name;
    n.driver = "bridge";
    n.scope = "local";
    n.subnets = {fmt::format("172.{}.0.0/16", 18 + user_networks)};
    n.gateways = {fmt::format("172.{}.0.1", 18 + user_networks)};
    known_networks_.push_back(std::move(n));
    return known_networks_.back();
}

// The address of host number N (1: the bridge, 2: the source, 3: the target) on a network.
std::string FactsBuilder::address_on(const std::string& network, int host_number) const {
    for (const NetworkInfo& n : known_networks_)
        if (n.name == network && !n.subnets.empty()) {
            const std::string& subnet = n.subnets.front();  // "172.N.0.0/16"
            return subnet.substr(0, subnet.rfind(".0/")) + "." + std::to_string(host_number);
        }
    return {};
}

std::vector<NetworkAttachment> FactsBuilder::attachments(const std::vector<std::string>& networks, int host_number,
                                                         const std::vector<std::string>& aliases) const {
    std::vector<NetworkAttachment> out;
    for (const std::string& name : networks) {
        const auto info = std::find_if(known_networks_.begin(), known_networks_.end(),
                                       [&](const NetworkInfo& n) { return n.name == name; });
        NetworkAttachment a;
        a.network = name;
        a.network_id = info->id;
        a.ip_address = address_on(name, host_number);
        a.ip_prefix_len = 16;
        a.gateway = address_on(name, 1);
        if (name != "bridge") a.aliases = aliases;
        out.push_back(std::move(a));
    }
    return out;
}

Container FactsBuilder::source_container() const {
    Container c;
    c.id = kWebId;
    c.name = name_;
    c.image = "httpd:2.4";
    c.created = "2026-11-28T14:26:19.182113729Z";
    c.state = state_;
    c.restart_policy = restart_policy_;
    c.restart_count = restart_count_;
    c.network_mode = network_mode_;
    c.port_bindings = bindings_;
    c.exposed_ports = exposed_;
    c.labels = labels_;
    c.extra_hosts = extra_hosts_;
    if (network_mode_ == "host" || network_mode_ == "none") {
        NetworkAttachment a;
        a.network = network_mode_;
        c.networks.push_back(std::move(a));
    } else if (!network_mode_.starts_with("container:")) {
        auto networks = networks_;
        if (peer_ && !networks_chosen_) networks.push_back("appnet");
        c.networks = attachments(networks, 2, {});
        // The engine releases a stopped container's addresses; the attachments stay.
        if (!c.state.running)
            for (NetworkAttachment& a : c.networks) a.ip_address = a.gateway = "";
    }
    // NetworkSettings.Ports: the bindings in effect, and the exposed ports with none.
    if (c.state.running && publishes_ports(c)) {
        c.ports = in_effect(bindings_, daemon_.default_bind_ip);
        for (PortKey p : exposed_) c.ports.try_emplace(p);
    }
    return c;
}

std::vector<Listener> FactsBuilder::host_listeners(const Container& c) const {
    std::vector<Listener> out{make_listener("0.0.0.0", 22, Proto::tcp, "sshd", 611, 14021)};
    // The engine holds each published port: docker-proxy, or rootlesskit for a rootless engine.
    const bool proxied = rootless_ || daemon_.userland_proxy.value_or(true);
    int pid = 2901;
    for (const auto& [port, bindings] : c.ports)
        for (const HostBinding& b : bindings)
            if (proxied && b.host_port != 0)
                out.push_back(make_listener(b.host_ip, b.host_port, port.proto, rootless_ ? "rootlesskit" : "docker-proxy",
                                            rootless_ ? 1402 : pid++, 30511 + out.size()));
    out.insert(out.end(), extra_host_listeners_.begin(), extra_host_listeners_.end());
    return out;
}

HostNetwork FactsBuilder::host_network(const Container& c) const {
    HostNetwork h;
    std::vector<Link> links{{1, "lo", "", 65536, true, ""}, {2, "eth0", "", 1500, true, ""}};
    std::vector<Address> addresses{{1, "lo", 4, "127.0.0.1", 8}, {2, "eth0", 4, kHostAddress, 24}};
    std::vector<Route> routes{{4, "default", "192.0.2.1", "eth0", 254, "unicast", "", 0},
                              {4, "192.0.2.0/24", "", "eth0", 254, "unicast", kHostAddress, 0},
                              {4, "127.0.0.0/8", "", "lo", 255, "local", "127.0.0.1", 0},
                              {4, "192.0.2.10/32", "", "eth0", 255, "local", kHostAddress, 0}};
    auto sysctls = sysctls_;
    // A rootless engine's bridges live in rootlesskit's namespace, not on the host.
    if (!rootless_) {
        for (const NetworkInfo& n : known_networks_) {
            if (n.driver != "bridge") continue;
            const std::string dev = bridge_device(n);
            const int index = static_cast<int>(links.size()) + 1;
            const std::string gateway = address_on(n.name, 1);
            links.push_back(Link{index, dev, "bridge", 1500, true, ""});
            addresses.push_back(Address{index, dev, 4, gateway, 16});
            routes.push_back(Route{4, n.subnets.front(), "", dev, 254, "unicast", gateway, 0});
            routes.push_back(Route{4, gateway + "/32", "", dev, 255, "local", gateway, 0});
            // dockerd turns route_localnet on for its bridges when it runs without the proxy.
            sysctls.try_emplace("net.ipv4.conf." + dev + ".route_localnet",
                                daemon_.userland_proxy.value_or(true) ? "0" : "1");
        }
        if (has_live_process(c) && !c.networks.empty() && !c.networks.front().ip_address.empty())
            for (const NetworkInfo& n : known_networks_)
                if (n.name == c.networks.front().network)
                    links.push_back(Link{static_cast<int>(links.size()) + 1, "veth00023a1", "veth", 1500, true,
                                         bridge_device(n)});
    }
    // The kernel forwards by the incoming interface's own switch; writing net.ipv4.ip_forward
    // sets every interface's, so each link follows it unless a case says otherwise.
    const auto global_forwarding = sysctls.find("net.ipv4.ip_forward");
    for (const Link& l : links)
        sysctls.try_emplace("net.ipv4.conf." + l.name + ".forwarding",
                            global_forwarding == sysctls.end() ? std::string() : global_forwarding->second);
    std::erase_if(sysctls, [](const auto& entry) { return entry.second.empty(); });

    nf::Ruleset nft;
    if (docker_rules_ && !rootless_ && daemon_.iptables.value_or(true)) {
        // Docker 20.10's nat shape: PREROUTING and OUTPUT jump to DOCKER, one DNAT per IPv4 binding.
        std::vector<nf::Rule> dnats;
        if (!c.networks.empty() && !c.networks.front().ip_address.empty())
            for (const auto& [port, bindings] : c.ports)
                for (const HostBinding& b : bindings) {
                    if (port.proto != Proto::tcp || b.host_port == 0 || b.host_ip.find(':') != std::string::npos) continue;
                    if (without_dnat_.contains(b.host_port)) continue;
                    auto exprs = tcp_dport(b.host_port);
                    for (nf::Expr& e : dnat_to(c.networks.front().ip_address, port.port)) exprs.push_back(std::move(e));
                    dnats.push_back(rule(std::move(exprs)));
                }
        // With the userland proxy, OUTPUT leaves 127.0.0.0/8 to docker-proxy; without it, the
        // loopback is DNAT'd too and POSTROUTING masquerades the 127/8 source into the bridge.
        const bool proxy_on = daemon_.userland_proxy.value_or(true);
        const nf::Bytes net127{127, 0, 0, 0}, mask8{255, 0, 0, 0};
        std::vector<nf::Expr> output_jump;
        if (proxy_on)
            output_jump = {nf::Payload{nf::PayloadBase::network, 16, 4, kReg1, {}},
                           nf::Bitwise{nf::BitwiseOp::mask_xor, kReg1, kReg1, 4, mask8, {0, 0, 0, 0}, 0},
                           nf::Cmp{nf::CmpOp::neq, kReg1, net127}};
        output_jump.push_back(verdict(nf::Verdict::Kind::jump, "DOCKER"));
        std::vector<nf::Chain> nat_chains{
            base_chain("PREROUTING", nf::ChainType::nat, nf::Hook::prerouting, -100, nf::Verdict::Kind::accept,
                       {rule({verdict(nf::Verdict::Kind::jump, "DOCKER")})}),
            base_chain("OUTPUT", nf::ChainType::nat, nf::Hook::output, -100, nf::Verdict::Kind::accept,
                       {rule(std::move(output_jump))}),
            regular_chain("DOCKER", std::move(dnats))};
        if (!proxy_on) {
            std::string bridge = "docker0";
            bridge.push_back('\0');
            nat_chains.push_back(base_chain(
                "POSTROUTING", nf::ChainType::nat, nf::Hook::postrouting, 100, nf::Verdict::Kind::accept,
                {rule({nf::Meta{nf::MetaKey::oifname, kReg1, {}}, nf::Cmp{nf::CmpOp::eq, kReg1, nf::Bytes(bridge.begin(), bridge.end())},
                       nf::Payload{nf::PayloadBase::network, 12, 4, kReg1, {}},
                       nf::Bitwise{nf::BitwiseOp::mask_xor, kReg1, kReg1, 4, mask8, {0, 0, 0, 0}, 0},
                       nf::Cmp{nf::CmpOp::eq, kReg1, net127}, nf::Masq{}})}));
        }
        nft.tables.push_back(table(nf::Family::ip, "nat", std::move(nat_chains)));
        // Docker's filter chains exist (their absence is a cause of its own); empty here, with
        // FORWARD accepting, since no case needs their rules.
        nft.tables.push_back(table(
            nf::Family::ip, "filter",
            {base_chain("FORWARD", nf::ChainType::filter, nf::Hook::forward, 0, nf::Verdict::Kind::accept,
                        {rule({verdict(nf::Verdict::Kind::jump, "DOCKER-USER")})}),
             regular_chain("DOCKER-USER", {}), regular_chain("DOCKER", {}),
             regular_chain("DOCKER-ISOLATION-STAGE-1", {})}));
    }
    nft.tables.insert(nft.tables.end(), nft_tables_.begin(), nft_tables_.end());
    nf::Ruleset legacy;
    legacy.tables = legacy_tables_;

    h.links = std::move(links);
    h.addresses = std::move(addresses);
    h.routes = std::move(routes);
    h.sysctls = std::move(sysctls);
    h.nftables = std::move(nft);
    h.iptables_legacy = std::move(legacy);
    h.daemon = daemon_;
    if (ruleset_services_) h.ruleset_services = *ruleset_services_;
    // No UFW (no /etc/ufw/ufw.conf), as most hosts; the UFW cases set its state.
    UfwState no_ufw;
    no_ufw.rules = fail("ufw", "ufw is not installed (no /etc/ufw/ufw.conf)");
    no_ufw.docker_user_hooked = false;
    h.ufw = no_ufw;
    return h;
}

PeerFacts FactsBuilder::peer_facts(const Container& source) const {
    const Peer& want = *peer_;
    PeerFacts p;
    p.query = parse_peer_spec(want.spec).value();
    p.kind = classify_peer_host(p.query.host);
    const std::string& host = p.query.host;

    Container target;
    target.id = kDbId;
    target.name = want.target_name;
    target.image = "postgres:16";
    target.state = want.target_state;
    target.restart_policy = "no";
    target.network_mode = "default";
    target.networks = attachments(want.target_networks, 3, want.target_aliases);
    if (!target.state.running)
        for (NetworkAttachment& a : target.networks) a.ip_address = a.gateway = "";
    target.labels = want.target_labels;
    target.port_bindings = want.target_bindings;
    target.exposed_ports = {PortKey{5432, Proto::tcp}};
    if (target.state.running) {
        target.ports = in_effect(want.target_bindings, daemon_.default_bind_ip);
        target.ports.try_emplace(PortKey{5432, Proto::tcp});
    }
    const auto has_address = [&](const std::string& a) {
        return std::any_of(target.networks.begin(), target.networks.end(),
                           [&](const NetworkAttachment& n) { return n.ip_address == a; });
    };
    const auto service = target.labels.find(kComposeServiceLabel);
    const bool has_alias = std::find(want.target_aliases.begin(), want.target_aliases.end(), host) != want.target_aliases.end();

    // Which container the host names, as the collector matches it.
    if (p.kind == PeerHostKind::loopback) {
        p.target = fail("peer", fmt::format("{} inside a container is that container itself", host));
    } else if (p.kind == PeerHostKind::host_gateway) {
        p.target = fail("peer", fmt::format("{} names the Docker host, not a container", host));
    } else if (want.target_exists && p.kind == PeerHostKind::address && has_address(host)) {
        p.match = "container address";
    } else if (want.target_exists && p.kind == PeerHostKind::name &&
               (host == target.name || has_alias || (service != target.labels.end() && service->second == host))) {
        p.match = host == target.name ? "container name"
                  : has_alias         ? fmt::format("network alias on {}", want.target_networks.front())
                                      : "compose service name";
    } else {
        p.target = fail("docker-api", p.kind == PeerHostKind::address
                                          ? fmt::format("no container has the address {}", host)
                                          : fmt::format("no such container: {}", host));
    }
    if (!p.match.empty()) {
        p.target = target;
        std::vector<NetworkInfo> networks;
        for (const NetworkInfo& n : known_networks_)
            if (std::find(want.target_networks.begin(), want.target_networks.end(), n.name) != want.target_networks.end())
                networks.push_back(n);
        p.target_networks = std::move(networks);
        if (has_live_process(target))
            p.target_listeners = std::vector<Listener>{make_listener("0.0.0.0", 5432, Proto::tcp, "postgres", kTargetPid, 52001)};
        else p.target_listeners = fail("procfs", "the target container is not running");
    } else if (p.kind == PeerHostKind::name || p.kind == PeerHostKind::address) {
        p.target_networks = fail("docker-api", "no target container");
        p.target_listeners = fail("procfs", "no target container");
    }

    // The source's resolver files: Docker writes 127.0.0.11 on user-defined networks, the
    // host's resolver on the default bridge; /etc/hosts has --add-host lines.
    const bool source_live = has_live_process(source);
    const auto shared = p.target ? shared_network_names(source, *p.target) : std::vector<std::string>{};
    const bool on_user_network = std::any_of(source.networks.begin(), source.networks.end(), [](const NetworkAttachment& a) {
        return a.network != "bridge" && a.network != "host" && a.network != "none" && !a.network.empty();
    });
    if (source_live) {
        p.nameservers = std::vector<std::string>{on_user_network ? "127.0.0.11" : "192.0.2.1"};
        std::vector<HostsEntry> hosts{{"127.0.0.1", {"localhost"}}, {"::1", {"localhost", "ip6-localhost", "ip6-loopback"}}};
        if (!source.networks.empty() && !source.networks.front().ip_address.empty())
            hosts.push_back(HostsEntry{source.networks.front().ip_address, {source.id.substr(0, 12)}});
        for (const std::string& entry : source.extra_hosts) {
            const auto colon = entry.find(':');
            const std::string address = entry.substr(colon + 1);
            hosts.push_back(HostsEntry{address == "host-gateway" ? kHostGateway : address, {entry.substr(0, colon)}});
        }
        hosts.insert(hosts.end(), want.hosts_entries.begin(), want.hosts_entries.end());
        p.hosts = std::move(hosts);
    } else {
        p.nameservers = fail("procfs", "the source container is not running");
        p.hosts = fail("procfs", "the source container is not running");
    }

    // Resolve as the source would: an address as it is, the hosts file, then its resolver.
    std::string address;
    const std::string in_hosts = p.hosts ? hosts_lookup(*p.hosts, host) : std::string();
    if (p.kind == PeerHostKind::address || (p.kind == PeerHostKind::loopback && host != "localhost")) {
        address = host;
        p.probe_address_from = "literal address";
        p.dns = fail("dns", "not asked: the target is an address");
    } else if (!in_hosts.empty()) {
        address = in_hosts;
        p.probe_address_from = "hosts file";
        p.dns = fail("dns", fmt::format("not asked: the source's /etc/hosts maps {} to {}", host, in_hosts));
    } else if (!source_live) {
        p.dns = fail("dns", "not asked: the source container is not running");
    } else if (auto dns_error = unavailable_.find(Fact::peer_dns); dns_error != unavailable_.end()) {
        p.dns = fail("dns", dns_error->second);
    } else {
        // The embedded DNS answers the names and aliases of running containers on the
        // user-defined networks it shares with the source; anything else is NXDOMAIN.
        DnsAnswer answer{host, p.nameservers->front(), {}, 3};
        if (p.target && has_live_process(*p.target) && (host == p.target->name || has_alias))
            for (const std::string& network : shared)
                if (network != "bridge")
                    for (const NetworkAttachment& a : p.target->networks)
                        if (a.network == network) answer.addresses.push_back(a.ip_address);
        if (!answer.addresses.empty()) {
            answer.rcode = 0;
            address = answer.addresses.front();
            p.probe_address_from = "dns";
        }
        p.dns = answer;
    }
    if (address.empty() && p.target)
        for (const NetworkAttachment& a : p.target->networks)
            if (std::find(shared.begin(), shared.end(), a.network) != shared.end()) {
                address = a.ip_address;
                p.probe_address_from = "target container address (the name did not resolve)";
            }
    if (address.empty() && p.target && !p.target->networks.empty()) {
        address = p.target->networks.front().ip_address;
        p.probe_address_from =
            fmt::format("target container address on {} (not a network of the source)", p.target->networks.front().network);
    }

    // The probe from inside the source: the target answers on the networks it shares with
    // the source (unless icc is off there); its other addresses are isolated (dropped);
    // loopback is the source itself.
    if (!source_live) {
        p.probe = fail("probe", "not run: the source container is not running");
    } else if (address.empty()) {
        p.probe = fail("probe", fmt::format("not run: no address for {} inside the source", host));
    } else {
        ProbeStatus outcome = ProbeStatus::refused;
        const PortKey asked{p.query.port, Proto::tcp};
        if (p.kind == PeerHostKind::loopback) {
            if (!listeners_on(listeners_, asked).empty()) outcome = ProbeStatus::open;
        } else if (p.target && p.target_listeners) {
            // enable_icc=false: Docker drops traffic between the containers of that bridge.
            const auto icc = [&](const std::string& network) {
                for (const NetworkInfo& n : known_networks_)
                    if (n.name == network) {
                        auto it = n.options.find("com.docker.network.bridge.enable_icc");
                        return it == n.options.end() || it->second != "false";
                    }
                return true;
            };
            const bool reachable = std::any_of(p.target->networks.begin(), p.target->networks.end(), [&](const NetworkAttachment& a) {
                return a.ip_address == address && std::find(shared.begin(), shared.end(), a.network) != shared.end() &&
                       icc(a.network);
            });
            if (!reachable) outcome = ProbeStatus::timeout;
            else if (!reachable_listeners(*p.target_listeners, asked).empty()) outcome = ProbeStatus::open;
        } else if (p.target) {
            outcome = ProbeStatus::unreachable;
        }
        if (want.probe) outcome = *want.probe;
        const char* detail = outcome == ProbeStatus::open      ? "connected"
                             : outcome == ProbeStatus::timeout ? "no answer within 1000 ms"
                                                               : "connect: Connection refused";
        p.probe = ProbeOutcome{ProbeTarget{address, p.query.port, Proto::tcp, fmt::format("inside {}", source.name)},
                               outcome, outcome == ProbeStatus::timeout ? 1000.0 : 0.2, detail};
    }
    return p;
}

Facts FactsBuilder::build() const {
    Facts f;
    f.tool_version = "0.1.0";
    f.collected_at = "2026-11-28T14:30:00Z";
    f.query = query_;
    if (peer_) f.query.to = peer_->spec;

    EngineInfo engine;
    engine.server_version = engine_version_;
    engine.api_version = "1.41";
    engine.endpoint = "unix:///var/run/docker.sock";
    engine.security_options = security_options_;
    engine.process = EngineProcess{kDockerdPid, "/usr/bin/dockerd", "listener of the API socket", std::nullopt};
    if (rootless_) {
        engine.endpoint = "unix:///run/user/1000/docker.sock";
        engine.process->rootlesskit_state_dir = "/run/user/1000/dockerd-rootless";
    }
    f.engine = engine;

    const Container c = source_container();
    f.container = c;
    std::vector<NetworkInfo> networks = known_networks_;
    if (network_mode_ == "host" || network_mode_ == "none")
        networks.push_back(NetworkInfo{network_id_of(network_mode_), network_mode_, network_mode_ == "host" ? "host" : "null",
                                       "local", false, {}, {}, {}});
    f.networks = std::move(networks);
    if (has_live_process(c)) f.container_listeners = listeners_;
    else f.container_listeners = fail("procfs", "the container is not running");
    f.host_listeners = host_listeners(c);
    f.host = host_network(c);
    f.probes = fail("probe", "not run (--no-probe)");
    f.selinux = selinux_;
    // On a sign of a restart loop the collector reads the last kRestartHistoryWindow of runs.
    if (shows_restart_signs(c))
        f.restart_history = RestartHistory{"2026-11-28T14:28:00.000Z", "2026-11-28T14:30:00.000Z", die_events_, log_tail_};

    for (const auto& [fact, message] : unavailable_) {
        auto error = fail(std::string(source_of(fact)), message);
        switch (fact) {
            case Fact::engine: f.engine = error; break;
            case Fact::container: f.container = error; break;
            case Fact::networks: f.networks = error; break;
            case Fact::container_listeners: f.container_listeners = error; break;
            case Fact::host_listeners: f.host_listeners = error; break;
            case Fact::links: f.host->links = error; break;
            case Fact::sysctls: f.host->sysctls = error; break;
            case Fact::daemon: f.host->daemon = error; break;
            case Fact::selinux: f.selinux = error; break;
            case Fact::nftables: f.host->nftables = error; break;
            case Fact::iptables_legacy: f.host->iptables_legacy = error; break;
            case Fact::peer_dns: break;  // peer_facts() uses it
        }
    }
    if (peer_) {
        if (f.container) f.peer = peer_facts(c);
        else {
            PeerFacts p;
            p.query = parse_peer_spec(peer_->spec).value();
            p.kind = classify_peer_host(p.query.host);
            p.target = fail("docker-api", "the source container is unavailable");
            f.peer = std::move(p);
        }
    }
    f.paths = paths_for(f, recorded_lookups(f.host));
    if (swarm_) {
        f.swarm = *swarm_;
        f.swarm->paths = swarm_node_paths(*f.host, *f.swarm, recorded_lookups(f.host));
    }
    return f;
}

}  // namespace dnd::testing
