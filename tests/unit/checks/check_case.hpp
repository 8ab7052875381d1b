#pragma once
// What the check case files share: the builder, gmock's matchers, and the questions asked of
// every CheckResult: the one finding it gave and its headline (id, port, severity, title),
// whether it stayed quiet having decided, and why it could not decide.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "facts_builder.hpp"

namespace dnd::check_cases {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::Fact;
using testing::FactsBuilder;

// The result as a person would read it, for failure messages.
inline std::string describe(const CheckResult& r) {
    std::string text;
    for (const Finding& f : r.findings) {
        text += "finding " + f.id + " [" + std::string(to_string(f.severity)) + "] " + f.title + "\n";
        for (const auto& e : f.evidence) text += "  evidence: " + e + "\n";
        for (const auto& x : f.fix) text += "  fix: " + x + "\n";
    }
    for (const auto& u : r.undecided) text += "undecided: " + u + "\n";
    return text.empty() ? "quiet, decided\n" : text;
}

// Quiet and decided: no finding and nothing the check could not judge.
inline ::testing::AssertionResult quiet(const CheckResult& r) {
    if (r.findings.empty() && r.undecided.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected quiet and decided, got:\n" << describe(r);
}

// The single finding of r; a failure (and an empty finding) when there is not exactly one.
inline Finding the_finding(const CheckResult& r) {
    if (r.findings.size() == 1) return r.findings.front();
    ADD_FAILURE() << "expected exactly one finding, got:\n" << describe(r);
    return {};
}

inline constexpr PortKey tcp(std::uint16_t port) { return PortKey{port, Proto::tcp}; }
inline constexpr PortKey udp(std::uint16_t port) { return PortKey{port, Proto::udp}; }

// The headline of a finding as the user sees it: its cause id, container port, severity and title.
inline ::testing::AssertionResult headline_is(const Finding& f, std::string_view id, std::optional<PortKey> port,
                                              Severity severity, std::string_view title) {
    const auto port_text = [](const std::optional<PortKey>& p) { return p ? p->str() : std::string("none"); };
    if (f.id == id && f.port == port && f.severity == severity && f.title == title) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected " << id << " on " << port_text(port) << " ["
                                         << to_string(severity) << "] " << title << "\n     got " << f.id << " on "
                                         << port_text(f.port) << " [" << to_string(f.severity) << "] " << f.title;
}

// No finding, and exactly these reasons why the check could not decide.
inline ::testing::AssertionResult undecided_only(const CheckResult& r, const std::vector<std::string>& reasons) {
    if (r.findings.empty() && r.undecided == reasons) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected undecided, got:\n" << describe(r);
}

}  // namespace dnd::check_cases
