// Recorded nftables dump messages -> Ruleset. Objects arrive in kind order (tables, chains,
// sets, rules, set elements) but are matched by name, so any order of messages works.
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <fmt/format.h>

#include <cstring>
#include <limits>
#include <map>
#include <tuple>

#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "nft_dump_parse.hpp"
#include "nft_expr_decode.hpp"
#include "netlink_dump.hpp"
#include "nft_handles.hpp"
#include "nft_message_policy.hpp"

namespace dnd::nf {
namespace {

const char* kSource = "nftables";

std::string get_str(const char* s) { return s != nullptr ? std::string(s) : std::string{}; }

Bytes elem_bytes(nftnl_set_elem* e, std::uint16_t attr) {
    if (!nftnl_set_elem_is_set(e, attr)) return {};
    std::uint32_t len = 0;
    const auto* p = static_cast<const std::uint8_t*>(nftnl_set_elem_get(e, attr, &len));
    return p != nullptr ? Bytes(p, p + len) : Bytes{};
}

std::optional<Hook> hook_of(Family family, std::uint32_t hooknum) {
    if (family == Family::netdev) {
        if (hooknum == NF_NETDEV_INGRESS) return Hook::ingress;
        if (hooknum == 1 /* NF_NETDEV_EGRESS */) return Hook::egress;
        return std::nullopt;
    }
    switch (hooknum) {
    case NF_INET_PRE_ROUTING: return Hook::prerouting;
    case NF_INET_LOCAL_IN: return Hook::input;
    case NF_INET_FORWARD: return Hook::forward;
    case NF_INET_LOCAL_OUT: return Hook::output;
    case NF_INET_POST_ROUTING: return Hook::postrouting;
    case NF_INET_INGRESS: return Hook::ingress;
    default: return std::nullopt;
    }
}

int xt_family_of(Family f) { return f == Family::ip6 ? 6 : 4; }

// Counted first so that a rule's expressions are allocated once, not grown one by one.
std::size_t expression_count(nftnl_rule* rule) {
    std::size_t count = 0;
    nftnl_expr_foreach(rule, [](nftnl_expr*, void* data) {
        ++*static_cast<std::size_t*>(data);
        return 0;
    }, &count);
    return count;
}

using TableKey = std::tuple<Family, std::string>;

}  // namespace

class NftDumpParser::Assembler {
public:
    Result<void> add(const nlmsghdr* received) {
        if (received->nlmsg_len < NLMSG_LENGTH(sizeof(nfgenmsg)))
            return fail(kSource, "a message shorter than its headers in the nftables dump");
        const nlmsghdr* nlh = padded_.copy(*received);
        if (auto fits = check_nftables_message(nlh); !fits) return fits;
        switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
        case NFT_MSG_NEWGEN: return add_gen(nlh);
        case NFT_MSG_NEWTABLE: return add_table(nlh);
        case NFT_MSG_NEWCHAIN: return add_chain(nlh);
        case NFT_MSG_NEWSET: return add_set(nlh);
        case NFT_MSG_NEWRULE: return add_rule(nlh);
        case NFT_MSG_NEWSETELEM: return add_elements(nlh);
        default: return {};  // objects, flowtables ...: not modelled
        }
    }

    Ruleset finish() { return std::move(ruleset_); }

private:
    static Result<void> parse_error(std::string_view what) {
        return fail(kSource, fmt::format("malformed {} message in the nftables dump", what));
    }

    Table* find_table(Family family, const std::string& name) {
        auto it = tables_.find({family, name});
        return it == tables_.end() ? nullptr : &ruleset_.tables[it->second];
    }

    Result<void> add_gen(const nlmsghdr* nlh) {
        NftGenPtr gen(nftnl_gen_alloc());
        if (!gen || nftnl_gen_nlmsg_parse(nlh, gen.get()) < 0) return parse_error("generation");
        ruleset_.generation = nftnl_gen_get_u32(gen.get(), NFTNL_GEN_ID);
        return {};
    }

    Result<void> add_table(const nlmsghdr* nlh) {
        NftTablePtr t(nftnl_table_alloc());
        if (!t || nftnl_table_nlmsg_parse(nlh, t.get()) < 0) return parse_error("table");
        Table table;
        table.family = family_from_nfproto(nftnl_table_get_u32(t.get(), NFTNL_TABLE_FAMILY));
        table.name = get_str(nftnl_table_get_str(t.get(), NFTNL_TABLE_NAME));
        table.flags = nftnl_table_get_u32(t.get(), NFTNL_TABLE_FLAGS);
        table.handle = nftnl_table_get_u64(t.get(), NFTNL_TABLE_HANDLE);
        tables_[{table.family, table.name}] = ruleset_.tables.size();
        ruleset_.tables.push_back(std::move(table));
        return {};
    }

    Result<void> add_chain(const nlmsghdr* nlh) {
        NftChainPtr c(nftnl_chain_alloc());
        if (!c || nftnl_chain_nlmsg_parse(nlh, c.get()) < 0) return parse_error("chain");
        Family family = family_from_nfproto(nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_FAMILY));
        std::string table_name = get_str(nftnl_chain_get_str(c.get(), NFTNL_CHAIN_TABLE));
        Table* table = find_table(family, table_name);
        if (table == nullptr)
            return fail(kSource, fmt::format("chain for unknown table {} {}", to_string(family), table_name));
        Chain chain;
        chain.name = get_str(nftnl_chain_get_str(c.get(), NFTNL_CHAIN_NAME));
        chain.handle = nftnl_chain_get_u64(c.get(), NFTNL_CHAIN_HANDLE);
        if (nftnl_chain_is_set(c.get(), NFTNL_CHAIN_HOOKNUM)) {
            BaseChain base;
            auto hook = hook_of(family, nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_HOOKNUM));
            if (!hook) return parse_error("chain hook");
            base.hook = *hook;
            base.priority = nftnl_chain_get_s32(c.get(), NFTNL_CHAIN_PRIO);
            std::string type = get_str(nftnl_chain_get_str(c.get(), NFTNL_CHAIN_TYPE));
            base.type = type == "nat" ? ChainType::nat : type == "route" ? ChainType::route : ChainType::filter;
            base.policy = nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_POLICY) == NF_DROP ? Verdict::Kind::drop
                                                                                     : Verdict::Kind::accept;
            if (nftnl_chain_is_set(c.get(), NFTNL_CHAIN_DEV))
                base.device = get_str(nftnl_chain_get_str(c.get(), NFTNL_CHAIN_DEV));
            chain.base = std::move(base);
        }
        std::size_t table_index = tables_.at({family, table_name});
        chains_[{family, table_name, chain.name}] = {table_index, table->chains.size()};
        table->chains.push_back(std::move(chain));
        return {};
    }

    Result<void> add_set(const nlmsghdr* nlh) {
        NftSetPtr s(nftnl_set_alloc());
        if (!s || nftnl_set_nlmsg_parse(nlh, s.get()) < 0) return parse_error("set");
        Family family = family_from_nfproto(nftnl_set_get_u32(s.get(), NFTNL_SET_FAMILY));
        std::string table_name = get_str(nftnl_set_get_str(s.get(), NFTNL_SET_TABLE));
        Table* table = find_table(family, table_name);
        if (table == nullptr)
            return fail(kSource, fmt::format("set for unknown table {} {}", to_string(family), table_name));
        Set set;
        set.name = get_str(nftnl_set_get_str(s.get(), NFTNL_SET_NAME));
        set.handle = nftnl_set_get_u64(s.get(), NFTNL_SET_HANDLE);
        set.id = nftnl_set_get_u32(s.get(), NFTNL_SET_ID);
        set.flags = nftnl_set_get_u32(s.get(), NFTNL_SET_FLAGS);
        set.key_type = nftnl_set_get_u32(s.get(), NFTNL_SET_KEY_TYPE);
        set.key_len = nftnl_set_get_u32(s.get(), NFTNL_SET_KEY_LEN);
        set.data_type = nftnl_set_get_u32(s.get(), NFTNL_SET_DATA_TYPE);
        set.data_len = nftnl_set_get_u32(s.get(), NFTNL_SET_DATA_LEN);
        sets_[{family, table_name, set.name}] = {tables_.at({family, table_name}), table->sets.size()};
        table->sets.push_back(std::move(set));
        return {};
    }

    Result<void> add_rule(const nlmsghdr* nlh) {
        NftRulePtr r(nftnl_rule_alloc());
        if (!r || nftnl_rule_nlmsg_parse(nlh, r.get()) < 0) return parse_error("rule");
        Family family = family_from_nfproto(nftnl_rule_get_u32(r.get(), NFTNL_RULE_FAMILY));
        std::string table_name = get_str(nftnl_rule_get_str(r.get(), NFTNL_RULE_TABLE));
        std::string chain_name = get_str(nftnl_rule_get_str(r.get(), NFTNL_RULE_CHAIN));
        auto it = chains_.find({family, table_name, chain_name});
        if (it == chains_.end())
            return fail(kSource, fmt::format("rule for unknown chain {} {} {}", to_string(family), table_name, chain_name));
        Chain& chain = ruleset_.tables[it->second.first].chains[it->second.second];

        Rule rule;
        rule.handle = nftnl_rule_get_u64(r.get(), NFTNL_RULE_HANDLE);
        rule.position = static_cast<std::uint32_t>(chain.rules.size());
        if (nftnl_rule_is_set(r.get(), NFTNL_RULE_COMPAT_PROTO))
            rule.compat = RuleCompat{nftnl_rule_get_u32(r.get(), NFTNL_RULE_COMPAT_PROTO),
                                     nftnl_rule_get_u32(r.get(), NFTNL_RULE_COMPAT_FLAGS)};
        if (nftnl_rule_is_set(r.get(), NFTNL_RULE_USERDATA)) {
            std::uint32_t len = 0;
            const auto* p = static_cast<const std::uint8_t*>(nftnl_rule_get_data(r.get(), NFTNL_RULE_USERDATA, &len));
            if (p != nullptr) rule.comment = rule_userdata_comment({p, len});
        }
        NftExprIterPtr iter(nftnl_expr_iter_create(r.get()));
        if (!iter) return parse_error("rule");
        int xt_family = xt_family_of(family);
        rule.exprs.reserve(expression_count(r.get()));
        for (nftnl_expr* e = nftnl_expr_iter_next(iter.get()); e != nullptr; e = nftnl_expr_iter_next(iter.get())) {
            rule.exprs.push_back(decode_nft_expr(e, xt_family));
            if (const auto* xt = expr_if<Xt>(rule.exprs.back()); xt != nullptr && rule.comment.empty())
                if (const auto* c = std::get_if<XtComment>(&xt->decoded)) rule.comment = c->text;
        }
        chain.rules.push_back(std::move(rule));
        return {};
    }

    Result<void> add_elements(const nlmsghdr* nlh) {
        NftSetPtr s(nftnl_set_alloc());
        if (!s || nftnl_set_elems_nlmsg_parse(nlh, s.get()) < 0) return parse_error("set element");
        Family family = family_from_nfproto(nftnl_set_get_u32(s.get(), NFTNL_SET_FAMILY));
        std::string table_name = get_str(nftnl_set_get_str(s.get(), NFTNL_SET_TABLE));
        std::string set_name = get_str(nftnl_set_get_str(s.get(), NFTNL_SET_NAME));
        auto it = sets_.find({family, table_name, set_name});
        if (it == sets_.end())
            return fail(kSource, fmt::format("elements for unknown set {} {} {}", to_string(family), table_name, set_name));
        Set& set = ruleset_.tables[it->second.first].sets[it->second.second];
        set.elements_loaded = true;
        struct Context {
            Set* set;
            bool bad_verdict = false;
        } context{&set};
        nftnl_set_elem_foreach(s.get(), [](nftnl_set_elem* e, void* data) -> int {
            auto& ctx = *static_cast<Context*>(data);
            SetElement element;
            element.key = elem_bytes(e, NFTNL_SET_ELEM_KEY);
            element.key_end = elem_bytes(e, NFTNL_SET_ELEM_KEY_END);
            if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS))
                element.interval_end = (nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) & NFT_SET_ELEM_INTERVAL_END) != 0;
            if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_VERDICT)) {
                auto kind = verdict_kind_from_code(static_cast<std::int32_t>(nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_VERDICT)));
                if (!kind) {
                    ctx.bad_verdict = true;
                    return -1;
                }
                element.verdict = Verdict{*kind, nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_CHAIN)
                                                     ? get_str(nftnl_set_elem_get_str(e, NFTNL_SET_ELEM_CHAIN))
                                                     : std::string{}};
            } else {
                element.data = elem_bytes(e, NFTNL_SET_ELEM_DATA);
            }
            ctx.set->elements.push_back(std::move(element));
            return 0;
        }, &context);
        if (context.bad_verdict) return parse_error("set element verdict");
        return {};
    }

    using ObjectKey = std::tuple<Family, std::string, std::string>;
    PaddedMessage padded_;
    Ruleset ruleset_;
    std::map<TableKey, std::size_t> tables_;
    std::map<ObjectKey, std::pair<std::size_t, std::size_t>> chains_;  // -> table, chain index
    std::map<ObjectKey, std::pair<std::size_t, std::size_t>> sets_;
};

NftDumpParser::NftDumpParser() : assembler_(std::make_unique<Assembler>()) {}
NftDumpParser::~NftDumpParser() = default;
NftDumpParser::NftDumpParser(NftDumpParser&&) noexcept = default;
NftDumpParser& NftDumpParser::operator=(NftDumpParser&&) noexcept = default;

void NftDumpParser::add(const nlmsghdr& message) {
    if (error_) return;
    if (message.nlmsg_type == NLMSG_DONE || message.nlmsg_type == NLMSG_ERROR || message.nlmsg_type == NLMSG_NOOP)
        return;
    if (NFNL_SUBSYS_ID(message.nlmsg_type) != NFNL_SUBSYS_NFTABLES) return;
    if (auto added = assembler_->add(&message); !added) error_ = std::move(added.error());
}

Result<Ruleset> NftDumpParser::finish() && {
    if (error_) return std::unexpected(std::move(*error_));
    return assembler_->finish();
}

Result<Ruleset> parse_nftables_dump(std::span<const std::uint8_t> messages) {
    if (messages.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return fail(kSource, "nftables dump too large");
    NftDumpParser parser;
    const std::size_t left_over = netlink::for_each_message(messages, [&parser](const nlmsghdr& m) { parser.add(m); });
    auto ruleset = std::move(parser).finish();
    if (ruleset && left_over != 0) return fail(kSource, "truncated netlink message in the nftables dump");
    return ruleset;
}

}  // namespace dnd::nf
