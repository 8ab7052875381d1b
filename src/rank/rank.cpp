// Ranking: worst severity first; within a severity, the lower layer first (catalog order
// runs container -> port -> network -> app -> engine -> kernel -> netfilter ...), because a
// failure low in the stack explains the symptoms above it.
#include "docknetdoctor/rank.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/causes.hpp"
#include "docknetdoctor/facts_query.hpp"

namespace dnd {
namespace {

std::size_t catalog_index(std::string_view id) {
    auto catalog = cause_catalog();
    for (std::size_t i = 0; i < catalog.size(); ++i)
        if (catalog[i].id == id) return i;
    return catalog.size();
}

std::string question_of(const Facts& f, std::string_view name) {
    std::string who = f.query.from ? fmt::format("a client at {}", *f.query.from)
                                   : std::string("a client on another host");
    if (f.query.port) return fmt::format("can {} reach port {} of container {}?", who, f.query.port->str(), name);
    return fmt::format("can {} reach the published ports of container {}?", who, name);
}

void add_blind_spot(std::vector<BlindSpot>& out, const auto& slot) {
    if (slot) return;
    for (const auto& b : out)
        if (b.source == slot.error().source && b.message == slot.error().message) return;
    out.push_back({slot.error().source, slot.error().message});
}

std::string port_state(const Facts& f, const std::vector<HostBinding>& bindings) {
    if (!f.container) return "unknown";
    if (is_host_network(*f.container)) return "host network (no publishing)";
    if (is_none_network(*f.container)) return "no network";
    return bindings.empty() ? "not published" : "published";
}

std::vector<PortView> port_views(const Facts& f) {
    std::vector<PortView> out;
    if (!f.container) return out;
    for (PortKey p : ports_in_question(f)) {
        PortView v;
        v.port = p;
        v.bindings = bindings_of(*f.container, p);
        if (f.container_listeners) v.listeners = listeners_on(*f.container_listeners, p);
        v.state = port_state(f, v.bindings);
        out.push_back(std::move(v));
    }
    return out;
}

Verdict verdict_of(const Facts& f, const std::vector<RankedCause>& causes, bool undecided) {
    if (!causes.empty()) {
        Severity worst = causes.front().finding.severity;
        if (worst == Severity::critical) return Verdict::critical;
        if (worst == Severity::warning) return Verdict::warning;
    }
    // Nothing wrong found: that is "ok" only if every check could decide.
    if (!f.container || undecided) return Verdict::unknown;
    return Verdict::ok;
}

}  // namespace

Report build_report(const Facts& facts, std::span<const Check> checks) {
    Report r;
    r.tool_version = facts.tool_version;
    r.target_container = facts.query.container;
    if (facts.container) {
        r.target_name = facts.container->name;
        r.target_id = facts.container->id;
    }
    r.question = question_of(facts, r.target_name.empty() ? r.target_container : r.target_name);

    std::vector<Finding> findings;
    for (const Check& check : checks) {
        CheckResult result = check.run(facts);
        for (auto& f : result.findings) findings.push_back(std::move(f));
        for (auto& why : result.undecided) r.undecided.push_back({std::string(check.id), std::move(why)});
    }
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        if (a.severity != b.severity) return a.severity > b.severity;
        return catalog_index(a.id) < catalog_index(b.id);
    });
    for (auto& f : findings) {
        RankedCause c;
        c.finding = std::move(f);
        c.rank = static_cast<int>(r.causes.size()) + 1;
        c.confidence = Confidence::medium;
        c.confidence_reason = "read from the engine's state and the sockets in the container; no probe confirmed or refuted it";
        r.causes.push_back(std::move(c));
    }

    add_blind_spot(r.blind_spots, facts.engine);
    add_blind_spot(r.blind_spots, facts.container);
    add_blind_spot(r.blind_spots, facts.networks);
    add_blind_spot(r.blind_spots, facts.container_listeners);
    add_blind_spot(r.blind_spots, facts.host_listeners);

    r.ports = port_views(facts);
    r.verdict = verdict_of(facts, r.causes, !r.undecided.empty());
    return r;
}

}  // namespace dnd
