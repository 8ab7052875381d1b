// Per-port views of a report for the machine formats: which causes bear on a port.
#include "docknetdoctor/model/sanitize.hpp"
#include "docknetdoctor/render/machine_formats.hpp"

namespace dnd {

std::vector<const RankedCause*> causes_on_port(const Report& r, const std::optional<PortKey>& port) {
    std::vector<const RankedCause*> out;
    for (const RankedCause& c : r.causes)
        if (!c.finding.port || !port || *c.finding.port == *port) out.push_back(&c);
    return out;
}

bool blocks(const RankedCause& c) { return c.finding.severity == Severity::critical; }

std::string container_label(const Report& r) {
    return sanitize(r.target_name.empty() ? r.target_container : r.target_name);
}

}  // namespace dnd
