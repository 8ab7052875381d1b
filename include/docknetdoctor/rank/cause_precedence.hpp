#pragma once
// Which cause is the root of another when both fire: the ranker puts the root first, whatever
// the probes say about either, because the other only holds while the root does (a crash
// loop is why nothing listens; a discarded -p is why the mapped port is dead).
#include <span>
#include <string_view>

namespace dnd {

struct CausePrecedence {
    std::string_view root;     // the cause closer to the root of the failure
    std::string_view follows;  // a cause that follows from it when both fire
    std::string_view why;      // one line, for people reading the table and the tests
};

// The whole table (src/rank/cause_precedence.cpp). Acyclic; every id is in the catalog.
std::span<const CausePrecedence> cause_precedence();

// True when the table says ROOT leads FOLLOWS.
bool is_root_of(std::string_view root, std::string_view follows);

}  // namespace dnd
