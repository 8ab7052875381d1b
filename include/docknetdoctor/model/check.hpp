#pragma once
// A check: one cause of the catalog, the function that looks for it in Facts, and how the
// probes bear on it. Each lives whole in one file under checks/, named after its id; the
// one list of them is checks/all_checks.hpp. A check reads Facts and returns findings.
// Pure: no I/O, no clock, no globals.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/finding.hpp"

namespace dnd {

struct CheckResult {
    std::vector<Finding> findings;
    // Why the check could not decide (a fact it needs is unavailable). Empty: it decided.
    std::vector<std::string> undecided;
};

// What the catalog says about a cause: `explain`, `list-causes` and the man page print it.
// Ids are a public interface (shared causes.md): never renamed or reused.
struct CauseInfo {
    std::string_view id{};
    Severity severity = Severity::warning;  // default severity (a check may lower it, e.g. --from local)
    std::string_view summary{};             // what it means
    std::string_view evidence{};            // what a check reads
    std::string_view fix{};                 // the typical fix
    std::string_view rationale{};           // why it happens / why the fix works (for `explain`)
};

// A rung of one port, summed up over its probes (rung 4 may dial several addresses).
enum class RungState {
    not_run,       // no probe on this rung
    passed,        // at least one probe got through and none failed
    failed,        // some probe was refused, timed out, unreachable, reset or closed
    inconclusive,  // only UDP silence (open_filtered) or probes that could not run
};

// All conditions of one clause must hold. not_run: the network mode has no such rung.
struct RungCondition {
    Rung rung;
    RungState state;
};
using RungClause = std::vector<RungCondition>;

// How the localization ladder's probes bear on a cause (the ranking applies it).
struct EvidenceRule {
    std::vector<Rung> explains{};                 // a first failure on these rungs is accounted for
    std::vector<RungClause> confirmed_when{};     // any clause
    std::vector<RungClause> contradicted_when{};  // any clause
    std::string_view open_note{};                 // why the probes cannot decide it, when they ran
    bool confirmed_without_process = false;       // the engine's "no process" is the proof
    bool explains_peer_probe = false;             // --to: accounts for a failing probe from the source to the target
    bool confirmed_by_vanished_process = false;   // the process seen at collection exiting mid-run is the proof
};

struct Check {
    CauseInfo cause{};
    EvidenceRule evidence{};
    // Null: in the catalog but not looked for by a check (planned, or reported by the ranking).
    CheckResult (*run)(const Facts&) = nullptr;
    // The ranking reports it itself (a failed probe no finding explains), not a check.
    bool reported_by_ranking = false;

    std::string_view id() const { return cause.id; }
};

// How a cause is found, for list-causes and explain: "checked" (a check of the collected
// facts), "ranking" (the ranking, from the probes), "planned" (not looked for yet).
std::string_view found_by(const Check& check);

// The entry for a cause id in a catalog, or nullptr.
const Check* catalog_entry(std::span<const Check> catalog, std::string_view id);

// A Finding with the cause's id and default severity, for a check to fill in.
Finding new_finding(const CauseInfo& cause);

}  // namespace dnd
