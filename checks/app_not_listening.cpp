// app.not-listening: no socket at all on the port inside the container.
#include <fmt/format.h>

#include "checks.hpp"
#include "docknetdoctor/causes.hpp"
#include "docknetdoctor/facts_query.hpp"

namespace dnd::checks {
namespace {

// Enough of what does listen to show the app's situation without flooding the report.
constexpr std::size_t kListenersShown = 5;

}  // namespace

CheckResult app_not_listening(const Facts& f) {
    CheckResult result;
    const auto* listeners = listeners_to_judge(f, result.undecided);
    if (!listeners) return result;
    const Container& c = *f.container;
    const std::string name = container_ref(f);

    for (PortKey p : ports_expected_to_listen(f)) {
        if (!listeners_on(*listeners, p).empty()) continue;
        // The app listens elsewhere: port.wrong-container-port names that port instead.
        if (!other_listening_ports(c, *listeners, p).empty()) continue;

        Finding finding = new_finding("app.not-listening");
        finding.port = p;
        finding.title = fmt::format("nothing listens on {} inside {}", p.str(), name);
        finding.evidence.push_back(bindings_evidence(c, p));
        finding.evidence.push_back(fmt::format("no socket on {} in the container's network namespace ({})", p.str(),
                                               listener_files(c, p.proto)));
        if (listeners->empty()) {
            finding.evidence.push_back("no listening socket at all in the container's network namespace");
        } else {
            for (std::size_t i = 0; i < listeners->size() && i < kListenersShown; ++i)
                finding.evidence.push_back("listening instead: " + describe((*listeners)[i]));
        }
        finding.fix.push_back(fmt::format("docker logs --tail 50 {} (did the app start, on which port?)", name));
        finding.fix.push_back(fmt::format("docker exec {} netstat -lntu (what listens inside)", name));
        finding.fix.push_back(fmt::format("start the app, or make it listen on 0.0.0.0:{}", p.port));
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace dnd::checks
