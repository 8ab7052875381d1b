#!/usr/bin/env bash
# Scaffolds a new check: its file (checks/ID.cpp, with the catalog entry, the evidence rule
# and the function), its line in the one list (include/docknetdoctor/checks/all_checks.hpp,
# after the last check of its layer, since catalog order is layer order), and its case file
# (tests/unit/checks/ID_test.cpp, whose firing cases fail until the check is written).
#   scripts/new-check.sh firewall.firewalld-reload
set -euo pipefail
cd "$(dirname "$0")/.."

id=${1:-}
if [[ ! $id =~ ^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$ ]]; then
  echo "usage: scripts/new-check.sh LAYER.NAME   (kebab-case, e.g. firewall.firewalld-reload)" >&2
  exit 2
fi
layer=${id%%.*}
entry=$(tr '.-' '__' <<<"$id")
list=include/docknetdoctor/checks/all_checks.hpp
check_file=checks/$entry.cpp
case_file=tests/unit/checks/${entry}_test.cpp
suite=$(sed -E 's/(^|[._-])([a-z0-9])/\U\2/g' <<<"$id")

for f in "$check_file" "$case_file"; do
  [[ -e $f ]] && { echo "new-check: $f exists already" >&2; exit 1; }
done
grep -q "X($entry)" "$list" && { echo "new-check: $entry is on the list already" >&2; exit 1; }
last=$(grep -n "^    X(${layer}_" "$list" | tail -1 | cut -d: -f1 || true)
if [[ -z $last ]]; then
  echo "new-check: no check of layer '$layer' yet; add X($entry) to $list where the layer belongs (catalog order is layer order, shared/causes.md)" >&2
  exit 1
fi
sed -i "${last}a\\    X($entry) \\\\" "$list"

cat >"$check_file" <<CPP
// $id: WHAT IT MEANS, in one sentence.
#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "$id",
    .severity = Severity::critical,
    .summary = "what it means, for list-causes",
    .evidence = "what the check reads",
    .fix = "the typical fix",
    .rationale = "Why it happens. Why the fix works.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    if (!container_to_judge(f, result.undecided)) return result;
    // Finding finding = new_finding(kCause); title, port, evidence, fix ...
    return result;
}

}  // namespace

const Check& $entry() {
    static const Check check{
        .cause = kCause,
        // Which probe rungs confirm, contradict or leave it open (model/check.hpp).
        .evidence = {.open_note = "why the local probes cannot decide it"},
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
CPP

cat >"$case_file" <<CPP
// $id: WHAT IT MEANS, in one sentence.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "THE SITUATION, as the user would say it."
TEST($suite, FiresWhen) {
    auto r = checks::$entry().run(FactsBuilder().build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "$id", tcp(80), Severity::critical, "THE TITLE THE USER SEES"));
}

// "A SECOND SITUATION where it fires."
TEST($suite, AlsoFiresWhen) {
    auto r = checks::$entry().run(FactsBuilder().build());
    EXPECT_EQ(the_finding(r).id, "$id");
}

// "The healthy default."
TEST($suite, QuietOnTheHealthyDefault) { EXPECT_TRUE(quiet(checks::$entry().run(FactsBuilder().build()))); }

// "A NEAR MISS that must not fire."
TEST($suite, QuietWhen) { EXPECT_TRUE(quiet(checks::$entry().run(FactsBuilder().build()))); }

}  // namespace
}  // namespace dnd
CPP

echo "new-check: wrote $check_file and $case_file, listed $entry in $list"
echo "  fill in the catalog text, the check, its evidence rule and the cases, then: scripts/build.sh && build/tests/dnd_unit_tests --gtest_filter='$suite.*'"
