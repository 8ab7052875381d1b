#pragma once
// What the localization ladder's probes say about each finding, by its cause's evidence rule
// (the catalog's, model/check.hpp): the rung outcomes that confirm or contradict it and the
// rungs whose failure it explains. Pure: probes in, judgements out.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/check.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/finding.hpp"
#include "docknetdoctor/model/report.hpp"

namespace dnd {

struct RungView {
    RungState state = RungState::not_run;
    const LadderProbe* decisive = nullptr;  // the first failing probe, else the first passing one
};

struct PortLadder {
    PortKey port;
    std::array<RungView, 4> rungs;  // indexed by Rung
    std::optional<Rung> first_failing;
    const RungView& at(Rung r) const { return rungs[static_cast<std::size_t>(r)]; }
};

// One entry per port with probes, in port order. The views point into `probes`.
std::vector<PortLadder> summarize_ladder(std::span<const LadderProbe> probes);

// "probe from inside web to 172.17.0.2:80/tcp: refused in 0.2 ms"
std::string quote_probe(const LadderProbe& p);
std::string quote_outcome(const ProbeOutcome& o);

struct Judgement {
    Support support = Support::open;
    std::string reason;
};

// How the probes bear on a finding: a probe of the check's own (Finding::confirmed_by_probe)
// confirms it; else the ladder's. probes_unavailable: why no probe ran (the Facts slot's
// error), or nullopt when the ladder ran.
Judgement judge_finding(const Finding& finding, std::span<const Check> catalog, const Facts& facts,
                        std::span<const PortLadder> ladders, const std::optional<Error>& probes_unavailable);

// path.unexplained findings: a port whose first failing rung no finding explains.
std::vector<Finding> unexplained_failures(std::span<const Finding> findings, std::span<const PortLadder> ladders,
                                          std::span<const Check> catalog);

// --to: a path.unexplained finding when the probe from the source to the target failed and
// no finding (peer.*, the target's container.*/app.*, the source's network.none ...) accounts
// for it: by its kind (EvidenceRule::explains_peer_probe) or by naming path.unexplained in its
// explains (a swarm port blocked, when the target is on an overlay network).
std::optional<Finding> unexplained_peer_failure(std::span<const Finding> findings, const Facts& facts,
                                                std::span<const Check> catalog);

}  // namespace dnd
