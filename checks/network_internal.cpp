// network.internal: attached only to --internal networks, which have no way out and get
// no published ports.
#include <fmt/format.h>

#include "checks.hpp"
#include "docknetdoctor/model/causes.hpp"
#include "docknetdoctor/model/facts_query.hpp"

namespace dnd::checks {

CheckResult network_internal(const Facts& f) {
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

    Finding finding = new_finding("network.internal");
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

}  // namespace dnd::checks
