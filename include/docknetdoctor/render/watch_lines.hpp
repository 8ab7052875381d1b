#pragma once
// watch's output: one line per change of a container's state, for people or as a JSON
// object a line. `time` is RFC 3339 UTC; `trigger` says what led to the look that saw it
// ("start", "engine: container die web", "nftables", "iptables-legacy", "recheck").
#include <string>
#include <string_view>

#include "docknetdoctor/model/verdict_change.hpp"

namespace dnd {

// "2026-12-05T04:30:01.123Z web: critical (was ok): netfilter.forward-drop (after: nftables)"
std::string watch_line_text(const VerdictChange& change, std::string_view time, std::string_view trigger);
// {"time", "container", "verdict" (null once no longer diagnosed), "exit_code", "causes",
//  "reason", "previous" (null when first seen), "previous_causes", "trigger"}, one line.
std::string watch_line_json(const VerdictChange& change, std::string_view time, std::string_view trigger);
// A note on watch itself (what it follows, a source it lost), not a container's change.
std::string watch_note_text(std::string_view time, std::string_view note);
std::string watch_note_json(std::string_view time, std::string_view note);

}  // namespace dnd
