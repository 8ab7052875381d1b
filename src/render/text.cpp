// The text report for a person. Every string that came from outside goes through
// sanitize(); colour only when the caller says the output is a terminal.
#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/render/render.hpp"
#include "docknetdoctor/model/sanitize.hpp"
#include "path_text.hpp"
#include "text_style.hpp"

namespace dnd {
namespace {

struct Palette {
    bool on = false;
    std::string paint(std::string_view text, std::string_view code) const {
        return render::paint(on, text, code);
    }
    std::string severity(Severity s) const {
        std::string label = fmt::format("[{}]", to_string(s));
        switch (s) {
            case Severity::critical: return paint(label, "1;31");
            case Severity::warning: return paint(label, "1;33");
            case Severity::info: return paint(label, "36");
        }
        return label;
    }
    std::string verdict(Verdict v) const {
        std::string label(to_string(v));
        for (auto& ch : label) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        switch (v) {
            case Verdict::ok: return paint(label, "1;32");
            case Verdict::warning: return paint(label, "1;33");
            case Verdict::critical: return paint(label, "1;31");
            case Verdict::unknown: return paint(label, "1;35");
        }
        return label;
    }
    std::string dim(std::string_view text) const { return paint(text, "2"); }
};

std::string summary_line(const Report& r, const Palette& pal) {
    std::string who = sanitize(r.target_name.empty() ? r.target_container : r.target_name);
    if (!r.target_id.empty()) who += fmt::format(" ({})", sanitize(r.target_id.substr(0, 12)));
    std::string what;
    if (!r.causes.empty()) what = sanitize(r.causes.front().finding.title);
    else if (r.verdict == Verdict::ok) what = "no cause found: the checked layers look right";
    else what = "could not decide: see blind spots";
    return fmt::format("{}: {} - {}\n", who, pal.verdict(r.verdict), what);
}

std::string ports_section(const Report& r) {
    if (r.ports.empty()) return "";
    std::string out = "\nPorts\n";
    for (const auto& p : r.ports) {
        std::string bound = sanitize(describe(p.bindings));  // HostIp comes from the engine
        if (bound.empty()) bound = p.state;
        std::string inside = "nothing listening";
        if (!p.listeners.empty()) {
            inside.clear();
            for (const auto& l : p.listeners) inside += (inside.empty() ? "" : ", ") + sanitize(describe(l));
        }
        out += fmt::format("  {:<9} {:<34} inside: {}\n", p.port.str(), bound, inside);
    }
    return out;
}

// "18600->80/tcp through the routing mesh": how a service's port reaches its tasks.
std::string service_port_text(const ServicePort& p) {
    if (p.published == 0) return fmt::format("{} (not published)", p.target.str());
    return fmt::format("{}->{} {}", p.published, p.target.str(),
                       p.mode == "host" ? "on the node of each task (host mode)" : "through the routing mesh (ingress)");
}

std::string service_section(const Report& r) {
    if (!r.service) return "";
    std::string out = fmt::format("\nSwarm service {} ({})\n", sanitize(r.service->name), sanitize(r.service->id));
    if (r.service->ports.empty()) out += "  publishes no port\n";
    for (const ServicePort& p : r.service->ports) out += fmt::format("  publishes {}\n", sanitize(service_port_text(p)));
    if (!r.service->tasks_text.empty()) out += fmt::format("  {}\n", sanitize(r.service->tasks_text));
    return out;
}

std::string causes_section(const Report& r, const Palette& pal) {
    if (r.causes.empty()) return "";
    std::string out = "\nLikely causes, most likely first\n";
    for (const auto& c : r.causes) {
        const Finding& f = c.finding;
        out += fmt::format("  {}. {} {}  {}\n", c.rank, pal.severity(f.severity), f.id, sanitize(f.title));
        for (const auto& e : f.evidence) out += fmt::format("       evidence: {}\n", sanitize(e));
        for (const auto& x : f.fix) out += fmt::format("       fix:      {}\n", sanitize(x));
        out += pal.dim(fmt::format("       confidence {}: {}; more: docknetdoctor explain {}\n",
                                   to_string(c.confidence), sanitize(c.confidence_reason), f.id));
    }
    return out;
}

std::string probe_result(const ProbeOutcome& o) {
    switch (o.outcome) {
        case ProbeStatus::error: return "error";
        case ProbeStatus::timeout:
        case ProbeStatus::open_filtered: return fmt::format("{} ({:.0f} ms)", to_string(o.outcome), o.latency_ms);
        default: return fmt::format("{} ({:.1f} ms)", to_string(o.outcome), o.latency_ms);
    }
}

bool is_failure(ProbeStatus s) {
    return s != ProbeStatus::open && s != ProbeStatus::open_filtered && s != ProbeStatus::error;
}

// --to: the one connection tried from the source's netns, and where its address came from.
std::string peer_probe_lines(const PeerProbeView& p, const Palette& pal) {
    std::string out = fmt::format("  {}: address from {}\n", sanitize(p.target_spec),
                                  p.address_from.empty() ? std::string("nowhere") : sanitize(p.address_from));
    std::string line = fmt::format("    {:<20} {:<24} -> {:<26} {}", "source to target", sanitize(p.probe.target.vantage),
                                   render::endpoint(p.probe.target.address, p.probe.target.port), probe_result(p.probe));
    if (p.probe.outcome != ProbeStatus::open) line += fmt::format("  {}", sanitize(p.probe.detail));
    if (is_failure(p.probe.outcome)) line += pal.paint("  <- fails here", "1;31");
    return out + line + "\n";
}

// The ladder per port, one line per probe; the first failing rung is marked. Then the --to probe.
std::string probes_section(const Report& r, const Palette& pal) {
    if (r.probes.empty()) {
        if (!r.peer_probe) return "";
        return "\nProbe from the source container\n" + peer_probe_lines(*r.peer_probe, pal);
    }
    std::string out = "\nProbes, inside out (the first failing rung names the layer)\n";
    std::optional<PortKey> current;
    for (const auto& p : r.probes) {
        std::optional<Rung> dies_at;
        for (const auto& v : r.ports)
            if (v.port == p.port) dies_at = v.first_failing_rung;
        if (current != p.port) {
            current = p.port;
            out += fmt::format("  {}{}\n", p.port.str(),
                               dies_at ? fmt::format(": dies at rung {} ({})", rung_number(*dies_at), rung_title(*dies_at))
                                       : std::string(": no rung failed"));
        }
        const bool marked = dies_at == p.rung && is_failure(p.probe.outcome);
        std::string line = fmt::format("    {} {:<18} {:<24} -> {:<26} {}", rung_number(p.rung), rung_title(p.rung),
                                       sanitize(p.probe.target.vantage), render::endpoint(p.probe.target.address, p.probe.target.port),
                                       probe_result(p.probe));
        if (p.probe.outcome != ProbeStatus::open) line += fmt::format("  {}", sanitize(p.probe.detail));
        if (marked) line += pal.paint("  <- dies here", "1;31");
        out += line + "\n";
    }
    if (r.peer_probe) out += peer_probe_lines(*r.peer_probe, pal);
    return out;
}

std::string blind_spots_section(const Report& r) {
    if (r.blind_spots.empty() && r.undecided.empty()) return "";
    std::string out = "\nNot seen (blind spots)\n";
    for (const auto& b : r.blind_spots) out += fmt::format("  {}: {}\n", sanitize(b.source), sanitize(b.message));
    for (const auto& u : r.undecided) out += fmt::format("  {} undecided: {}\n", u.check, sanitize(u.reason));
    return out;
}

std::string notes_section(const Report& r) {
    if (r.notes.empty()) return "";
    std::string out = "\nNotes\n";
    for (const auto& n : r.notes) out += fmt::format("  {}\n", sanitize(n));
    return out;
}

// "8080->80/tcp, 5353->53/udp" like docker ps; a port published on several addresses once.
std::string published_ports(const Report& r) {
    std::vector<std::string> parts;
    for (const auto& p : r.ports) {
        for (const auto& b : p.bindings) {
            if (b.host_port == 0) continue;
            std::string part = fmt::format("{}->{}", b.host_port, p.port.str());
            if (std::find(parts.begin(), parts.end(), part) == parts.end()) parts.push_back(std::move(part));
        }
    }
    // A Swarm task's ingress ports are the mesh's, no binding of its own.
    if (r.service)
        for (const ServicePort& p : r.service->ports)
            if (p.mode != "host" && p.published != 0) parts.push_back(fmt::format("{}->{} (mesh)", p.published, p.target.str()));
    return parts.empty() ? std::string("-") : fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

std::string render_summary_text(std::span<const Report> reports, TextStyle style) {
    Palette pal{style.color};
    if (reports.empty()) return "No running container publishes a port.\n";
    // Columns as wide as their longest entry (a Swarm task's name is ~40 characters), so
    // the verdicts stay in one column.
    auto name_of = [](const Report& r) { return sanitize(r.target_name.empty() ? r.target_container : r.target_name); };
    std::size_t name_width = 24;
    std::size_t ports_width = 28;
    for (const auto& r : reports) {
        name_width = std::max(name_width, name_of(r).size());
        ports_width = std::max(ports_width, published_ports(r).size());
    }
    std::string out = fmt::format("{:<{}} {:<{}} {:<9} {}\n", "CONTAINER", name_width, "PORTS", ports_width, "VERDICT",
                                  "TOP CAUSE");
    for (const auto& r : reports) {
        const std::string name = name_of(r);
        std::string verdict_label(to_string(r.verdict));
        for (auto& ch : verdict_label) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        // Pad before painting: escape codes must not count as width.
        const std::string padded = fmt::format("{:<9}", verdict_label);
        std::string top = "-";
        if (!r.causes.empty()) top = fmt::format("{}: {}", r.causes.front().finding.id, sanitize(r.causes.front().finding.title));
        else if (!r.blind_spots.empty() && r.verdict == Verdict::unknown) top = sanitize(r.blind_spots.front().message);
        out += fmt::format("{:<{}} {:<{}} {} {}\n", name, name_width, published_ports(r), ports_width,
                           pal.on ? pal.verdict(r.verdict) + std::string(padded.size() - verdict_label.size(), ' ') : padded,
                           top);
    }
    out += "\nDetails: docknetdoctor CONTAINER\n";
    return out;
}

std::string render_text(const Report& r, TextStyle style) {
    Palette pal{style.color};
    std::string out = summary_line(r, pal);
    out += fmt::format("Question: {}\n", sanitize(r.question));
    out += ports_section(r);
    out += service_section(r);
    out += causes_section(r, pal);
    out += probes_section(r, pal);
    out += render::paths_section(r.paths, pal.on);
    out += blind_spots_section(r);
    out += notes_section(r);
    return out;
}

}  // namespace dnd
