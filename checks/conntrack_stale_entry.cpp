// conntrack.stale-entry: a conntrack entry to a published port holds its flow where the
// container no longer is. Conntrack translates a flow once, at its first packet, and keeps
// that for every later packet while the flow lasts; UDP flows last as long as the client
// keeps sending. After the container is recreated elsewhere (a new address), or while it was
// down (no DNAT rule: the flow was kept for the host itself), the client's datagrams keep
// going where nothing answers.
#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/endpoint.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/fix_command.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "conntrack.stale-entry",
    .severity = Severity::critical,
    .summary = "a conntrack entry pins the client's flow to a container address that no longer serves it (UDP after a "
               "restart)",
    .evidence = "ctnetlink entries to the published port, the container's current address",
    .fix = "conntrack -D -p udp --dport PORT",
    .rationale = "Netfilter's NAT decides once per flow, at its first packet, and conntrack keeps that decision for "
        "every later packet of the flow. A UDP flow lasts as long as its client keeps sending (each datagram "
        "renews the entry), so after the container was recreated with a new address, or while it was down and "
        "Docker's DNAT rule was gone (the entry then keeps the flow for the host itself), the client's datagrams "
        "keep going where nothing answers. Deleting the entries makes the next datagram a new flow, which Docker's "
        "current rule translates.",
};

constexpr std::size_t kShownEntries = 5;

// A host socket serves the port itself (docker-proxy relays it to the container): an
// untranslated flow then still gets there. dockerd holding the port without the userland
// proxy only reserves it: what arrives there is never read.
bool host_serves(const Facts& f, const ConntrackEntry& e) {
    const auto listeners = f.host_listeners.result();
    if (!listeners) return false;
    return std::any_of(listeners->begin(), listeners->end(), [&e](const Listener& l) {
        const bool reserved_only = !l.owners.empty() && std::all_of(l.owners.begin(), l.owners.end(), [](const SocketOwner& o) {
            return o.process == "dockerd";
        });
        return l.proto == e.proto && l.port == e.orig_dport && (is_wildcard_address(l.address) || l.address == e.orig_dst) &&
               !reserved_only;
    });
}

struct Stale {
    PortKey target;  // the container port the host port maps to
    std::vector<std::string> why;
};

CheckResult run(const Facts& f) {
    CheckResult result;
    if (!f.conntrack) return result;  // not asked: nothing published, or an older facts file
    const Container* c = container_to_judge(f, result.undecided);
    if (!c) return result;
    if (!*f.conntrack) {
        result.undecided.push_back(unavailable_reason("conntrack", f.conntrack->error()));
        return result;
    }
    struct Published {
        PortKey target;                   // the container port
        std::vector<std::string> host_ips;  // the bindings' addresses ("", 0.0.0.0, :: for any)
    };
    std::map<PortKey, Published> published;  // by host port: UDP only, what is collected
    for (const auto& [port, bindings] : c->ports)
        for (const HostBinding& b : bindings)
            if (b.host_port != 0 && port.proto == Proto::udp)
                published.try_emplace(PortKey{b.host_port, port.proto}, Published{port, {}})
                    .first->second.host_ips.push_back(b.host_ip);
    // Only flows to this host's own addresses are to the published port: another
    // container's flow to a service on the same port number (bridged through the host's
    // conntrack) is not.
    std::vector<std::string> local;
    if (f.host->addresses)
        for (const Address& a : *f.host->addresses) local.push_back(a.address);
    auto to_the_binding = [&](const ConntrackEntry& e, const Published& p) {
        const bool to_this_host = !f.host->addresses || is_loopback_address(e.orig_dst) ||
                                  std::find(local.begin(), local.end(), e.orig_dst) != local.end();
        return to_this_host && std::any_of(p.host_ips.begin(), p.host_ips.end(), [&e](const std::string& ip) {
                   return is_wildcard_address(ip) || ip == e.orig_dst;
               });
    };

    std::map<PortKey, Stale> stale;  // by host port
    for (const ConntrackEntry& e : **f.conntrack) {
        const PortKey host_port{e.orig_dport, e.proto};
        const auto binding = published.find(host_port);
        if (binding == published.end() || !to_the_binding(e, binding->second)) continue;
        const PortKey target = binding->second.target;
        if (f.query.port && *f.query.port != target) continue;
        if (attachment_with_address(*c, e.orig_src) != nullptr) continue;  // its own hairpin
        std::string why;
        if (e.translated()) {
            const bool here = attachment_with_address(*c, e.reply_src) != nullptr && e.reply_sport == target.port;
            if (here) continue;
            why = fmt::format("conntrack: {}: its flow goes to {}, where {} is no longer", describe(e),
                              e.reply_src, container_ref(f));
        } else {
            if (host_serves(f, e)) continue;
            why = fmt::format("conntrack: {}: not translated (made while no DNAT rule stood for the port, the "
                              "container down), and no process on the host relays {} to the container",
                              describe(e), host_port.str());
        }
        auto& s = stale.try_emplace(host_port, Stale{target, {}}).first->second;
        s.why.push_back(std::move(why));
    }
    for (const auto& [host_port, s] : stale) {
        Finding finding = new_finding(kCause);
        finding.port = s.target;
        finding.title = fmt::format("{} conntrack {} to host port {} still hold{} the client's flow where {} no longer "
                                    "is: its packets die",
                                    s.why.size(), s.why.size() == 1 ? "entry" : "entries", host_port.str(),
                                    s.why.size() == 1 ? "s" : "", container_ref(f));
        for (std::size_t i = 0; i < std::min(s.why.size(), kShownEntries); ++i) finding.evidence.push_back(s.why[i]);
        if (s.why.size() > kShownEntries)
            finding.evidence.push_back(fmt::format("and {} more such entries", s.why.size() - kShownEntries));
        std::vector<std::string> now;
        for (const HostBinding& a : container_addresses(*c, s.target)) now.push_back(format_endpoint(a.host_ip, a.host_port));
        finding.evidence.push_back(fmt::format("{} now: {} -> {}", container_ref(f), host_port.str(),
                                               now.empty() ? std::string("no address (not running)") : fmt::format("{}", fmt::join(now, ", "))));
        finding.fix.push_back(fix_running("delete the stale entries: the next packet starts a new flow, which Docker's "
                                          "current rule translates",
                                          fmt::format("conntrack -D -p {} --dport {}", to_string(host_port.proto),
                                                      host_port.port)));
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& conntrack_stale_entry() {
    static const Check check{
        .cause = kCause,
        .evidence = {},
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
