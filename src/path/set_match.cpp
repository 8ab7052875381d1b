// Set membership: loaded sets are searched here (exact keys, rbtree intervals given as
// start/end elements, ranges with key_end); sets whose elements were not dumped are asked
// through the SetLookup callback (one key, not every element).
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "path_internal.hpp"

namespace dnd::path {
namespace {

int compare(const nf::Bytes& a, const nf::Bytes& b) {
    std::size_t n = std::min(a.size(), b.size());
    if (int c = std::memcmp(a.data(), b.data(), n); c != 0) return c;
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

}  // namespace

SetAnswer find_in_set(const EvalContext& ctx, const nf::Table& table, const nf::Set& set, const nf::Bytes& key) {
    SetAnswer answer;
    if (!set.elements_loaded) {
        if (!ctx.lookup) {
            answer.reason = fmt::format("elements of set @{} were not loaded and cannot be looked up", set.name);
            return answer;
        }
        auto found = ctx.lookup(table.family, table.name, set.name, key);
        if (!found) {
            answer.reason = fmt::format("could not look {} up in set @{}", nf::format_address(key), set.name);
            return answer;
        }
        answer.found = *found ? Tri::yes : Tri::no;
        return answer;
    }
    if (set.is_interval()) {
        // Ranges carried whole (key .. key_end): a direct test. Otherwise the rbtree form:
        // the greatest start/end key not above the key decides (a start: inside).
        const nf::SetElement* best = nullptr;
        for (const nf::SetElement& e : set.elements) {
            if (!e.key_end.empty()) {
                if (compare(e.key, key) <= 0 && compare(key, e.key_end) <= 0) {
                    answer.found = Tri::yes;
                    answer.element = &e;
                    return answer;
                }
                continue;
            }
            if (compare(e.key, key) <= 0 && (best == nullptr || compare(best->key, e.key) < 0 ||
                                             (compare(best->key, e.key) == 0 && best->interval_end)))
                best = &e;
        }
        if (best != nullptr && !best->interval_end) {
            answer.found = Tri::yes;
            answer.element = best;
            return answer;
        }
        answer.found = Tri::no;
        return answer;
    }
    for (const nf::SetElement& e : set.elements) {
        if (compare(e.key, key) == 0) {
            answer.found = Tri::yes;
            answer.element = &e;
            return answer;
        }
    }
    answer.found = Tri::no;
    return answer;
}

}  // namespace dnd::path
