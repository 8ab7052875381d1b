#pragma once
// Command-line options. Parsing is separate from running so it can be tested.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/port.hpp"

namespace dnd {

enum class Command { diagnose, watch, trace, explain, list_causes, list_containers, help, version };
// text for people; json (the report schema); nagios (a plugin's output); prometheus
// (node_exporter's textfile collector); junit (CI).
enum class Format { text, json, jsonl, nagios, prometheus, junit };

struct Options {
    Command command = Command::diagnose;
    std::string container;
    std::optional<PortKey> port;
    std::optional<std::string> from;
    std::optional<std::string> to;   // --to TARGET:PORT: can the container reach that?
    bool direct = false;             // --direct: to the container's own address, not a published port
    Format format = Format::text;
    std::optional<std::string> output;  // --output FILE: written atomically instead of stdout
    std::optional<std::string> save_facts;
    std::optional<std::string> facts_file;
    std::chrono::milliseconds timeout{5000};
    bool all = false;          // --all: every running container with published ports
    bool no_probe = false;     // --no-probe: the static diagnosis only
    bool no_color = false;
    std::string docker_host;   // --host; "" = $DOCKER_HOST or the default socket
    // watch: a full look this often even when nothing announced a change (the app inside
    // may stop listening, a sysctl may change: neither is announced).
    std::chrono::milliseconds recheck_every{std::chrono::seconds(60)};
    // trace: how long to wait for a packet (--timeout when given), and --send's vantage:
    // "host", or a network namespace's path ("/run/netns/NAME", "/proc/PID/ns/net").
    std::chrono::milliseconds trace_wait{std::chrono::seconds(30)};
    std::optional<std::string> send;
    std::string explain_id;
    std::string help_text;     // filled for Command::help
};

// "text", "json", "nagios", "prometheus", "junit"; nullopt for anything else.
std::optional<Format> parse_format(std::string_view text);

// A usage error is an Error with source "usage" and a one-line message.
Result<Options> parse_options(const std::vector<std::string>& args);

// The deadline of one probe batch: the timeout, capped at 2 s so that a port that drops
// packets costs at most 2 s (a healthy ladder answers in milliseconds).
inline constexpr std::chrono::milliseconds kMaxProbeDeadline{2000};
std::chrono::milliseconds probe_deadline(std::chrono::milliseconds timeout);

// "5s", "500ms", "2" (seconds), "1.5s", "1m"; nullopt when malformed or not in (0, 10 min].
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace dnd
