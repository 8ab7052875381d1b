// engine.rootless: a rootless engine publishes ports through rootlesskit, not netfilter.
#include <algorithm>

#include <fmt/format.h>

#include "checks.hpp"
#include "docknetdoctor/causes.hpp"
#include "docknetdoctor/facts_query.hpp"

namespace dnd::checks {
namespace {

// SecurityOptions entries look like "name=seccomp,profile=default" or "name=rootless".
bool names_rootless(std::string_view option) {
    while (!option.empty()) {
        auto comma = option.find(',');
        if (option.substr(0, comma) == "name=rootless") return true;
        if (comma == std::string_view::npos) break;
        option.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace

CheckResult engine_rootless(const Facts& f) {
    CheckResult result;
    if (!f.engine) {
        result.undecided.push_back(unavailable_reason("the engine info", f.engine.error()));
        return result;
    }
    const auto& options = f.engine->security_options;
    auto it = std::find_if(options.begin(), options.end(), [](const std::string& o) { return names_rootless(o); });
    if (it == options.end()) return result;

    Finding finding = new_finding("engine.rootless");
    finding.title = "the engine is rootless: published ports go through rootlesskit, not the host's netfilter";
    finding.evidence.push_back(fmt::format("/info SecurityOptions has \"{}\"", *it));
    if (!f.engine->endpoint.empty()) finding.evidence.push_back(fmt::format("engine endpoint = {}", f.engine->endpoint));
    finding.fix.push_back("host iptables/nftables rules do not apply to published ports; rootlesskit's port driver opens them on the host");
    finding.fix.push_back("host ports below 1024 need sysctl net.ipv4.ip_unprivileged_port_start lowered");
    finding.fix.push_back("see https://docs.docker.com/engine/security/rootless/ (networking, port drivers)");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace dnd::checks
