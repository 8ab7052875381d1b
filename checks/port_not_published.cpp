// port.not-published: the port has no host binding, so the host forwards nothing to it.
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "port.not-published",
    .severity = Severity::critical,
    .summary = "the asked container port has no host binding (EXPOSE alone publishes nothing)",
    .evidence = "HostConfig.PortBindings, NetworkSettings.Ports, Config.ExposedPorts",
    .fix = "-p HOST:CONTAINER / compose ports:",
    .rationale = "Docker forwards a host port to a container only for ports given with -p (or compose "
        "ports:, or -P for every exposed port). EXPOSE in a Dockerfile is documentation and a "
        "hint for -P; it creates no rule and no proxy. Port bindings are fixed when the "
        "container is created, so adding one means recreating the container.",
};

bool has_any_binding(const Container& c) {
    auto bound = [](const auto& entry) { return !entry.second.empty(); };
    return std::any_of(c.port_bindings.begin(), c.port_bindings.end(), bound) ||
           std::any_of(c.ports.begin(), c.ports.end(), bound);
}

bool is_exposed(const Container& c, PortKey p) {
    return std::find(c.exposed_ports.begin(), c.exposed_ports.end(), p) != c.exposed_ports.end();
}

Finding not_published(const Facts& f, PortKey p) {
    const Container& c = *f.container;
    const std::string name = container_ref(f);
    Finding finding = new_finding(kCause);
    finding.port = p;
    finding.title = fmt::format("{} of {} is not published to the host", p.str(), name);
    finding.evidence.push_back(bindings_evidence(c, p));
    if (is_exposed(c, p))
        finding.evidence.push_back(fmt::format("Config.ExposedPorts has {} (EXPOSE documents a port; it publishes nothing)", p.str()));
    if (!has_any_binding(c)) finding.evidence.push_back("HostConfig.PortBindings = {} (no port of the container is published)");

    if (c.network_mode.starts_with("container:")) {
        finding.fix.push_back(fmt::format("{} shares the network of {}: publish the port on that container",
                                          name, c.network_mode.substr(std::string_view("container:").size())));
    } else {
        finding.fix.push_back(fmt::format("recreate {} with docker run {} ... (bindings cannot be added to an existing container)",
                                          name, publish_flag(p, p.port)));
        finding.fix.push_back(fmt::format("compose: ports: [\"{}:{}{}\"]", p.port, p.port, p.proto == Proto::udp ? "/udp" : ""));
    }
    return finding;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* container = publishing_container_to_judge(f, result.undecided);
    if (!container) return result;
    const Container& c = *container;
    // On internal networks publishing cannot work at all: network.internal says so instead.
    if (f.networks && only_on_internal_networks(c, *f.networks)) return result;

    if (f.query.port) {
        for (PortKey p : ports_in_question(f))  // the asked port (none with --to)
            if (bindings_of(c, p).empty()) result.findings.push_back(not_published(f, p));
        return result;
    }
    // Without --port, an unbound exposed port is a finding only when nothing at all is
    // published: with some ports published, the others are usually meant to stay internal.
    if (has_any_binding(c)) return result;
    for (PortKey p : ports_in_question(f)) result.findings.push_back(not_published(f, p));
    return result;
}

}  // namespace

const Check& port_not_published() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .confirmed_when = {{{kHostToContainer, kPassed}}},
            .open_note = "the app did not answer at the container address either",
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
