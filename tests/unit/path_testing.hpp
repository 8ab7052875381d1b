#pragma once
// Scenarios for the packet-path tests: a scratch network namespace shaped like a Docker
// host (eth0 192.0.2.10/24, docker0 172.17.0.1/16 with a veth port, ip_forward on; eth0 is
// an ifb device: the dummy module is not available everywhere), the rules each scenario
// loads, and what each packet must come to. The live test builds the namespaces and
// records HostNetwork as JSON fixtures; the fixture test replays them.
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fixture_files.hpp"
#include "scratch_netns.hpp"
#include "docknetdoctor/model/host_network.hpp"
#include "docknetdoctor/path/evaluate.hpp"

namespace dnd::path_testing {

inline std::string source_dir() { return DND_SOURCE_DIR; }
inline std::string fixture(const std::string& name) { return source_dir() + "/fixtures/netfilter/" + name; }
inline std::string input(const std::string& name) { return fixture("inputs/" + name); }

using Netns = dnd::testing::ScratchNetns;
using dnd::testing::read_text;
using dnd::testing::update_fixtures;
using dnd::testing::update_golden_file;

inline HostNetwork load_host(const std::string& name) {
    return nlohmann::json::parse(read_text(fixture(name))).get<HostNetwork>();
}

inline const char* kDockerHostShape =
    "ip link set lo up; "
    "ip link add eth0 type ifb; ip addr add 192.0.2.10/24 dev eth0; ip link set eth0 up; "
    "ip route add default via 192.0.2.1 dev eth0; "
    "ip link add docker0 type bridge; ip addr add 172.17.0.1/16 dev docker0; ip link set docker0 up; "
    "ip link add vethdnd0 type veth peer name vethdnd1; ip link set vethdnd0 master docker0; ip link set vethdnd0 up; "
    "sysctl -qw net.ipv4.ip_forward=1";

inline Packet from_outside(const std::string& saddr, std::uint16_t dport, const std::string& daddr = "192.0.2.10") {
    Packet p;
    p.family = 4;
    p.iif = "eth0";
    p.saddr = saddr;
    p.daddr = daddr;
    p.proto = Proto::tcp;
    p.dport = dport;
    return p;
}

inline std::string describe(const PathResult& r) {
    std::ostringstream out;
    out << "verdict " << to_string(r.verdict) << " by " << r.decided_by << "\n";
    for (const PathStep& s : r.steps)
        out << "  [" << s.hook << "] " << to_string(s.result) << " " << s.rule << " (" << s.note << ")\n";
    return out.str();
}

// ---- expectations, shared by the live and the fixture tests ----

// Docker 20.10 (iptables-nft): 8080 -> 172.17.0.2:80, 8081 -> 172.17.0.3:80; DOCKER-USER
// drops 198.51.100.0/24 and the container port 80 of 172.17.0.3; filter INPUT policy drop.
inline void expect_docker_paths(const HostNetwork& host, const SetLookup& lookup) {
    PathResult published = evaluate_path(host, from_outside("203.0.113.77", 8080), lookup);
    EXPECT_EQ(published.verdict, PathVerdict::forwarded) << describe(published);
    EXPECT_EQ(published.out_interface, "docker0");
    EXPECT_EQ(published.final_packet.daddr, "172.17.0.2");
    EXPECT_EQ(published.final_packet.dport, 80);
    EXPECT_EQ(published.decided_hook, "forward");
    EXPECT_NE(published.decided_by.find("ip filter DOCKER"), std::string::npos) << published.decided_by;
    EXPECT_NE(published.decided_by.find("accept"), std::string::npos) << published.decided_by;
    bool saw_dnat = false;
    for (const PathStep& s : published.steps)
        if (s.result == StepResult::dnat && s.hook == "prerouting") saw_dnat = s.note == "daddr rewritten to 172.17.0.2:80";
    EXPECT_TRUE(saw_dnat) << describe(published);

    PathResult by_source = evaluate_path(host, from_outside("198.51.100.5", 8080), lookup);
    EXPECT_EQ(by_source.verdict, PathVerdict::dropped) << describe(by_source);
    EXPECT_NE(by_source.decided_by.find("DOCKER-USER"), std::string::npos) << by_source.decided_by;
    EXPECT_NE(by_source.decided_by.find("198.51.100.0/24"), std::string::npos) << by_source.decided_by;

    PathResult by_port = evaluate_path(host, from_outside("203.0.113.77", 8081), lookup);
    EXPECT_EQ(by_port.verdict, PathVerdict::dropped) << describe(by_port);
    EXPECT_NE(by_port.decided_by.find("DOCKER-USER"), std::string::npos) << by_port.decided_by;
    EXPECT_EQ(by_port.final_packet.daddr, "172.17.0.3");

    // Not published: no DNAT, so the packet is for the host, and INPUT's policy drops it.
    PathResult host_port = evaluate_path(host, from_outside("203.0.113.77", 22), lookup);
    EXPECT_EQ(host_port.verdict, PathVerdict::dropped) << describe(host_port);
    EXPECT_EQ(host_port.decided_hook, "input");
    EXPECT_EQ(host_port.decided_by, "ip filter INPUT policy drop");
}

// The same rules plus an iptables-legacy filter table whose FORWARD policy is DROP.
inline void expect_legacy_paths(const HostNetwork& host, const SetLookup& lookup) {
    PathResult published = evaluate_path(host, from_outside("203.0.113.77", 8080), lookup);
    EXPECT_EQ(published.verdict, PathVerdict::dropped) << describe(published);
    EXPECT_EQ(published.decided_by, "iptables-legacy ip filter FORWARD policy drop") << describe(published);
    EXPECT_EQ(published.decided_hook, "forward");
}

// inet dndpath: named interval set and verdict map (elements not dumped: SetLookup),
// goto/return, an unknown match before a drop, limit + log (unknown, but no verdict).
inline void expect_native_paths(const HostNetwork& host, const SetLookup& lookup) {
    auto in = [&](const std::string& saddr, std::uint16_t dport) {
        return evaluate_path(host, from_outside(saddr, dport), lookup);
    };
    PathResult ssh = in("203.0.113.77", 22);
    EXPECT_EQ(ssh.verdict, PathVerdict::delivered_local) << describe(ssh);
    EXPECT_NE(ssh.decided_by.find("tcp dport { 22, 80 } accept"), std::string::npos) << ssh.decided_by;

    PathResult blocked = in("10.1.2.3", 22);
    EXPECT_EQ(blocked.verdict, PathVerdict::dropped) << describe(blocked);
    EXPECT_NE(blocked.decided_by.find("@blocked"), std::string::npos) << blocked.decided_by;
    PathResult blocked_range = in("198.51.100.20", 22);
    EXPECT_EQ(blocked_range.verdict, PathVerdict::dropped) << describe(blocked_range);
    PathResult past_range = in("198.51.100.40", 22);
    EXPECT_EQ(past_range.verdict, PathVerdict::delivered_local) << describe(past_range);

    PathResult vmap_drop = in("203.0.113.77", 2222);
    EXPECT_EQ(vmap_drop.verdict, PathVerdict::dropped) << describe(vmap_drop);
    EXPECT_NE(vmap_drop.decided_by.find("vmap @portmap"), std::string::npos) << vmap_drop.decided_by;

    // vmap -> jump web -> goto web2 -> return: back to the input chain (goto replaced web,
    // so web's "drop" is never reached), then "tcp dport 8443 accept".
    PathResult via_goto = in("203.0.113.77", 8443);
    EXPECT_EQ(via_goto.verdict, PathVerdict::delivered_local) << describe(via_goto);
    EXPECT_NE(via_goto.decided_by.find("tcp dport 8443 accept"), std::string::npos) << via_goto.decided_by;

    // "meta cpu 1 drop" cannot be evaluated and would have dropped: unknown, never a guess.
    PathResult cpu = in("203.0.113.77", 9000);
    EXPECT_EQ(cpu.verdict, PathVerdict::unknown) << describe(cpu);
    EXPECT_NE(cpu.decided_by.find("meta cpu"), std::string::npos) << cpu.decided_by;

    PathResult other = in("203.0.113.77", 5555);
    EXPECT_EQ(other.verdict, PathVerdict::dropped) << describe(other);
    EXPECT_EQ(other.decided_by, "inet dndpath input policy drop");
}

}  // namespace dnd::path_testing
