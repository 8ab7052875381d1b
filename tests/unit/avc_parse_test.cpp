// AVC records as they are found: auditd's log, the journal, the kernel ring, and as log
// tools wrap them. The lines are real, from public reports (fixtures/selinux/answer-key
// names each source).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "docknetdoctor/collect/avc_parse.hpp"

namespace dnd {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// RiotGamesCookbooks/nexus-cookbook#115: nginx as a reverse proxy to 8081.
constexpr std::string_view kNginxTransproxy =
    "type=AVC msg=audit(1421274762.358:1081): avc:  denied  { name_connect } for  pid=5642 comm=\"nginx\" dest=8081 "
    "scontext=unconfined_u:system_r:httpd_t:s0 tcontext=system_u:object_r:transproxy_port_t:s0 tclass=tcp_socket";

// containers/podman#26099, as journalctl prints it.
constexpr std::string_view kPodmanJournald =
    "audit[208351]: AVC avc:  denied  { name_bind } for  pid=208351 comm=\"python3\" src=9124 "
    "scontext=unconfined_u:unconfined_r:container_t:s0:c312,c746 tcontext=system_u:object_r:local_test_port_t:s0 "
    "tclass=tcp_socket permissive=0";

TEST(AvcParse, ReadsAuditdsRecordOfAProxyDeniedItsUpstream) {
    auto d = parse_avc_line(kNginxTransproxy);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->form, "auditd");
    ASSERT_TRUE(d->time);
    EXPECT_DOUBLE_EQ(*d->time, 1421274762.358);
    EXPECT_THAT(d->permissions, ElementsAre("name_connect"));
    EXPECT_EQ(d->pid, 5642);
    EXPECT_EQ(d->comm, "nginx");
    EXPECT_EQ(d->dest, std::optional<std::uint16_t>(8081));
    EXPECT_FALSE(d->src);
    EXPECT_EQ(context_type(d->scontext), "httpd_t");
    EXPECT_EQ(context_type(d->tcontext), "transproxy_port_t");
    EXPECT_EQ(d->tclass, "tcp_socket");
    EXPECT_FALSE(d->permissive);  // older kernels do not say
    EXPECT_EQ(d->record, kNginxTransproxy);
}

TEST(AvcParse, ReadsTheJournalsFormWithAnMcsSuffix) {
    auto d = parse_avc_line(kPodmanJournald);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->form, "journald");
    EXPECT_FALSE(d->time);  // the journal entry's own time stands in
    EXPECT_THAT(d->permissions, ElementsAre("name_bind"));
    EXPECT_EQ(d->src, std::optional<std::uint16_t>(9124));
    EXPECT_EQ(context_type(d->scontext), "container_t");  // s0:c312,c746 is the level, not the type
    EXPECT_EQ(d->permissive, std::optional<bool>(false));
}

TEST(AvcParse, ReadsTheKernelRingsFormAndAPermissiveRecord) {
    auto d = parse_avc_line(
        "[ 1234.567890] audit: type=1400 audit(1700000000.123:45): avc:  denied  { name_connect } for  pid=812 "
        "comm=\"nginx\" dest=3000 scontext=system_u:system_r:httpd_t:s0-s0:c0.c1023 "
        "tcontext=system_u:object_r:ntop_port_t:s0 tclass=tcp_socket permissive=1");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->form, "kmsg");
    EXPECT_DOUBLE_EQ(d->time.value_or(0), 1700000000.123);
    EXPECT_EQ(context_type(d->scontext), "httpd_t");
    EXPECT_EQ(d->permissive, std::optional<bool>(true));
}

// auditd writes comm in hex when it holds a space or a quote.
TEST(AvcParse, DecodesAHexEncodedCommand) {
    auto d = parse_avc_line(
        "type=AVC msg=audit(1700000000.000:1): avc:  denied  { name_bind } for  pid=9 comm=7765622073657276 src=8080 "
        "scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:http_cache_port_t:s0 tclass=tcp_socket");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->comm, "web serv");
}

TEST(AvcParse, LeavesOutGrantedRecordsOtherTypesAndCutRecords) {
    EXPECT_FALSE(parse_avc_line("type=AVC msg=audit(1.0:1): avc:  granted  { setenforce } for  pid=1 comm=\"x\" "
                                "scontext=a:b:c_t:s0 tcontext=a:b:d_t:s0 tclass=security"));
    EXPECT_FALSE(parse_avc_line("type=SYSCALL msg=audit(1421274762.358:1081): arch=c000003e syscall=42 success=no"));
    EXPECT_FALSE(parse_avc_line(kNginxTransproxy.substr(0, 120)));  // no contexts, no class
}

TEST(AvcScan, JoinsARecordWrappedByALogToolAndCountsWhatItCannotRead) {
    const auto wrap_at = kNginxTransproxy.find(" dest=");  // a log tool wraps at a word
    const std::string text = std::string(kNginxTransproxy.substr(0, wrap_at)) + "\n    " +
                             std::string(kNginxTransproxy.substr(wrap_at + 1)) + "\n" +
                             "type=SYSCALL msg=audit(1421274762.358:1081): arch=c000003e syscall=42 success=no\n" +
                             "type=AVC msg=audit(1421274763.000:1082): avc:  denied  { name_connect } for  pid=1\n" +
                             "type=AVC msg=audit(1421274764.000:1083): avc:\x01\x02\xff denied\n" +
                             std::string(kPodmanJournald) + "\n";
    auto scan = scan_avc_text(text, 0);
    ASSERT_EQ(scan.denials.size(), 2U);
    EXPECT_EQ(scan.denials[0].record, kNginxTransproxy);  // rejoined with one space
    EXPECT_EQ(context_type(scan.denials[1].scontext), "container_t");
    EXPECT_EQ(scan.skipped_lines, 2);  // the record cut short, the binary line
}

TEST(AvcScan, LeavesOutRecordsOlderThanTheWindow) {
    const std::string text = std::string(kNginxTransproxy) + "\n" + std::string(kPodmanJournald) + "\n";
    auto scan = scan_avc_text(text, 1421274762.359);
    ASSERT_EQ(scan.denials.size(), 1U);  // the nginx record is older; the journal form has no time: kept
    EXPECT_EQ(scan.denials[0].comm, "python3");
    EXPECT_EQ(scan.skipped_lines, 0);
}

TEST(AvcScan, FindsNothingInAnEmptyOrAnAvcFreeText) {
    EXPECT_THAT(scan_avc_text("", 0).denials, IsEmpty());
    EXPECT_THAT(scan_avc_text("type=USER_LOGIN msg=audit(1.0:2): pid=1\n\n", 0).denials, IsEmpty());
}

// Whatever bytes a log holds, the scan ends and counts; it never reads past its text.
TEST(AvcScan, SurvivesGarbageAndRecordsCutAtEveryByte) {
    const std::string record(kPodmanJournald);
    for (std::size_t cut = 0; cut <= record.size(); ++cut) (void)scan_avc_text(record.substr(0, cut), 0);
    unsigned state = 12345;
    std::string noise;
    for (int i = 0; i < 20000; ++i) {
        state = state * 1103515245U + 12345U;
        const char pick = static_cast<char>(state >> 16);
        noise += (i % 97 == 0) ? std::string("avc:  denied  { x } for tclass=") : std::string(1, pick);
    }
    const auto scan = scan_avc_text(noise, 0);
    EXPECT_TRUE(scan.denials.empty());
    EXPECT_GT(scan.skipped_lines, 0);
}

}  // namespace
}  // namespace dnd
