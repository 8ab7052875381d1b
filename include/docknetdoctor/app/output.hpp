#pragma once
// Where the rendered output goes: standard output, or with --output a file written whole
// or not at all (a temporary file beside it, then a rename: what node_exporter's textfile
// collector requires, so it never reads half a file).
#include <optional>
#include <string>
#include <string_view>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

// Writes text to path atomically (mode 0644), or to standard output when path is empty.
// A write that fails (a full disk, a closed pipe, /dev/full) is an error naming where.
Result<void> write_output(const std::optional<std::string>& path, const std::string& text);

// All of text to fd, however many writes it takes: 0, or the errno of the write that failed.
int write_all(int fd, std::string_view text);

}  // namespace dnd
