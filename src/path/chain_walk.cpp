// Walking one base chain: rules in order, jump (push), goto (replace), return (pop), falling
// off a regular chain returns, falling off the base chain applies its policy. A rule whose
// match is unknown is assumed not to match; if it could have decided differently from how
// the chain ended, the chain's outcome carries why it is unknown.
#include <fmt/format.h>

#include "docknetdoctor/model/endpoint.hpp"
#include "path_internal.hpp"

namespace dnd::path {
namespace {

constexpr std::size_t kMaxDepth = 64;  // the kernel's own jump stack is smaller (16)
// Rules looked at in one walk. The kernel refuses a ruleset whose chains loop (a goto does
// not deepen the stack, so only a budget stops one that a facts file holds).
constexpr std::size_t kMaxRuleSteps = 200000;
// Steps shown for one walk: a real one shows tens; thousands only come from such a loop.
constexpr std::size_t kMaxShownSteps = 10000;

using Kind = ChainOutcome::Kind;

// What an unknown rule would have done, had it matched.
struct PendingUnknown {
    std::optional<Kind> would;  // accept / drop; nullopt: jump, goto, NAT ... (anything)
    std::string rule;
    std::string reason;
};

std::optional<nf::Bytes> redirect_address(const HostNetwork& host, const PacketState& p) {
    if (p.iif.empty()) return parse_ip(p.family == 6 ? "::1" : "127.0.0.1");
    if (!host.addresses) return std::nullopt;
    for (const Address& a : *host.addresses)
        if (a.ifname == p.iif && a.family == p.family) return parse_ip(a.address, a.family);
    return std::nullopt;
}

std::string endpoint(const nf::Bytes& addr, std::uint16_t port) {
    return format_endpoint(addr.size() == 16 ? 6 : 4, nf::format_address(addr), port);
}

}  // namespace

std::string where_of(const nf::Table& table, const nf::Chain& chain) {
    std::string prefix = table.source == nf::RulesetSource::iptables_legacy ? "iptables-legacy " : "";
    return fmt::format("{}{} {} {}", prefix, nf::to_string(table.family), table.name, chain.name);
}

ChainOutcome walk_base_chain(const EvalContext& ctx, const nf::Table& table, const nf::Chain& base,
                             std::string_view hook_name, PacketState& packet, std::vector<PathStep>& steps) {
    struct Frame {
        const nf::Chain* chain;
        std::size_t next;
    };
    std::vector<Frame> stack;
    Frame cur{&base, 0};
    std::vector<PendingUnknown> pending;
    const std::string base_where = where_of(table, base);

    auto add_step = [&](const nf::Chain& chain, const nf::Rule* rule, std::string text, StepResult result, std::string note) {
        PathStep s;
        s.hook = std::string(hook_name);
        s.where = where_of(table, chain);
        if (rule != nullptr) s.rule_handle = rule->handle;
        s.rule = std::move(text);
        s.result = result;
        s.note = std::move(note);
        steps.push_back(std::move(s));
    };
    auto finish = [&](ChainOutcome out) {
        if (out.kind == Kind::unknown) return out;
        for (const PendingUnknown& p : pending) {
            if (p.would) {
                const bool both_refuse = (*p.would == Kind::drop || *p.would == Kind::reject) &&
                                         (out.kind == Kind::drop || out.kind == Kind::reject);
                if (*p.would == out.kind || both_refuse) continue;
            }
            out.unknown_reason = fmt::format("{} could not be evaluated ({}); had it matched, {} could have ended "
                                             "differently than by {}",
                                             p.rule, p.reason, base_where, out.decided_by);
            break;
        }
        return out;
    };
    auto policy = [&]() {
        ChainOutcome out;
        const bool drop = base.base && base.base->policy == nf::Verdict::Kind::drop;
        out.kind = drop ? Kind::drop : Kind::accept;
        out.by_policy = true;
        out.decided_by = nf::format_chain_policy(table, base);
        add_step(base, nullptr, out.decided_by, StepResult::policy, drop ? "policy drop" : "policy accept");
        return finish(out);
    };

    std::size_t rule_steps = 0;
    while (true) {
        if (++rule_steps > kMaxRuleSteps || steps.size() > kMaxShownSteps) {
            ChainOutcome out{Kind::unknown, false, false, base_where, {}};
            out.unknown_reason = fmt::format("the walk took more than {} rules or {} steps without a verdict: the chains "
                                             "loop (a ruleset the kernel would refuse)",
                                             kMaxRuleSteps, kMaxShownSteps);
            return out;
        }
        if (cur.next >= cur.chain->rules.size()) {
            if (stack.empty()) return policy();
            cur = stack.back();
            stack.pop_back();
            continue;
        }
        const nf::Chain& chain = *cur.chain;
        const nf::Rule& rule = chain.rules[cur.next++];
        RuleEffect eff = eval_rule(ctx, table, rule, packet);
        if (eff.match == Tri::no) continue;
        if (eff.sets_mark) packet.mark_unknown = true;
        std::string text = nf::format_rule(table, chain, rule);

        if (eff.match == Tri::unknown) {
            const bool decisive = (eff.verdict && eff.verdict->kind != nf::Verdict::Kind::continue_) ||
                                  eff.nat.has_value() || eff.opaque_target;
            if (decisive) {
                PendingUnknown p{std::nullopt, text, eff.unknown_reason};
                if (eff.verdict && !eff.nat && !eff.opaque_target) {
                    if (eff.verdict->kind == nf::Verdict::Kind::accept) p.would = Kind::accept;
                    else if (eff.verdict->kind == nf::Verdict::Kind::drop) p.would = eff.reject ? Kind::reject : Kind::drop;
                }
                pending.push_back(std::move(p));
            }
            add_step(chain, &rule, text, StepResult::unknown,
                     eff.unknown_reason + (decisive ? "; assumed not to match" : "; no verdict, does not matter"));
            continue;
        }

        if (eff.nat) {
            const NatAction& nat = *eff.nat;
            ChainOutcome out;
            out.kind = Kind::accept;
            out.nat_applied = true;
            out.decided_by = text;
            if (nat.kind == NatAction::Kind::dnat || nat.kind == NatAction::Kind::redirect) {
                std::optional<nf::Bytes> to = nat.address;
                if (nat.kind == NatAction::Kind::redirect) to = redirect_address(ctx.host, packet);
                if (!to || to->size() != packet.daddr.size()) {
                    add_step(chain, &rule, text, StepResult::unknown, "destination NAT to an address the evaluator cannot tell");
                    out.kind = Kind::unknown;
                    out.unknown_reason = text + ": destination NAT to an address the evaluator cannot tell";
                    return out;
                }
                packet.daddr = *to;
                if (nat.port) packet.dport = *nat.port;
                packet.dnat_done = true;
                add_step(chain, &rule, text, StepResult::dnat, "daddr rewritten to " + endpoint(packet.daddr, packet.dport));
            } else {
                packet.snat_done = true;
                add_step(chain, &rule, text, StepResult::snat,
                         nat.kind == NatAction::Kind::masquerade ? "source masqueraded (noted, not decisive)"
                                                                 : "source NAT (noted, not decisive)");
            }
            return finish(out);
        }
        if (!eff.verdict) {
            if (eff.opaque_target) {
                add_step(chain, &rule, text, StepResult::unknown, "target not evaluated");
                pending.push_back({std::nullopt, text, "its target is not evaluated"});
            }
            continue;
        }
        const nf::Verdict& v = *eff.verdict;
        switch (v.kind) {
        case nf::Verdict::Kind::accept: {
            add_step(chain, &rule, text, StepResult::matched_accept, "accept");
            return finish({Kind::accept, false, false, text, {}});
        }
        case nf::Verdict::Kind::drop: {
            add_step(chain, &rule, text, eff.reject ? StepResult::matched_reject : StepResult::matched_drop,
                     eff.reject ? "reject" : "drop");
            return finish({eff.reject ? Kind::reject : Kind::drop, false, false, text, {}});
        }
        case nf::Verdict::Kind::continue_:
        case nf::Verdict::Kind::break_:
            continue;
        case nf::Verdict::Kind::jump:
        case nf::Verdict::Kind::goto_: {
            const bool is_goto = v.kind == nf::Verdict::Kind::goto_;
            const nf::Chain* target = table.find_chain(v.chain);
            add_step(chain, &rule, text, is_goto ? StepResult::goto_ : StepResult::jump,
                     fmt::format("{} {}", is_goto ? "goto" : "jump to", v.chain));
            if (target == nullptr || stack.size() >= kMaxDepth) {
                ChainOutcome out{Kind::unknown, false, false, text, {}};
                out.unknown_reason = target == nullptr ? "chain " + v.chain + " is not in the dump"
                                                       : "jumps nested deeper than the evaluator follows";
                return out;
            }
            if (!is_goto) stack.push_back(cur);
            cur = Frame{target, 0};
            continue;
        }
        case nf::Verdict::Kind::return_: {
            add_step(chain, &rule, text, StepResult::return_, "return");
            if (stack.empty()) return policy();
            cur = stack.back();
            stack.pop_back();
            continue;
        }
        case nf::Verdict::Kind::queue:
        case nf::Verdict::Kind::stolen:
        case nf::Verdict::Kind::repeat: {
            std::string why = fmt::format("verdict {} hands the packet elsewhere", nf::to_string(v.kind));
            add_step(chain, &rule, text, StepResult::unknown, why);
            ChainOutcome out{Kind::unknown, false, false, text, {}};
            out.unknown_reason = text + ": " + why;
            return out;
        }
        }
    }
}

}  // namespace dnd::path
