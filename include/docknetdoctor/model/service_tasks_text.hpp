#pragma once
// A Swarm service's tasks in a few words: the line that says why none of them can be
// diagnosed on this node, and the tasks line of a task's report.
#include <string>
#include <vector>

#include "docknetdoctor/model/facts.hpp"

namespace dnd {

// "its tasks: web.1 rejected on node 4ulcbt2dlvxs: No such image: nope:1 (3 times); web.2
// running on node 9pq0l2c7s8ad", in the order given (at most four kinds named, then how
// many more); "it has no task (0 replicas?)"; or why the tasks could not be read.
std::string service_tasks_text(const SwarmService& service, const Result<std::vector<SwarmTask>>& tasks);

}  // namespace dnd
