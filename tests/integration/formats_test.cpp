// Every machine format with --all on a real engine: a healthy container and a broken one,
// one document each, read by the tools that consume it (the plugin grammar's first line,
// prometheus_client's parser, junitparser), and the exit status the worst verdict's.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run_binary.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class FormatsTest : public SandboxTest {
protected:
    // The parser's view of a document: a Python script on stdin, the document as a file.
    static ProcessResult python(const std::string& script, const std::string& document) {
        char path[] = "/tmp/dnd-format-XXXXXX";
        const int fd = ::mkstemp(path);
        if (fd < 0) return {};
        ::close(fd);
        std::ofstream(path) << document;
        RunOptions options;
        options.stdin_text = script;
        auto result = run_process({"/usr/bin/python3", "-", path}, options);
        ::unlink(path);
        return result;
    }
};

TEST_F(FormatsTest, AllContainersInEveryFormat) {
    const auto healthy = sandbox().run_container("it-formats-ok", {"-p", "8151:80", image(), "httpd", "-f", "-p", "80"});
    const auto broken =
        sandbox().run_container("it-formats-broken", {"-p", "8152:80", image(), "httpd", "-f", "-p", "127.0.0.1:80"});
    ASSERT_TRUE(healthy.run_result().ok()) << healthy.run_result().describe();
    ASSERT_TRUE(broken.run_result().ok()) << broken.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(healthy.name(), 80));
    ASSERT_TRUE(wait_for_container_listener(broken.name(), 80));

    const auto nagios = sandbox().diagnose({"--all", "--format", "nagios"});
    EXPECT_EQ(nagios.process.exit_code, 2) << nagios.describe();
    EXPECT_TRUE(nagios.process.out.starts_with("DOCKNETDOCTOR CRITICAL - 2 container(s): 1 critical, 0 warning, 0 "
                                               "unknown, 1 ok; it-formats-broken 80/tcp: app.loopback-only"))
        << nagios.describe();
    EXPECT_NE(nagios.process.out.find("\nOK it-formats-ok: no cause found"), std::string::npos) << nagios.describe();

    const auto prometheus = sandbox().diagnose({"--all", "--format", "prometheus"});
    EXPECT_EQ(prometheus.process.exit_code, 2) << prometheus.describe();
    const auto parsed = python(R"(
import sys
from prometheus_client.parser import text_string_to_metric_families
for f in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in f.samples:
        if s.name == "docknetdoctor_port_reachable":
            print(s.labels["container"], s.labels["port"], s.value)
)",
                               prometheus.process.out);
    EXPECT_EQ(parsed.out, "it-formats-broken 80/tcp 0.0\nit-formats-ok 80/tcp 1.0\n") << parsed.describe();

    const auto junit = sandbox().diagnose({"--all", "--format", "junit"});
    EXPECT_EQ(junit.process.exit_code, 2) << junit.describe();
    const auto cases = python(R"(
import sys
from junitparser import JUnitXml
for suite in JUnitXml.fromfile(sys.argv[1]):
    for case in suite:
        print(case.classname, case.name, [r.type for r in case.result])
)",
                              junit.process.out);
    EXPECT_EQ(cases.out,
              "docknetdoctor.it-formats-broken 80/tcp ['app.loopback-only']\ndocknetdoctor.it-formats-ok 80/tcp []\n")
        << cases.describe();

    // JSON lines: a report a line, read line by line as a log shipper would, the same
    // reports as --format json's array, in the same order.
    const auto jsonl = sandbox().diagnose({"--all", "--format", "jsonl"});
    EXPECT_EQ(jsonl.process.exit_code, 2) << jsonl.describe();
    const auto lines = python(R"(
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    report = json.loads(line)
    print(report["target"]["name"], report["verdict"])
)",
                              jsonl.process.out);
    EXPECT_EQ(lines.out, "it-formats-broken critical\nit-formats-ok ok\n") << lines.describe();
    const auto array = sandbox().diagnose({"--all", "--format", "json"});
    ASSERT_TRUE(array.json && array.json->is_array()) << array.describe();
    std::vector<std::string> names;
    for (const auto& report : *array.json) names.push_back(report["target"].value("name", std::string()));
    std::vector<std::string> line_names;
    std::istringstream in(jsonl.process.out);
    for (std::string line; std::getline(in, line);) {
        const auto report = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(report.is_discarded()) << line;
        EXPECT_TRUE(validate_against_schema(report, report_schema_path()));
        line_names.push_back(report["target"].value("name", std::string()));
    }
    EXPECT_EQ(line_names, names);
}

}  // namespace
}  // namespace dnd::test
