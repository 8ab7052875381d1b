#pragma once
// The live trace's plain data: what the kernel reported of a traced packet at each rule or
// chain end (nftables' NFNLGRP_NFTRACE events; made into a path by path/trace_path), how
// that path compares with the evaluator's prediction, and what `trace` reports.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/packet_path.hpp"

namespace dnd {

struct TraceEvent {
    enum class Kind { rule, chain_end, policy };  // NFT_TRACETYPE_RULE, _RETURN, _POLICY

    std::uint32_t id = 0;    // the kernel's id of the traced packet (a hash: it may repeat)
    std::string family;      // "ip", "ip6", "inet" ...
    std::string table;
    std::string chain;
    Kind kind = Kind::rule;
    std::optional<std::uint64_t> rule_handle;  // rule events only
    std::string verdict;     // "accept", "drop", "continue", "return", "jump CHAIN", "goto CHAIN", "queue", "stolen"
    std::string iif;         // interface names ("" when the kernel sent none)
    std::string oif;
    Packet packet;           // the addresses and ports in the headers the kernel sent (after NAT so far)
};

struct TraceComparison {
    enum class Outcome {
        confirmed,         // same fate, decided by the same rule
        contradicted,      // the kernel went another way: `at` is where
        decided_by_trace,  // the evaluator said unknown; the trace is the answer
        inconclusive,      // the trace itself ended without a verdict
    };
    Outcome outcome = Outcome::inconclusive;
    std::string at;    // contradicted: the first step (hook, chain, rule) where the two part
    std::string text;  // one line for people
};

std::string_view to_string(TraceComparison::Outcome o);  // "confirmed", "contradicted" ...

struct TraceReport {
    std::string container;
    PathResult traced;     // the kernel's path (nftables only)
    PathResult predicted;  // the evaluator's, for the same packet
    TraceComparison comparison;
    std::vector<std::string> blind_spots;  // what the trace could not see
};

// 0 when the traced packet passed every hook, 2 when the kernel dropped or rejected it, 3
// when the trace ended without a verdict: the diagnosis's exit codes.
int trace_exit_code(const TraceReport& r);

}  // namespace dnd
