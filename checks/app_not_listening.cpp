// app.not-listening: no socket at all on the port inside the container.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "app.not-listening",
    .severity = Severity::critical,
    .summary = "nothing listens on the container port inside the container",
    .evidence = "/proc/PID/net/tcp{,6} (udp{,6}) of the container's netns",
    .fix = "start the app / fix its port",
    .rationale = "Docker forwards to the container port whether or not anything listens there. With no "
        "socket on that port in the container's network namespace, the kernel answers a TCP "
        "connect with a reset (or, through docker-proxy, the connection opens and closes at "
        "once). The app has not started, crashed, or listens on a port it was not asked to use.",
};

// Enough of what does listen to show the app's situation without flooding the report.
constexpr std::size_t kListenersShown = 5;

CheckResult run(const Facts& f) {
    CheckResult result;
    const auto listeners = listeners_to_judge(f, result.undecided);
    if (!listeners) return result;
    const Container& c = *f.container;
    const std::string name = container_ref(f);

    for (PortKey p : ports_expected_to_listen(f)) {
        if (!listeners_on(*listeners, p).empty()) continue;
        // The app listens elsewhere: port.wrong-container-port names that port instead.
        if (!other_listening_ports(c, *listeners, p).empty()) continue;

        Finding finding = new_finding(kCause);
        finding.port = p;
        finding.title = fmt::format("nothing listens on {} inside {}", p.str(), name);
        finding.evidence.push_back(bindings_evidence(c, p));
        finding.evidence.push_back(no_listener_evidence(c, p));
        if (listeners->empty()) {
            finding.evidence.push_back(is_host_network(c)
                                           ? "no listening socket of the container's processes at all on the host"
                                           : "no listening socket at all in the container's network namespace");
        } else {
            for (std::size_t i = 0; i < listeners->size() && i < kListenersShown; ++i)
                finding.evidence.push_back("listening instead: " + describe((*listeners)[i]));
        }
        finding.fix.push_back(fmt::format("docker logs --tail 50 {} (did the app start, on which port?)", name));
        finding.fix.push_back(fmt::format("docker exec {} netstat -lntu (what listens inside)", name));
        finding.fix.push_back(fmt::format("start the app, or make it listen on 0.0.0.0:{}", p.port));
        result.findings.push_back(std::move(finding));
    }

    // On the host network the container's ports are the ones its app listens on: with no -p and
    // no socket of its own there is no port at all, which is not "nothing wrong".
    if (is_host_network(c) && !f.query.to && ports_expected_to_listen(f).empty()) {
        Finding finding = new_finding(kCause);
        finding.title = fmt::format("nothing of {} listens on the host: on the host network its ports are the ones "
                                    "its app listens on",
                                    name);
        finding.evidence.push_back("HostConfig.NetworkMode = host");
        finding.evidence.push_back("HostConfig.PortBindings = {} (no -p; it would be ignored anyway)");
        finding.evidence.push_back(fmt::format("no listening socket of the container's processes in the host's "
                                               "network namespace, which it shares ({}, {})",
                                               listener_files(c, Proto::tcp), listener_files(c, Proto::udp)));
        finding.fix.push_back(fmt::format("docker logs --tail 50 {} (did the app start, on which port?)", name));
        finding.fix.push_back("start the app, or make it listen on 0.0.0.0:PORT; clients then use that host port");
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& app_not_listening() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = {kLoopback},
            .confirmed_when = {{{kLoopback, kFailed}}},
            .contradicted_when = {{{kLoopback, kPassed}}, {{kAddress, kPassed}}},
            .explains_peer_probe = true,
        },
        .run = on_source_and_target<run, true>,
    };
    return check;
}

}  // namespace dnd::checks
