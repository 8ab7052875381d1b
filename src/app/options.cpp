// Options via CLI11 (Debian libcli11-dev), the usual C++ choice for this job. Its
// exceptions stop here: the caller gets a one-line usage error.
#include "docknetdoctor/app/options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <CLI/CLI.hpp>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/peer.hpp"

namespace dnd {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data()) return std::nullopt;
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    double ms = 0;
    if (unit.empty() || unit == "s") ms = value * 1000;
    else if (unit == "ms") ms = value;
    else if (unit == "m") ms = value * 60000;
    else return std::nullopt;
    if (!std::isfinite(ms) || ms < 1 || ms > 600000) return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(ms));
}

std::optional<Format> parse_format(std::string_view text) {
    if (text == "text") return Format::text;
    if (text == "json") return Format::json;
    if (text == "jsonl") return Format::jsonl;
    if (text == "nagios") return Format::nagios;
    if (text == "prometheus") return Format::prometheus;
    if (text == "junit") return Format::junit;
    return std::nullopt;
}

std::chrono::milliseconds probe_deadline(std::chrono::milliseconds timeout) {
    return std::min(timeout, kMaxProbeDeadline);
}

namespace {

std::string first_line(std::string s) {
    if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
    return s;
}

}  // namespace

Result<Options> parse_options(const std::vector<std::string>& args) {
    Options o;
    CLI::App app{"docknetdoctor: why can't a client reach this container's port?", "docknetdoctor"};
    app.set_help_flag("-h,--help", "Show this help and exit");
    bool version = false;
    std::string port_text, timeout_text, format_text = "text";
    app.add_flag("--version", version, "Print the version and exit");
    app.add_option("container", o.container, "Container name, id or unique id prefix, or a Swarm service name or id (its tasks on this node)");
    app.add_option("-p,--port", port_text, "Diagnose this container port only: PORT[/tcp|/udp]");
    app.add_option("--from", o.from, "The client's address (default: a client on another host)");
    app.add_flag("--direct", o.direct,
                 "The client routes to the container's own address and port, not to a published host port");
    app.add_option("--to", o.to, "Container to container: can CONTAINER reach TARGET:PORT (name, alias, service, IP)?");
    app.add_option("-f,--format", format_text, "Output format: text, json, jsonl, nagios, prometheus or junit");
    app.add_option("-o,--output", o.output, "Write the output to FILE (atomically: a temporary file, then a rename)");
    app.add_option("--save-facts", o.save_facts, "Write everything collected to FILE (JSON)");
    app.add_option("--facts", o.facts_file, "Diagnose offline from a facts FILE; no daemon needed");
    app.add_option("-t,--timeout", timeout_text,
                   "Per-request timeout (e.g. 5s, 500ms; default 5s); probes wait at most min(timeout, 2s)");
    app.add_flag("--all", o.all, "Diagnose every running container with published ports: one summary");
    app.add_flag("--no-probe", o.no_probe, "Static diagnosis only: no connection attempts");
    app.add_flag("--no-color", o.no_color, "No colour (also when NO_COLOR is set)");
    app.add_option("-H,--host", o.docker_host, "Engine endpoint: unix:///path or tcp://host:port (default $DOCKER_HOST)");
    auto* explain = app.add_subcommand("explain", "Explain a cause id: what it means, why, the fix");
    explain->add_option("id", o.explain_id, "Cause id, e.g. app.loopback-only")->required();
    auto* list = app.add_subcommand("list-causes", "List every cause id");
    auto* containers = app.add_subcommand("list-containers", "List the engine's running containers, a name a line "
                                                             "(what shell completion offers)");
    auto* watch = app.add_subcommand("watch", "Keep watching a container, or every one with --all, and print a line "
                                              "each time a verdict changes (until SIGINT or SIGTERM)");
    watch->add_option("container", o.container, "Container name, id or unique id prefix");
    std::string recheck_text;
    watch->add_option("--recheck", recheck_text, "Look again this often even when nothing announced a change "
                                                 "(default 60s)");
    watch->fallthrough();  // the diagnosis options (--all, --format, --port, ...) after "watch" too
    auto* trace = app.add_subcommand("trace", "Trace one real packet to the container's published ports through the "
                                              "kernel's nftables hooks, beside the evaluator's prediction");
    trace->add_option("container", o.container, "Container name, id or unique id prefix");
    trace->add_option("--send", o.send, "Make the connection to trace: from the host, or from a network namespace "
                                        "(host or a path such as /run/netns/NAME)");
    trace->fallthrough();  // --port, --from, --timeout (how long to wait for a packet; default 30s), --format
    app.require_subcommand(0, 1);

    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        o.command = Command::help;
        o.help_text = app.help();
        return o;
    } catch (const CLI::CallForAllHelp&) {
        o.command = Command::help;
        o.help_text = app.help("", CLI::AppFormatMode::All);
        return o;
    } catch (const CLI::ParseError& e) {
        return fail("usage", first_line(e.what()));
    }

    if (version) { o.command = Command::version; return o; }
    if (explain->parsed()) { o.command = Command::explain; return o; }
    if (list->parsed()) { o.command = Command::list_causes; return o; }
    if (containers->parsed()) { o.command = Command::list_containers; return o; }
    if (watch->parsed()) o.command = Command::watch;
    if (trace->parsed()) o.command = Command::trace;

    if (auto format = parse_format(format_text)) o.format = *format;
    else return fail("usage", "invalid --format '" + format_text + "': expected text, json, jsonl, nagios, prometheus or junit");
    if (!port_text.empty()) {
        o.port = parse_port_key(port_text);
        if (!o.port) return fail("usage", "invalid --port '" + port_text + "': expected PORT[/tcp|/udp] with PORT in 1-65535");
    }
    if (!timeout_text.empty()) {
        auto t = parse_duration(timeout_text);
        if (!t) return fail("usage", "invalid --timeout '" + timeout_text + "': expected a duration like 5s or 500ms, at most 10m");
        o.timeout = *t;
        o.trace_wait = *t;
    }
    if (o.from && !is_ip_literal(*o.from))
        return fail("usage", "invalid --from '" + *o.from + "': expected an IPv4 or IPv6 address");
    if (o.command == Command::watch) {
        if (!recheck_text.empty()) {
            auto every = parse_duration(recheck_text);
            if (!every || *every < std::chrono::seconds(1))
                return fail("usage", "invalid --recheck '" + recheck_text + "': expected a duration from 1s to 10m");
            o.recheck_every = *every;
        }
        if (o.facts_file || o.save_facts || o.output)
            return fail("usage", "watch follows the live host: --facts, --save-facts and --output do not apply");
        if (o.format != Format::text && o.format != Format::json && o.format != Format::jsonl)
            return fail("usage", "watch prints text or JSON lines: --format text, json or jsonl");
    }
    if (o.command == Command::trace) {
        if (o.all || o.to || o.direct || o.facts_file || o.save_facts || o.no_probe)
            return fail("usage", "trace follows one container's published ports on the live host: --all, --to, "
                                 "--direct, --facts, --save-facts and --no-probe do not apply");
        if (o.format != Format::text && o.format != Format::json)
            return fail("usage", "trace prints text or JSON: --format text or json");
        if (o.send && *o.send != "host" && !o.send->starts_with("/"))
            return fail("usage", "invalid --send '" + *o.send + "': expected host, or a network namespace's path");
        if (o.container.empty()) return fail("usage", "no container given: docknetdoctor trace CONTAINER (see --help)");
        return o;
    }
    if (o.to) {
        if (auto peer = parse_peer_spec(*o.to); !peer) return std::unexpected(peer.error());
        if (o.all) return fail("usage", "--to asks about one container: it cannot be combined with --all");
        if (o.port || o.from || o.direct)
            return fail("usage", "--to names the port and the client itself: drop --port/--from/--direct");
    }
    if (o.all) {
        if (!o.container.empty()) return fail("usage", "--all diagnoses every container: give no container name");
        if (o.facts_file && o.save_facts) return fail("usage", "--facts replays a saved run: it saves nothing new (drop --save-facts)");
        return o;
    }
    if (o.container.empty() && !o.facts_file)
        return fail("usage", o.command == Command::watch
                                 ? "no container given: docknetdoctor watch CONTAINER, or watch --all (see --help)"
                                 : "no container given: docknetdoctor [options] CONTAINER (see --help)");
    return o;
}

}  // namespace dnd
