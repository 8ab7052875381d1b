#pragma once
// Errors the environment causes (no socket, no permission, bad data) travel as values.
#include <expected>
#include <string>

namespace dnd {

struct Error {
    std::string source;   // which collector or input: "docker-api", "procfs", "facts-file" ...
    std::string message;  // one line, for a person
};

// The message of a slot no collector has filled yet (a default-made Facts).
inline constexpr const char* kNotCollected = "not collected";

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string source, std::string message) {
    return std::unexpected<Error>(Error{std::move(source), std::move(message)});
}

}  // namespace dnd
