// A traced packet's events made into a path, and the comparison with the prediction.
#include "docknetdoctor/path/trace_path.hpp"

#include <algorithm>
#include <optional>
#include <tuple>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/model/endpoint.hpp"
#include "path_internal.hpp"

namespace dnd {
namespace {

struct Located {
    const nf::Table* table = nullptr;
    const nf::Chain* chain = nullptr;
};

Located locate(const HostNetwork& host, const TraceEvent& e) {
    if (!host.nftables) return {};
    const auto family = nf::family_from_string(e.family);
    if (!family) return {};
    const nf::Table* table = host.nftables->find_table(*family, e.table);
    if (table == nullptr) return {};
    return {table, table->find_chain(e.chain)};
}

const nf::Rule* find_rule(const nf::Chain& chain, std::uint64_t handle) {
    for (const nf::Rule& r : chain.rules)
        if (r.handle == handle) return &r;
    return nullptr;
}

bool verdict_is(std::string_view verdict, std::string_view kind) {
    return verdict == kind || (verdict.starts_with(kind) && verdict.size() > kind.size() && verdict[kind.size()] == ' ');
}

// What a matched rule does, read from its expressions (its last verdict, reject or NAT), not
// from its text: iptables-legacy's records name the rule, not the verdict, and a comment or
// a chain's name may hold any word. nullopt: it decides nothing (a counter, LOG, MARK ...).
std::optional<StepResult> rule_result(const nf::Rule& rule) {
    for (auto it = rule.exprs.rbegin(); it != rule.exprs.rend(); ++it) {
        if (const auto* imm = std::get_if<nf::Immediate>(&*it); imm != nullptr && imm->verdict) {
            switch (imm->verdict->kind) {
                case nf::Verdict::Kind::accept: return StepResult::matched_accept;
                case nf::Verdict::Kind::drop: return StepResult::matched_drop;
                case nf::Verdict::Kind::jump: return StepResult::jump;
                case nf::Verdict::Kind::goto_: return StepResult::goto_;
                case nf::Verdict::Kind::return_: return StepResult::return_;
                default: return std::nullopt;
            }
        }
        if (std::holds_alternative<nf::Reject>(*it)) return StepResult::matched_reject;
        if (const auto* nat = std::get_if<nf::Nat>(&*it))
            return nat->type == nf::NatType::dnat ? StepResult::dnat : StepResult::snat;
        if (std::holds_alternative<nf::Masq>(*it)) return StepResult::snat;
        if (std::holds_alternative<nf::Redir>(*it)) return StepResult::dnat;
        if (const auto* xt = std::get_if<nf::Boxed<nf::Xt>>(&*it); xt != nullptr && (*xt)->is_target) {
            const std::string& name = (*xt)->name;
            if (name == "REJECT") return StepResult::matched_reject;
            if (name == "DNAT" || name == "REDIRECT") return StepResult::dnat;
            if (name == "SNAT" || name == "MASQUERADE") return StepResult::snat;
            return std::nullopt;
        }
    }
    return std::nullopt;
}

// The step's result: the kernel's verdict, told apart (reject from drop, NAT from accept) by
// what the rule does when it was located.
StepResult result_of(const TraceEvent& e, const nf::Rule* rule) {
    if (e.kind == TraceEvent::Kind::policy) return StepResult::policy;
    if (e.kind == TraceEvent::Kind::chain_end) return StepResult::return_;
    if (verdict_is(e.verdict, "jump")) return StepResult::jump;
    if (verdict_is(e.verdict, "goto")) return StepResult::goto_;
    if (e.verdict == "return") return StepResult::return_;
    const StepResult does = rule != nullptr ? rule_result(*rule).value_or(StepResult::unknown) : StepResult::unknown;
    if (e.verdict == "drop") return does == StepResult::matched_reject ? StepResult::matched_reject : StepResult::matched_drop;
    if (e.verdict == "accept") return does == StepResult::dnat || does == StepResult::snat ? does : StepResult::matched_accept;
    return StepResult::unknown;
}

bool refuses(StepResult r) { return r == StepResult::matched_drop || r == StepResult::matched_reject; }

}  // namespace

namespace {

// Whether iptables-legacy has a base chain on this hook for the packet's family: rules the
// nftables trace cannot show.
bool legacy_hooks(const HostNetwork& host, std::string_view hook, int family) {
    if (!host.iptables_legacy) return false;
    const nf::Family wanted = family == 6 ? nf::Family::ip6 : nf::Family::ip;
    for (const nf::Table& t : host.iptables_legacy->tables)
        if (t.family == wanted)
            for (const nf::Chain& c : t.chains)
                if (c.base && nf::to_string(c.base->hook) == hook) return true;
    return false;
}

// Where the packet went no further, from the tracer's own chains: it entered `hook` and
// never got through it, or got through it and entered no next hook (routing dropped it).
void died_unseen(const HostNetwork& host, PathResult& out, const std::string& last_entered, const std::string& last_passed) {
    out.verdict = PathVerdict::dropped;
    if (!last_entered.empty() && last_entered != last_passed) {
        out.decided_hook = last_entered;
        out.decided_by = legacy_hooks(host, last_entered, out.packet.family)
                             ? fmt::format("iptables-legacy ({}): every nftables chain there let the packet on and it "
                                           "went no further; iptables-legacy's rules, which the trace cannot see, "
                                           "decided", last_entered)
                             : fmt::format("{}: every nftables chain there let the packet on and it went no further "
                                           "(a hook the trace cannot see)", last_entered);
        return;
    }
    out.decided_hook = "routing";
    out.decided_by = fmt::format("routing: the packet got through {} and reached no further hook (forwarding off for it, "
                                 "no route, or the reverse-path filter)", last_passed);
}

// The iptables-legacy table a record names, or nullptr when it is not in the rules read.
const nf::Table* legacy_table(const HostNetwork& host, const TraceEvent& e) {
    if (!host.iptables_legacy) return nullptr;
    return host.iptables_legacy->find_table(e.family == "ip6" ? nf::Family::ip6 : nf::Family::ip, e.table,
                                            nf::RulesetSource::iptables_legacy);
}

// An iptables-legacy table's priority in a hook: its built-in chain's there (as collected);
// 0 when the table is not in the rules read.
int legacy_priority(const HostNetwork& host, const TraceEvent& e) {
    const nf::Table* table = legacy_table(host, e);
    if (table == nullptr) return 0;
    for (const nf::Chain& c : table->chains)
        if (c.base && nf::to_string(c.base->hook) == e.hook) return c.base->priority;
    return 0;
}

// The two kinds of records come on two sockets; in the packet's order they interleave by
// hook (in the order the packet entered them: the tracer's own chains see every one) and
// by priority within a hook. nftables' events keep their order within a chain.
std::vector<TraceEvent> in_packet_order(const HostNetwork& host, std::span<const TraceEvent> events,
                                        std::string_view own_table) {
    struct Keyed {
        std::size_t hook_rank;
        int priority;
        std::size_t arrival;
    };
    std::vector<std::string> hooks;  // in the order the packet entered them
    auto rank_of = [&hooks](std::string_view hook) {
        auto at = std::find(hooks.begin(), hooks.end(), hook);
        if (at == hooks.end()) at = hooks.insert(hooks.end(), std::string(hook));
        return static_cast<std::size_t>(at - hooks.begin());
    };
    std::vector<Keyed> keys(events.size());
    std::string hook;
    int priority = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {  // nftables' events first: they set the hooks' order
        const TraceEvent& e = events[i];
        if (e.legacy) continue;
        if (e.table == own_table) {
            if (const TraceChain* own = find_trace_chain(e.chain)) {
                hook = std::string(nf::to_string(own->hook));
                priority = own->priority;
            }
        } else if (const Located at = locate(host, e); at.chain != nullptr && at.chain->base) {
            hook = std::string(nf::to_string(at.chain->base->hook));
            priority = at.chain->base->priority;
        }
        keys[i] = {rank_of(hook), priority, i};
    }
    for (std::size_t i = 0; i < events.size(); ++i)
        if (events[i].legacy) keys[i] = {rank_of(events[i].hook), legacy_priority(host, events[i]), i};
    std::vector<std::size_t> order(events.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&keys](std::size_t a, std::size_t b) {
        return std::tie(keys[a].hook_rank, keys[a].priority) < std::tie(keys[b].hook_rank, keys[b].priority);
    });
    std::vector<TraceEvent> out;
    for (std::size_t i : order) out.push_back(events[i]);
    return out;
}

// A legacy record as a step; nullopt when its rule decided nothing.
std::optional<PathStep> legacy_step(const HostNetwork& host, const TraceEvent& e) {
    PathStep step;
    step.hook = e.hook;
    const nf::Table* table = legacy_table(host, e);
    const nf::Chain* chain = table != nullptr ? table->find_chain(e.chain) : nullptr;
    step.where = chain != nullptr ? path::where_of(*table, *chain)
                                  : fmt::format("iptables-legacy {} {} {}", e.family, e.table, e.chain);
    if (e.kind == TraceEvent::Kind::chain_end) return std::nullopt;  // back to the caller: a walk, not a decision
    if (e.kind == TraceEvent::Kind::policy) {
        const bool drop = chain != nullptr && chain->base && chain->base->policy == nf::Verdict::Kind::drop;
        step.rule = chain != nullptr ? nf::format_chain_policy(*table, *chain) : step.where + " policy";
        step.result = StepResult::policy;
        step.note = drop ? "policy drop" : "policy accept";
        return step;
    }
    if (chain == nullptr || e.rule_number == 0 || e.rule_number > chain->rules.size()) {
        step.rule = fmt::format("{} rule {} ({})", step.where, e.rule_number,
                                host.iptables_legacy ? "not in the rules read: the ruleset changed since"
                                                     : "the ruleset could not be read before the trace");
        step.result = StepResult::unknown;
        return step;
    }
    const nf::Rule& rule = chain->rules[e.rule_number - 1];
    const auto result = rule_result(rule);
    if (!result) return std::nullopt;
    step.rule_handle = rule.handle;
    step.rule = nf::format_rule(*table, *chain, rule);
    step.result = *result;
    return step;
}

}  // namespace

PathResult traced_path(const HostNetwork& host, std::span<const TraceEvent> received, std::string_view own_table) {
    const std::vector<TraceEvent> events = in_packet_order(host, received, own_table);
    PathResult out;
    std::string hook;  // of the last base chain seen: a regular chain runs in its caller's hook
    std::string last_entered, last_passed;  // from the tracer's own chains
    bool first = true;
    for (const TraceEvent& e : events) {
        if (first && !e.packet.daddr.empty()) {
            out.packet = e.packet;
            out.packet.iif = e.iif;
            first = false;
        }
        if (!e.packet.daddr.empty()) {  // the kernel sends the headers once per hook a packet enters
            out.final_packet = e.packet;
            out.final_packet.iif = out.packet.iif;
        }
        if (!e.oif.empty()) out.out_interface = e.oif;
        if (e.table == own_table) {
            if (const TraceChain* own = find_trace_chain(e.chain)) {
                if (own->role == TraceChain::Role::passed) last_passed = std::string(nf::to_string(own->hook));
                else last_entered = std::string(nf::to_string(own->hook));
            }
            continue;
        }
        if (e.legacy) {
            auto step = legacy_step(host, e);
            if (!step) continue;
            hook = e.hook;
            out.steps.push_back(std::move(*step));
            const PathStep& last = out.steps.back();
            if (refuses(last.result) || last.note == "policy drop") {
                out.verdict = last.result == StepResult::matched_reject ? PathVerdict::rejected : PathVerdict::dropped;
                out.decided_by = last.rule;
                out.decided_hook = last.hook;
                return out;
            }
            continue;
        }
        if (e.kind == TraceEvent::Kind::rule && e.verdict == "continue") continue;  // matched, decided nothing

        const Located at = locate(host, e);
        if (at.chain != nullptr && at.chain->base) hook = std::string(nf::to_string(at.chain->base->hook));
        PathStep step;
        step.hook = hook.empty() ? std::string("?") : hook;
        step.where = at.chain != nullptr ? path::where_of(*at.table, *at.chain)
                                         : fmt::format("{} {} {}", e.family, e.table, e.chain);
        step.rule_handle = e.rule_handle;
        if (e.kind == TraceEvent::Kind::policy) {
            step.rule = at.chain != nullptr ? nf::format_chain_policy(*at.table, *at.chain)
                                            : fmt::format("{} policy {}", step.where, e.verdict);
            step.note = "policy " + e.verdict;
        } else if (e.kind == TraceEvent::Kind::chain_end) {
            step.rule = fmt::format("{}: end of chain, back to the caller", step.where);
        }
        const nf::Rule* rule = at.chain != nullptr && e.rule_handle ? find_rule(*at.chain, *e.rule_handle) : nullptr;
        if (e.kind == TraceEvent::Kind::rule) {
            step.rule = rule != nullptr ? nf::format_rule(*at.table, *at.chain, *rule)
                                        : fmt::format("{} handle {} ({})", step.where, e.rule_handle.value_or(0),
                                                      host.nftables ? "not in the rules read: the ruleset changed since"
                                                                    : "the ruleset could not be read before the trace");
        }
        step.result = result_of(e, rule);
        if (step.result == StepResult::dnat && !e.packet.daddr.empty()) step.note = "as traced";
        out.steps.push_back(std::move(step));
        const PathStep& last = out.steps.back();
        if (refuses(last.result) || (last.result == StepResult::policy && e.verdict == "drop")) {
            out.verdict = last.result == StepResult::matched_reject ? PathVerdict::rejected : PathVerdict::dropped;
            out.decided_by = last.rule;
            out.decided_hook = last.hook;
            return out;
        }
    }
    if (first) {
        out.verdict = PathVerdict::unknown;
        out.decided_by = "no event of the packet carried its headers";
    } else if (last_passed == "postrouting") {
        out.verdict = out.packet.iif.empty() ? PathVerdict::sent : PathVerdict::forwarded;
    } else if (last_passed == "input") {
        out.verdict = PathVerdict::delivered_local;
    } else if (last_entered.empty() && last_passed.empty()) {
        out.verdict = PathVerdict::unknown;
        out.decided_by = "the tracer's own chains did not see the packet";
    } else {
        died_unseen(host, out, last_entered, last_passed);
        return out;
    }
    if (out.verdict != PathVerdict::unknown) {
        out.decided_by = "accepted in every hook it passed";
        out.decided_hook = last_passed;
    }
    return out;
}

namespace {

enum class Fate { refused, passes, unknown };

Fate fate_of(PathVerdict v) {
    switch (v) {
        case PathVerdict::dropped:
        case PathVerdict::rejected: return Fate::refused;
        case PathVerdict::unknown: return Fate::unknown;
        default: return Fate::passes;
    }
}

std::string fate_text(const PathResult& p) {
    switch (fate_of(p.verdict)) {
        case Fate::refused: return fmt::format("{} by {}", p.verdict == PathVerdict::rejected ? "rejected" : "dropped", p.decided_by);
        case Fate::passes:
            return p.final_packet.daddr.empty()
                       ? fmt::format("accepted, {}", to_string(p.verdict))
                       : fmt::format("accepted, {} to {}", to_string(p.verdict), format_endpoint(p.final_packet.family,
                                                                                                 p.final_packet.daddr,
                                                                                                 p.final_packet.dport));
        case Fate::unknown: return "unknown";
    }
    return "unknown";
}

// The steps both sides can show: what decided something in nftables (not routing, not
// iptables-legacy, not the walk through jumps and returns).
std::vector<const PathStep*> comparable_steps(const PathResult& p) {
    std::vector<const PathStep*> out;
    for (const PathStep& s : p.steps) {
        if (s.where == "routing" || s.where.starts_with("iptables-legacy ")) continue;
        switch (s.result) {
            case StepResult::matched_accept:
            case StepResult::matched_drop:
            case StepResult::matched_reject:
            case StepResult::dnat:
            case StepResult::snat:
            case StepResult::policy: out.push_back(&s); break;
            default: break;
        }
    }
    return out;
}

bool same_step(const PathStep& a, const PathStep& b) {
    if (a.where != b.where) return false;
    if (a.rule_handle && b.rule_handle) return *a.rule_handle == *b.rule_handle;
    return a.rule_handle.has_value() == b.rule_handle.has_value();
}

std::string describe(const PathStep& s) { return fmt::format("{} {}", s.hook, s.rule); }

// What refused the packet is the same: the same rule, or where the trace can only see that
// the packet died (routing; iptables-legacy's rules), the same place.
bool same_decider(const PathResult& traced, const PathResult& predicted) {
    if (traced.decided_by == predicted.decided_by) return true;
    if (traced.decided_hook == "routing") return predicted.decided_hook == "routing";
    constexpr std::string_view legacy = "iptables-legacy";
    return traced.decided_by.starts_with(legacy) && predicted.decided_by.starts_with(legacy) &&
           traced.decided_hook == predicted.decided_hook;
}

}  // namespace

TraceComparison compare_with_prediction(const PathResult& traced, const PathResult& predicted) {
    using Outcome = TraceComparison::Outcome;
    TraceComparison out;
    const Fate real = fate_of(traced.verdict);
    if (real == Fate::unknown) {
        out.outcome = Outcome::inconclusive;
        out.text = fmt::format("inconclusive: the trace ended without a verdict ({})", traced.decided_by);
        return out;
    }
    if (fate_of(predicted.verdict) == Fate::unknown) {
        out.outcome = Outcome::decided_by_trace;
        out.text = fmt::format("the evaluator could not tell ({}); the trace decides: {}", predicted.decided_by,
                               fate_text(traced));
        return out;
    }
    const auto real_steps = comparable_steps(traced);
    const auto predicted_steps = comparable_steps(predicted);
    std::optional<std::size_t> parted;
    for (std::size_t i = 0; i < real_steps.size(); ++i) {
        if (i >= predicted_steps.size() || !same_step(*real_steps[i], *predicted_steps[i])) {
            parted = i;
            break;
        }
    }
    // Both passing is the same answer only when the packet ended where predicted: a packet
    // delivered to the host instead of DNAT'd to the container passes too.
    const bool same_end = traced.verdict == predicted.verdict &&
                          (traced.final_packet.daddr.empty() || predicted.final_packet.daddr.empty() ||
                           (traced.final_packet.daddr == predicted.final_packet.daddr &&
                            traced.final_packet.dport == predicted.final_packet.dport));
    const bool same_fate = real == fate_of(predicted.verdict) && (real == Fate::passes ? same_end : same_decider(traced, predicted));
    if (same_fate) {
        out.outcome = Outcome::confirmed;
        out.text = fmt::format("confirmed: the kernel did what the evaluator predicted ({})", fate_text(traced));
        return out;
    }
    out.outcome = Outcome::contradicted;
    if (parted) {
        out.at = describe(*real_steps[*parted]);
        const std::string expected = *parted < predicted_steps.size()
                                         ? fmt::format(" (where it expected {})", describe(*predicted_steps[*parted]))
                                         : std::string();
        out.text = fmt::format("contradicted at {}: the kernel: {}; the evaluator predicted: {}{}", out.at,
                               fate_text(traced), fate_text(predicted), expected);
    } else {
        out.at = predicted_steps.size() > real_steps.size() ? describe(*predicted_steps[real_steps.size()])
                                                            : std::string("the final verdict");
        out.text = fmt::format("contradicted at {}: the kernel: {}; the evaluator predicted: {}", out.at,
                               fate_text(traced), fate_text(predicted));
    }
    return out;
}

}  // namespace dnd
