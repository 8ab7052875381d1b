// selinux.proxy-boolean-off: a host web server (httpd_t: nginx, httpd) is connected to the
// container's published port or address while the boolean that lets it connect there is
// off, so its next connection is denied, even before any denial is logged.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "selinux_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "selinux.proxy-boolean-off",
    .severity = Severity::critical,
    .summary = "a host httpd_t process proxies to the published port while httpd_can_network_connect (or _relay) is off",
    .evidence = "process labels (/proc/PID/attr/current) of host processes connected to the published port or the "
                "container, /sys/fs/selinux/booleans",
    .fix = "setsebool -P httpd_can_network_connect 1",
    .rationale = "A reverse proxy on the host (nginx or httpd, labelled httpd_t) reaches a container through its "
        "published port or its address. The targeted policy lets httpd_t connect to HTTP, proxy and FTP "
        "ports only when httpd_can_network_relay is on, and to any other port only when "
        "httpd_can_network_connect is on; both are off by default. Connections opened before a boolean "
        "went off stay up, every new one fails with EACCES (a 502 from the proxy). Turning the boolean on "
        "(-P keeps it after a reboot) lets the proxy connect.",
};

// Denials of this process's connects are selinux.denial's to name, with the AVC as evidence.
bool denial_names_it(const Facts& f, const SelinuxState& s, const LabelledProcess& p) {
    for (const ConcernedDenial& c : denials_concerning(f, s))
        if (c.latest->pid == p.pid && context_type(c.latest->scontext) == "httpd_t") return true;
    return false;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* c = container_to_judge(f, result.undecided);
    const SelinuxState* s = enabled_selinux(f);
    if (!c || !s || !s->enforcing) return result;
    for (const LabelledProcess& p : s->processes) {
        if (p.role != ProcessRole::host_client || context_type(p.label) != "httpd_t") continue;
        const std::string_view port_type = default_tcp_port_type(p.remote_port);
        const std::string needed = boolean_to_connect("httpd_t", port_type);
        // httpd_can_network_connect opens every port, the relay boolean only its port types.
        if (boolean_on(*s, "httpd_can_network_connect") || boolean_on(*s, needed)) continue;
        if (denial_names_it(f, *s, p)) continue;

        Finding finding = new_finding(kCause);
        for (const auto& [container_port, bindings] : c->ports)
            for (const HostBinding& b : bindings)
                if (b.host_port == p.remote_port) finding.port = container_port;
        finding.title = fmt::format("{} (pid {}, httpd_t) proxies to {} but SELinux lets it make no new connection there: "
                                    "{} is off",
                                    p.comm, p.pid, container_ref(f), needed);
        finding.evidence.push_back(fmt::format("{} (pid {}) runs as {} (/proc/{}/attr/current) and is connected: {}",
                                               p.comm, p.pid, p.label, p.pid, p.connection));
        finding.evidence.push_back(mode_evidence(*s));
        finding.evidence.push_back(boolean_evidence(*s, "httpd_can_network_connect"));
        if (needed != "httpd_can_network_connect") finding.evidence.push_back(boolean_evidence(*s, needed));
        finding.evidence.push_back(
            port_type.empty()
                ? fmt::format("port {} has no HTTP port type by the policy's defaults: only httpd_can_network_connect "
                              "lets httpd_t connect to it",
                              p.remote_port)
                : fmt::format("port {} is {} by the policy's defaults (semanage port -l)", p.remote_port, port_type));
        finding.evidence.push_back("the connection open now predates the denial: each new one fails with EACCES "
                                   "(the proxy answers 502)");
        if (auto remedy = connect_remedy("httpd_t", port_type))
            finding.fix = remedy_fix(*remedy, p.remote_port, "tcp_socket");
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& selinux_proxy_boolean_off() {
    static const Check check{
        .cause = kCause,
        .evidence = {.open_note = "the probes run unconfined, not as the proxy: they cannot show what SELinux "
                                  "denies httpd_t"},
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
