// The localization ladder: target building (pure) and running both batches at once.
#include "docknetdoctor/probe/probe_ladder.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include <fmt/format.h>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/probe/half_open.hpp"
#include "docknetdoctor/probe/probe.hpp"

namespace dnd {
namespace {

// Rungs 1-3 reach the app's own socket: a completed handshake is the answer.
constexpr std::chrono::milliseconds kNoGrace{0};
// How long a crowded batch waits for half-open answers before connecting instead: answers
// on this host's own paths take microseconds, so only the silent targets wait this long.
constexpr std::chrono::milliseconds kHalfOpenWindow{250};

bool is_ipv6(std::string_view address) { return address.find(':') != std::string_view::npos; }

// fe80::/10: usable only with a scope (%eth0), which host_addresses() does not give.
bool is_link_local_ipv6(std::string_view address) {
    if (!is_ipv6(address) || address.size() < 4) return false;
    const auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
    return lower(address[0]) == 'f' && lower(address[1]) == 'e' &&
           std::string_view("89ab").find(lower(address[2])) != std::string_view::npos;
}

// The host addresses a binding on host_ip accepts connections on.
std::vector<std::string> addresses_for_binding(std::string_view host_ip, std::span<const std::string> host_addresses) {
    if (!is_wildcard_address(host_ip)) return {std::string(host_ip)};
    const bool any_family = host_ip.empty();
    const bool want_v6 = host_ip == "::";
    std::vector<std::string> out;
    for (const auto& a : host_addresses) {
        if (is_link_local_ipv6(a)) continue;
        if (any_family || is_ipv6(a) == want_v6) out.push_back(a);
    }
    return out;
}

std::vector<std::string> container_addresses(const Container& c) {
    std::vector<std::string> out;
    for (const auto& n : c.networks) {
        if (!n.ip_address.empty()) out.push_back(n.ip_address);
        if (!n.global_ipv6.empty()) out.push_back(n.global_ipv6);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

class PlanBuilder {
public:
    PlanBuilder(LadderPlan& plan, PortKey port, std::string inside_vantage)
        : plan_(plan), port_(port), inside_vantage_(std::move(inside_vantage)) {}

    void inside(Rung rung, const std::string& address) { add(plan_.inside, rung, address, port_.port, inside_vantage_); }
    void outside(Rung rung, const std::string& address, std::uint16_t port) {
        add(plan_.outside, rung, address, port, "the host");
    }

private:
    void add(std::vector<LadderProbe>& into, Rung rung, const std::string& address, std::uint16_t port,
             const std::string& vantage) {
        for (const auto& existing : into)
            if (existing.port == port_ && existing.rung == rung && existing.probe.target.address == address &&
                existing.probe.target.port == port)
                return;
        LadderProbe p;
        p.port = port_;
        p.rung = rung;
        p.probe.target = ProbeTarget{address, port, port_.proto, vantage};
        p.probe.outcome = ProbeStatus::error;
        p.probe.detail = "not run";
        into.push_back(std::move(p));
    }

    LadderPlan& plan_;
    PortKey port_;
    std::string inside_vantage_;
};

// docker-proxy accepts first and dials the container afterwards, so a published port can
// connect and then be reset. When the host reaches the container directly (rung 3 open),
// the proxy's dial succeeds too and a connect is the answer; only otherwise are rung-4
// connects probed again, waiting for that reset. A healthy ladder thus costs milliseconds.
// Every ladder's rechecks run as one batch.
void recheck_published_opens(std::vector<std::vector<LadderProbe>>& outsides, std::chrono::milliseconds deadline) {
    std::vector<std::pair<std::size_t, std::size_t>> again;  // (ladder, probe)
    for (std::size_t l = 0; l < outsides.size(); ++l) {
        const auto& outside = outsides[l];
        auto host_reaches_container = [&](PortKey port) {
            return std::any_of(outside.begin(), outside.end(), [&](const LadderProbe& p) {
                return p.port == port && p.rung == Rung::host_to_container && p.probe.outcome == ProbeStatus::open;
            });
        };
        auto has_direct_rung = [&](PortKey port) {
            return std::any_of(outside.begin(), outside.end(),
                               [&](const LadderProbe& p) { return p.port == port && p.rung == Rung::host_to_container; });
        };
        for (std::size_t i = 0; i < outside.size(); ++i) {
            const LadderProbe& p = outside[i];
            if (p.rung == Rung::host_published && p.port.proto == Proto::tcp && p.probe.outcome == ProbeStatus::open &&
                has_direct_rung(p.port) && !host_reaches_container(p.port))
                again.emplace_back(l, i);
        }
    }
    if (again.empty()) return;
    std::vector<ProbeTarget> targets;
    for (auto [l, i] : again) targets.push_back(outsides[l][i].probe.target);
    auto outcomes = probe_batch(targets, deadline);  // the engine's full reset grace
    for (std::size_t k = 0; k < again.size() && k < outcomes.size(); ++k)
        outsides[again[k].first][again[k].second].probe = std::move(outcomes[k]);
}

// A crowded batch goes half-open first: its SYN-ACKs and resets read the same as a
// connect's, and neither the apps nor docker-proxy do any work for them (a connected probe
// makes busybox httpd fork and docker-proxy dial the container: hundreds of ladders at once
// kept a 2-core host busy for most of a second). What got no answer within the half-open
// window, or could not go half-open, is then probed with a full connect.
SpreadBatch probe_ladder_batch(std::span<const ProbeTarget> targets, std::span<const std::string> netns_paths,
                               std::chrono::milliseconds deadline) {
    if (targets.size() <= kCrowdedBatch) return probe_batch_across_namespaces(targets, netns_paths, deadline, kNoGrace);
    auto answers = probe_half_open(targets, netns_paths, std::min(deadline, kHalfOpenWindow));
    std::vector<ProbeTarget> rest;
    std::vector<std::string> rest_netns;
    std::vector<std::size_t> rest_index;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (answers[i]) continue;
        rest.push_back(targets[i]);
        rest_netns.push_back(i < netns_paths.size() ? netns_paths[i] : std::string{});
        rest_index.push_back(i);
    }
    SpreadBatch out;
    if (!rest.empty()) out = probe_batch_across_namespaces(rest, rest_netns, deadline, kNoGrace);
    std::vector<ProbeOutcome> outcomes(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i)
        if (answers[i]) outcomes[i] = std::move(*answers[i]);
    for (std::size_t k = 0; k < rest_index.size() && k < out.outcomes.size(); ++k)
        outcomes[rest_index[k]] = std::move(out.outcomes[k]);
    out.outcomes = std::move(outcomes);
    return out;
}

}  // namespace

void recheck_crowded_timeouts(std::span<const LadderPlan> plans, std::vector<std::vector<LadderProbe>>& insides,
                              std::vector<std::vector<LadderProbe>>& outsides, std::size_t batch_size,
                              const Reprobe& reprobe) {
    if (batch_size <= kCrowdedBatch) return;
    std::vector<LadderProbe*> again;
    std::vector<ProbeTarget> targets;
    std::vector<std::string> netns_paths;
    for (std::size_t l = 0; l < plans.size() && l < insides.size() && l < outsides.size(); ++l) {
        auto app_answered = [&](PortKey port) {
            for (const auto* side : {&insides[l], &outsides[l]})
                for (const LadderProbe& p : *side)
                    if (p.port == port && p.probe.outcome == ProbeStatus::open) return true;
            return false;
        };
        for (auto* side : {&insides[l], &outsides[l]})
            for (LadderProbe& p : *side) {
                if (p.probe.target.proto != Proto::tcp || p.probe.outcome != ProbeStatus::timeout || !app_answered(p.port))
                    continue;
                again.push_back(&p);
                targets.push_back(p.probe.target);
                netns_paths.push_back(side == &insides[l] ? plans[l].netns_path : std::string{});
            }
    }
    if (again.empty()) return;
    auto outcomes = reprobe(targets, netns_paths);
    for (std::size_t k = 0; k < again.size() && k < outcomes.size(); ++k) {
        ProbeOutcome& probe = again[k]->probe;
        probe = std::move(outcomes[k]);
        probe.detail += fmt::format(" (probed again: the first try timed out among {} probes at once)", batch_size);
    }
}

LadderPlan plan_probe_ladder(const Facts& facts, std::span<const std::string> host_addresses) {
    LadderPlan plan;
    if (!facts.container) return plan;
    const Container& c = *facts.container;
    if (!has_live_process(c) || c.state.pid <= 0) return plan;
    plan.netns_path = fmt::format("/proc/{}/ns/net", c.state.pid);

    const bool host_mode = is_host_network(c);
    const bool isolated = is_none_network(c) || c.network_mode.starts_with("container:");
    const auto own_addresses = host_mode || isolated ? std::vector<std::string>{} : container_addresses(c);
    const std::string inside_vantage = fmt::format("inside {}", container_ref(facts));

    for (PortKey port : ports_in_question(facts)) {
        PlanBuilder add(plan, port, inside_vantage);
        add.inside(Rung::container_loopback, "127.0.0.1");
        if (isolated) continue;
        if (host_mode) {
            // -p is ignored: what counts is the app's own port on the host's addresses. The host
            // port the user wrote is tried first: its outcome shows what the mapping did.
            if (auto written = c.port_bindings.find(port); written != c.port_bindings.end())
                for (const auto& b : written->second) {
                    if (b.host_port == 0 || b.host_port == port.port) continue;
                    for (const auto& a : addresses_for_binding(b.host_ip, host_addresses))
                        if (!is_loopback_address(a)) add.outside(Rung::host_published, a, b.host_port);
                }
            for (const auto& a : addresses_for_binding("", host_addresses))
                if (!is_loopback_address(a)) add.outside(Rung::host_published, a, port.port);
            continue;
        }
        for (const auto& a : own_addresses) add.inside(Rung::container_address, a);
        for (const auto& a : own_addresses) add.outside(Rung::host_to_container, a, port.port);
        for (const auto& b : bindings_of(c, port)) {
            if (b.host_port == 0) continue;
            for (const auto& a : addresses_for_binding(b.host_ip, host_addresses))
                add.outside(Rung::host_published, a, b.host_port);
        }
    }
    return plan;
}

std::vector<Result<std::vector<LadderProbe>>> run_ladder_plans(std::span<const LadderPlan> plans,
                                                               std::chrono::milliseconds deadline) {
    // One batch: each ladder's inside probes made in its container's namespace, every
    // outside probe in this one.
    std::vector<ProbeTarget> targets;
    std::vector<std::string> netns_paths;
    for (const auto& plan : plans) {
        for (const auto& p : plan.inside) {
            targets.push_back(p.probe.target);
            netns_paths.push_back(plan.netns_path);
        }
        for (const auto& p : plan.outside) {
            targets.push_back(p.probe.target);
            netns_paths.emplace_back();
        }
    }
    auto batch = probe_ladder_batch(targets, netns_paths, deadline);

    std::vector<std::vector<LadderProbe>> insides;
    std::vector<std::vector<LadderProbe>> outsides;
    std::size_t next = 0;
    auto take = [&](std::vector<LadderProbe> probes) {
        for (auto& p : probes)
            if (next < batch.outcomes.size()) p.probe = std::move(batch.outcomes[next++]);
        return probes;
    };
    for (const auto& plan : plans) {
        insides.push_back(take(plan.inside));
        outsides.push_back(take(plan.outside));
    }
    recheck_crowded_timeouts(plans, insides, outsides, targets.size(),
                             [&](std::span<const ProbeTarget> again, std::span<const std::string> netns) {
                                 return probe_batch_across_namespaces(again, netns, deadline, kNoGrace).outcomes;
                             });
    recheck_published_opens(outsides, deadline);

    std::vector<Result<std::vector<LadderProbe>>> results;
    for (std::size_t l = 0; l < plans.size(); ++l) {
        // A namespace that could not be entered: its probes say why; nothing else ran, an error.
        if (auto failed = batch.unenterable.find(plans[l].netns_path);
            !insides[l].empty() && failed != batch.unenterable.end() && outsides[l].empty()) {
            results.push_back(std::unexpected(failed->second));
            continue;
        }
        std::vector<LadderProbe> all = std::move(insides[l]);
        all.insert(all.end(), std::make_move_iterator(outsides[l].begin()), std::make_move_iterator(outsides[l].end()));
        std::stable_sort(all.begin(), all.end(), [](const LadderProbe& a, const LadderProbe& b) {
            if (a.port != b.port) return a.port < b.port;
            return a.rung < b.rung;
        });
        results.push_back(std::move(all));
    }
    return results;
}

Result<std::vector<LadderProbe>> run_ladder_plan(const LadderPlan& plan, std::chrono::milliseconds deadline) {
    return std::move(run_ladder_plans(std::span<const LadderPlan>(&plan, 1), deadline).front());
}

Result<std::vector<LadderProbe>> run_probe_ladder(const Facts& facts, std::span<const std::string> host_addresses,
                                                  std::chrono::milliseconds deadline) {
    if (!facts.container) return fail("probe", "the container is unknown: nothing to probe");
    return run_ladder_plan(plan_probe_ladder(facts, host_addresses), deadline);
}

}  // namespace dnd
