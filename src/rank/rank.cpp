// Ranking: the one place that orders causes. The principle: the cause closest to the root of
// the failure, and most specific to what the user intended, leads. In order:
//  1. A root leads what follows from it (cause_precedence.cpp, or a finding that names the
//     ids it explains): a crash loop before the app's listeners, a discarded -p before a
//     "wrong port", a bypassed firewall policy before a generic exposure warning. The probes
//     do not change that: the follower holds only while the root does.
//  2. Otherwise, what matters to the question (critical, warning) before context (info);
//  3. what the probes contradicted after what still stands;
//  4. the worse severity: a cause that makes the port unreachable before a risk;
//  5. confirmed by the probes before left open by them;
//  6. the lower layer (catalog order runs container -> port -> network -> app -> engine ->
//     kernel -> netfilter ...): a failure low in the stack explains the symptoms above it.
// The verdict is the worst severity found, wherever it ranks.
#include "docknetdoctor/rank/rank.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/rank/cause_precedence.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/rank/ladder_evidence.hpp"
#include "docknetdoctor/model/service_tasks_text.hpp"

namespace dnd {
namespace {

// Position in the catalog (its order runs from the lowest layer up); unknown ids last.
std::size_t catalog_index(std::span<const Check> catalog, std::string_view id) {
    const Check* entry = catalog_entry(catalog, id);
    return entry ? static_cast<std::size_t>(entry - catalog.data()) : catalog.size();
}

std::string client_of(const Query& q) {
    if (!q.from) return "a client on another host";
    if (q.from_is_local) return fmt::format("a client on this host ({})", *q.from);
    return fmt::format("a client at {}", *q.from);
}

std::string question_of(const Facts& f, std::string_view name) {
    if (f.peer) return fmt::format("can container {} reach {}?", name, f.peer->query.spec);
    const std::string who = client_of(f.query);
    if (f.query.direct) {
        // The client routes to the container itself: its address, the container port.
        if (f.query.port)
            return fmt::format("can {} reach container {} at its own address, port {}?", who, name,
                               f.query.port->str());
        return fmt::format("can {} reach container {} at its own address, on its ports?", who, name);
    }
    if (f.query.port) return fmt::format("can {} reach port {} of container {}?", who, f.query.port->str(), name);
    return fmt::format("can {} reach the published ports of container {}?", who, name);
}

void add_unique(std::vector<BlindSpot>& out, BlindSpot b) {
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [&](const BlindSpot& x) { return x.source == b.source && x.message == b.message; });
    if (!seen) out.push_back(std::move(b));
}

void add_blind_spot(std::vector<BlindSpot>& out, const auto& slot) {
    if (!slot) add_unique(out, {slot.error().source, slot.error().message});
}

std::string port_state(const Facts& f, const std::vector<HostBinding>& bindings) {
    if (!f.container) return "unknown";
    if (is_host_network(*f.container)) return "host network (no publishing)";
    if (is_none_network(*f.container)) return "no network";
    return bindings.empty() ? "not published" : "published";
}

std::vector<PortView> port_views(const Facts& f, std::span<const PortLadder> ladders) {
    std::vector<PortView> out;
    if (!f.container) return out;
    for (PortKey p : ports_in_question(f)) {
        PortView v;
        v.port = p;
        v.bindings = bindings_of(*f.container, p);
        if (f.container_listeners) v.listeners = app_listeners_on(*f.container, *f.container_listeners, p);
        v.state = port_state(f, v.bindings);
        // Ladders are in port order (summarize_ladder).
        auto l = std::lower_bound(ladders.begin(), ladders.end(), p,
                                  [](const PortLadder& ladder, PortKey key) { return ladder.port < key; });
        if (l != ladders.end() && l->port == p) v.first_failing_rung = l->first_failing;
        out.push_back(std::move(v));
    }
    return out;
}

Verdict verdict_of(const Facts& f, const std::vector<RankedCause>& causes, bool undecided) {
    Severity worst = Severity::info;
    for (const auto& c : causes) worst = std::max(worst, c.finding.severity);
    if (worst == Severity::critical) return Verdict::critical;
    if (worst == Severity::warning) return Verdict::warning;
    // Nothing wrong found: that is "ok" only if every check could decide.
    if (!f.container || undecided) return Verdict::unknown;
    return Verdict::ok;
}

int support_order(Support s) {
    switch (s) {
        case Support::confirmed: return 0;
        case Support::open: return 1;
        case Support::contradicted: return 2;
    }
    return 1;
}

Confidence confidence_of(Support s) {
    switch (s) {
        case Support::confirmed: return Confidence::high;
        case Support::open: return Confidence::medium;
        case Support::contradicted: return Confidence::low;
    }
    return Confidence::medium;
}

bool ranks_before(const RankedCause& a, const RankedCause& b, std::span<const Check> catalog) {
    const bool a_context = a.finding.severity == Severity::info;
    const bool b_context = b.finding.severity == Severity::info;
    if (a_context != b_context) return b_context;
    const bool a_doubted = a.support == Support::contradicted;
    const bool b_doubted = b.support == Support::contradicted;
    if (a_doubted != b_doubted) return b_doubted;
    if (a.finding.severity != b.finding.severity) return a.finding.severity > b.finding.severity;
    if (a.support != b.support) return support_order(a.support) < support_order(b.support);
    return catalog_index(catalog, a.finding.id) < catalog_index(catalog, b.finding.id);
}

bool is_root(const Finding& root, const Finding& follower) {
    return is_root_of(root.id, follower.id) ||
           std::find(root.explains.begin(), root.explains.end(), follower.id) != root.explains.end();
}

// A root cause moves just above the first cause that follows from it. Repeated until
// nothing moves, so chains (A leads B leads C) settle whatever order they came in; the
// precedence table is acyclic, and the bound keeps a cycle among findings' own explains
// from looping.
void put_roots_first(std::vector<RankedCause>& causes) {
    for (std::size_t pass = 0; pass <= causes.size(); ++pass) {
        bool moved = false;
        for (std::size_t i = 0; i < causes.size(); ++i) {
            const auto end = causes.begin() + static_cast<std::ptrdiff_t>(i);
            auto earliest = std::find_if(causes.begin(), end,
                                         [&](const RankedCause& c) { return is_root(causes[i].finding, c.finding); });
            if (earliest == end) continue;
            std::rotate(earliest, end, end + 1);
            moved = true;
        }
        if (!moved) return;
    }
}

// The evaluated packets, or why there are none. --to asks about the path to the target;
// the source's own published ports are not part of that question.
std::vector<PathResult> paths_of(const Facts& f, std::vector<BlindSpot>& blind_spots) {
    if (f.peer) return {};
    if (!f.paths) {
        add_blind_spot(blind_spots, f.paths);
        return {};
    }
    // paths_for skips a packet it has no way to build; a published port left without any
    // packet must not look like "nothing to evaluate".
    if (f.paths->empty() && has_client_host_port(f)) {
        std::string why = "the host has no external interface with an address (up, not loopback, not a bridge or bridge port)";
        if (f.query.direct && f.query.from && f.query.from_is_local)
            why = "no container address of its address family";
        else if (f.query.from && f.query.from_is_local) why = "no published address of its address family";
        else if (f.query.direct && f.query.from)
            why = fmt::format("no route from this host back to {}, or no container address of its address family",
                              *f.query.from);
        else if (f.query.from)
            why = fmt::format("no route from this host back to {}, or no published address of its address family", *f.query.from);
        blind_spots.push_back({"path", fmt::format("no packet path evaluated for {}: {}", client_of(f.query), why)});
    }
    return *f.paths;
}

// SELinux not enabled is said once, as a note; state or denials unreadable are blind spots;
// a log read only in part, or with lines skipped, is said.
void add_selinux_notes(Report& r, const Result<SelinuxState>& selinux) {
    if (!selinux) return add_blind_spot(r.blind_spots, selinux);
    if (!selinux->enabled) {
        r.notes.push_back(fmt::format("SELinux is not enabled: {}", selinux->not_enabled_why));
        return;
    }
    if (!selinux->denials) return add_blind_spot(r.blind_spots, selinux->denials);
    const AvcLog& log = *selinux->denials;
    if (log.tail_only)
        r.notes.push_back(fmt::format("SELinux denials: only the newest {} bytes of {} were read", log.bytes_read, log.source));
    if (log.skipped_lines > 0)
        r.notes.push_back(fmt::format("SELinux denials: {} unreadable line(s) of {} skipped (malformed, cut short or "
                                      "binary)",
                                      log.skipped_lines, log.source));
}

// UFW's files that could not be read are blind spots: a drop in its chains is then named by
// its place only. Facts that never held UFW's state (a facts file from before it was read)
// say nothing of it, and no UFW (no ufw.conf) needs no word.
void add_ufw_notes(Report& r, const Result<UfwState>& ufw) {
    if (!ufw) {
        if (ufw.error().source == "ufw" && ufw.error().message != kNotCollected) add_blind_spot(r.blind_spots, ufw);
        return;
    }
    if (!ufw->installed) return;
    add_blind_spot(r.blind_spots, ufw->rules);
    add_blind_spot(r.blind_spots, ufw->docker_user_hooked);
    if (ufw->rules && ufw->rules->malformed > 0)
        r.notes.push_back(fmt::format("UFW: {} malformed rule tuple(s) in user.rules/user6.rules skipped, as ufw skips "
                                      "them",
                                      ufw->rules->malformed));
}

// What the swarm's node ports were judged on, when a worker sees only part of it: its
// managers, not the other workers; the default data path port, not the cluster's.
void add_swarm_notes(Report& r, const std::optional<SwarmMembership>& swarm) {
    if (!swarm || !swarm->nodes) return;
    if (!swarm->manager)
        r.notes.push_back("swarm: a worker is told only of its managers, so only the ports between this node and "
                          "them were judged, not those to other workers");
    if (!swarm->data_path_port_known)
        r.notes.push_back(fmt::format("swarm: a worker is not told the cluster's data path port; {}/udp, the default, "
                                      "was judged",
                                      swarm->data_path_port));
}

// firewalld's state, when something of it could not be read and firewalld runs: the zone of
// a bridge is then unknown, or known only as the configuration files set it.
void add_firewalld_notes(Report& r, const HostNetwork& host) {
    const auto& firewalld = host.firewalld;
    const bool runs = (host.ruleset_services && !host.ruleset_services->firewalld_running.empty()) ||
                      (host.nftables && nf::holds_firewalld_rules(*host.nftables));
    if (!firewalld) {
        if (runs && firewalld.error().message != kNotCollected) add_blind_spot(r.blind_spots, firewalld);
        return;
    }
    if (firewalld->source == FirewalldSource::files && runs)
        add_unique(r.blind_spots, {"firewalld", fmt::format("firewalld runs, but its runtime state was not read ({}): "
                                                            "zones and bindings as its configuration files set "
                                                            "them, without Docker's runtime bridge bindings",
                                                            firewalld->runtime_unread)});
    for (const std::string& unreadable : firewalld->unreadable)
        add_unique(r.blind_spots, {"firewalld", unreadable});
}

// A probe that could not run (the netns could not be entered ...) is a blind spot.
void add_probe_blind_spots(std::vector<BlindSpot>& out, const std::vector<LadderProbe>& probes) {
    for (const auto& p : probes) {
        if (p.probe.outcome != ProbeStatus::error) continue;
        add_unique(out, {"probe", fmt::format("{} rung, {}: {}", rung_title(p.rung), p.probe.target.vantage, p.probe.detail)});
    }
}

// --to: the probe from the source as the report shows it. A probe that could not run is a
// blind spot, unless it was not attempted for a reason a finding gives ("not run: ...").
std::optional<PeerProbeView> peer_probe_view(const Facts& f, std::vector<BlindSpot>& blind_spots) {
    if (!f.peer) return std::nullopt;
    const PeerFacts& peer = *f.peer;
    if (!peer.probe) {
        if (!peer.probe.error().message.starts_with("not run:")) add_blind_spot(blind_spots, peer.probe);
        return std::nullopt;
    }
    if (peer.probe->outcome == ProbeStatus::error)
        blind_spots.push_back({"probe", fmt::format("probe from the source to {}: {}", peer.query.spec, peer.probe->detail)});
    return PeerProbeView{peer.query.spec, PortKey{peer.query.port, Proto::tcp}, peer.probe_address_from, *peer.probe};
}

}  // namespace

void order_causes(std::vector<RankedCause>& causes, std::span<const Check> catalog) {
    std::stable_sort(causes.begin(), causes.end(),
                     [&](const RankedCause& a, const RankedCause& b) { return ranks_before(a, b, catalog); });
    put_roots_first(causes);
}

Report build_report(const Facts& facts, std::span<const Check> catalog) {
    Report r;
    r.tool_version = facts.tool_version;
    r.target_container = facts.query.container;
    if (facts.container) {
        r.target_name = facts.container->name;
        r.target_id = facts.container->id;
    }
    r.question = question_of(facts, r.target_name.empty() ? r.target_container : r.target_name);

    std::vector<Finding> findings;
    for (const Check& check : catalog) {
        if (!check.run) continue;
        CheckResult result = check.run(facts);
        for (auto& f : result.findings) findings.push_back(std::move(f));
        for (auto& why : result.undecided) r.undecided.push_back({std::string(check.id()), std::move(why)});
    }
    const std::vector<LadderProbe> no_probes;
    const std::vector<LadderProbe>& probes = facts.probes ? *facts.probes : no_probes;
    const auto ladders = summarize_ladder(probes);
    const std::optional<Error> probes_unavailable =
        facts.probes ? std::nullopt : std::optional<Error>(facts.probes.error());
    for (auto& f : unexplained_failures(findings, ladders, catalog)) findings.push_back(std::move(f));
    if (auto f = unexplained_peer_failure(findings, facts, catalog)) findings.push_back(std::move(*f));

    for (auto& f : findings) {
        RankedCause c;
        const Judgement j = judge_finding(f, catalog, facts, ladders, probes_unavailable);
        c.finding = std::move(f);
        c.support = j.support;
        c.confidence = confidence_of(j.support);
        c.confidence_reason = j.reason;
        r.causes.push_back(std::move(c));
    }
    order_causes(r.causes, catalog);
    for (std::size_t i = 0; i < r.causes.size(); ++i) r.causes[i].rank = static_cast<int>(i) + 1;

    add_blind_spot(r.blind_spots, facts.engine);
    add_blind_spot(r.blind_spots, facts.container);
    add_blind_spot(r.blind_spots, facts.networks);
    add_blind_spot(r.blind_spots, facts.container_listeners);
    add_blind_spot(r.blind_spots, facts.host_listeners);
    add_blind_spot(r.blind_spots, facts.probes);
    if (facts.restart_history) {
        add_blind_spot(r.blind_spots, facts.restart_history->events);
        add_blind_spot(r.blind_spots, facts.restart_history->log_tail);
    }
    add_selinux_notes(r, facts.selinux);
    add_ufw_notes(r, facts.host->ufw);
    add_firewalld_notes(r, *facts.host);
    add_swarm_notes(r, facts.swarm);
    add_probe_blind_spots(r.blind_spots, probes);
    r.peer_probe = peer_probe_view(facts, r.blind_spots);
    if (facts.swarm_service) {
        const SwarmService& s = *facts.swarm_service;
        r.service = ServiceView{s.id, s.name, s.ports ? *s.ports : std::vector<ServicePort>{},
                                s.tasks ? *s.tasks : std::vector<SwarmTask>{}, service_tasks_text(s, s.tasks)};
        add_blind_spot(r.blind_spots, s.ports);
        add_blind_spot(r.blind_spots, s.tasks);
    }
    r.paths = paths_of(facts, r.blind_spots);

    r.ports = port_views(facts, ladders);
    r.probes = probes;
    r.verdict = verdict_of(facts, r.causes, !r.undecided.empty());
    return r;
}

}  // namespace dnd
