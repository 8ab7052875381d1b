#pragma once
// The live trace's plain data: what the kernel reported of a traced packet at each rule or
// chain end (nftables' NFNLGRP_NFTRACE events; made into a path by path/trace_path), how
// that path compares with the evaluator's prediction, and what `trace` reports.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/conntrack.hpp"
#include "docknetdoctor/model/packet_path.hpp"
#include "docknetdoctor/model/ruleset.hpp"

namespace dnd {

struct TraceEvent {
    enum class Kind { rule, chain_end, policy };  // NFT_TRACETYPE_RULE, _RETURN, _POLICY

    std::uint32_t id = 0;    // the kernel's id of the traced packet (a hash: it may repeat)
    std::string family;      // "ip", "ip6", "inet" ...
    std::string table;
    std::string chain;
    Kind kind = Kind::rule;
    std::optional<std::uint64_t> rule_handle;  // rule events only (nftables)
    // iptables-legacy's records (through the netfilter logger): the hook they were made in
    // and the rule's number in its chain, counted from 1 (the policy's: one past the last).
    bool legacy = false;
    std::string hook;
    std::uint32_t rule_number = 0;
    std::string verdict;     // "accept", "drop", "continue", "return", "jump CHAIN", "goto CHAIN", "queue", "stolen"
    std::string iif;         // interface names ("" when the kernel sent none)
    std::string oif;
    Packet packet;           // the addresses and ports in the headers the kernel sent (after NAT so far)
};

// The tracer's own chains, one table: the marking chains first in prerouting and output
// (they set nftrace, so their events are also where a packet is first seen), then a chain
// first and one last in every hook, with no rules: their policy events say that the marked
// packet entered a hook, and that it got through all of it. Between those, where it died
// shows even where nftables has no chain or cannot see (iptables-legacy, routing).
struct TraceChain {
    std::string_view name;
    nf::Hook hook;
    int priority;
    enum class Role { marks, entered, passed } role;
};
inline constexpr int kTraceMarkPriority = -350;      // before raw (-300), conntrack (-200) and NAT (-100)
inline constexpr int kTraceEnteredPriority = -500;   // before anything in the hook (defrag is -400)
inline constexpr int kTracePassedPriority = 10000;   // after every table (filter 0, security 50, helpers 300)
inline constexpr TraceChain kTraceChains[] = {
    {"prerouting", nf::Hook::prerouting, kTraceMarkPriority, TraceChain::Role::marks},
    {"output", nf::Hook::output, kTraceMarkPriority, TraceChain::Role::marks},
    {"entered_input", nf::Hook::input, kTraceEnteredPriority, TraceChain::Role::entered},
    {"entered_forward", nf::Hook::forward, kTraceEnteredPriority, TraceChain::Role::entered},
    {"entered_postrouting", nf::Hook::postrouting, kTraceEnteredPriority, TraceChain::Role::entered},
    {"passed_prerouting", nf::Hook::prerouting, kTracePassedPriority, TraceChain::Role::passed},
    {"passed_input", nf::Hook::input, kTracePassedPriority, TraceChain::Role::passed},
    {"passed_forward", nf::Hook::forward, kTracePassedPriority, TraceChain::Role::passed},
    {"passed_output", nf::Hook::output, kTracePassedPriority, TraceChain::Role::passed},
    {"passed_postrouting", nf::Hook::postrouting, kTracePassedPriority, TraceChain::Role::passed},
};
const TraceChain* find_trace_chain(std::string_view name);

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
    PathResult traced;     // the kernel's path (nftables' events, iptables-legacy's records)
    PathResult predicted;  // the evaluator's, for the same packet
    TraceComparison comparison;
    // The traced flow's conntrack entry, read right after the trace: where NAT sent it and
    // its state. nullopt: none (a packet dropped before conntrack confirmed it leaves none).
    std::optional<ConntrackEntry> conntrack;
    std::vector<std::string> blind_spots;  // what the trace could not see
};

// 0 when the traced packet passed every hook, 2 when the kernel dropped or rejected it, 3
// when the trace ended without a verdict: the diagnosis's exit codes.
int trace_exit_code(const TraceReport& r);

}  // namespace dnd
