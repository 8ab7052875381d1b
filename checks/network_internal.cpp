// network.internal: attached only to --internal networks, which have no way out and get
// no published ports.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "network.internal",
    .severity = Severity::critical,
    .summary = "only on internal networks: no published ports, no outside path",
    .evidence = "network inspect Internal=true",
    .fix = "use a non-internal network for the public side",
    .rationale = "A network created with --internal has no gateway to the outside: Docker adds rules that "
        "drop traffic between it and other interfaces and programs no port publishing for it. "
        "A container attached only to internal networks is unreachable from the host's other "
        "interfaces by design. Attach it also to a normal network that carries the published port.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* container = container_to_judge(f, result.undecided);
    if (!container) return result;
    const Container& c = *container;
    if (!publishes_ports(c) || c.networks.empty()) return result;
    if (!f.networks) {
        result.undecided.push_back(unavailable_reason("the networks", f.networks.error()));
        return result;
    }
    if (!only_on_internal_networks(c, *f.networks)) return result;
    const std::string name = container_ref(f);

    Finding finding = new_finding(kCause);
    finding.port = f.query.port;
    auto attached = attached_networks(c, *f.networks);
    std::string names;
    for (const auto& n : attached) names += (names.empty() ? "" : ", ") + n.name;
    finding.title = fmt::format("{} is only on internal networks ({}): no outside path, no published ports", name, names);
    for (const auto& n : attached) finding.evidence.push_back(fmt::format("network \"{}\": Internal = true", n.name));
    finding.fix.push_back(fmt::format("attach a normal network for the public side: docker network connect bridge {}", name));
    finding.fix.push_back(fmt::format("publishing needs that network when {} is created: docker run --network bridge -p HOST:CONTAINER ..., then docker network connect {} {}",
                                      name, attached.front().name, name));
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& network_internal() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = {kPublished},
            .confirmed_when = {{{kHostToContainer, kPassed}}},
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
