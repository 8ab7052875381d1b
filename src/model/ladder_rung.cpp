// Names of the localization ladder's rungs (facts.hpp): one table for JSON and people.
#include <array>

#include "docknetdoctor/model/facts.hpp"

namespace dnd {
namespace {

struct RungNames {
    Rung rung;
    std::string_view id;
    std::string_view title;
};

constexpr std::array<RungNames, 4> kRungs{{
    {Rung::container_loopback, "container-loopback", "container loopback"},
    {Rung::container_address, "container-address", "container address"},
    {Rung::host_to_container, "host-to-container", "host to container"},
    {Rung::host_published, "host-published", "published address"},
}};

const RungNames& names_of(Rung r) {
    for (const auto& n : kRungs)
        if (n.rung == r) return n;
    return kRungs.front();
}

}  // namespace

std::string_view to_string(Rung r) { return names_of(r).id; }
std::string_view rung_title(Rung r) { return names_of(r).title; }
int rung_number(Rung r) { return static_cast<int>(r) + 1; }

std::optional<Rung> parse_rung(std::string_view s) {
    for (const auto& n : kRungs)
        if (n.id == s) return n.rung;
    return std::nullopt;
}

}  // namespace dnd
