#pragma once
// FactsBuilder: the Facts of one check case, composed in a few lines. The defaults are a
// healthy published web container on a Docker 20.10 host (iptables-nft):
//   container web, running (pid 2927), on the default bridge (172.17.0.2/16, docker0);
//   80/tcp published with -p 8080:80 (in effect 0.0.0.0:8080), httpd listening on 0.0.0.0:80;
//   the host: eth0 192.0.2.10/24 (default via 192.0.2.1), docker-proxy on 0.0.0.0:8080, sshd on
//   :22, ip_forward 1, br_netfilter loaded, Docker's nat rules (DNAT 8080 -> 172.17.0.2:80) in
//   nftables, an empty iptables-legacy, dockerd started without options (not rootless).
// A case states only what differs:
//   auto f = FactsBuilder().listener("127.0.0.1", 80).build();
//   auto f = FactsBuilder().state("exited").exit_code(137).build();
// build() derives what follows the way the engine and the kernel would (a stopped container has
// no ports in effect, no docker-proxy and no readable sockets; each IPv4 binding gets Docker's
// DNAT rule unless iptables is off; --to resolves and probes as the collector would) and walks
// Facts::paths with the real evaluator (paths_for), so the facts stay consistent.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "docknetdoctor/model/facts.hpp"

namespace dnd::testing {

// A fact whose collector failed, for unavailable().
enum class Fact {
    engine, container, networks, container_listeners, host_listeners,
    links, sysctls, daemon, nftables, iptables_legacy,
    peer_dns,  // --to: the resolver did not answer
    selinux,
};

class FactsBuilder {
public:
    FactsBuilder();

    // ---- the container ---------------------------------------------------------------
    FactsBuilder& name(std::string name);
    // State.Status: running, exited, created, paused, restarting, dead (flags and pid follow).
    FactsBuilder& state(std::string status);
    FactsBuilder& exit_code(int code);
    FactsBuilder& oom_killed();
    FactsBuilder& state_error(std::string error);  // State.Error
    FactsBuilder& finished_at(std::string rfc3339);
    // State.StartedAt of the current run (the facts are collected at 2026-11-28T14:30:00Z).
    FactsBuilder& started_at(std::string rfc3339);
    // HostConfig.RestartPolicy.Name and RestartCount (how often the engine restarted it).
    FactsBuilder& restart_policy(std::string policy, int restart_count = 0);
    // A die event among the recent runs, oldest first; with log_line, what the collector reads
    // of the recent runs when the container shows a sign of a restart loop.
    FactsBuilder& die_event(std::string rfc3339, int exit_code);
    FactsBuilder& log_line(std::string line);  // docker logs --tail, oldest first
    FactsBuilder& health(std::string status, int failing_streak = 0, int last_exit_code = 0,
                         std::string last_output = "");
    FactsBuilder& network_mode(std::string mode);  // host, none, container:NAME
    FactsBuilder& network(std::string name);       // attached to this network only
    FactsBuilder& also_network(std::string name);  // attached to this one too
    FactsBuilder& internal(const std::string& network);  // the network was created --internal
    FactsBuilder& network_option(const std::string& network, std::string key, std::string value);
    FactsBuilder& label(std::string key, std::string value);
    FactsBuilder& extra_host(std::string entry);   // --add-host NAME:ADDR ("host-gateway" too)

    // ---- ports -----------------------------------------------------------------------
    // -p [HOST_IP:]HOST_PORT:CONTAINER_PORT as asked; "" is -p without an address (the engine
    // binds 0.0.0.0). Replaces the bindings of that container port (the default 8080:80 too).
    FactsBuilder& publish(std::uint16_t container_port, std::uint16_t host_port, std::string host_ip = "",
                          Proto proto = Proto::tcp);
    FactsBuilder& no_binding(std::uint16_t container_port, Proto proto = Proto::tcp);
    FactsBuilder& exposed(std::uint16_t container_port, Proto proto = Proto::tcp);  // EXPOSE

    // ---- sockets ---------------------------------------------------------------------
    // The app listens on ADDRESS:PORT inside the container: the first call replaces the
    // default httpd on 0.0.0.0:80, later calls add.
    FactsBuilder& listener(std::string address, std::uint16_t port, Proto proto = Proto::tcp,
                           std::string process = "httpd");
    FactsBuilder& no_listeners();
    // A process listening on the host, besides the engine's docker-proxy.
    FactsBuilder& host_listener(std::string address, std::uint16_t port, std::string process, int pid = 4242,
                                Proto proto = Proto::tcp);

    // ---- the question ----------------------------------------------------------------
    FactsBuilder& port(std::uint16_t port, Proto proto = Proto::tcp);  // --port
    FactsBuilder& from(std::string address);  // --from; local when loopback or a host address
    FactsBuilder& direct();                   // --direct: to the container's own address

    // ---- the host and the engine -----------------------------------------------------
    FactsBuilder& sysctl(std::string key, std::string value);
    FactsBuilder& no_sysctl(std::string key);  // absent on the host (a module not loaded)
    // A dockerd command-line option: "iptables", "userland-proxy", "icc", "ip-forward".
    FactsBuilder& daemon_option(const std::string& option, bool value);
    // The engine runs under rootlesskit: its process has ROOTLESSKIT_STATE_DIR, its rules
    // live in rootlesskit's namespace (none on the host) and rootlesskit holds the host ports.
    // dockerd --ip ADDRESS: where -p without an address binds.
    FactsBuilder& default_bind_ip(std::string address);
    FactsBuilder& rootless();
    FactsBuilder& engine_security_options(std::vector<std::string> options);  // /info was asked
    FactsBuilder& engine_version(std::string version);  // /version Version (default 20.10.24+dfsg1)
    FactsBuilder& no_docker_rules();  // Docker's nat chains are gone (a flush)
    // Docker's DNAT rule for this host port is gone (deleted by hand); its chains remain.
    FactsBuilder& no_dnat(std::uint16_t host_port);
    // The nftables service loads /etc/nftables.conf, which starts with `flush ruleset`, at
    // boot. Unless a case calls it, the services that load a ruleset were not read.
    FactsBuilder& flushing_nftables_service();
    FactsBuilder& nftables_table(nf::Table table);  // added to the nftables ruleset
    FactsBuilder& legacy_table(nf::Table table);    // added to iptables-legacy
    // SELinux as collected; the default is a host without it (no /sys/fs/selinux).
    FactsBuilder& selinux(SelinuxState state);
    FactsBuilder& unavailable(Fact fact, std::string message = "permission denied");
    // The engine is a member of a swarm at the host's address (192.0.2.10), with the cluster's
    // data path port 4789, that knows of these other nodes: the swarm's ports between them
    // and this host are evaluated through the rulesets.
    FactsBuilder& swarm_member(bool manager, std::vector<SwarmNode> others);

    // ---- --to TARGET:PORT ------------------------------------------------------------
    // By default the target is a running container db (172.18.0.3) with postgres on
    // 0.0.0.0:5432, on the user-defined network appnet, which the source joins too; the source
    // asks the embedded DNS (127.0.0.11), which answers names and aliases of containers on
    // the networks it shares with them.
    FactsBuilder& to(std::string spec);
    FactsBuilder& no_target();                        // no container matches the name
    FactsBuilder& target_name(std::string name);
    FactsBuilder& target_network(std::string name);   // the target is on this network only
    FactsBuilder& target_state(std::string status);
    FactsBuilder& target_label(std::string key, std::string value);
    FactsBuilder& target_alias(std::string alias);    // network alias on its networks
    FactsBuilder& target_publish(std::uint16_t container_port, std::uint16_t host_port);
    FactsBuilder& hosts_entry(std::string address, std::string name);  // in the source's /etc/hosts
    FactsBuilder& peer_probe(ProbeStatus outcome);    // what the probe from the source got

    Facts build() const;

private:
    Result<SelinuxState> selinux_ = no_selinux();
    static SelinuxState no_selinux();
    struct Peer {
        std::string spec;
        bool target_exists = true;
        std::string target_name = "db";
        ContainerState target_state;
        std::vector<std::string> target_networks = {"appnet"};
        std::vector<std::string> target_aliases;
        std::map<std::string, std::string> target_labels;
        std::map<PortKey, std::vector<HostBinding>> target_bindings;
        std::vector<HostsEntry> hosts_entries;
        std::optional<ProbeStatus> probe;
    };

    NetworkInfo& known_network(const std::string& name);
    std::string address_on(const std::string& network, int host_number) const;
    Container source_container() const;
    std::vector<NetworkAttachment> attachments(const std::vector<std::string>& networks, int host_number,
                                               const std::vector<std::string>& aliases) const;
    HostNetwork host_network(const Container& c) const;
    std::vector<Listener> host_listeners(const Container& c) const;
    PeerFacts peer_facts(const Container& source) const;

    std::string name_ = "web";
    ContainerState state_;
    std::string restart_policy_ = "no";
    int restart_count_ = 0;
    std::vector<ContainerEvent> die_events_;
    std::vector<std::string> log_tail_;
    std::string network_mode_ = "default";
    std::vector<std::string> networks_ = {"bridge"};
    bool networks_chosen_ = false;
    std::vector<NetworkInfo> known_networks_;
    std::map<PortKey, std::vector<HostBinding>> bindings_;
    std::vector<PortKey> exposed_;
    std::map<std::string, std::string> labels_;
    std::vector<std::string> extra_hosts_;
    std::vector<Listener> listeners_;
    bool listeners_chosen_ = false;
    std::vector<Listener> extra_host_listeners_;
    Query query_;
    std::map<std::string, std::string> sysctls_;
    DaemonConfig daemon_;
    bool rootless_ = false;
    std::optional<std::vector<std::string>> security_options_;
    std::string engine_version_ = "20.10.24+dfsg1";
    bool docker_rules_ = true;
    std::set<std::uint16_t> without_dnat_;
    std::optional<RulesetServices> ruleset_services_;
    std::vector<nf::Table> nft_tables_;
    std::vector<nf::Table> legacy_tables_;
    std::map<Fact, std::string> unavailable_;
    std::optional<Peer> peer_;
    std::optional<SwarmMembership> swarm_;
};

}  // namespace dnd::testing
