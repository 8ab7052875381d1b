// How the probes bear on each finding: its cause's evidence rule (which rung outcomes confirm
// or contradict it, which failing rung it accounts for; each check's file states its own)
// applied to the ladder, and the failures no finding accounts for.
#include "docknetdoctor/rank/ladder_evidence.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "docknetdoctor/model/endpoint.hpp"
#include "docknetdoctor/model/facts_query.hpp"

namespace dnd {
namespace {

constexpr std::string_view kPathUnexplained = "path.unexplained";

// The rule of a finding's cause; a cause the catalog does not know has none (the probes
// then leave it open).
const EvidenceRule* rule_for(std::span<const Check> catalog, std::string_view id) {
    const Check* entry = catalog_entry(catalog, id);
    return entry ? &entry->evidence : nullptr;
}

// path.unexplained as the catalog has it (the ranking reports it, not a check).
Finding new_unexplained_finding(std::span<const Check> catalog) {
    const Check* entry = catalog_entry(catalog, kPathUnexplained);
    return entry ? new_finding(entry->cause) : new_finding(CauseInfo{.id = kPathUnexplained});
}

enum class ProbeClass { pass, fail, inconclusive };

ProbeClass classify(ProbeStatus s) {
    switch (s) {
        case ProbeStatus::open: return ProbeClass::pass;
        case ProbeStatus::refused:
        case ProbeStatus::timeout:
        case ProbeStatus::unreachable:
        case ProbeStatus::reset:
        case ProbeStatus::closed: return ProbeClass::fail;
        case ProbeStatus::open_filtered:
        case ProbeStatus::error: return ProbeClass::inconclusive;
    }
    return ProbeClass::inconclusive;
}

std::string endpoint_text(const ProbeTarget& t) {
    return fmt::format("{}/{}", format_endpoint(t.address, t.port), to_string(t.proto));
}

// The quotes of the decisive probes of a clause, or nullopt when it does not hold.
std::optional<std::vector<std::string>> clause_holds(const RungClause& clause, const PortLadder& ladder) {
    std::vector<std::string> quotes;
    for (const RungCondition& c : clause) {
        const RungView& view = ladder.at(c.rung);
        if (c.state == RungState::not_run) {  // a rung the network mode has none of: no quote
            if (view.state != RungState::not_run) return std::nullopt;
            continue;
        }
        if (view.state != c.state || view.decisive == nullptr) return std::nullopt;
        quotes.push_back(quote_probe(*view.decisive));
    }
    return quotes;
}

std::optional<std::vector<std::string>> any_clause(const std::vector<RungClause>& clauses, const PortLadder& ladder) {
    for (const RungClause& c : clauses)
        if (auto quotes = clause_holds(c, ladder)) return quotes;
    return std::nullopt;
}

bool concerns(const Finding& f, const PortLadder& ladder) { return !f.port || *f.port == ladder.port; }

struct LadderPortOrder {
    bool operator()(const PortLadder& l, PortKey p) const { return l.port < p; }
    bool operator()(PortKey p, const PortLadder& l) const { return p < l.port; }
};

// The ladders a finding concerns: its port's (ladders are in port order), or all of them.
std::span<const PortLadder> ladders_of(const Finding& f, std::span<const PortLadder> ladders) {
    if (!f.port) return ladders;
    const auto [first, last] = std::equal_range(ladders.begin(), ladders.end(), *f.port, LadderPortOrder{});
    return {first, last};
}

std::string joined(const std::vector<std::string>& parts) { return fmt::format("{}", fmt::join(parts, "; ")); }

std::string rung_hint(Rung r, const PortLadder& ladder, const std::string& who) {
    const std::string port = ladder.port.str();
    switch (r) {
        case Rung::container_loopback:
            return fmt::format("check that the app in {} accepts on {} (docker exec {} netstat -ln)", who, port, who);
        case Rung::container_address:
            return fmt::format("the app answers on loopback only: check its bind address for {}", port);
        case Rung::host_to_container:
            return "the host cannot reach the container's address: check the bridge, routes and the host's output rules "
                   "(nft list ruleset)";
        case Rung::host_published: {
            std::uint16_t host_port = ladder.at(r).decisive ? ladder.at(r).decisive->probe.target.port : 0;
            return fmt::format("the container answers, the published address does not: check docker-proxy and the "
                               "host's input rules for port {} (nft list ruleset)",
                               host_port);
        }
    }
    return "";
}

// A rule explains the failing rung, or a rung below it that no probe saw pass (its probes
// could not run, or the mode has none): a failure there shows first at the failing rung.
bool explains_failure(const EvidenceRule& rule, const PortLadder& ladder, Rung failing) {
    for (int r = rung_number(failing) - 1; r >= 0; --r) {
        const Rung rung = static_cast<Rung>(r);
        if (rung != failing && ladder.at(rung).state == RungState::passed) return false;
        if (std::find(rule.explains.begin(), rule.explains.end(), rung) != rule.explains.end()) return true;
    }
    return false;
}

}  // namespace

std::vector<PortLadder> summarize_ladder(std::span<const LadderProbe> probes) {
    std::vector<PortLadder> out;
    std::map<PortKey, std::size_t> index_of;  // a host may publish thousands of ports
    for (const LadderProbe& p : probes) {
        auto [slot, added] = index_of.try_emplace(p.port, out.size());
        if (added) out.push_back(PortLadder{p.port, {}, std::nullopt});
        RungView& view = out[slot->second].rungs[static_cast<std::size_t>(p.rung)];
        const ProbeClass c = classify(p.probe.outcome);
        if (c == ProbeClass::fail) {
            if (view.state != RungState::failed) view.decisive = &p;
            view.state = RungState::failed;
        } else if (c == ProbeClass::pass) {
            if (view.state != RungState::failed) {
                if (view.state != RungState::passed) view.decisive = &p;
                view.state = RungState::passed;
            }
        } else if (view.state == RungState::not_run) {
            view.state = RungState::inconclusive;
            view.decisive = &p;
        }
    }
    for (PortLadder& l : out) {
        for (std::size_t i = 0; i < l.rungs.size(); ++i) {
            if (l.rungs[i].state == RungState::failed) {
                l.first_failing = static_cast<Rung>(i);
                break;
            }
        }
    }
    std::sort(out.begin(), out.end(), [](const PortLadder& a, const PortLadder& b) { return a.port < b.port; });
    return out;
}

std::string quote_probe(const LadderProbe& p) { return quote_outcome(p.probe); }

std::string quote_outcome(const ProbeOutcome& o) {
    std::string result;
    switch (o.outcome) {
        case ProbeStatus::timeout: result = fmt::format("timeout after {:.0f} ms", o.latency_ms); break;
        case ProbeStatus::error: result = fmt::format("could not run ({})", o.detail); break;
        case ProbeStatus::open_filtered: result = fmt::format("no reply within {:.0f} ms (open or filtered)", o.latency_ms); break;
        default: result = fmt::format("{} in {:.1f} ms", to_string(o.outcome), o.latency_ms);
    }
    return fmt::format("probe from {} to {}: {}", o.target.vantage, endpoint_text(o.target), result);
}

Judgement judge_finding(const Finding& finding, std::span<const Check> catalog, const Facts& facts,
                        std::span<const PortLadder> ladders, const std::optional<Error>& probes_unavailable) {
    if (finding.id == kPathUnexplained && !finding.evidence.empty())
        return {Support::confirmed, "a probe failed: " + finding.evidence.front()};
    if (!finding.confirmed_by_probe.empty()) return {Support::confirmed, "a probe failed: " + finding.confirmed_by_probe};
    const EvidenceRule* rule = rule_for(catalog, finding.id);
    if (rule && rule->confirmed_by_vanished_process && facts.vanished_process) {
        const VanishedProcess& v = *facts.vanished_process;
        return {Support::confirmed, fmt::format("its process (pid {}) exited during {}: nothing stays to accept a connection",
                                                v.pid, v.during)};
    }
    if (rule && rule->confirmed_without_process && facts.container && !has_live_process(*facts.container)) {
        return {Support::confirmed,
                fmt::format("the engine reports no running process (State.Status = {}): nothing can accept a connection",
                            facts.container->state.status)};
    }
    if (probes_unavailable) {
        return {Support::open, fmt::format("read from the engine's state and the sockets in the container; no probe ran "
                                           "({}: {})",
                                           probes_unavailable->source, probes_unavailable->message)};
    }
    std::optional<std::vector<std::string>> contradiction;
    bool probed = false;
    for (const PortLadder& ladder : ladders_of(finding, ladders)) {
        probed = true;
        if (!rule) continue;
        if (auto quotes = any_clause(rule->confirmed_when, ladder))
            return {Support::confirmed, "confirmed by the probes: " + joined(*quotes)};
        if (!contradiction) contradiction = any_clause(rule->contradicted_when, ladder);
    }
    if (contradiction) return {Support::contradicted, "contradicted by the probes: " + joined(*contradiction)};
    if (!probed) return {Support::open, "no probe applies to it; read from the engine's state and the sockets"};
    std::string note = rule && !rule->open_note.empty() ? std::string(rule->open_note)
                                                          : std::string("their outcomes fit it and its alternatives alike");
    return {Support::open, "the probes neither confirm nor contradict it: " + note};
}

std::vector<Finding> unexplained_failures(std::span<const Finding> findings, std::span<const PortLadder> ladders,
                                          std::span<const Check> catalog) {
    std::vector<Finding> out;
    for (const PortLadder& ladder : ladders) {
        if (!ladder.first_failing) continue;
        const Rung failing = *ladder.first_failing;
        const bool explained = std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
            const EvidenceRule* rule = rule_for(catalog, f.id);
            return concerns(f, ladder) && rule && explains_failure(*rule, ladder, failing);
        });
        if (explained) continue;
        const LadderProbe& failed = *ladder.at(failing).decisive;
        // The container's name as the inside probes saw it ("inside web" -> "web").
        std::string who = "the container";
        for (const RungView& v : ladder.rungs)
            if (v.decisive && v.decisive->probe.target.vantage.starts_with("inside "))
                who = v.decisive->probe.target.vantage.substr(7);
        Finding f = new_unexplained_finding(catalog);
        f.port = ladder.port;
        f.title = fmt::format("the connection to {} dies at rung {} ({}) and no check explains why", ladder.port.str(),
                              rung_number(failing), rung_title(failing));
        f.evidence.push_back(quote_probe(failed));
        for (int r = rung_number(failing) - 2; r >= 0; --r) {
            const RungView& lower = ladder.rungs[static_cast<std::size_t>(r)];
            if (lower.state == RungState::passed && lower.decisive) {
                f.evidence.push_back(quote_probe(*lower.decisive));
                break;
            }
        }
        f.fix.push_back(rung_hint(failing, ladder, who));
        f.fix.push_back("look upstream too: a firewall or security group between the client and this host");
        out.push_back(std::move(f));
    }
    return out;
}

std::optional<Finding> unexplained_peer_failure(std::span<const Finding> findings, const Facts& facts,
                                                std::span<const Check> catalog) {
    if (!facts.peer || !facts.peer->probe) return std::nullopt;
    const PeerFacts& peer = *facts.peer;
    const ProbeOutcome& probe = *peer.probe;
    if (classify(probe.outcome) != ProbeClass::fail) return std::nullopt;
    const bool explained = std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
        const EvidenceRule* rule = rule_for(catalog, f.id);
        // By its kind, or by this finding's own word (it named the failure it is the reason for).
        return (rule && rule->explains_peer_probe) ||
               std::find(f.explains.begin(), f.explains.end(), kPathUnexplained) != f.explains.end();
    });
    if (explained) return std::nullopt;
    Finding f = new_unexplained_finding(catalog);
    f.port = PortKey{peer.query.port, Proto::tcp};
    f.title = fmt::format("the connection from {} to {} fails ({}) and no check explains why", container_ref(facts),
                          peer.query.spec, to_string(probe.outcome));
    f.evidence.push_back(fmt::format("{} (address from {})", quote_outcome(probe), peer.probe_address_from));
    if (probe.outcome == ProbeStatus::refused || probe.outcome == ProbeStatus::closed) {
        f.fix.push_back(fmt::format("{} answered, but nothing accepts port {} there: check what listens at that address "
                                    "(a container: docker exec it netstat -ltn; the host: ss -ltn)",
                                    probe.target.address, probe.target.port));
    } else if (probe.outcome == ProbeStatus::reset) {
        f.fix.push_back("the connection was accepted, then reset: check the app (or a proxy) at that address");
    } else {
        f.fix.push_back("packets between the containers are dropped: check DOCKER-USER and the forward rules "
                        "(nft list ruleset), and any firewall inside the target");
    }
    return f;
}

}  // namespace dnd
