#pragma once
// "Did you mean": the candidates closest to what was typed (Levenshtein distance).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dnd {

std::size_t edit_distance(std::string_view a, std::string_view b);

// Up to `limit` candidates within max(2, typed.size()/3) edits, closest first
// (ties keep the candidates' order).
std::vector<std::string> closest_matches(std::string_view typed, const std::vector<std::string>& candidates,
                                         std::size_t limit = 3);

}  // namespace dnd
