#pragma once
// The "Packet paths" section of the text report: one line per evaluated packet saying what
// happened to it, then the steps that decided (not every jump and return).
#include <span>
#include <string>

#include "docknetdoctor/model/packet_path.hpp"

namespace dnd::render {

// "203.0.113.77 -> 192.0.2.10:8080/tcp via eth0: DNAT 172.17.0.2:80, forwarded via docker0: accepted"
std::string path_summary(const PathResult& p);

// One path: its summary line, then the steps that decided (each indented).
std::string path_block(const PathResult& p, bool color);

// The whole section ("" when there is no path), strings from outside sanitized.
std::string paths_section(std::span<const PathResult> paths, bool color);

}  // namespace dnd::render
