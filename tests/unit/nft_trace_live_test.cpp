// The trace's kernel parts in a scratch network namespace: the table as nft itself lists it
// (the independent reading of the expressions built), the events of a real SYN decoded, and
// the table gone with its socket.
#include <unistd.h>

#include <gtest/gtest.h>

#include "scratch_netns.hpp"
#include "docknetdoctor/collect/nft_trace.hpp"
#include "docknetdoctor/probe/probe.hpp"

namespace dnd {
namespace {

using testing::ScratchNetns;

TEST(NftTrace, TheArmedTableMarksTheSynToThePortsAndGoesWithItsSocket) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, CAP_NET_ADMIN)";
    ScratchNetns netns("nft-trace");
    if (!netns.ok()) GTEST_SKIP() << "cannot create a network namespace";

    std::optional<TraceListener> listener;
    std::optional<TraceTable> table;
    std::string error;
    netns.inside([&] {  // the sockets stay in the namespace they were made in
        auto l = TraceListener::open();
        if (!l) return void(error = l.error().message);
        listener.emplace(std::move(*l));
        auto t = TraceTable::arm(TraceFilter{{{8080, Proto::tcp}, {5353, Proto::udp}}, std::string("127.0.0.1")});
        if (!t) return void(error = t.error().message);
        table.emplace(std::move(*t));
    });
    ASSERT_TRUE(table) << error;
    EXPECT_EQ(table->name(), "docknetdoctor_trace_" + std::to_string(::getpid()));

    const auto listed = netns.run({"nft", "list", "table", "inet", table->name()});
    ASSERT_TRUE(listed.ok()) << listed.describe();
    EXPECT_NE(listed.out.find("flags owner"), std::string::npos) << listed.out;
    EXPECT_EQ(listed.out.find("persist"), std::string::npos) << listed.out;
    for (const char* hook : {"type filter hook prerouting priority -350; policy accept;",
                             "type filter hook output priority -350; policy accept;"})
        EXPECT_NE(listed.out.find(hook), std::string::npos) << hook << "\n" << listed.out;
    EXPECT_NE(listed.out.find("tcp dport 8080 tcp flags syn / syn,ack ip saddr 127.0.0.1 meta nftrace set 1"),
              std::string::npos)
        << listed.out;
    EXPECT_NE(listed.out.find("udp dport 5353 ip saddr 127.0.0.1 meta nftrace set 1"), std::string::npos) << listed.out;

    // A real SYN to 127.0.0.1:8080 (nothing listens: refused), traced on output.
    netns.inside([] {
        const std::vector<ProbeTarget> syn{{"127.0.0.1", 8080, Proto::tcp, "test"}};
        (void)probe_batch(syn, std::chrono::milliseconds(500));
    });
    std::vector<TraceEvent> events;
    for (int i = 0; i < 20 && events.empty(); ++i) ASSERT_TRUE(listener->receive(std::chrono::milliseconds(50), events));
    ASSERT_FALSE(events.empty()) << "no trace event for a real SYN";
    const TraceEvent& first = events.front();
    EXPECT_EQ(first.table, table->name());
    EXPECT_EQ(first.family, "inet");
    EXPECT_EQ(first.chain, "output");
    EXPECT_EQ(first.packet.saddr, "127.0.0.1");
    EXPECT_EQ(first.packet.daddr, "127.0.0.1");
    EXPECT_EQ(first.packet.dport, 8080);
    EXPECT_EQ(first.packet.proto, Proto::tcp);
    EXPECT_EQ(first.oif, "lo");

    table.reset();
    const auto after = netns.run({"nft", "list", "tables"});
    EXPECT_EQ(after.out.find("docknetdoctor_trace"), std::string::npos) << after.out;
}

TEST(NftTrace, ARefusedTableIsOneLineSayingWhy) {
    EXPECT_EQ(trace_table_refusal(EPERM),
              "cannot add the trace's table: permission denied (tracing needs CAP_NET_ADMIN; run as root)");
    EXPECT_EQ(trace_table_refusal(EOPNOTSUPP),
              "this kernel cannot tie a table to its owner (NFT_TABLE_F_OWNER, Linux 5.12 and later): not tracing, "
              "rather than leave a table that could outlive the trace");
}

}  // namespace
}  // namespace dnd
