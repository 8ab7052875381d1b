// Expressions kept in a box (Xt, LegacyIp): they copy as values and read as what they hold.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/model/ruleset.hpp"

namespace dnd::nf {
namespace {

struct Seen {
    std::string operator()(const LegacyIp& ip) const { return "legacy ip proto " + std::to_string(ip.proto); }
    std::string operator()(const Xt& x) const { return "xt " + x.name; }
    std::string operator()(const auto&) const { return "other"; }
};

Expr xt_match(std::string name) { return Xt{false, std::move(name), 0, {}, Bytes{1, 2}}; }

TEST(BoxedExpression, ACopyIsItsOwnValue) {
    const Expr original = xt_match("tcp");
    Expr copy = original;
    std::get<Boxed<Xt>>(copy)->name = "udp";
    EXPECT_EQ(expr_if<Xt>(original)->name, "tcp");
    EXPECT_EQ(expr_if<Xt>(copy)->name, "udp");

    Expr assigned = xt_match("comment");
    assigned = original;
    EXPECT_EQ(expr_if<Xt>(assigned)->name, "tcp");
    EXPECT_EQ(nlohmann::json(assigned), nlohmann::json(original));
}

TEST(BoxedExpression, ReadsAsWhatItHolds) {
    LegacyIp header;
    header.proto = 6;
    const Expr boxed = header;
    EXPECT_EQ(expr_if<LegacyIp>(boxed)->proto, 6);
    EXPECT_EQ(expr_if<Xt>(boxed), nullptr);
    EXPECT_EQ(expr_if<Cmp>(boxed), nullptr);
    const Expr cmp = Cmp{};
    EXPECT_NE(expr_if<Cmp>(cmp), nullptr);

    // The catch-all would take a Boxed<T> itself if visit_expr did not unbox it.
    EXPECT_EQ(visit_expr(Seen{}, boxed), "legacy ip proto 6");
    EXPECT_EQ(visit_expr(Seen{}, xt_match("tcp")), "xt tcp");
    EXPECT_EQ(visit_expr(Seen{}, cmp), "other");
}

TEST(BoxedExpression, RoundTripsThroughJson) {
    const Expr original = xt_match("multiport");
    const Expr back = nlohmann::json(original).get<Expr>();
    ASSERT_NE(expr_if<Xt>(back), nullptr);
    EXPECT_EQ(expr_if<Xt>(back)->name, "multiport");
    EXPECT_EQ(expr_if<Xt>(back)->info, (Bytes{1, 2}));
}

}  // namespace
}  // namespace dnd::nf
