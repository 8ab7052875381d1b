#pragma once
// Reading HostNetwork from the live host: rtnetlink (links, addresses, routes), sysctls
// from /proc/sys, dockerd's command line and daemon.json, the netfilter rulesets. Parse
// functions take recorded bytes/text (fixtures/rtnetlink/) and are what unit tests use.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/host_network.hpp"
#include "docknetdoctor/path/evaluate.hpp"

namespace dnd {

// ---- rtnetlink ----
// The netlink messages of each dump (RTM_NEWLINK / RTM_NEWADDR / RTM_NEWROUTE), concatenated
// as received (NLMSG_DONE left out).
struct RtnlRawDump {
    std::vector<std::uint8_t> links, addresses, routes;
};
// Dumps this thread's network namespace over NETLINK_ROUTE. Errors: source "rtnetlink".
Result<RtnlRawDump> dump_rtnetlink();
Result<std::vector<Link>> parse_rtnl_links(std::span<const std::uint8_t> messages);
// Interface names come from links (by index).
Result<std::vector<Address>> parse_rtnl_addresses(std::span<const std::uint8_t> messages,
                                                  const std::vector<Link>& links);
// Tables main (254) and local (255) only.
Result<std::vector<Route>> parse_rtnl_routes(std::span<const std::uint8_t> messages, const std::vector<Link>& links);

// ---- sysctls ----
// net.ipv4.ip_forward, net.ipv6.conf.all.forwarding, net.bridge.bridge-nf-call-ip{,6}tables,
// net.ipv4.conf.all.route_localnet and net.ipv4.conf.IF.route_localnet for every link, read
// from PROC_ROOT/sys (the reading thread's netns). Absent files are left out.
Result<std::map<std::string, std::string>> read_sysctls(const std::string& proc_root, const std::vector<Link>& links);

// ---- dockerd ----
// Flags of dockerd's command line (argv, argv[0] included) that matter here.
DaemonConfig parse_dockerd_cmdline(const std::vector<std::string>& argv);
// Fills what the command line left unset from daemon.json text; the error for bad JSON.
Result<void> apply_daemon_json(std::string_view text, DaemonConfig& config);
// The dockerd process (comm "dockerd") in the same network namespace as this process, its
// command line and its daemon.json (--config-file, default /etc/docker/daemon.json).
Result<DaemonConfig> read_daemon_config(const std::string& proc_root);
// The same, from the pids of the processes named dockerd (a pass over /proc shared with others).
Result<DaemonConfig> read_daemon_config(const std::string& proc_root, const std::vector<int>& dockerd_pids);
// The pids of the processes of one name, asked for only when needed: the pass over /proc
// grows with the host. nullopt: PROC_ROOT cannot be listed.
using PidsOfName = std::function<std::optional<std::vector<int>>()>;
// The same, from the engine's own dockerd (engine_pid; 0 when unknown): its config when it
// runs in this network namespace, an error when it runs in another (another dockerd here is
// not the engine asked about). Only when it is unknown or gone, from the processes named
// dockerd that dockerd_pids() lists.
Result<DaemonConfig> read_daemon_config(const std::string& proc_root, int engine_pid, const PidsOfName& dockerd_pids);

// ---- services that load a whole ruleset ----
// Whether nftables ruleset text holds a `flush ruleset` line (every table goes, Docker's too).
bool ruleset_file_flushes_all(std::string_view text);
// The nftables service's ruleset file (ROOT/etc/nftables.conf or ROOT/etc/sysconfig/nftables.conf),
// whether a ROOT/etc/systemd/system/*.wants link enables nftables.service, and whether
// firewalld runs (its pid file or firewalld.service's cgroup naming a live firewalld in
// PROC_ROOT, or a firewalld process). ROOT is "" for this host.
Result<RulesetServices> read_ruleset_services(const std::string& root, const std::string& proc_root);
// The same, with the processes named firewalld given by the caller, who is asked only when
// neither a pid file nor the unit's cgroup names one.
Result<RulesetServices> read_ruleset_services(const std::string& root, const std::string& proc_root,
                                              const PidsOfName& firewalld_pids);
// Whether a firewalld without pid file or unit is worth looking for among the processes:
// a ruleset holds its mark (nf::holds_firewalld_rules), or a ruleset could not be read.
// A firewalld that runs has its rules, unless something flushed the whole ruleset since.
bool may_hold_firewalld_rules(const HostNetwork& host);

// Everything above plus nftables (elements of named maps dumped, of other named sets not:
// see NftReadOptions) and iptables-legacy; each failure stays in its slot.
// engine_pid: the engine's dockerd when it is known (0 otherwise); its config is read without
// looking for every dockerd when it runs in this network namespace.
// timeout: how long firewalld may take to answer over D-Bus.
HostNetwork collect_host_network(const std::string& proc_root, int engine_pid = 0,
                                 std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// Asks the kernel (nf::set_contains) and appends every answer to records.
SetLookup live_set_lookup(std::vector<SetLookupRecord>& records);

}  // namespace dnd
