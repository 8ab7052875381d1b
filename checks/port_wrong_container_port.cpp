// port.wrong-container-port: the binding points at a port nothing listens on, while the
// app listens on another one.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "port.wrong-container-port",
    .severity = Severity::critical,
    .summary = "a binding targets a container port nothing listens on, while the app listens on another",
    .evidence = "bindings vs listeners in the container's netns",
    .fix = "map to the port the app listens on",
    .rationale = "In -p HOST:CONTAINER the second number must be the port the app inside listens on; "
        "Docker forwards blindly to it. When the app listens elsewhere (8080 instead of 80, a "
        "changed PORT variable), connections reach the container and are refused there. "
        "Mapping the host port to the port the app actually uses fixes it without touching the app.",
};

std::string port_list(const std::vector<std::uint16_t>& ports, Proto proto) {
    std::string text;
    for (auto port : ports) text += fmt::format("{}{}", text.empty() ? "" : ", ", PortKey{port, proto}.str());
    return text;
}

std::vector<std::string> fixes(const Facts& f, PortKey p, PortKey app_port) {
    const Container& c = *f.container;
    const std::string name = container_ref(f);
    std::vector<std::string> out;
    if (is_host_network(c)) {
        out.push_back(fmt::format("connect to port {} (host network: the app's own port is what counts)", app_port.port));
    } else {
        auto bindings = bindings_of(c, p);
        HostBinding b = bindings.empty() ? HostBinding{"", p.port} : bindings.front();
        std::string ip = is_wildcard_address(b.host_ip) ? std::string() : b.host_ip;
        out.push_back(fmt::format("recreate {} with docker run {} ... (map the host port to the port the app listens on)",
                                  name, publish_flag(app_port, b.host_port, ip)));
    }
    out.push_back(fmt::format("or make the app listen on {} (its port setting or PORT variable)", p.str()));
    return out;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const auto listeners = listeners_to_judge(f, result.undecided);
    if (!listeners || is_none_network(*f.container)) return result;
    const Container& c = *f.container;

    for (PortKey p : ports_expected_to_listen(f)) {
        if (!listeners_on(*listeners, p).empty()) continue;
        auto others = other_listening_ports(c, *listeners, p);
        if (others.empty()) continue;

        Finding finding = new_finding(kCause);
        finding.port = p;
        finding.title = fmt::format("nothing listens on {} inside {}; the app listens on {}", p.str(), container_ref(f),
                                    port_list(others, p.proto));
        finding.evidence.push_back(bindings_evidence(c, p));
        finding.evidence.push_back(no_listener_evidence(c, p));
        for (auto port : others)
            for (const Listener& l : reachable_listeners(*listeners, PortKey{port, p.proto}))
                finding.evidence.push_back(describe(l));
        finding.fix = fixes(f, p, PortKey{others.front(), p.proto});
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& port_wrong_container_port() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = {kLoopback},
            .confirmed_when = {{{kLoopback, kFailed}}},
            .contradicted_when = {{{kLoopback, kPassed}}, {{kAddress, kPassed}}},
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
