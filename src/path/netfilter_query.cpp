// Reading the ruleset model for the netfilter checks: DNAT rules for a port, Docker's chains,
// whether a ruleset holds rules; and small questions about evaluated paths.
#include "docknetdoctor/path/netfilter_query.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "docknetdoctor/model/endpoint.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "path_internal.hpp"

namespace dnd {
namespace {

constexpr std::uint8_t kIpprotoTcp = 6;
constexpr std::uint8_t kIpprotoUdp = 17;

std::uint8_t ipproto_of(Proto p) { return p == Proto::tcp ? kIpprotoTcp : kIpprotoUdp; }

// What a register holds, as far as the port question cares.
enum class Loaded { dport, sport_dport, l4proto, other };

// One rule's conditions on protocol and destination port, folded as the rule is read.
struct PortVerdict {
    bool excluded = false;         // a condition rules this port or protocol out
    bool port_unreadable = false;  // a condition on the port that could not be judged
};

std::uint16_t be16(const nf::Bytes& b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

bool cmp_holds(nf::CmpOp op, std::uint32_t value, std::uint32_t operand) {
    switch (op) {
        case nf::CmpOp::eq: return value == operand;
        case nf::CmpOp::neq: return value != operand;
        case nf::CmpOp::lt: return value < operand;
        case nf::CmpOp::lte: return value <= operand;
        case nf::CmpOp::gt: return value > operand;
        case nf::CmpOp::gte: return value >= operand;
    }
    return false;
}

// Whether a set (anonymous or named, elements dumped) holds a 2-byte port key.
std::optional<bool> set_holds_port(const nf::Set& set, std::uint16_t port) {
    if (!set.elements_loaded || set.key_len != 2) return std::nullopt;
    const nf::Bytes key{static_cast<std::uint8_t>(port >> 8), static_cast<std::uint8_t>(port & 0xff)};
    if (!set.is_interval()) {
        return std::any_of(set.elements.begin(), set.elements.end(),
                           [&](const nf::SetElement& e) { return e.key == key && !e.interval_end; });
    }
    // rbtree intervals: a sorted walk where a start opens and an interval_end closes; a
    // pipapo element carries its own end in key_end.
    bool inside = false;
    std::vector<const nf::SetElement*> sorted;
    for (const auto& e : set.elements) sorted.push_back(&e);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->key < b->key; });
    for (const auto* e : sorted) {
        if (e->key.size() != 2) return std::nullopt;
        if (!e->key_end.empty()) {
            if (e->key_end.size() != 2) return std::nullopt;
            if (be16(e->key, 0) <= port && port <= be16(e->key_end, 0)) return true;
            continue;
        }
        if (be16(e->key, 0) > port) break;
        inside = !e->interval_end;
    }
    return inside;
}

bool is_dnat_action(const nf::Expr& e) {
    if (const auto* nat = std::get_if<nf::Nat>(&e)) return nat->type == nf::NatType::dnat;
    if (const auto* xt = nf::expr_if<nf::Xt>(e)) return xt->is_target && xt->name == "DNAT";
    return false;
}

// The packet mark a rule sets: iptables' MARK target (revision 2, xt_mark_tginfo2: mark and
// mask, host order) with a full mask, or nft's `meta mark set` from an immediate value.
// nullopt: the rule sets no mark, or sets one this cannot read (a masked or computed one).
std::optional<std::uint32_t> mark_set_by(const nf::Rule& rule) {
    std::map<nf::Register, std::uint32_t> immediates;
    std::optional<std::uint32_t> mark;
    for (const nf::Expr& e : rule.exprs) {
        if (const auto* xt = nf::expr_if<nf::Xt>(e); xt && xt->is_target && xt->name == "MARK") {
            if (xt->revision != 2 || xt->info.size() < 8) return std::nullopt;
            std::uint32_t value = 0, mask = 0;
            std::memcpy(&value, xt->info.data(), 4);
            std::memcpy(&mask, xt->info.data() + 4, 4);
            if (mask != 0xffffffffU) return std::nullopt;
            mark = value;
        } else if (const auto* imm = std::get_if<nf::Immediate>(&e); imm && imm->dreg != nf::kRegVerdict) {
            if (imm->data.size() == 4) std::memcpy(&immediates[imm->dreg], imm->data.data(), 4);
            else immediates.erase(imm->dreg);
        } else if (const auto* meta = std::get_if<nf::Meta>(&e); meta && meta->key == nf::MetaKey::mark && meta->sreg) {
            const auto value = immediates.find(*meta->sreg);
            if (value == immediates.end()) return std::nullopt;
            mark = value->second;
        }
    }
    return mark;
}

bool sets_mark(const nf::Expr& e) {
    if (const auto* xt = nf::expr_if<nf::Xt>(e)) return xt->is_target && xt->name == "MARK";
    if (const auto* meta = std::get_if<nf::Meta>(&e)) return meta->key == nf::MetaKey::mark && meta->sreg.has_value();
    return false;
}

// Reads whether a rule's protocol and destination-port conditions admit one port, for the
// rules whose action is what the caller asks about (a DNAT, a mark).
class PortRuleReader {
public:
    using Action = bool (*)(const nf::Expr&);
    PortRuleReader(const nf::Table& table, Proto proto, std::uint16_t port, Action action)
        : table_(table), proto_(proto), port_(port), action_(action) {}

    // nullopt: not a rule with the action for this port; otherwise whether its port condition
    // was readable.
    std::optional<bool> read(const nf::Rule& rule) {
        // Most rules of a crowded host lack the action: skip them before any register work.
        if (std::none_of(rule.exprs.begin(), rule.exprs.end(), action_)) return std::nullopt;
        regs_.clear();
        verdict_ = {};
        if (rule.compat && rule.compat->proto != 0) note_proto(rule.compat->proto, (rule.compat->flags & 2) != 0);
        for (const nf::Expr& e : rule.exprs) {
            visit_expr([&](const auto& x) { visit(x); }, e);
        }
        if (verdict_.excluded) return std::nullopt;
        return !verdict_.port_unreadable;
    }

private:
    void note_proto(std::uint32_t proto, bool inverted) {
        if (proto == 0) return;
        if ((proto == ipproto_of(proto_)) == inverted) verdict_.excluded = true;
    }
    void note_port_range(std::uint16_t lo, std::uint16_t hi, bool inverted) {
        if ((lo <= port_ && port_ <= hi) == inverted) verdict_.excluded = true;
    }

    void visit(const nf::Payload& p) {
        if (p.sreg) return;
        Loaded what = Loaded::other;
        if (p.base == nf::PayloadBase::transport && p.offset == 2 && p.len == 2) what = Loaded::dport;
        else if (p.base == nf::PayloadBase::transport && p.offset == 0 && p.len == 4) what = Loaded::sport_dport;
        else if (p.base == nf::PayloadBase::network && p.offset == 9 && p.len == 1) what = Loaded::l4proto;  // ip protocol
        regs_[p.dreg] = what;
    }
    void visit(const nf::Meta& m) {
        if (m.dreg) regs_[*m.dreg] = m.key == nf::MetaKey::l4proto ? Loaded::l4proto : Loaded::other;
    }
    void visit(const nf::Cmp& c) {
        auto it = regs_.find(c.sreg);
        if (it == regs_.end()) return;
        if (it->second == Loaded::l4proto && c.data.size() == 1) {
            if (!cmp_holds(c.op, ipproto_of(proto_), c.data[0])) verdict_.excluded = true;
        } else if (it->second == Loaded::dport && c.data.size() == 2) {
            if (!cmp_holds(c.op, port_, be16(c.data, 0))) verdict_.excluded = true;
        } else if (it->second == Loaded::sport_dport && c.data.size() == 4 && c.op == nf::CmpOp::eq) {
            // iptables-nft's single sport+dport compare: the sport part is the client's
            // choice, so only the dport part says which port the rule is for.
            if (be16(c.data, 2) != port_) verdict_.excluded = true;
        } else if (it->second == Loaded::dport || it->second == Loaded::sport_dport) {
            verdict_.port_unreadable = true;
        }
    }
    void visit(const nf::Range& r) {
        auto it = regs_.find(r.sreg);
        if (it == regs_.end() || it->second != Loaded::dport) return;
        if (r.from.size() != 2 || r.to.size() != 2) {
            verdict_.port_unreadable = true;
            return;
        }
        note_port_range(be16(r.from, 0), be16(r.to, 0), r.negate);
    }
    void visit(const nf::Lookup& l) {
        auto it = regs_.find(l.sreg);
        if (it == regs_.end() || it->second != Loaded::dport) return;
        const nf::Set* set = table_.find_set(l.set);
        std::optional<bool> holds = set ? set_holds_port(*set, port_) : std::nullopt;
        if (!holds) verdict_.port_unreadable = true;
        else if (*holds == l.invert) verdict_.excluded = true;
    }
    void visit(const nf::Bitwise& b) {
        // A masked port is no longer the port: the comparison after it cannot be read.
        auto it = regs_.find(b.sreg);
        regs_[b.dreg] = Loaded::other;
        if (it != regs_.end() && (it->second == Loaded::dport || it->second == Loaded::sport_dport))
            verdict_.port_unreadable = true;
    }
    void visit(const nf::LegacyIp& ip) { note_proto(ip.proto, (ip.invflags & 0x40) != 0); }
    void visit(const nf::Xt& x) {
        if (x.is_target) return;
        if (const auto* ports = std::get_if<nf::XtPorts>(&x.decoded)) {
            const bool is_tcp = x.name == "tcp";
            if ((is_tcp ? Proto::tcp : Proto::udp) != proto_) verdict_.excluded = true;
            note_port_range(ports->dport_min, ports->dport_max, (ports->invflags & 2) != 0);
        } else if (const auto* multi = std::get_if<nf::XtMultiport>(&x.decoded)) {
            if (multi->flags == 0) return;  // source ports only
            const bool listed = path::multiport_has(*multi, port_);
            // EITHER (2) also admits a source-port match: then the dport may be anything.
            if (multi->flags == 1 && listed == multi->invert) verdict_.excluded = true;
        } else if (x.name == "tcp" || x.name == "udp" || x.name == "multiport") {
            verdict_.port_unreadable = true;  // not decoded
        }
    }
    void visit(const nf::Immediate& i) {
        if (i.dreg != nf::kRegVerdict) regs_[i.dreg] = Loaded::other;
    }
    template <class Other>
    void visit(const Other&) {}

    const nf::Table& table_;
    Proto proto_;
    std::uint16_t port_;
    Action action_;
    std::map<nf::Register, Loaded> regs_;
    PortVerdict verdict_;
};

bool is_nat_table(const nf::Table& t) {
    if (t.name == "nat") return true;
    return std::any_of(t.chains.begin(), t.chains.end(),
                       [](const nf::Chain& c) { return c.base && c.base->type == nf::ChainType::nat; });
}

}  // namespace

std::vector<DnatRuleRef> dnat_rules_for(const nf::Ruleset& ruleset, Proto proto, std::uint16_t host_port) {
    std::vector<DnatRuleRef> out;
    for (const nf::Table& table : ruleset.tables) {
        PortRuleReader reader(table, proto, host_port, is_dnat_action);
        for (const nf::Chain& chain : table.chains)
            for (const nf::Rule& rule : chain.rules)
                if (auto readable = reader.read(rule)) out.push_back({nf::format_rule(table, chain, rule), *readable});
    }
    return out;
}

std::vector<MarkRuleRef> prerouting_mark_rules_for(const nf::Ruleset& ruleset, Proto proto, std::uint16_t port) {
    std::vector<MarkRuleRef> out;
    for (const nf::Table& table : ruleset.tables) {
        PortRuleReader reader(table, proto, port, sets_mark);
        for (const nf::Chain& chain : table.chains) {
            if (!chain.base || chain.base->hook != nf::Hook::prerouting) continue;
            for (const nf::Rule& rule : chain.rules)
                if (auto readable = reader.read(rule))
                    out.push_back({nf::format_rule(table, chain, rule), mark_set_by(rule), *readable});
        }
    }
    return out;
}

bool has_docker_nat_chains(const nf::Ruleset& ruleset) {
    return std::any_of(ruleset.tables.begin(), ruleset.tables.end(), [](const nf::Table& t) {
        return t.name == "docker-bridges" || (is_nat_table(t) && t.find_chain("DOCKER") != nullptr);
    });
}

std::vector<std::string> missing_docker_chains(const nf::Ruleset& nftables, const nf::Ruleset& legacy,
                                               std::string_view engine_version) {
    const auto has_table = [](const nf::Ruleset& rs, std::string_view name) {
        return std::any_of(rs.tables.begin(), rs.tables.end(), [&](const nf::Table& t) { return t.name == name; });
    };
    if (has_table(nftables, "docker-bridges")) return {};
    // What dockerd's iptables backend creates at start-up (shared/notes/engines.md).
    std::vector<std::pair<std::string_view, std::string_view>> expected{
        {"nat", "DOCKER"}, {"filter", "DOCKER"}, {"filter", "DOCKER-USER"}, {"filter", "DOCKER-ISOLATION-STAGE-1"}};
    int major = 0;
    std::from_chars(engine_version.data(), engine_version.data() + engine_version.size(), major);
    if (major >= 28)
        for (std::string_view chain : {"DOCKER-FORWARD", "DOCKER-CT", "DOCKER-BRIDGE"}) expected.emplace_back("filter", chain);
    const auto holds = [](const nf::Ruleset& rs, std::string_view table, std::string_view chain) {
        return std::any_of(rs.tables.begin(), rs.tables.end(), [&](const nf::Table& t) {
            return t.family == nf::Family::ip && t.name == table && t.find_chain(chain) != nullptr;
        });
    };
    std::vector<std::string> missing;
    for (const auto& [table, chain] : expected)
        if (!holds(nftables, table, chain) && !holds(legacy, table, chain))
            missing.push_back(fmt::format("ip {} {}", table, chain));
    return missing;
}

bool holds_rules(const nf::Ruleset& ruleset) {
    for (const nf::Table& t : ruleset.tables)
        for (const nf::Chain& c : t.chains)
            if (!c.rules.empty() || (c.base && c.base->policy != nf::Verdict::Kind::accept)) return true;
    return false;
}

std::string describe_packet(const Packet& p) {
    std::string text = fmt::format("{} {} -> {}", to_string(p.proto), format_endpoint(p.family, p.saddr, p.sport),
                                   format_endpoint(p.family, p.daddr, p.dport));
    if (!p.iif.empty()) text += " in " + p.iif;
    else text += " (locally generated)";
    return text;
}

bool is_denied(const PathResult& path) {
    return path.verdict == PathVerdict::dropped || path.verdict == PathVerdict::rejected;
}

const PathStep* deciding_step(const PathResult& path) {
    for (const PathStep& s : path.steps) {
        if (s.result == StepResult::matched_drop || s.result == StepResult::matched_reject) return &s;
        if (s.result == StepResult::policy && is_denied(path) && s.hook == path.decided_hook &&
            s.rule.find("drop") != std::string::npos)
            return &s;
    }
    return nullptr;
}

namespace {

// `iifname != "NAME"` in a rule as format_rule writes it: NAME, or "" when there is none.
std::string negated_input_interface(std::string_view rule) {
    constexpr std::string_view kNegatedIif = "iifname != \"";
    const std::size_t at = rule.find(kNegatedIif);
    if (at == std::string_view::npos) return {};
    const std::size_t begin = at + kNegatedIif.size();
    const std::size_t end = rule.find('"', begin);
    return end == std::string_view::npos ? std::string() : std::string(rule.substr(begin, end - begin));
}

// The rule matches exactly this destination: "ip daddr A " / "ip6 daddr A " (a /32 or
// /128: no prefix written).
bool matches_destination(std::string_view rule, int family, const std::string& address) {
    const std::string match = fmt::format("{} daddr {}", family == 6 ? "ip6" : "ip", address);
    for (std::size_t at = rule.find(match); at != std::string_view::npos; at = rule.find(match, at + 1)) {
        const std::size_t after = at + match.size();
        const bool whole_word = (at == 0 || rule[at - 1] == ' ') && (after == rule.size() || rule[after] == ' ');
        // "ct original ip daddr": conntrack's view, not the packet's header.
        const bool conntrack = rule.substr(0, at).ends_with("original ") || rule.substr(0, at).ends_with("reply ");
        if (whole_word && !conntrack) return true;
    }
    return false;
}

bool is_container_address(const Facts& facts, const std::string& address) {
    return facts.container && attachment_with_address(*facts.container, address) != nullptr;
}

// A bridge of a Docker network, or any bridge the host has (the networks may be unread).
bool is_bridge_interface(const Facts& facts, const std::string& name) {
    if (facts.networks)
        for (const NetworkInfo& n : *facts.networks)
            if (n.driver == "bridge" && bridge_device(n) == name) return true;
    if (facts.host->links)
        for (const Link& l : *facts.host->links)
            if (l.name == name && l.kind == "bridge") return true;
    return name == "docker0";
}

// iptables' raw PREROUTING, or Docker 29's own raw-PREROUTING chain in its nftables table.
bool is_raw_prerouting(std::string_view where) {
    constexpr std::string_view legacy_prefix = "iptables-legacy ";
    if (where.starts_with(legacy_prefix)) where.remove_prefix(legacy_prefix.size());
    return where == "ip raw PREROUTING" || where == "ip6 raw PREROUTING" ||
           where == "ip docker-bridges raw-PREROUTING" || where == "ip6 docker-bridges raw-PREROUTING";
}

}  // namespace

std::optional<PreroutingDropOrigin> prerouting_drop_origin(const Facts& facts, const PathResult& path) {
    if (!is_denied(path) || path.decided_hook != "prerouting") return std::nullopt;
    const PathStep* step = deciding_step(path);
    if (step == nullptr) return PreroutingDropOrigin::host_rule;
    const std::string& rule = path.decided_by;
    // Docker 29's nftables rules say what they are.
    if (step->where.find("docker-bridges") != std::string::npos) {
        if (rule.find("DROP DIRECT ACCESS") != std::string::npos) return PreroutingDropOrigin::docker_direct_access;
        if (rule.find("DROP REMOTE LOOPBACK") != std::string::npos)
            return PreroutingDropOrigin::docker_loopback_published;
    }
    if (!is_raw_prerouting(step->where) || !matches_destination(rule, path.packet.family, path.packet.daddr))
        return PreroutingDropOrigin::host_rule;
    const std::string iif = negated_input_interface(rule);
    if (iif == "lo" && is_loopback_address(path.packet.daddr)) return PreroutingDropOrigin::docker_loopback_published;
    if (!iif.empty() && is_bridge_interface(facts, iif) && is_container_address(facts, path.packet.daddr))
        return PreroutingDropOrigin::docker_direct_access;
    return PreroutingDropOrigin::host_rule;
}

std::optional<StepSite> site_of(const HostNetwork& host, const PathStep& step) {
    // PathStep::where as where_of writes it: ["iptables-legacy "]FAMILY TABLE CHAIN.
    std::string_view where = step.where;
    constexpr std::string_view legacy_prefix = "iptables-legacy ";
    const bool legacy = where.starts_with(legacy_prefix);
    if (legacy) where.remove_prefix(legacy_prefix.size());
    const std::size_t family_end = where.find(' ');
    if (family_end == std::string_view::npos) return std::nullopt;
    const std::size_t table_end = where.find(' ', family_end + 1);
    if (table_end == std::string_view::npos) return std::nullopt;
    const auto family = nf::family_from_string(where.substr(0, family_end));
    const auto& ruleset = legacy ? host.iptables_legacy : host.nftables;
    if (!family || !ruleset) return std::nullopt;
    const std::string table_name(where.substr(family_end + 1, table_end - family_end - 1));
    const nf::Table* table = ruleset->find_table(
        *family, table_name, legacy ? nf::RulesetSource::iptables_legacy : nf::RulesetSource::nftables);
    if (table == nullptr) return std::nullopt;
    const nf::Chain* chain = table->find_chain(where.substr(table_end + 1));
    if (chain == nullptr) return std::nullopt;
    StepSite site{table, chain, nullptr};
    if (step.result == StepResult::policy) return site;
    if (!step.rule_handle) return std::nullopt;
    for (const nf::Rule& rule : chain->rules)
        if (rule.handle == *step.rule_handle) {
            site.rule = &rule;
            break;
        }
    if (site.rule == nullptr) return std::nullopt;
    return site;
}

std::optional<PortKey> container_port_of(const Container& container, const PathResult& path) {
    const Proto proto = path.packet.proto;
    // Host network: no mapping, the host port is the app's own port.
    if (is_host_network(container)) return PortKey{path.packet.dport, proto};
    // Sent to the container's own address (--direct): no mapping either.
    if (attachment_with_address(container, path.packet.daddr) != nullptr) return PortKey{path.packet.dport, proto};
    for (const auto& [key, bindings] : container.ports.empty() ? container.port_bindings : container.ports) {
        if (key.proto != proto) continue;
        for (const HostBinding& b : bindings)
            if (b.host_port == path.packet.dport) return key;
    }
    // Rewritten to it: the final port is the container port.
    for (const NetworkAttachment& n : container.networks)
        if (!n.ip_address.empty() && n.ip_address == path.final_packet.daddr)
            return PortKey{path.final_packet.dport, proto};
    return std::nullopt;
}

bool has_published_host_port(const Facts& facts) {
    if (facts.query.direct || !facts.container || !publishes_ports(*facts.container)) return false;
    for (PortKey p : ports_in_question(facts))
        for (const HostBinding& b : bindings_of(*facts.container, p))
            if (b.host_port != 0) return true;
    return false;
}

bool asks_forwarded_path(const Facts& facts) {
    if (facts.query.direct)
        return facts.container && has_own_network_stack(*facts.container) && has_client_host_port(facts);
    return has_published_host_port(facts);
}

}  // namespace dnd
