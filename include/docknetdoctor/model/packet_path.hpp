#pragma once
// A packet and the path the evaluator found for it (path/evaluate.hpp): every step and the
// rule or policy that decided. Plain data: the collectors store it in Facts, the checks and
// renderers read it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/host_network.hpp"
#include "docknetdoctor/model/port.hpp"

namespace dnd {

struct Packet {
    int family = 4;
    std::string iif;              // interface it arrives on ("" = locally generated)
    std::string saddr;
    std::string daddr;
    Proto proto = Proto::tcp;
    std::uint16_t sport = 40000;
    std::uint16_t dport = 0;
    // conntrack state is "new" (first packet of a connection).
};

enum class StepResult { matched_accept, matched_drop, matched_reject, dnat, snat, jump, goto_,
                        return_, policy, unknown, route };

struct PathStep {
    std::string hook;             // "prerouting", "routing", "forward", "input", "postrouting"
    std::string where;            // "ip nat PREROUTING" / "iptables-legacy ip filter FORWARD"
    std::optional<std::uint64_t> rule_handle;
    std::string rule;             // nft syntax (format_rule) or "policy drop"
    StepResult result = StepResult::unknown;
    std::string note;             // "daddr rewritten to 172.17.0.2:80", "no route" ...
};

// delivered_local: reaches a local socket (input hook passed); forwarded: routed out of
// out_interface (e.g. to a container after DNAT); sent: locally generated (--from a local
// address) and leaving through out_interface.
enum class PathVerdict { delivered_local, forwarded, sent, dropped, rejected, unknown };

struct PathResult {
    Packet packet;                // as it entered
    Packet final_packet;          // after DNAT
    std::vector<PathStep> steps;  // every decision, in order
    PathVerdict verdict = PathVerdict::unknown;
    std::string decided_by;       // the rule/policy that decided (nft syntax), or why unknown
    std::string decided_hook;     // hook of the deciding step
    // forwarded/sent: the output interface; also where a routed packet refused in forward or
    // postrouting, or a rerouted one refused, was headed
    std::string out_interface;
};

std::string_view to_string(PathVerdict v);
std::string_view to_string(StepResult r);
void to_json(nlohmann::json& j, const PathResult& p);
void from_json(const nlohmann::json& j, PathResult& p);

}  // namespace dnd
