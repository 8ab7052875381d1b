#pragma once
// What the check case files share: the builder, gmock's matchers, and two questions asked of
// every CheckResult (the one finding it gave; whether it stayed quiet having decided).
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks.hpp"
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

}  // namespace dnd::check_cases
