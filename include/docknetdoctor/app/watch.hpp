#pragma once
// watch: one look, then another whenever the engine (its /events) or the ruleset (nftables'
// announcements, the iptables-legacy tables read each second) says something changed, and
// every --recheck; a line for each container whose verdict or causes changed. Runs until
// SIGINT or SIGTERM (exit 0).
#include <functional>
#include <vector>

#include "docknetdoctor/app/options.hpp"
#include "docknetdoctor/model/report.hpp"

namespace dnd {

// One look: a report per container watched, or why none could be made.
using LookOnce = std::function<Result<std::vector<Report>>()>;

int run_watch(const Options& o, const LookOnce& look);

}  // namespace dnd
