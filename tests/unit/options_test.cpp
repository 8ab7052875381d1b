#include <gtest/gtest.h>

#include "docknetdoctor/app/options.hpp"

namespace dnd {
namespace {

Result<Options> parse(std::vector<std::string> args) { return parse_options(args); }

TEST(Options, ContainerPortFormatAndTimeout) {
    auto o = parse({"web", "--port", "53/udp", "--format", "json", "--timeout", "750ms", "--from", "::1"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->command, Command::diagnose);
    EXPECT_EQ(o->container, "web");
    EXPECT_EQ(o->port->str(), "53/udp");
    EXPECT_EQ(o->format, Format::json);
    EXPECT_EQ(o->timeout.count(), 750);
    EXPECT_EQ(*o->from, "::1");
}

TEST(Options, DirectAsksAboutTheContainersOwnAddress) {
    auto o = parse({"web", "--direct", "--from", "192.0.2.50"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_TRUE(o->direct);
    EXPECT_FALSE(parse({"web"})->direct);
}

TEST(Options, PortWithoutProtocolMeansTcp) {
    auto o = parse({"--port", "80", "web"});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->port->str(), "80/tcp");
}

TEST(Options, InvalidValuesAreOneLineUsageErrors) {
    struct Case { std::vector<std::string> args; std::string expected; };
    for (const auto& c : std::vector<Case>{
             {{"web", "--port", "http"}, "invalid --port 'http': expected PORT[/tcp|/udp] with PORT in 1-65535"},
             {{"web", "--port", "70000"}, "invalid --port '70000'"},
             {{"web", "--port", "80/sctp"}, "invalid --port '80/sctp'"},
             {{"web", "--port", "0"}, "invalid --port '0'"},
             {{"web", "--format", "xml"}, "invalid --format 'xml': expected text, json, jsonl, nagios, prometheus or junit"},
             {{"web", "--timeout", "soon"}, "invalid --timeout 'soon'"},
             {{"web", "--timeout", "0"}, "invalid --timeout '0'"},
             {{"web", "--from", "example.com"}, "invalid --from 'example.com': expected an IPv4 or IPv6 address"},
             {{}, "no container given"},
             {{"web", "--bogus"}, "--bogus"},
             {{"web", "--to", "db:5432", "--direct"}, "--to names the port and the client itself: drop --port/--from/--direct"},
         }) {
        auto o = parse(c.args);
        ASSERT_FALSE(o) << c.expected;
        EXPECT_EQ(o.error().source, "usage");
        EXPECT_NE(o.error().message.find(c.expected), std::string::npos) << o.error().message;
        EXPECT_EQ(o.error().message.find('\n'), std::string::npos) << o.error().message;
    }
}

TEST(Options, SubcommandsHelpAndVersion) {
    auto e = parse({"explain", "app.loopback-only"});
    ASSERT_TRUE(e);
    EXPECT_EQ(e->command, Command::explain);
    EXPECT_EQ(e->explain_id, "app.loopback-only");
    EXPECT_EQ(parse({"list-causes"})->command, Command::list_causes);
    auto h = parse({"--help"});
    ASSERT_TRUE(h);
    EXPECT_EQ(h->command, Command::help);
    EXPECT_NE(h->help_text.find("--save-facts"), std::string::npos);
    EXPECT_EQ(parse({"--version"})->command, Command::version);
    EXPECT_FALSE(parse({"explain"}));
}

TEST(Options, FactsFileNeedsNoContainer) {
    auto o = parse({"--facts", "saved.json"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(*o->facts_file, "saved.json");
}

TEST(Duration, Units) {
    EXPECT_EQ(parse_duration("2")->count(), 2000);
    EXPECT_EQ(parse_duration("1.5s")->count(), 1500);
    EXPECT_EQ(parse_duration("250ms")->count(), 250);
    EXPECT_EQ(parse_duration("1m")->count(), 60000);
    EXPECT_FALSE(parse_duration("11m"));
    EXPECT_FALSE(parse_duration("-1s"));
    EXPECT_FALSE(parse_duration("5h"));
    EXPECT_FALSE(parse_duration(""));
}

}  // namespace
}  // namespace dnd

namespace dnd {
namespace {

TEST(Options, TraceTakesAContainerTheDiagnosisFilterAndWhereToSendFrom) {
    auto o = parse_options({"trace", "web", "--port", "80", "--from", "192.0.2.50", "--send", "/run/netns/client",
                            "--timeout", "10s", "--format", "json"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->command, Command::trace);
    EXPECT_EQ(o->container, "web");
    EXPECT_EQ(o->port, (PortKey{80, Proto::tcp}));
    EXPECT_EQ(o->send, "/run/netns/client");
    EXPECT_EQ(o->trace_wait, std::chrono::seconds(10)) << "--timeout is how long trace waits for a packet";
    EXPECT_EQ(o->format, Format::json);

    auto waiting = parse_options({"trace", "web"});
    ASSERT_TRUE(waiting);
    EXPECT_EQ(waiting->trace_wait, std::chrono::seconds(30));
    EXPECT_FALSE(waiting->send);
}

TEST(Options, TraceRefusesWhatDoesNotApplyInOneLine) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> refused{
        {{"trace"}, "no container given: docknetdoctor trace CONTAINER (see --help)"},
        {{"trace", "web", "--send", "client"}, "invalid --send 'client': expected host, or a network namespace's path"},
        {{"trace", "web", "--format", "nagios"}, "trace prints text or JSON: --format text or json"},
        {{"trace", "--all"}, "trace follows one container's published ports on the live host: --all, --to, --direct, "
                             "--facts, --save-facts and --no-probe do not apply"},
        {{"trace", "web", "--facts", "saved.json"}, "trace follows one container's published ports on the live host: "
                                                    "--all, --to, --direct, --facts, --save-facts and --no-probe do not apply"},
    };
    for (const auto& [args, message] : refused) {
        auto o = parse_options(args);
        ASSERT_FALSE(o) << args.back();
        EXPECT_EQ(o.error().source, "usage");
        EXPECT_EQ(o.error().message, message);
    }
}

}  // namespace
}  // namespace dnd
