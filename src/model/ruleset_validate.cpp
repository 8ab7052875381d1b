#include "docknetdoctor/model/ruleset_validate.hpp"

#include <optional>

#include <fmt/format.h>

namespace dnd::nf {
namespace {

constexpr std::size_t kMaxDataBytes = 64;  // NFT_DATA_VALUE_MAXLEN

// Collects the first problem of one ruleset; the walk stops caring after it.
class Validator {
public:
    explicit Validator(std::string where) : where_(std::move(where)) {}

    Result<void> run(const Ruleset& ruleset) {
        for (std::size_t t = 0; t < ruleset.tables.size() && !problem_; ++t) table(ruleset.tables[t], t);
        if (problem_) return fail("facts-file", *problem_);
        return {};
    }

private:
    void report(const std::string& at, const std::string& what) {
        if (!problem_) problem_ = fmt::format("{}{}: {}", where_, at, what);
    }

    void table(const Table& t, std::size_t ti) {
        const std::string at = fmt::format(".tables[{}]", ti);
        for (std::size_t s = 0; s < t.sets.size(); ++s) set(t, t.sets[s], fmt::format("{}.sets[{}]", at, s));
        for (std::size_t c = 0; c < t.chains.size(); ++c) {
            const Chain& chain = t.chains[c];
            for (std::size_t r = 0; r < chain.rules.size(); ++r) {
                const Rule& rule = chain.rules[r];
                for (std::size_t e = 0; e < rule.exprs.size(); ++e)
                    expr(t, rule.exprs[e], fmt::format("{}.chains[{}].rules[{}].exprs[{}]", at, c, r, e));
            }
        }
    }

    void set(const Table& t, const Set& s, const std::string& at) {
        if (s.key_len == 0 || s.key_len > kMaxDataBytes)
            return report(at, fmt::format("key length {} is not 1 to {} bytes", s.key_len, kMaxDataBytes));
        if (s.data_len > kMaxDataBytes) return report(at, fmt::format("data length {} is over {} bytes", s.data_len, kMaxDataBytes));
        for (std::size_t i = 0; i < s.elements.size(); ++i) {
            const SetElement& el = s.elements[i];
            const std::string el_at = fmt::format("{}.elements[{}]", at, i);
            if (el.key.size() != s.key_len)
                return report(el_at, fmt::format("key of {} bytes in a set whose keys have {}", el.key.size(), s.key_len));
            if (!el.key_end.empty() && el.key_end.size() != s.key_len)
                return report(el_at, fmt::format("range end of {} bytes in a set whose keys have {}", el.key_end.size(),
                                                 s.key_len));
            if (el.data.size() > kMaxDataBytes) return report(el_at, fmt::format("data of {} bytes", el.data.size()));
            if (el.verdict) verdict(t, *el.verdict, el_at);
        }
    }

    void verdict(const Table& t, const Verdict& v, const std::string& at) {
        const bool names_chain = v.kind == Verdict::Kind::jump || v.kind == Verdict::Kind::goto_;
        if (names_chain && !t.find_chain(v.chain))
            report(at, fmt::format("{} to chain '{}', which is not in table {}", to_string(v.kind), v.chain, t.name));
    }

    // A register that exists and, from it, len bytes that stay inside the register file.
    void reg(Register r, std::size_t len, const std::string& at, std::string_view role) {
        auto off = register_offset(r);
        if (!off) return report(at, fmt::format("{} register {} does not exist", role, r));
        if (*off + len > kRegisterFileBytes)
            report(at, fmt::format("{} bytes from {} register {} overrun the registers", len, role, r));
    }
    void reg(const std::optional<Register>& r, std::size_t len, const std::string& at, std::string_view role) {
        if (r) reg(*r, len, at, role);
    }
    void data(std::size_t len, const std::string& at, std::string_view what) {
        if (len > kMaxDataBytes) report(at, fmt::format("{} of {} bytes (at most {})", what, len, kMaxDataBytes));
    }

    void expr(const Table& t, const Expr& e, const std::string& at) {
        visit_expr([&](const auto& x) { one(t, x, at); }, e);
    }

    void one(const Table&, const Payload& x, const std::string& at) {
        if (x.len == 0 || x.len > kMaxDataBytes) return report(at, fmt::format("payload length {} is not 1 to {}", x.len, kMaxDataBytes));
        if (x.offset > 0xffff) return report(at, fmt::format("payload offset {} is past any header", x.offset));
        if (x.sreg) return reg(*x.sreg, x.len, at, "source");
        reg(x.dreg, x.len, at, "destination");
    }
    void one(const Table&, const Cmp& x, const std::string& at) {
        data(x.data.size(), at, "compared data");
        reg(x.sreg, x.data.size(), at, "source");
    }
    void one(const Table&, const Meta& x, const std::string& at) {
        reg(x.dreg, 4, at, "destination");
        reg(x.sreg, 4, at, "source");
    }
    void one(const Table&, const Bitwise& x, const std::string& at) {
        data(x.len, at, "bitwise length");
        if (x.op == BitwiseOp::mask_xor && (x.mask.size() != x.len || x.xor_.size() != x.len))
            return report(at, fmt::format("bitwise mask and xor must have its length {}", x.len));
        reg(x.sreg, x.len, at, "source");
        reg(x.dreg, x.len, at, "destination");
    }
    void one(const Table&, const Range& x, const std::string& at) {
        if (x.from.size() != x.to.size()) return report(at, "range bounds of different lengths");
        data(x.from.size(), at, "range bound");
        reg(x.sreg, x.from.size(), at, "source");
    }
    void one(const Table& t, const Lookup& x, const std::string& at) {
        const Set* s = t.find_set(x.set);
        if (!s) return report(at, fmt::format("lookup in set '{}', which is not in table {}", x.set, t.name));
        reg(x.sreg, s->key_len, at, "source");
        if (x.dreg && *x.dreg != kRegVerdict) reg(*x.dreg, s->data_len, at, "destination");
    }
    void one(const Table&, const Ct& x, const std::string& at) {
        reg(x.dreg, 4, at, "destination");
        reg(x.sreg, 4, at, "source");
    }
    void one(const Table&, const Fib& x, const std::string& at) { reg(x.dreg, 4, at, "destination"); }
    void one(const Table&, const Nat& x, const std::string& at) {
        for (const auto& r : {x.reg_addr_min, x.reg_addr_max}) reg(r, 4, at, "address");
        for (const auto& r : {x.reg_proto_min, x.reg_proto_max}) reg(r, 2, at, "port");
    }
    void one(const Table& t, const Immediate& x, const std::string& at) {
        if (x.dreg == kRegVerdict) {
            if (!x.verdict) return report(at, "immediate into the verdict register without a verdict");
            return verdict(t, *x.verdict, at);
        }
        data(x.data.size(), at, "immediate data");
        reg(x.dreg, x.data.size(), at, "destination");
    }
    void one(const Table&, const Masq& x, const std::string& at) {
        for (const auto& r : {x.reg_proto_min, x.reg_proto_max}) reg(r, 2, at, "port");
    }
    void one(const Table&, const Redir& x, const std::string& at) {
        for (const auto& r : {x.reg_proto_min, x.reg_proto_max}) reg(r, 2, at, "port");
    }
    void one(const Table&, const LegacyIp& x, const std::string& at) {
        const std::size_t want = x.family == 6 ? 16 : 4;
        if (x.family != 4 && x.family != 6) return report(at, fmt::format("address family {} is not 4 or 6", x.family));
        for (const Bytes* b : {&x.src, &x.src_mask, &x.dst, &x.dst_mask})
            if (!b->empty() && b->size() != want)
                return report(at, fmt::format("an address or mask of {} bytes in an IPv{} header", b->size(), x.family));
    }
    // Counters, logs, limits, rejects, xt extensions and unknown expressions read no
    // register; the evaluator checks each xt structure's sizes where it matches.
    void one(const Table&, const auto&, const std::string&) {}

    std::string where_;
    std::optional<std::string> problem_;
};

}  // namespace

Result<void> validate_ruleset(const Ruleset& ruleset, const std::string& where) { return Validator(where).run(ruleset); }

}  // namespace dnd::nf
