// engine.rootless: a rootless engine publishes ports through rootlesskit, not netfilter.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "rootless_engine.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "engine.rootless",
    .severity = Severity::info,
    .summary = "rootless engine: ports go through rootlesskit, not host netfilter",
    .evidence = "ROOTLESSKIT_STATE_DIR in the environment of the dockerd behind the API socket, or /info SecurityOptions name=rootless",
    .fix = "read the rootless notes",
    .rationale = "A rootless dockerd runs in a user namespace with its own network namespace; published "
        "ports are opened by rootlesskit's port driver as an ordinary process on the host. Host "
        "netfilter DNAT rules are not involved, ports below 1024 need "
        "net.ipv4.ip_unprivileged_port_start lowered, and with the default builtin port driver the "
        "app sees no real client address. Read the other findings with that in mind.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    if (!f.engine) {
        result.undecided.push_back(unavailable_reason("the engine info", f.engine.error()));
        return result;
    }
    const auto decided = rootless_evidence(f);
    if (!decided) {
        result.undecided.push_back("neither /info nor the engine's process was read");
        return result;
    }
    if (!decided->rootless) return result;

    Finding finding = new_finding(kCause);
    finding.title = "the engine is rootless: published ports go through rootlesskit, not the host's netfilter";
    finding.evidence.push_back(decided->evidence);
    if (!f.engine->endpoint.empty()) finding.evidence.push_back(fmt::format("engine endpoint = {}", f.engine->endpoint));
    finding.fix.push_back("host iptables/nftables rules do not apply to published ports; rootlesskit's port driver opens them on the host");
    finding.fix.push_back("host ports below 1024 need sysctl net.ipv4.ip_unprivileged_port_start lowered");
    finding.fix.push_back("see https://docs.docker.com/engine/security/rootless/ (networking, port drivers)");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& engine_rootless() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .open_note = "ports go through rootlesskit, outside this ladder",
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
