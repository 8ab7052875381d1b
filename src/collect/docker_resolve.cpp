// Which container the user meant: exact name, full id, unique id prefix (the engine's
// own order of preference), with suggestions when nothing matches.
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/model/suggest.hpp"

namespace dnd {
namespace {

constexpr std::size_t kShortIdLength = 12;
constexpr std::size_t kMaxSuggestionDistance = 3;
constexpr std::size_t kMaxSuggestions = 3;

std::string_view primary_name(const ContainerSummary& c) {
    return c.names.empty() ? std::string_view{} : std::string_view{c.names.front()};
}

std::string describe(const ContainerSummary& c) {
    return fmt::format("{} ({})", std::string_view(c.id).substr(0, kShortIdLength), primary_name(c));
}

// Names within a few edits of the query, closest first; a distance as large as the query
// itself says nothing (any short name would do).
std::vector<std::string> suggestions(const std::vector<ContainerSummary>& containers, std::string_view wanted) {
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const auto& c : containers) {
        for (const auto& name : c.names) {
            if (name.find('/') != std::string::npos) continue;  // legacy link aliases "a/b"
            auto d = edit_distance(wanted, name);
            if (d <= kMaxSuggestionDistance && d < wanted.size()) scored.emplace_back(d, name);
        }
    }
    std::sort(scored.begin(), scored.end());
    scored.erase(std::unique(scored.begin(), scored.end()), scored.end());
    std::vector<std::string> out;
    for (auto& [d, name] : scored) {
        if (out.size() == kMaxSuggestions) break;
        out.push_back(std::move(name));
    }
    return out;
}

}  // namespace

Result<std::string> resolve_container(const std::vector<ContainerSummary>& containers, std::string_view wanted) {
    const std::string source(kDockerApiSource);
    if (wanted.empty()) return fail(source, "no container given");
    std::string_view name = wanted;
    if (name.starts_with('/')) name.remove_prefix(1);

    for (const auto& c : containers)
        if (std::find(c.names.begin(), c.names.end(), name) != c.names.end()) return c.id;
    for (const auto& c : containers)
        if (c.id == wanted) return c.id;

    std::vector<const ContainerSummary*> by_prefix;
    for (const auto& c : containers)
        if (c.id.starts_with(wanted)) by_prefix.push_back(&c);
    if (by_prefix.size() == 1) return by_prefix.front()->id;
    if (by_prefix.size() > 1) {
        std::sort(by_prefix.begin(), by_prefix.end(), [](auto* x, auto* y) { return x->id < y->id; });
        std::vector<std::string> candidates;
        for (const auto* c : by_prefix) candidates.push_back(describe(*c));
        return fail(source, fmt::format("container prefix '{}' is ambiguous: {}", wanted, fmt::join(candidates, ", ")));
    }

    auto close = suggestions(containers, name);
    if (close.empty()) return fail(source, fmt::format("no such container: {}", wanted));
    return fail(source, fmt::format("no such container: {} (did you mean: {}?)", wanted, fmt::join(close, ", ")));
}

}  // namespace dnd
