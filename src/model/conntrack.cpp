// Conntrack entries for people and in JSON.
#include "docknetdoctor/model/conntrack.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/model/endpoint.hpp"
#include "docknetdoctor/model/sanitize.hpp"

namespace dnd {

std::string describe(const ConntrackEntry& e) {
    std::string flags;
    if (!e.tcp_state.empty()) flags += " " + e.tcp_state;
    if (!e.seen_reply) flags += " [UNREPLIED]";
    if (e.assured) flags += " [ASSURED]";
    return fmt::format("{} {} -> {}, answered from {}{}, {} s left", to_string(e.proto),
                       format_endpoint(e.family, sanitize(e.orig_src), e.orig_sport),
                       format_endpoint(e.family, sanitize(e.orig_dst), e.orig_dport),
                       format_endpoint(e.family, sanitize(e.reply_src), e.reply_sport), flags, e.timeout);
}

void to_json(nlohmann::json& j, const ConntrackEntry& e) {
    j = nlohmann::json{{"family", e.family},          {"proto", to_string(e.proto)}, {"orig_src", e.orig_src},
                       {"orig_dst", e.orig_dst},      {"orig_sport", e.orig_sport}, {"orig_dport", e.orig_dport},
                       {"reply_src", e.reply_src},    {"reply_dst", e.reply_dst},   {"reply_sport", e.reply_sport},
                       {"reply_dport", e.reply_dport}, {"seen_reply", e.seen_reply}, {"assured", e.assured},
                       {"tcp_state", e.tcp_state},    {"timeout", e.timeout}};
}

void from_json(const nlohmann::json& j, ConntrackEntry& e) {
    e.family = j.value("family", 4);
    e.proto = j.value("proto", std::string("tcp")) == "udp" ? Proto::udp : Proto::tcp;
    e.orig_src = j.value("orig_src", std::string());
    e.orig_dst = j.value("orig_dst", std::string());
    e.orig_sport = j.value("orig_sport", std::uint16_t{0});
    e.orig_dport = j.value("orig_dport", std::uint16_t{0});
    e.reply_src = j.value("reply_src", std::string());
    e.reply_dst = j.value("reply_dst", std::string());
    e.reply_sport = j.value("reply_sport", std::uint16_t{0});
    e.reply_dport = j.value("reply_dport", std::uint16_t{0});
    e.seen_reply = j.value("seen_reply", false);
    e.assured = j.value("assured", false);
    e.tcp_state = j.value("tcp_state", std::string());
    e.timeout = j.value("timeout", std::uint32_t{0});
}

}  // namespace dnd
