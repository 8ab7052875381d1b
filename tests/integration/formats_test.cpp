// Every machine format with --all on a real engine: a healthy container and a broken one,
// one document each, read by the tools that consume it (the plugin grammar's first line,
// prometheus_client's parser, junitparser), and the exit status the worst verdict's.
#include <unistd.h>

#include <cstdlib>
#include <fstream>

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
}

}  // namespace
}  // namespace dnd::test
