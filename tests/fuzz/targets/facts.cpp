// A facts file (--facts): load, validate, then every check, the ranking and each renderer,
// as `docknetdoctor --facts FILE` runs them.
#include "fuzz_target.hpp"

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/render/machine_formats.hpp"
#include "docknetdoctor/render/render.hpp"

void dnd::fuzz::run_one(std::span<const std::uint8_t> input) {
    auto facts = facts_from_json_text(as_text(input));
    if (!facts) return;
    const Report report = build_report(*facts, all_checks());
    const std::span<const Report> reports(&report, 1);
    (void)render_text(report, TextStyle{});
    (void)report_to_json(report).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    (void)render_nagios(reports, false);
    (void)render_prometheus(reports, RunInfo{});
    (void)render_junit(reports, RunInfo{});
}
