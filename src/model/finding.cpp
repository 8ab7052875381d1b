#include "docknetdoctor/model/finding.hpp"

namespace dnd {

std::string_view to_string(Severity s) {
    switch (s) {
        case Severity::info: return "info";
        case Severity::warning: return "warning";
        case Severity::critical: return "critical";
    }
    return "info";
}

}  // namespace dnd
