// The formats monitoring and CI read, checked by what reads them: every Nagios line against
// the plugin guidelines' grammar, the Prometheus textfile by prometheus_client's own parser
// (Debian's python3-prometheus-client, what node_exporter's format is), JUnit XML by
// python3-junitparser. Reports come from recorded cases, one and several (--all), and from
// hostile names (escape sequences, quotes, '|', newlines, bytes that are not UTF-8).
#include <sys/stat.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/render/machine_formats.hpp"
#include "fixture_files.hpp"
#include "run_binary.hpp"

namespace dnd {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Report report_of(const std::string& fixture) {
    Report r = build_report(testing::load_check_case(fixture), all_checks());
    r.timings_ms = {{"collect", 12.5}, {"probes", 3}, {"checks", 0.5}, {"total", 16}};
    return r;
}

// A container whose name and cause carry what a terminal, a parser or a format would act on.
Report hostile_report() {
    Report r = report_of("app_loopback_only");
    r.target_name = "we|b\"\\\x1b]0;pwned\x07\n\x9b" "2J\xc2\x9b\xff";
    r.causes.front().finding.title += " | \x1b[2J <tag> & 'quote'\nsecond line";
    r.causes.front().finding.evidence.push_back("\x1b[31mred\x1b[0m \xc3\xa9t\xc3\xa9");
    return r;
}

std::vector<Report> mixed_reports() {
    return {report_of("healthy_web"), report_of("app_loopback_only"), report_of("public_postgres"),
            report_of("container_unavailable"), hostile_report()};
}

constexpr RunInfo kRun{1796220000.5, 0.75};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

bool is_number(std::string_view s, bool allow_empty) {
    if (s.empty()) return allow_empty;
    if (s.front() == '-') s.remove_prefix(1);
    bool digit = false, dot = false;
    for (char ch : s) {
        if (std::isdigit(static_cast<unsigned char>(ch))) digit = true;
        else if (ch == '.' && !dot) dot = true;
        else if (ch == 'e' || ch == 'E' || ch == '+' || ch == '-') continue;
        else return false;
    }
    return digit;
}

// 'label'=value[UOM];[warn];[crit];[min];[max] (the guidelines; warn/crit may be ranges).
::testing::AssertionResult valid_perfdata(std::string_view item) {
    const auto eq = item.rfind('=');
    if (eq == std::string_view::npos || eq == 0) return ::testing::AssertionFailure() << "no label=value: " << item;
    std::string_view label = item.substr(0, eq);
    if (label.front() == '\'') {
        if (label.size() < 3 || label.back() != '\'') return ::testing::AssertionFailure() << "bad quoting: " << item;
    } else if (label.find_first_of(" '=") != std::string_view::npos) {
        return ::testing::AssertionFailure() << "label needs quotes: " << item;
    }
    std::vector<std::string_view> fields;
    std::string_view rest = item.substr(eq + 1);
    for (std::size_t semi; (semi = rest.find(';')) != std::string_view::npos; rest.remove_prefix(semi + 1))
        fields.push_back(rest.substr(0, semi));
    fields.push_back(rest);
    if (fields.size() > 5) return ::testing::AssertionFailure() << "more than 5 fields: " << item;
    std::string_view value = fields[0];
    for (std::string_view unit : {"us", "ms", "KB", "MB", "TB", "s", "%", "B", "c"})
        if (value.ends_with(unit)) {
            value.remove_suffix(unit.size());
            break;
        }
    if (!is_number(value, false) && value != "U") return ::testing::AssertionFailure() << "bad value: " << item;
    for (std::size_t i = 1; i < fields.size(); ++i) {
        const std::string_view f = fields[i];
        const bool range = i <= 2 && f.find_first_not_of("0123456789.-~:@") == std::string_view::npos;
        if (!(i <= 2 ? range : is_number(f, true))) return ::testing::AssertionFailure() << "bad field " << i << ": " << item;
    }
    return ::testing::AssertionSuccess();
}

// The whole output: "DOCKNETDOCTOR STATUS - text | perfdata", then long text without '|',
// every byte printable (or UTF-8); the status is the one the exit code means.
::testing::AssertionResult follows_the_guidelines(const std::string& output, std::string_view status) {
    const auto lines = lines_of(output);
    if (lines.empty()) return ::testing::AssertionFailure() << "no output";
    const std::string& first = lines.front();
    const std::string prefix = "DOCKNETDOCTOR " + std::string(status) + " - ";
    if (!first.starts_with(prefix)) return ::testing::AssertionFailure() << "status line: " << first;
    const auto bar = first.find(" | ");
    if (first.find('|') != (bar == std::string::npos ? bar : bar + 1))
        return ::testing::AssertionFailure() << "'|' in the text: " << first;
    if (bar != std::string::npos) {
        std::istringstream items(first.substr(bar + 3));
        for (std::string item; items >> item;)
            if (auto ok = valid_perfdata(item); !ok) return ok;
    }
    for (const auto& line : lines) {
        if (&line != &lines.front() && line.find('|') != std::string::npos)
            return ::testing::AssertionFailure() << "'|' in the long text: " << line;
        for (unsigned char ch : line)
            if (ch < 0x20 || ch == 0x7f) return ::testing::AssertionFailure() << "control byte in: " << line;
    }
    return ::testing::AssertionSuccess();
}

TEST(NagiosFormat, EveryVerdictFollowsTheGuidelines) {
    EXPECT_TRUE(follows_the_guidelines(render_nagios(std::vector{report_of("healthy_web")}, false), "OK"));
    EXPECT_TRUE(follows_the_guidelines(render_nagios(std::vector{report_of("public_postgres")}, false), "WARNING"));
    EXPECT_TRUE(follows_the_guidelines(render_nagios(std::vector{report_of("app_loopback_only")}, false), "CRITICAL"));
    EXPECT_TRUE(follows_the_guidelines(render_nagios(std::vector{report_of("container_unavailable")}, false), "UNKNOWN"));
    EXPECT_TRUE(follows_the_guidelines(render_nagios(std::vector{hostile_report()}, false), "CRITICAL"));
}

TEST(NagiosFormat, TheStatusLineNamesTheTopCauseAndCountsInThePerformanceData) {
    const std::string out = render_nagios(std::vector{report_of("app_loopback_only")}, false);
    EXPECT_THAT(lines_of(out).front(),
                ::testing::StartsWith("DOCKNETDOCTOR CRITICAL - dev 8000/tcp: app.loopback-only: the app in dev listens "
                                      "on 127.0.0.1:8000 only, unreachable through the bridge | causes=1;;;0 "
                                      "blind_spots=1;;;0 undecided=0;;;0 collect=12.5ms;;;0 probes=3ms;;;0"));
    EXPECT_THAT(out, HasSubstr("\n   fix: make the app bind 0.0.0.0"));
}

TEST(NagiosFormat, AllContainersGiveOneStatusTheWorstAndALineEach) {
    const auto reports = mixed_reports();
    const std::string out = render_nagios(reports, true);
    EXPECT_TRUE(follows_the_guidelines(out, "CRITICAL"));
    EXPECT_THAT(lines_of(out).front(), HasSubstr("5 container(s): 2 critical, 1 warning, 1 unknown, 1 ok"));
    EXPECT_THAT(lines_of(out).front(), HasSubstr("| containers=5;;;0 critical=2;;;0 warning=1;;;0 unknown=1;;;0 ok=1;;;0"));
    EXPECT_EQ(lines_of(out).size(), 6U);
}

// The same, through the binary: the exit code is the status's.
TEST(NagiosFormat, TheBinarysExitCodeMatchesItsStatus) {
    for (const auto& [fixture, status, code] : std::vector<std::tuple<std::string, std::string, int>>{
             {"healthy_web", "OK", 0}, {"public_postgres", "WARNING", 1}, {"app_loopback_only", "CRITICAL", 2}}) {
        const auto run = test::run_docknetdoctor(
            {"--facts", testing::fixtures_root() + "/checks/" + fixture + "/facts.json", "--format", "nagios"});
        EXPECT_EQ(run.exit_code, code) << fixture << ": " << run.describe();
        EXPECT_TRUE(follows_the_guidelines(run.out, status)) << fixture;
    }
}

// The parsers are Python's: a script on stdin, the document in a file.
test::ProcessResult python(const std::string& script, const std::string& document) {
    testing::TempDir dir;
    const auto path = dir.path() / "document";
    std::ofstream(path, std::ios::binary) << document;
    test::RunOptions options;
    options.stdin_text = script;
    return test::run_process({"/usr/bin/python3", "-", path.string()}, options);
}

constexpr const char* kPrometheusParse = R"(
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1], encoding="utf-8").read()
for family in text_string_to_metric_families(text):
    for s in family.samples:
        labels = ",".join(f"{k}={v!r}" for k, v in sorted(s.labels.items()))
        print(f"{family.name} {family.type} [{labels}] {s.value}")
helps = [l for l in text.splitlines() if l.startswith("# HELP ")]
types = [l for l in text.splitlines() if l.startswith("# TYPE ")]
print("families", len(helps), len(types))
)";

TEST(PrometheusFormat, PrometheusOwnParserReadsEveryFamilyWithHelpAndType) {
    const auto parsed = python(kPrometheusParse, render_prometheus(mixed_reports(), kRun));
    ASSERT_EQ(parsed.exit_code, 0) << parsed.describe();
    const std::string& out = parsed.out;
    EXPECT_THAT(out, HasSubstr("families 6 6"));
    EXPECT_THAT(out, HasSubstr("docknetdoctor_port_reachable gauge [container='web',port='80/tcp'] 1.0"));
    EXPECT_THAT(out, HasSubstr("docknetdoctor_port_reachable gauge [container='dev',port='8000/tcp'] 0.0"));
    EXPECT_THAT(out, HasSubstr("docknetdoctor_cause gauge [container='dev',id='app.loopback-only',port='8000/tcp',"
                               "severity='critical'] 1.0"));
    EXPECT_THAT(out, HasSubstr("docknetdoctor_verdict gauge [container='nosuch',verdict='unknown'] 1.0"));
    EXPECT_THAT(out, HasSubstr("docknetdoctor_last_run_timestamp_seconds gauge [] 1796220000.5"));
    EXPECT_THAT(out, HasSubstr("docknetdoctor_run_duration_seconds gauge [] 0.75"));
    // The hostile name arrives as text: quotes and backslashes escaped, control bytes shown.
    EXPECT_THAT(out, HasSubstr(R"(container='we|b"\\\\x1b]0;pwned\\x07\\x0a\\x9b2J\\u009b\\xff')"));
}

TEST(PrometheusFormat, APortThatCouldNotBeJudgedIsNotANumber) {
    Report r = report_of("healthy_web");
    r.verdict = Verdict::unknown;
    const auto parsed = python(kPrometheusParse, render_prometheus(std::vector{r}, kRun));
    ASSERT_EQ(parsed.exit_code, 0) << parsed.describe();
    EXPECT_THAT(parsed.out, HasSubstr("docknetdoctor_port_reachable gauge [container='web',port='80/tcp'] nan"));
}

// A Swarm task's service, for grouping its tasks: a family of its own in Prometheus (only on a
// host that runs tasks), a line of the testcase's output in JUnit.
Report task_report() {
    Report r = report_of("healthy_web");
    r.service = ServiceView{"2xu7ao1196kvvyvwuv89ov52l", "svc1", {{PortKey{80, Proto::tcp}, 18600, "ingress"}}, {},
                            "its tasks: svc1.1 running on node 4ulcbt2dlvxs"};
    return r;
}

TEST(PrometheusFormat, ASwarmTaskIsLabelledWithItsService) {
    const auto parsed = python(kPrometheusParse, render_prometheus(std::vector{task_report(), report_of("healthy_web")}, kRun));
    ASSERT_EQ(parsed.exit_code, 0) << parsed.describe();
    EXPECT_THAT(parsed.out, HasSubstr("families 7 7"));
    EXPECT_THAT(parsed.out, HasSubstr("docknetdoctor_swarm_task gauge [container='web',service='svc1',"
                                      "service_id='2xu7ao1196kvvyvwuv89ov52l'] 1.0"));
    EXPECT_THAT(render_prometheus(std::vector{report_of("healthy_web")}, kRun),
                Not(HasSubstr("docknetdoctor_swarm_task")));
}


// node_exporter reads the directory at any time: the file is replaced whole, or not at all.
TEST(PrometheusFormat, OutputIsWrittenAtomicallyAndAWriteErrorIsExitUnknown) {
    testing::TempDir dir;
    const auto target = dir.path() / "docknetdoctor.prom";
    std::ofstream(target) << "old\n";
    const auto facts = testing::fixtures_root() + "/checks/app_loopback_only/facts.json";
    const auto run = test::run_docknetdoctor({"--facts", facts, "--format", "prometheus", "--output", target.string()});
    EXPECT_EQ(run.exit_code, 2) << run.describe();
    EXPECT_TRUE(run.out.empty()) << run.out;
    EXPECT_THAT(testing::read_text(target.string()), HasSubstr("docknetdoctor_cause{container=\"dev\""));
    struct stat st{};
    ASSERT_EQ(::stat(target.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644U);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
    EXPECT_EQ(files, 1U) << "a temporary file was left";

    const auto nowhere = test::run_docknetdoctor(
        {"--facts", facts, "--format", "prometheus", "--output", (dir.path() / "no/such/dir/x.prom").string()});
    EXPECT_EQ(nowhere.exit_code, 3);
    EXPECT_THAT(nowhere.err, ::testing::MatchesRegex("docknetdoctor: cannot write .*/no/such/dir/x.prom: No such file "
                                                     "or directory\n"));
    const auto full = test::run_process({"sh", "-c", std::string(DND_BINARY) + " --facts " + facts + " >/dev/full"});
    EXPECT_EQ(full.exit_code, 3) << full.describe();
    EXPECT_EQ(full.err, "docknetdoctor: cannot write to standard output: No space left on device\n");
}

constexpr const char* kJunitParse = R"(
import sys
from junitparser import JUnitXml, Failure, Error
xml = JUnitXml.fromfile(sys.argv[1])
for suite in xml:
    print("suite", suite.name, suite.tests, suite.failures, suite.errors)
    for case in suite:
        kinds = [type(r).__name__ + ":" + (r.type or "") for r in case.result]
        print("case", case.classname, case.name, kinds)
        for r in case.result:
            if isinstance(r, (Failure, Error)):
                print("message", r.message)
                print("body", repr(r.text))
)";

TEST(JunitFormat, JunitparserReadsTheSuiteACasePerContainerAndPortAndAFailurePerCriticalCause) {
    const auto parsed = python(kJunitParse, render_junit(mixed_reports(), kRun));
    ASSERT_EQ(parsed.exit_code, 0) << parsed.describe();
    const std::string& out = parsed.out;
    EXPECT_THAT(out, HasSubstr("suite docknetdoctor 5 2 1"));
    EXPECT_THAT(out, HasSubstr("case docknetdoctor.web 80/tcp []"));
    EXPECT_THAT(out, HasSubstr("case docknetdoctor.dev 8000/tcp ['Failure:app.loopback-only']"));
    EXPECT_THAT(out, HasSubstr("case docknetdoctor.nosuch container ['Error:unknown']"));
    EXPECT_THAT(out, HasSubstr("message app.loopback-only: the app in dev listens on 127.0.0.1:8000 only"));
    EXPECT_THAT(out, HasSubstr("body 'the app in dev listens on 127.0.0.1:8000 only, unreachable through the bridge\\n"
                               "evidence: tcp 127.0.0.1:8000 LISTEN python3(pid 3301)\\nfix: "));
    // The warning is no failure: a CI gate passes on it.
    EXPECT_THAT(out, ::testing::ContainsRegex("case docknetdoctor.db 5432/tcp \\[\\]"));
    EXPECT_THAT(out, HasSubstr("\\\\x1b[2J <tag> & 'quote'"));
}

TEST(JunitFormat, ASwarmTasksCaseSaysItsServiceAndTasks) {
    const std::string xml = render_junit(std::vector{task_report()}, kRun);
    EXPECT_EQ(python(kJunitParse, xml).exit_code, 0) << xml;
    EXPECT_THAT(xml, HasSubstr("<system-out>swarm service: svc1 (2xu7ao1196kvvyvwuv89ov52l); its tasks: svc1.1 running "
                               "on node 4ulcbt2dlvxs\n"));
}

// What the README's CI gate does: exit 2, and the file still written for the CI to show.
TEST(JunitFormat, TheBinaryWritesTheFileAndExitsWithTheVerdict) {
    testing::TempDir dir;
    const auto target = dir.path() / "docknetdoctor.xml";
    const auto run = test::run_docknetdoctor({"--facts", testing::fixtures_root() + "/checks/app_loopback_only/facts.json",
                                              "--format", "junit", "-o", target.string()});
    EXPECT_EQ(run.exit_code, 2) << run.describe();
    const auto parsed = python(kJunitParse, testing::read_text(target.string()));
    EXPECT_THAT(parsed.out, HasSubstr("suite docknetdoctor 1 1 0")) << parsed.describe();
}

// JSON lines for one report: the --format json document on a single line, nothing else.
TEST(JsonlFormat, OneReportIsTheJsonDocumentOnOneLine) {
    const std::string facts = testing::fixtures_root() + "/checks/app_loopback_only/facts.json";
    const auto lines = test::run_docknetdoctor({"--facts", facts, "--format", "jsonl"});
    const auto document = test::run_docknetdoctor({"--facts", facts, "--format", "json"});
    EXPECT_EQ(lines.exit_code, 2) << lines.describe();
    ASSERT_TRUE(lines.out.ends_with("\n")) << lines.describe();
    EXPECT_EQ(lines.out.find('\n'), lines.out.size() - 1) << lines.describe();
    auto line = nlohmann::json::parse(lines.out);
    auto expected = nlohmann::json::parse(document.out);
    line.erase("generated_at");
    expected.erase("generated_at");
    line.erase("timings_ms");
    expected.erase("timings_ms");
    EXPECT_EQ(line, expected);
}

TEST(FormatOption, UnknownFormatsAreRefusedWithTheList) {
    const auto run = test::run_docknetdoctor({"--format", "yaml", "web"});
    EXPECT_EQ(run.exit_code, 3);
    EXPECT_EQ(run.err, "docknetdoctor: invalid --format 'yaml': expected text, json, jsonl, nagios, prometheus or junit\n");
}

}  // namespace
}  // namespace dnd
