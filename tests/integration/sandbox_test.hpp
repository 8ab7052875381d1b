#pragma once
// Base fixture for tests against the sandbox engine: skips when there is none, and the
// assertions every scenario shares (top cause, exit code, verdict, schema).
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "docknetdoctor/model/fix_command.hpp"
#include "sandbox.hpp"
#include "schema_validation.hpp"

namespace dnd::test {

// The exit code for each verdict (Nagios convention, DESIGN.md).
inline int exit_code_for_verdict(std::string_view verdict) {
    if (verdict == "ok") return 0;
    if (verdict == "warning") return 1;
    if (verdict == "critical") return 2;
    return 3;
}

// The report's probes[] on one rung ("container-loopback", "container-address",
// "host-to-container", "host-published", or "source-to-target" for --to), optionally only
// those of one container port ("80/tcp").
inline std::vector<nlohmann::json> probes_on(const Diagnosis& d, std::string_view rung, std::string_view port = "") {
    std::vector<nlohmann::json> out;
    if (!d.json) return out;
    for (const auto& p : d.json->value("probes", nlohmann::json::array()))
        if (p.value("rung", std::string()) == rung && (port.empty() || p.value("port", std::string()) == port))
            out.push_back(p);
    return out;
}

using Outcomes = std::set<std::string>;

// The distinct outcomes on that rung: {"open"} when every probe there connected; {} when
// no probe ran on it.
inline Outcomes outcomes_on(const Diagnosis& d, std::string_view rung, std::string_view port = "") {
    Outcomes out;
    for (const auto& p : probes_on(d, rung, port)) out.insert(p.value("outcome", std::string()));
    return out;
}

// The outcome of the probe on that rung to ADDRESS; "" when there is none.
inline std::string outcome_of(const Diagnosis& d, std::string_view rung, std::string_view address) {
    for (const auto& p : probes_on(d, rung))
        if (p["target"].value("address", std::string()) == address) return p.value("outcome", std::string());
    return "";
}

// The outcome of the probe on that rung to ADDRESS:PORT; "" when there is none.
inline std::string outcome_at(const Diagnosis& d, std::string_view rung, std::string_view address, int port) {
    for (const auto& p : probes_on(d, rung))
        if (p["target"].value("address", std::string()) == address && p["target"].value("port", 0) == port)
            return p.value("outcome", std::string());
    return "";
}

// paths[] entry of the packet from SADDR (and to DADDR, when given); null when there is none.
inline nlohmann::json path_of(const Diagnosis& d, std::string_view saddr, std::string_view daddr = "") {
    if (!d.json) return nullptr;
    for (const auto& p : d.json->value("paths", nlohmann::json::array()))
        if (p["packet"].value("saddr", std::string()) == saddr &&
            (daddr.empty() || p["packet"].value("daddr", std::string()) == daddr))
            return p;
    return nullptr;
}

// causes[] entry with that id; an empty object when there is none.
inline nlohmann::json cause_with_id(const Diagnosis& d, std::string_view id) {
    if (!d.json) return nlohmann::json::object();
    for (const auto& c : d.json->value("causes", nlohmann::json::array()))
        if (c.value("id", std::string()) == id) return c;
    return nlohmann::json::object();
}

// True when some line of LINES (a JSON array of strings) contains NEEDLE.
inline bool any_line_contains(const nlohmann::json& lines, std::string_view needle) {
    if (!lines.is_array()) return false;
    for (const auto& line : lines)
        if (line.is_string() && line.get<std::string>().find(needle) != std::string::npos) return true;
    return false;
}

// ports[].first_failing_rung of PORT ("80/tcp"); "" when no rung failed or the port is not listed.
inline std::string first_failing_rung(const Diagnosis& d, std::string_view port) {
    if (!d.json) return "";
    for (const auto& p : d.json->value("ports", nlohmann::json::array()))
        if (p.value("port", std::string()) == port) return p.value("first_failing_rung", std::string());
    return "";
}

// The first fix of the top cause, copied out of the report as a user would: the command a
// fix line holds after "run: " (fix_command.hpp). nullopt when there is no cause or its first
// fix only advises.
inline std::optional<std::string> top_fix_command(const Diagnosis& d) {
    if (!d.json) return std::nullopt;
    const auto causes = d.json->value("causes", nlohmann::json::array());
    if (causes.empty()) return std::nullopt;
    const auto fixes = causes.front().value("fix", nlohmann::json::array());
    if (fixes.empty() || !fixes.front().is_string()) return std::nullopt;
    return command_of_fix(fixes.front().get<std::string>());
}

class SandboxTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto found = Sandbox::from_env();
        if (!found) GTEST_SKIP() << found.error().message;
        sandbox_.emplace(std::move(*found));
    }

    const Sandbox& sandbox() const { return *sandbox_; }
    const std::string& image() const { return sandbox_->image(); }

    // True once something listens on TCP PORT inside the container (its own netns).
    bool wait_for_container_listener(const std::string& container, int port,
                                     std::chrono::milliseconds timeout = 15s) const {
        const std::string needle = ":" + std::to_string(port) + " ";
        return eventually(
            [&] {
                const auto listeners = sandbox().docker({"exec", container, "netstat", "-ltn"}, 10s);
                return listeners.ok() && listeners.out.find(needle) != std::string::npos;
            },
            timeout);
    }

    bool wait_for_state(const std::string& container, const std::string& format, const std::string& expected,
                        std::chrono::milliseconds timeout = 30s) const {
        return eventually([&] { return sandbox().inspect(container, format) == expected; }, timeout);
    }

    // `docknetdoctor --format json EXTRA... CONTAINER` in the sandbox's host netns.
    Diagnosis diagnose_json(const std::string& container, const std::vector<std::string>& extra = {}) const {
        std::vector<std::string> args{"--format", "json"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(container);
        return sandbox().diagnose(args);
    }

    // What the user sees: the exit code, a schema-valid report, the verdict that goes with
    // the exit code, and CAUSE ranked first.
    static ::testing::AssertionResult reports_top_cause(const Diagnosis& diagnosis, std::string_view cause,
                                                        int expected_exit) {
        if (!diagnosis.json) return ::testing::AssertionFailure() << "no JSON report\n" << diagnosis.describe();
        // Every mismatch is listed, so one run shows all that is wrong.
        std::vector<std::string> problems;
        if (diagnosis.top_cause_id() != cause) {
            problems.push_back("top cause is '" + diagnosis.top_cause_id() + "', expected '" + std::string(cause) + "'");
        }
        if (diagnosis.process.exit_code != expected_exit) {
            problems.push_back("exit code " + std::to_string(diagnosis.process.exit_code) + ", expected " +
                               std::to_string(expected_exit));
        }
        const auto verdict = diagnosis.json->value("verdict", std::string());
        if (exit_code_for_verdict(verdict) != expected_exit) {
            problems.push_back("verdict '" + verdict + "' does not match exit code " + std::to_string(expected_exit));
        }
        if (auto valid = validate_against_schema(*diagnosis.json, report_schema_path()); !valid) {
            problems.push_back(valid.message());
        }
        if (problems.empty()) return ::testing::AssertionSuccess();
        auto failure = ::testing::AssertionFailure();
        for (const auto& problem : problems) failure << problem << "\n";
        return failure << diagnosis.describe();
    }

private:
    std::optional<Sandbox> sandbox_;
};

}  // namespace dnd::test
