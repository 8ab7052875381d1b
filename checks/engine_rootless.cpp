// engine.rootless: a rootless engine publishes ports through rootlesskit, not netfilter.
#include <fmt/format.h>

#include "checks.hpp"
#include "docknetdoctor/model/causes.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "rootless_engine.hpp"

namespace dnd::checks {

CheckResult engine_rootless(const Facts& f) {
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

    Finding finding = new_finding("engine.rootless");
    finding.title = "the engine is rootless: published ports go through rootlesskit, not the host's netfilter";
    finding.evidence.push_back(decided->evidence);
    if (!f.engine->endpoint.empty()) finding.evidence.push_back(fmt::format("engine endpoint = {}", f.engine->endpoint));
    finding.fix.push_back("host iptables/nftables rules do not apply to published ports; rootlesskit's port driver opens them on the host");
    finding.fix.push_back("host ports below 1024 need sysctl net.ipv4.ip_unprivileged_port_start lowered");
    finding.fix.push_back("see https://docs.docker.com/engine/security/rootless/ (networking, port drivers)");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace dnd::checks
