// A service's tasks in a few words (service_tasks_text.hpp).
#include "docknetdoctor/model/service_tasks_text.hpp"

#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace dnd {
namespace {

constexpr std::size_t kKindsNamed = 4;

// "web.1 rejected on node 4ulcbt2dlvxs: No such image: nope:1"; a global service's task has
// no slot, its node tells it apart.
std::string task_text(const SwarmService& service, const SwarmTask& task) {
    std::string text = task.slot > 0 ? fmt::format("{}.{} {}", service.name, task.slot, task.state)
                                     : fmt::format("{} {}", service.name, task.state);
    if (!task.node_id.empty()) text += fmt::format(" on node {}", task.node_id.substr(0, 12));
    if (!task.error.empty()) text += ": " + task.error;
    return text;
}

}  // namespace

std::string service_tasks_text(const SwarmService& service, const Result<std::vector<SwarmTask>>& tasks) {
    if (!tasks) return fmt::format("its tasks could not be read ({})", tasks.error().message);
    if (tasks->empty()) return "it has no task (0 replicas?)";
    // A task rejected again and again is said once, with its count.
    std::vector<std::pair<std::string, std::size_t>> kinds;
    for (const SwarmTask& task : *tasks) {
        std::string text = task_text(service, task);
        if (!kinds.empty() && kinds.back().first == text) ++kinds.back().second;
        else kinds.emplace_back(std::move(text), 1);
    }
    std::vector<std::string> named;
    for (std::size_t i = 0; i < kinds.size() && i < kKindsNamed; ++i)
        named.push_back(kinds[i].second == 1 ? kinds[i].first : fmt::format("{} ({} times)", kinds[i].first, kinds[i].second));
    std::string text = fmt::format("its tasks: {}", fmt::join(named, "; "));
    if (kinds.size() > kKindsNamed) text += fmt::format("; {} more", kinds.size() - kKindsNamed);
    return text;
}

}  // namespace dnd
