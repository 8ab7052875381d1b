// The pipeline: options -> facts (collected or loaded) -> checks -> rank -> render.
#include "docknetdoctor/app.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/catalog_commands.hpp"
#include "docknetdoctor/check.hpp"
#include "docknetdoctor/collect.hpp"
#include "docknetdoctor/facts_query.hpp"
#include "docknetdoctor/options.hpp"
#include "docknetdoctor/rank.hpp"
#include "docknetdoctor/render.hpp"
#include "docknetdoctor/sanitize.hpp"

namespace dnd {
namespace {

constexpr int kExitUnknown = 3;

int usage_error(const Error& e) {
    std::cerr << "docknetdoctor: " << sanitize(e.message) << "\n";
    return kExitUnknown;
}

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

Result<Facts> load_facts_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("facts-file", fmt::format("cannot read facts file {}: {}", path, std::strerror(errno)));
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto facts = facts_from_json_text(buffer.str());
    if (!facts) return fail("facts-file", fmt::format("{}: {}", path, facts.error().message));
    return facts;
}

Result<void> save_facts_file(const std::string& path, const Facts& facts) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << facts_to_json(facts).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    out.close();
    if (!out) return fail("facts-file", fmt::format("cannot write facts file {}: {}", path, std::strerror(errno)));
    return {};
}

Result<Facts> obtain_facts(const Options& o) {
    if (o.facts_file) {
        auto facts = load_facts_file(*o.facts_file);
        if (!facts) return facts;
        // Re-asking a saved host a different question is allowed offline.
        if (o.port) facts->query.port = o.port;
        if (o.from) {
            facts->query.from = o.from;
            facts->query.from_is_local = is_loopback_address(*o.from);
        }
        return facts;
    }
    CollectOptions c;
    c.docker_host = o.docker_host;
    c.timeout = o.timeout;
    c.query.container = o.container;
    c.query.port = o.port;
    c.query.from = o.from;
    return collect_facts(c);
}

bool use_color(const Options& o) {
    const char* no_color = std::getenv("NO_COLOR");
    return !o.no_color && !(no_color && *no_color) && isatty(STDOUT_FILENO);
}

int diagnose(const Options& o) {
    auto started = std::chrono::steady_clock::now();
    auto facts = obtain_facts(o);
    if (!facts) return usage_error(facts.error());
    double collect_ms = ms_since(started);
    if (o.save_facts) {
        if (auto saved = save_facts_file(*o.save_facts, *facts); !saved) return usage_error(saved.error());
    }
    auto checks_started = std::chrono::steady_clock::now();
    Report report = build_report(*facts, all_checks());
    report.timings_ms["collect"] = o.facts_file ? 0.0 : collect_ms;
    report.timings_ms["checks"] = ms_since(checks_started);
    report.timings_ms["total"] = ms_since(started);
    if (o.format == Format::json) std::cout << report_to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    else std::cout << render_text(report, TextStyle{use_color(o)});
    return exit_code(report.verdict);
}

}  // namespace

int run_app(int argc, char** argv) try {
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    auto options = parse_options(args);
    if (!options) return usage_error(options.error());
    const Options& o = *options;
    switch (o.command) {
        case Command::help: std::cout << o.help_text; return 0;
        case Command::version: std::cout << "docknetdoctor " << DND_VERSION << "\n"; return 0;
        case Command::list_causes: std::cout << list_causes_text(); return 0;
        case Command::explain: {
            auto text = explain_text(o.explain_id);
            if (!text) return usage_error(text.error());
            std::cout << *text;
            return 0;
        }
        case Command::diagnose: return diagnose(o);
    }
    return kExitUnknown;
} catch (const std::exception& e) {
    // Our own invariant broke; still one line and "unknown", never an abort.
    std::cerr << "docknetdoctor: internal error: " << sanitize(e.what()) << "\n";
    return kExitUnknown;
}

}  // namespace dnd
