#pragma once
// A fuzz target: one parser of bytes from outside (and what reads its result), fed one
// input. It must never crash, hang or leak, whatever the bytes; a rejected input is fine.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace dnd::fuzz {

void run_one(std::span<const std::uint8_t> input);

inline std::string_view as_text(std::span<const std::uint8_t> input) {
    return {reinterpret_cast<const char*>(input.data()), input.size()};
}

// The first byte picks one of several parsers of a target; the rest is that parser's input.
inline unsigned selector(std::span<const std::uint8_t> input, unsigned choices) {
    return input.empty() ? 0 : input[0] % choices;
}
inline std::span<const std::uint8_t> after_selector(std::span<const std::uint8_t> input) {
    return input.empty() ? input : input.subspan(1);
}

}  // namespace dnd::fuzz
