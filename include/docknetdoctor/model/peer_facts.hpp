#pragma once
// Container to container (`docknetdoctor SRC --to TARGET:PORT`) as plain data: what the
// source asked for, what the target is, how the name resolves inside the source, and what a
// connection from the source's netns did. Part of Facts: facts.hpp includes this header
// after the Container/NetworkInfo/Listener types it needs; include facts.hpp, not this.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/probe_outcome.hpp"

namespace dnd {

// --to as typed: "db:5432", "10.0.0.5:80", "[fd00::5]:80", "localhost:8080".
struct PeerQuery {
    std::string spec;        // as typed
    std::string host;        // name or address, IPv6 without brackets
    std::uint16_t port = 0;  // TCP
};

// What kind of name the host part is; decides which checks apply.
enum class PeerHostKind {
    name,           // a container name, id, alias, compose service or any DNS name
    address,        // a numeric IPv4/IPv6 address (not loopback)
    loopback,       // localhost, 127.0.0.0/8, ::1: the source itself
    host_gateway,   // host.docker.internal / gateway.docker.internal
};
std::string_view to_string(PeerHostKind k);

// One /etc/hosts line: an address and its names.
struct HostsEntry {
    std::string address;
    std::vector<std::string> names;
};

// An answer from the source's own resolver to a real query (A, then AAAA when A is empty).
struct DnsAnswer {
    std::string name;                    // the name asked
    std::string server;                  // the nameserver asked, "127.0.0.11"
    std::vector<std::string> addresses;  // A/AAAA records, presentation form
    int rcode = 0;                       // 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN ...
};
std::string_view rcode_name(int rcode);  // "NOERROR", "NXDOMAIN" ..., "other rcode" above 5

struct PeerFacts {
    PeerQuery query;
    PeerHostKind kind = PeerHostKind::name;
    // The container the host names (name/id/prefix, alias, compose service, one of its
    // addresses). An error: none does (the message says what was searched).
    Result<Container> target = fail("docker-api", "not collected");
    std::string match;                   // how: "container name", "network alias on shop_default" ...
    Result<std::vector<NetworkInfo>> target_networks = fail("docker-api", "not collected");
    Result<std::vector<Listener>> target_listeners = fail("procfs", "not collected");
    // Read from /proc/<source pid>/root/etc/{resolv.conf,hosts}: what the source resolves with.
    Result<std::vector<std::string>> nameservers = fail("procfs", "not collected");
    Result<std::vector<HostsEntry>> hosts = fail("procfs", "not collected");
    // The real query in the source's netns. An error: not asked (an address, a hosts-file
    // name) or no answer (timeout, no nameserver, netns not enterable).
    Result<DnsAnswer> dns = fail("dns", "not collected");
    // Where the probe went and why that address: "dns", "hosts file", "literal address",
    // "target container address (the name did not resolve)". "" when no address was known.
    std::string probe_address_from;
    Result<ProbeOutcome> probe = fail("probe", "not collected");
};

void to_json(nlohmann::json& j, const PeerQuery& q);
void from_json(const nlohmann::json& j, PeerQuery& q);
void to_json(nlohmann::json& j, const PeerFacts& p);
void from_json(const nlohmann::json& j, PeerFacts& p);

}  // namespace dnd
