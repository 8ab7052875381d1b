// network.none: --network none leaves the container with a loopback interface only.
#include <fmt/format.h>

#include "checks.hpp"
#include "docknetdoctor/model/causes.hpp"
#include "docknetdoctor/model/facts_query.hpp"

namespace dnd::checks {

CheckResult network_none(const Facts& f) {
    CheckResult result;
    const Container* container = container_to_judge(f, result.undecided);
    if (!container || !is_none_network(*container)) return result;
    const std::string name = container_ref(f);

    Finding finding = new_finding("network.none");
    finding.port = f.query.port;
    finding.title = fmt::format("{} has no network (--network none): nothing outside it can connect", name);
    finding.evidence.push_back("HostConfig.NetworkMode = none");
    finding.fix.push_back(fmt::format(
        "recreate {} on a network: docker run --network bridge -p HOST:CONTAINER ... (docker network connect refuses a container in none mode)",
        name));
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace dnd::checks
