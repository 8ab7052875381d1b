// exposure.firewall-bypass: the host's input rules deny the published port, yet Docker's
// DNAT sends the packet through forward instead, where it is let in.
#include <set>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/endpoint.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/fix_command.hpp"
#include "docknetdoctor/path/local_service_path.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "evidence_rules.hpp"
#include "firewalld_terms.hpp"
#include "path_drop_fix.hpp"
#include "ufw_terms.hpp"
#include "unknown_paths.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "exposure.firewall-bypass",
    .severity = Severity::warning,
    .summary = "the host firewall's input policy denies the port, yet Docker's DNAT+forward path lets outside clients in",
    .evidence = "packet-path evaluation of the input vs the DNAT/forward path",
    .fix = "filter in DOCKER-USER, not INPUT",
    .rationale = "Published ports are DNATed in prerouting and then forwarded; they never pass the input "
        "chain where host firewalls such as UFW put their port rules. The port is reachable from "
        "outside even though the firewall appears to deny it. Rules in DOCKER-USER (on the forward "
        "path, before Docker's accepts) are the ones that restrict it.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    const auto judged = paths_to_judge(f, result.undecided);
    if (!judged) return result;
    const Container* c = judged.container;
    std::set<PortKey> reported;
    for (const PathResult& path : *judged.paths) {
        // Only clients from elsewhere: the input firewall is about them.
        if (path.verdict != PathVerdict::forwarded || path.packet.iif.empty() || path.packet.iif == "lo") continue;
        // Let in by UFW's own forward rule (a `ufw route allow`): nothing is bypassed.
        if (accepted_by_ufw_route_rule(f.host, path)) continue;
        const PathResult local = evaluate_as_local_service(f.host, path.packet);
        if (!is_denied(local) || local.decided_hook != "input") continue;
        const auto port = container_port_of(*c, path);
        if (port && !reported.insert(*port).second) continue;

        Finding finding = new_finding(kCause);
        finding.port = port;
        // The firewall named as its user knows it, when it is UFW or firewalld.
        const auto ufw = ufw_decision(f.host, local);
        const auto firewalld = ufw ? std::nullopt : firewalld_decision(f.host, local);
        const std::string firewall = ufw ? ufw->what : firewalld ? firewalld->what : "the host firewall";
        finding.title = fmt::format("{} denies {} port {}, but Docker's DNAT lets outside clients reach {}", firewall,
                                    to_string(path.packet.proto), path.packet.dport, container_ref(f));
        finding.evidence.push_back(fmt::format("input would deny it: {}", local.decided_by));
        if (ufw) finding.evidence.insert(finding.evidence.end(), ufw->evidence.begin(), ufw->evidence.end());
        if (firewalld)
            finding.evidence.insert(finding.evidence.end(), firewalld->evidence.begin(), firewalld->evidence.end());
        finding.evidence.push_back(fmt::format("yet: {} is DNAT'd to {} and forwarded out {}",
                                               describe_packet(path.packet),
                                               format_endpoint(path.final_packet.daddr, path.final_packet.dport),
                                               path.out_interface));
        finding.evidence.push_back(fmt::format("forward path ends at: {}", path.decided_by));
        if (port) finding.evidence.push_back(bindings_evidence(*c, *port));
        // Keeping outside clients out, as the input rules intend: a drop wins in any base
        // chain of the forward hook, and DOCKER-USER is where Docker leaves room for it.
        const PacketMatch outside{path.packet.family, path.packet.iif, path.final_packet.daddr,
                                  path.packet.proto, path.final_packet.dport};
        if (const auto insert = docker_user_insert(f, path))
            finding.fix.push_back(fix_running("keep outside clients out as the host firewall intends, in DOCKER-USER "
                                              "which forwarded packets pass (allow wanted sources above it)",
                                              fmt::format("{} {} -j DROP", *insert, outside.iptables())));
        else
            finding.fix.push_back(fix_running(
                "keep outside clients out as the host firewall intends, in a forward chain of your own",
                fmt::format("nft 'add table inet host-guard; add chain inet host-guard forward {{ type filter hook "
                            "forward priority filter; policy accept; }}; add rule inet host-guard forward {} drop'",
                            outside.nft())));
        if (port)
            finding.fix.push_back(fmt::format("or publish on loopback only: {}",
                                              publish_flag(*port, path.packet.dport, "127.0.0.1")));
        if (ufw)
            finding.fix.push_back(fmt::format(
                "with UFW: ufw-docker's DOCKER-USER block in /etc/ufw/after.rules (github.com/chaifeng/ufw-docker) puts "
                "published ports under UFW's route rules; then let in whom you choose: ufw route allow proto {} from "
                "SOURCE to {} port {}",
                to_string(path.packet.proto), path.final_packet.daddr, path.final_packet.dport));
        else if (firewalld)
            finding.fix.push_back(
                "with firewalld: a zone's ports and services are for the host itself; published ports pass its "
                "`ct status dnat accept` whatever the zone. firewalld 2.3 and later with StrictForwardPorts=yes in "
                "/etc/firewalld/firewalld.conf lets through only the ports firewalld forwards (firewall-cmd "
                "--add-forward-port)");
        else
            finding.fix.push_back("with ufw: ufw-docker or `ufw route` rules; with firewalld: the docker zone/policy");
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& exposure_firewall_bypass() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .open_note = kForwardNote,
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
