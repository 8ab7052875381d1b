// Packet paths for a person: what happened to each packet and which rules decided it.
#include "path_text.hpp"
#include "text_style.hpp"

#include <fmt/format.h>

#include "docknetdoctor/model/sanitize.hpp"

namespace dnd::render {
namespace {

// decided_by of an unknown verdict may already start with "unknown: " (a taint that
// overrode a verdict); say it once.
std::string unknown_why(const PathResult& p) {
    constexpr std::string_view prefix = "unknown: ";
    std::string_view why = p.decided_by;
    if (why.starts_with(prefix)) why.remove_prefix(prefix.size());
    return why.empty() ? std::string("the evaluator could not tell") : sanitize(why);
}

std::string outcome(const PathResult& p) {
    const std::string out = sanitize(p.out_interface);
    switch (p.verdict) {
        case PathVerdict::forwarded: return fmt::format("forwarded via {}: accepted", out.empty() ? "?" : out);
        case PathVerdict::sent:
            return out.empty() ? std::string("sent: accepted") : fmt::format("sent via {}: accepted", out);
        case PathVerdict::delivered_local: return "delivered to a local socket: accepted";
        case PathVerdict::dropped: return fmt::format("dropped by {}", sanitize(p.decided_by));
        case PathVerdict::rejected: return fmt::format("rejected by {}", sanitize(p.decided_by));
        case PathVerdict::unknown: return fmt::format("unknown: {}", unknown_why(p));
    }
    return "unknown";
}

// NAT the packet went through, "DNAT 172.17.0.2:80, " or "".
std::string rewrites(const PathResult& p) {
    std::string out;
    const Packet& in = p.packet;
    const Packet& last = p.final_packet;
    if (!last.daddr.empty() && (last.daddr != in.daddr || last.dport != in.dport))
        out += fmt::format("DNAT {}, ", endpoint(last.daddr, last.dport));
    if (!last.saddr.empty() && last.saddr != in.saddr) out += fmt::format("SNAT {}, ", sanitize(last.saddr));
    return out;
}

// What decided something: verdicts, NAT, routing, what could not be evaluated, and a
// policy when it dropped or decided the path. Jumps, gotos and returns only lead there.
bool is_deciding(const PathStep& s, const PathResult& p) {
    switch (s.result) {
        case StepResult::jump:
        case StepResult::goto_:
        case StepResult::return_: return false;
        case StepResult::policy:
            return s.note == "policy drop" || (!s.rule.empty() && p.decided_by.find(s.rule) != std::string::npos);
        default: return true;
    }
}

// The note says something the rule text does not (a route, why unknown, a NAT's effect).
bool note_adds(const PathStep& s) {
    if (s.note.empty() || s.rule.find(s.note) != std::string::npos) return false;
    switch (s.result) {
        case StepResult::matched_accept:
        case StepResult::policy:
        case StepResult::dnat: return false;  // "accept", "policy drop", "daddr rewritten to" the rule's own target
        default: return true;
    }
}

}  // namespace

std::string path_summary(const PathResult& p) {
    const Packet& in = p.packet;
    const std::string arrival = in.iif.empty() ? std::string("from this host") : "via " + sanitize(in.iif);
    return fmt::format("{} -> {}/{} {}: {}{}", sanitize(in.saddr), endpoint(in.daddr, in.dport), to_string(in.proto), arrival,
                       rewrites(p), outcome(p));
}

std::string path_block(const PathResult& p, bool color) {
    std::string line = path_summary(p);
    if (p.verdict == PathVerdict::dropped || p.verdict == PathVerdict::rejected) line = paint(color, line, "1;31");
    else if (p.verdict == PathVerdict::unknown) line = paint(color, line, "1;35");
    std::string out = "  " + line + "\n";
    for (const PathStep& s : p.steps) {
        if (!is_deciding(s, p)) continue;
        std::string step = fmt::format("      {:<12} {}", sanitize(s.hook), sanitize(s.rule));
        if (note_adds(s)) step += fmt::format("  ({})", sanitize(s.note));
        out += step + "\n";
    }
    return out;
}

std::string paths_section(std::span<const PathResult> paths, bool color) {
    if (paths.empty()) return "";
    std::string out = "\nPacket paths (evaluated over the rules read; nothing sent)\n";
    for (const PathResult& p : paths) out += path_block(p, color);
    return out;
}

}  // namespace dnd::render
