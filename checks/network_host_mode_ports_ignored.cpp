// network.host-mode-ports-ignored: --network host discards -p; the app's own port counts.
// The finding is the root of what follows from the discarded mapping (nothing on the mapped
// container port, the app on another port), so it ranks above those. When every host port
// the user wrote is one the app listens on anyway, clients reach it as written: then the
// mapping is only misleading, and the finding is context (info), not a failure.
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "network.host-mode-ports-ignored",
    .severity = Severity::critical,
    .summary = "--network host: -p is discarded; the app's own port on the host is what counts",
    .evidence = "HostConfig.NetworkMode=host with PortBindings",
    .fix = "drop -p, use the app's port, or use a bridge network",
    .rationale = "With --network host the container shares the host's network namespace, so there is no "
        "separate address to forward to and Docker discards -p (it only warns). Clients must "
        "connect to the port the app itself binds on the host. To get a different host port, run "
        "it on a bridge network with -p instead. The app's sockets are told from the host's other "
        "listeners by their owners: the container's main process, or any process in the cgroup "
        "named after the container's id. When every host port the -p names is one the app listens "
        "on anyway, clients reach it as written: the finding is then info, context, not a failure.",
};

// The ports of that protocol where the app accepts connections from other hosts.
std::vector<std::uint16_t> reachable_ports(const std::vector<Listener>& app, Proto proto) {
    std::vector<std::uint16_t> out;
    for (const Listener& l : app)
        if (l.proto == proto && !is_loopback_address(l.address)) out.push_back(l.port);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string port_list(const std::vector<std::uint16_t>& ports) {
    std::string text;
    for (auto port : ports) text += fmt::format("{}{}", text.empty() ? "" : ", ", port);
    return text;
}

bool contains(const std::vector<std::uint16_t>& ports, std::uint16_t port) {
    return std::find(ports.begin(), ports.end(), port) != ports.end();
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* container = container_to_judge(f, result.undecided);
    if (!container) return result;
    const Container& c = *container;
    if (!is_host_network(c)) return result;
    const std::string name = container_ref(f);
    // The app's sockets; nullopt when they cannot be told (then the finding rests on the
    // engine's fields alone, and the listener checks say why they could not decide).
    std::vector<std::string> listeners_undecided;
    const auto app = listeners_to_judge(f, listeners_undecided);

    for (PortKey p : ports_in_question(f)) {
        const auto asked = c.port_bindings.find(p);
        if (asked == c.port_bindings.end() || asked->second.empty()) continue;
        const std::vector<HostBinding>& bindings = asked->second;
        const HostBinding& first = bindings.front();
        const std::string written = publish_flag(p, first.host_port);
        const auto app_ports = app ? reachable_ports(*app, p.proto) : std::vector<std::uint16_t>{};
        const bool served_as_written = std::all_of(bindings.begin(), bindings.end(), [&](const HostBinding& b) {
            return b.host_port != 0 && contains(app_ports, b.host_port);
        });

        Finding finding = new_finding(kCause);
        finding.port = p;
        std::string where;
        if (served_as_written)
            where = fmt::format("the app listens on host port {} itself, so clients reach it as written", first.host_port);
        else if (!app)
            where = "the app's own port on the host is what counts";
        else if (app_ports.empty())
            where = fmt::format("no process of {} accepts connections from other hosts", name);
        else
            where = fmt::format("the app listens on host port {}", port_list(app_ports));
        finding.title = fmt::format("{} uses the host network: {} is ignored; {}", name, written, where);
        finding.evidence.push_back("HostConfig.NetworkMode = host");
        finding.evidence.push_back(fmt::format("HostConfig.PortBindings[\"{}\"] = {}", p.str(), describe(bindings)));
        // In host mode the container's sockets are the host's: show where the app really is.
        if (app) {
            for (const Listener& l : *app)
                if (l.proto == p.proto) finding.evidence.push_back(describe(l));
            if (app_ports.empty()) finding.evidence.push_back(no_listener_evidence(c, p));
        }

        if (served_as_written) {
            finding.severity = Severity::info;
            finding.fix.push_back(fmt::format("drop {}: it does nothing on the host network, and it would mislead "
                                              "once the app's port changes",
                                              written));
        } else {
            const std::uint16_t app_port = app_ports.empty() ? p.port : app_ports.front();
            if (app_ports.empty())
                finding.fix.push_back(fmt::format("drop {} and make the app listen on 0.0.0.0:{}: on the host "
                                                  "network, the port the app binds is the host's port",
                                                  written, p.port));
            else
                finding.fix.push_back(fmt::format("connect to host port {} directly (drop {}): on the host network, "
                                                  "the port the app binds is the host's port",
                                                  app_port, written));
            if (first.host_port != 0)
                finding.fix.push_back(fmt::format("or, to use host port {}, recreate {} on a bridge network: docker run {} ...",
                                                  first.host_port, name,
                                                  publish_flag(PortKey{app_port, p.proto}, first.host_port)));
        }
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& network_host_mode_ports_ignored() {
    static const Check check{
        .cause = kCause,
        // Its rung 4 includes the host port the -p names: refused or dropped there confirms it.
        .evidence = {
            .explains = {kLoopback, kPublished},
            .confirmed_when = {{{kPublished, kFailed}}},
            .open_note = "every host port tried answers: the port the -p names is the app's own",
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
