// One packet through the hooks: prerouting -> routing -> input, or forward -> postrouting;
// a locally generated packet: routing -> output -> (rerouting) -> postrouting, and back in
// through lo when it stays local. Every base chain at a hook runs (accept ends only that
// chain); the first drop or reject ends the path.
#include <fmt/format.h>

#include "docknetdoctor/path/kernel_forwarding.hpp"
#include "path_internal.hpp"

namespace dnd {

std::string_view to_string(PathVerdict v) {
    switch (v) {
    case PathVerdict::delivered_local: return "delivered-local";
    case PathVerdict::forwarded: return "forwarded";
    case PathVerdict::sent: return "sent";
    case PathVerdict::dropped: return "dropped";
    case PathVerdict::rejected: return "rejected";
    case PathVerdict::unknown: return "unknown";
    }
    return "unknown";
}

std::string_view to_string(StepResult r) {
    switch (r) {
    case StepResult::matched_accept: return "accept";
    case StepResult::matched_drop: return "drop";
    case StepResult::matched_reject: return "reject";
    case StepResult::dnat: return "dnat";
    case StepResult::snat: return "snat";
    case StepResult::jump: return "jump";
    case StepResult::goto_: return "goto";
    case StepResult::return_: return "return";
    case StepResult::policy: return "policy";
    case StepResult::unknown: return "unknown";
    case StepResult::route: return "route";
    }
    return "unknown";
}

namespace path {
namespace {

using Kind = ChainOutcome::Kind;

class PathRun {
public:
    PathRun(const HostNetwork& host, const Packet& packet, const SetLookup& lookup, NatChains nat)
        : ctx_{host, lookup}, host_(host), skip_all_nat_(nat == NatChains::skip) {
        result_.packet = packet;
    }

    PathResult run() {
        const Packet& in = result_.packet;
        auto saddr = parse_ip(in.saddr, in.family);
        auto daddr = parse_ip(in.daddr, in.family);
        if (!saddr || !daddr) return end(PathVerdict::unknown, "the packet's addresses are not IPv" + std::to_string(in.family), "");
        st_.family = in.family;
        st_.iif = in.iif;
        st_.saddr = *saddr;
        st_.daddr = *daddr;
        st_.l4proto = in.proto == Proto::udp ? 17 : 6;
        st_.sport = in.sport;
        st_.dport = in.dport;
        if (!host_.nftables) taint("the nftables ruleset could not be read (" + host_.nftables.error().message + ")");
        if (!host_.iptables_legacy)
            taint("the iptables-legacy rules could not be read (" + host_.iptables_legacy.error().message + ")");
        return in.iif.empty() ? local_out() : incoming();
    }

private:
    PathResult incoming() {
        if (!hook(nf::Hook::prerouting, "prerouting", false)) return result_;
        RouteDecision d = route("routing");
        if (d.kind == RouteDecision::Kind::drop) return end(PathVerdict::dropped, d.note, "routing");
        if (auto martian = martian_loopback()) return end(PathVerdict::dropped, *martian, "routing");
        if (d.kind == RouteDecision::Kind::local) {
            if (!hook(nf::Hook::input, "input", false)) return result_;
            return end_accepted(PathVerdict::delivered_local);
        }
        if (auto off = forwarding_off()) return end(PathVerdict::dropped, *off, "routing");
        st_.oif = d.oif;
        // Where it was headed, also when forward or postrouting refuses it: the bridge whose
        // zone or rules are in question.
        result_.out_interface = st_.oif;
        if (!hook(nf::Hook::forward, "forward", false)) return result_;
        if (!hook(nf::Hook::postrouting, "postrouting", false)) return result_;
        result_.out_interface = st_.oif;
        return end_accepted(PathVerdict::forwarded);
    }

    PathResult local_out() {
        RouteDecision d = route("routing");
        if (d.kind == RouteDecision::Kind::drop) return end(PathVerdict::dropped, d.note, "routing");
        st_.oif = d.kind == RouteDecision::Kind::local ? "lo" : d.oif;
        const nf::Bytes before = st_.daddr;
        if (!hook(nf::Hook::output, "output", false)) return result_;
        const bool rerouted = st_.daddr != before;
        if (rerouted) {  // DNAT in output: the kernel routes again
            d = route("rerouting");
            if (d.kind == RouteDecision::Kind::drop) return end(PathVerdict::dropped, d.note, "rerouting");
            st_.oif = d.kind == RouteDecision::Kind::local ? "lo" : d.oif;
            if (auto martian = martian_source()) return end(PathVerdict::dropped, *martian, "rerouting");
        }
        if (!hook(nf::Hook::postrouting, "postrouting", false)) return result_;
        if (rerouted)
            if (auto unanswerable = loopback_source_kept())
                return end(PathVerdict::dropped, *unanswerable, "postrouting");
        if (d.kind == RouteDecision::Kind::local) {
            // Back in through lo; conntrack already has its NAT binding: nat chains are skipped.
            st_.iif = "lo";
            st_.oif.clear();
            if (!hook(nf::Hook::prerouting, "prerouting", true)) return result_;
            if (!hook(nf::Hook::input, "input", false)) return result_;
            return end_accepted(PathVerdict::delivered_local);
        }
        result_.out_interface = st_.oif;
        return end_accepted(PathVerdict::sent);
    }

    RouteDecision route(const char* name) {
        RouteDecision d = route_lookup(host_, st_.family, st_.daddr);
        PathStep s;
        s.hook = name;
        s.where = "routing";
        s.result = d.kind == RouteDecision::Kind::drop ? StepResult::unknown : StepResult::route;
        if (d.kind == RouteDecision::Kind::drop) s.result = host_.routes ? StepResult::matched_drop : StepResult::unknown;
        s.rule = d.kind == RouteDecision::Kind::local ? "local delivery"
                 : d.kind == RouteDecision::Kind::forward ? "forward via " + d.oif
                                                          : "no usable route";
        s.note = d.note;
        result_.steps.push_back(s);
        if (d.kind == RouteDecision::Kind::drop && !host_.routes) taint(d.note);
        return d;
    }

    // The kernel asks the interface the packet arrived on (kernel_forwarding.hpp).
    std::optional<std::string> forwarding_off() {
        const ForwardingOnArrival f = forwarding_on_arrival(host_, st_.family, st_.iif);
        if (f.state == ForwardingOnArrival::State::unknown) {
            taint(f.unknown_reason);
            return std::nullopt;
        }
        if (f.state == ForwardingOnArrival::State::on) return std::nullopt;
        std::string note = "the host does not forward packets";
        if (f.interface_level) {
            note = fmt::format("forwarding is off on {}, the interface the packet arrives on", st_.iif);
            if (!f.global_value.empty())
                note += fmt::format(" ({} = {})", global_forwarding_key(st_.family), f.global_value);
        }
        const std::string setting = f.key + " = " + f.value;
        add_route_step("forwarding", setting, note);
        return setting + ": " + note;
    }

    // A packet from another interface to 127.0.0.0/8 is a martian unless route_localnet.
    // IN_DEV_ROUTE_LOCALNET: conf/all or conf/IFACE. nullopt (and the path tainted) when
    // either was not read while the other is off.
    std::optional<bool> route_localnet(const std::string& ifname) {
        if (!host_.sysctls) {
            taint("route_localnet of " + ifname + " was not read (" + host_.sysctls.error().message + ")");
            return std::nullopt;
        }
        auto value = [&](const std::string& k) -> std::string {
            auto it = host_.sysctls->find(k);
            return it == host_.sysctls->end() ? "" : it->second;
        };
        const std::string all = value("net.ipv4.conf.all.route_localnet");
        const std::string dev = value("net.ipv4.conf." + ifname + ".route_localnet");
        if (all == "1" || dev == "1") return true;
        if (dev.empty() || all.empty()) {
            taint("route_localnet of " + ifname + " was not read");
            return std::nullopt;
        }
        return false;
    }

    std::optional<std::string> martian_loopback() {
        if (st_.family != 4 || st_.daddr.empty() || st_.daddr[0] != 127 || st_.iif == "lo") return std::nullopt;
        if (route_localnet(st_.iif).value_or(true)) return std::nullopt;
        std::string why = fmt::format("{} to {} arriving on {}: martian (net.ipv4.conf.{}.route_localnet = 0)",
                                      "packet", nf::format_address(st_.daddr), st_.iif, st_.iif);
        add_route_step("routing", "martian destination", why);
        return why;
    }

    bool loopback_source() const { return st_.family == 4 && !st_.saddr.empty() && st_.saddr[0] == 127; }

    // A local packet from 127/8 that output's DNAT sends off the host (Docker without its
    // userland proxy: 127.0.0.1:PORT to a container): the kernel's route lookup refuses a
    // loopback source on any other interface unless route_localnet is on there.
    std::optional<std::string> martian_source() {
        if (!loopback_source() || st_.oif == "lo" || st_.oif.empty()) return std::nullopt;
        if (route_localnet(st_.oif).value_or(true)) return std::nullopt;
        std::string why = fmt::format("packet from {} leaving through {}: martian source (net.ipv4.conf.{}.route_localnet = 0)",
                                      nf::format_address(st_.saddr), st_.oif, st_.oif);
        add_route_step("rerouting", "martian source", why);
        result_.out_interface = st_.oif;
        return why;
    }

    // That packet (DNAT'd, rerouted), gone out with its 127/8 source unchanged (no masquerade
    // in postrouting, Docker's hairpin rule): the receiver drops a loopback source arriving on
    // its interface, so no reply ever comes.
    std::optional<std::string> loopback_source_kept() {
        if (!loopback_source() || st_.oif == "lo" || st_.oif.empty() || st_.snat_done) return std::nullopt;
        std::string why = fmt::format("packet from {} leaves through {} without source NAT: the receiver drops a "
                                      "loopback source (no masquerade for it in postrouting)",
                                      nf::format_address(st_.saddr), st_.oif);
        add_route_step("postrouting", "loopback source not masqueraded", why);
        result_.out_interface = st_.oif;
        return why;
    }

    void add_route_step(const char* hook_name, std::string rule, std::string note) {
        PathStep s;
        s.hook = hook_name;
        s.where = "routing";
        s.rule = std::move(rule);
        s.result = StepResult::matched_drop;
        s.note = std::move(note);
        result_.steps.push_back(std::move(s));
    }

    // Runs every base chain at the hook; false when the path ended here.
    bool hook(nf::Hook h, const char* name, bool skip_nat) {
        st_.hook = h;
        bool nat_done = skip_nat || skip_all_nat_;
        for (const HookChain& hc : chains_at(host_, h, st_.family)) {
            const bool is_nat = hc.chain->base->type == nf::ChainType::nat;
            if (is_nat && nat_done) continue;
            ChainOutcome out = walk_base_chain(ctx_, *hc.table, *hc.chain, name, st_, result_.steps);
            if (!out.unknown_reason.empty()) taint(out.unknown_reason);
            switch (out.kind) {
            case Kind::accept:
                if (out.nat_applied) nat_done = true;
                // The accepting rule names the decision better than a later chain's
                // accept policy, which only let the packet pass.
                if (!is_nat && (!out.by_policy || !last_decider_by_rule_)) {
                    last_decider_by_rule_ = !out.by_policy;
                    last_decider_ = out.decided_by;
                    last_decider_hook_ = name;
                }
                break;
            case Kind::drop:
                end(PathVerdict::dropped, out.decided_by, name);
                return false;
            case Kind::reject:
                end(PathVerdict::rejected, out.decided_by, name);
                return false;
            case Kind::unknown:
                taint(out.unknown_reason);
                end(PathVerdict::unknown, out.unknown_reason, name);
                return false;
            }
        }
        return true;
    }

    void taint(std::string why) {
        if (unknown_reason_.empty()) unknown_reason_ = std::move(why);
    }

    PathResult end(PathVerdict v, std::string decided_by, std::string hook_name) {
        result_.final_packet = current_packet();
        if (!unknown_reason_.empty() && v != PathVerdict::unknown) {
            result_.verdict = PathVerdict::unknown;
            result_.decided_by = fmt::format("unknown: {} (otherwise {} by {})", unknown_reason_, to_string(v), decided_by);
        } else {
            result_.verdict = v;
            result_.decided_by = std::move(decided_by);
        }
        result_.decided_hook = std::move(hook_name);
        return result_;
    }

    PathResult end_accepted(PathVerdict v) {
        if (last_decider_.empty()) return end(v, "no rule or policy refused it", "routing");
        return end(v, last_decider_, last_decider_hook_);
    }

    Packet current_packet() const {
        Packet p = result_.packet;
        p.saddr = nf::format_address(st_.saddr);
        p.daddr = nf::format_address(st_.daddr);
        p.dport = st_.dport;
        return p;
    }

    EvalContext ctx_;
    const HostNetwork& host_;
    const bool skip_all_nat_;  // NatChains::skip: no nat base chain runs at any hook
    PacketState st_;
    PathResult result_;
    std::string unknown_reason_;
    std::string last_decider_, last_decider_hook_;
    bool last_decider_by_rule_ = false;
};

}  // namespace

PathResult evaluate(const HostNetwork& host, const Packet& packet, const SetLookup& lookup, NatChains nat) {
    return PathRun(host, packet, lookup, nat).run();
}

}  // namespace path

PathResult evaluate_path(const HostNetwork& host, const Packet& packet, const SetLookup& lookup) {
    return path::evaluate(host, packet, lookup, path::NatChains::run);
}

}  // namespace dnd
