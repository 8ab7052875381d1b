#pragma once
// Where collection spends its time, phase by phase: milliseconds per
// phase name, for the report's timings_ms ("collect.engine", "collect.netfilter", ...) and
// for the benchmark. Phases that run at the same time overlap: they do not add up.
#include <map>
#include <string>

#include "docknetdoctor/collect/collect.hpp"

namespace dnd {

using PhaseTimings = std::map<std::string, double>;

// collect_facts, also filling timings (entries are added, existing ones overwritten):
//   collect.engine     the Engine API: ping, version, info, container, networks; with
//                      .ping_version, .container_networks, and beside them .process
//                      (the engine's process from /proc), .info (only when the process
//                      could not be read)
//   collect.netfilter  links, routes, sysctls, rulesets, dockerd's config   } on a thread,
//   collect.procfs.host       the host's listeners and their owners         } during engine
//   collect.wait_host  how long the engine side then waited for that thread
//   collect.procfs.container  the container's listeners and their owners
//   collect.paths      the packet-path evaluation
//   collect.peer       --to: the target, its resolver and the probe
Result<Facts> collect_facts(const CollectOptions& options, PhaseTimings& timings);

}  // namespace dnd
