// The trace's kernel parts in a scratch network namespace: the table as nft itself lists it
// (the independent reading of the expressions built), the events of a real SYN decoded, and
// the table gone with its socket.
#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <fstream>

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
    EXPECT_NE(listed.out.find("tcp dport 8080 tcp flags syn / syn,ack fib daddr type local ip saddr 127.0.0.1 meta nftrace set 1"),
              std::string::npos)
        << listed.out;
    EXPECT_NE(listed.out.find("udp dport 5353 fib daddr type local ip saddr 127.0.0.1 meta nftrace set 1"), std::string::npos) << listed.out;

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

// 10,000 rules in one chain on output, 100 of which match a SYN to 8080 and only count it:
// the SYN's trace is more than 100 events, as a busy host's (~90 through firewalld) is.
class NftTraceBulk : public ::testing::Test {
protected:
    static constexpr int kMatching = 100;
    static constexpr int kRules = 10000;

    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, CAP_NET_ADMIN)";
        netns_.emplace("nft-trace-bulk");
        if (!netns_->ok()) GTEST_SKIP() << "cannot create a network namespace";
        std::string rules = "table inet bulk {\n chain out {\n  type filter hook output priority 0;\n";
        for (int i = 0; i < kRules; ++i)
            rules += i % (kRules / kMatching) == 0 ? "  tcp dport 8080 counter\n" : "  tcp dport 9000 counter\n";
        rules += " }\n}\n";
        const std::string file = "/tmp/dnd-nft-trace-bulk." + std::to_string(::getpid()) + ".nft";
        { std::ofstream(file) << rules; }
        const auto loaded = netns_->run({"nft", "-f", file});
        std::remove(file.c_str());
        ASSERT_TRUE(loaded.ok()) << loaded.describe();
    }

    // Arms the trace with a listener of the given receive buffer, sends one SYN to
    // 127.0.0.1:8080 and reads until a quiet 200 ms: the events, or the listener's error.
    Result<std::vector<TraceEvent>> trace_one_syn(int receive_buffer) {
        std::optional<TraceListener> listener;
        std::optional<TraceTable> table;
        std::string error;
        netns_->inside([&] {
            auto l = TraceListener::open(receive_buffer);
            if (!l) return void(error = l.error().message);
            listener.emplace(std::move(*l));
            auto t = TraceTable::arm(TraceFilter{{{8080, Proto::tcp}}, std::nullopt});
            if (!t) return void(error = t.error().message);
            table.emplace(std::move(*t));
            const std::vector<ProbeTarget> syn{{"127.0.0.1", 8080, Proto::tcp, "test"}};
            (void)probe_batch(syn, std::chrono::milliseconds(300));
        });
        if (!table) return fail("test", error);
        // The SYN was sent and traced before inside() returned: its events are queued; read
        // until a read brings nothing more.
        std::vector<TraceEvent> events;
        for (std::size_t before = 0;; before = events.size()) {
            if (auto got = listener->receive(std::chrono::milliseconds(200), events); !got) return std::unexpected(got.error());
            if (events.size() == before) return events;
        }
    }

    std::optional<ScratchNetns> netns_;
};

TEST_F(NftTraceBulk, EveryEventOfASynThroughTenThousandRulesIsReceived) {
    auto events = trace_one_syn(TraceListener::kReceiveBuffer);
    ASSERT_TRUE(events) << events.error().message;
    int counted = 0, policies = 0;
    for (const TraceEvent& e : *events) {
        if (e.table != "bulk") continue;
        // (the kernel also sends a handle-less "continue" where the rules end, before the policy)
        if (e.kind == TraceEvent::Kind::rule && e.rule_handle && e.verdict == "continue") ++counted;
        if (e.kind == TraceEvent::Kind::policy) ++policies;
    }
    EXPECT_EQ(counted, kMatching) << "the SYN matches every counting rule once: " << events->size() << " events";
    EXPECT_GE(policies, 1);
}

TEST_F(NftTraceBulk, EventsTheKernelCouldNotQueueAreReportedNotLost) {
    auto events = trace_one_syn(4096);  // a receive buffer a few events fill
    ASSERT_FALSE(events) << events->size() << " events and no overflow reported";
    EXPECT_EQ(events.error().message,
              "the kernel dropped trace events: they came faster than they were read (its receive buffer "
              "overflowed); what was traced is incomplete");
}

// A container publishing a port range: a marking rule a port in each marking chain, all in
// one batch (its buffer sized for them), up to the limit; beyond it, one line.
TEST(NftTrace, ManyPortsFitInOneTableAndTooManyAreRefused) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, CAP_NET_ADMIN)";
    ScratchNetns netns("nft-trace-ports");
    if (!netns.ok()) GTEST_SKIP() << "cannot create a network namespace";
    TraceFilter filter;
    for (std::uint16_t p = 0; p < kMaxTracedPorts; ++p) filter.ports.push_back({static_cast<std::uint16_t>(20000 + p), Proto::tcp});
    filter.from = std::string("2001:db8::77");  // the longest marking rule
    std::optional<TraceTable> table;
    std::string error;
    netns.inside([&] {
        auto t = TraceTable::arm(filter);
        if (!t) return void(error = t.error().message);
        table.emplace(std::move(*t));
    });
    ASSERT_TRUE(table) << error;
    const auto listed = netns.run({"nft", "list", "chain", "inet", table->name(), "prerouting"});
    EXPECT_EQ(std::count(listed.out.begin(), listed.out.end(), '\n'), static_cast<long>(kMaxTracedPorts) + 5) << listed.out;
    table.reset();

    filter.ports.push_back({30000, Proto::tcp});
    netns.inside([&] {
        auto t = TraceTable::arm(filter);
        error = t ? std::string() : t.error().message;
    });
    EXPECT_EQ(error, "257 published ports: a trace follows at most 256 at once (name one with --port)");
}

TEST(NftTrace, ARefusedTableIsOneLineSayingWhy) {
    EXPECT_EQ(trace_table_refusal(EPERM),
              "cannot add the trace's table: permission denied (tracing needs CAP_NET_ADMIN; run as root)");
    EXPECT_EQ(trace_table_refusal(EACCES), trace_table_refusal(EPERM));
    EXPECT_EQ(trace_table_refusal(EOPNOTSUPP),
              "this kernel cannot tie a table to its owner (NFT_TABLE_F_OWNER, Linux 5.12 and later): not tracing, "
              "rather than leave a table that could outlive the trace");
}

}  // namespace
}  // namespace dnd
