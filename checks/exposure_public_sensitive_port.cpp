// exposure.public-sensitive-port: a database, cache or admin port published on every
// host address.
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "exposure.public-sensitive-port",
    .severity = Severity::warning,
    .summary = "a database/cache/admin port is published on all interfaces",
    .evidence = "bindings on 0.0.0.0/:: for well-known sensitive ports",
    .fix = "bind 127.0.0.1 or a private address",
    .rationale = "-p 5432:5432 publishes on every host address, and Docker's DNAT happens before the host's "
        "INPUT chain, so UFW or an INPUT firewall does not protect it. Databases, caches and admin "
        "interfaces published this way are found by internet-wide scanners within hours. Binding "
        "the port to 127.0.0.1 or a private address keeps it reachable where it is needed.",
};

struct SensitivePort {
    PortKey port;
    std::string_view what;
};

// Well-known ports of services that must not face the internet unauthenticated.
constexpr SensitivePort kSensitivePorts[] = {
    {{2375, Proto::tcp}, "Docker API (plain)"},
    {{2376, Proto::tcp}, "Docker API (TLS)"},
    {{3306, Proto::tcp}, "MySQL"},
    {{5432, Proto::tcp}, "PostgreSQL"},
    {{5601, Proto::tcp}, "Kibana"},
    {{5984, Proto::tcp}, "CouchDB"},
    {{6379, Proto::tcp}, "Redis"},
    {{8086, Proto::tcp}, "InfluxDB"},
    {{9000, Proto::tcp}, "PHP-FPM / admin console"},
    {{9200, Proto::tcp}, "Elasticsearch"},
    {{11211, Proto::tcp}, "memcached"},
    {{11211, Proto::udp}, "memcached"},
    {{15672, Proto::tcp}, "RabbitMQ management"},
    {{27017, Proto::tcp}, "MongoDB"},
};

const SensitivePort* sensitive(PortKey p) {
    auto it = std::find_if(std::begin(kSensitivePorts), std::end(kSensitivePorts),
                           [&](const SensitivePort& s) { return s.port == p; });
    return it == std::end(kSensitivePorts) ? nullptr : &*it;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* container = publishing_container_to_judge(f, result.undecided);
    if (!container) return result;
    const Container& c = *container;
    const std::string name = container_ref(f);

    for (PortKey p : ports_in_question(f)) {
        auto bindings = bindings_of(c, p);
        auto open = std::find_if(bindings.begin(), bindings.end(), [&](const HostBinding& b) {
            return is_wildcard_address(b.host_ip) && (sensitive(p) || sensitive(PortKey{b.host_port, p.proto}));
        });
        if (open == bindings.end()) continue;
        const SensitivePort* service = sensitive(p) ? sensitive(p) : sensitive(PortKey{open->host_port, p.proto});

        Finding finding = new_finding(kCause);
        finding.port = p;
        finding.title = fmt::format("{} port {} of {} is published on all interfaces ({})", service->what, p.str(), name,
                                    describe(*open));
        finding.evidence.push_back(bindings_evidence(c, p));
        finding.evidence.push_back(fmt::format("{} is the well-known port of {}", service->port.str(), service->what));
        finding.fix.push_back(fmt::format("publish it for this host only: docker run {} ...",
                                          publish_flag(p, open->host_port, "127.0.0.1")));
        finding.fix.push_back("or bind a private address (-p 10.0.0.5:HOST:CONTAINER), or do not publish it and use a shared network");
        finding.fix.push_back("Docker's DNAT bypasses INPUT-chain firewalls (ufw): restrict it in DOCKER-USER if it must stay public");
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& exposure_public_sensitive_port() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .confirmed_when = {{{kPublished, kPassed}}},
            .contradicted_when = {{{kPublished, kFailed}}},
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
