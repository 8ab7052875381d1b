#pragma once
// A finding: one cause a check believes applies, with the evidence it read and the fix.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/port.hpp"

namespace dnd {

// Ordered: a larger value is worse.
enum class Severity { info = 0, warning = 1, critical = 2 };

std::string_view to_string(Severity s);

struct Finding {
    std::string id;                     // a cause id from the catalog (causes.hpp)
    Severity severity = Severity::info;
    std::string title;                  // one line, specific to this case
    std::optional<PortKey> port;        // the container port it concerns, if any
    std::vector<std::string> evidence;  // what was read: "State.Status = exited", a socket line ...
    std::vector<std::string> fix;       // what to do, most direct first
    // Cause ids this finding is the reason for (a failed port bind is why the container
    // is not running): ranking puts this finding above them.
    std::vector<std::string> explains;
    // A real connection the check itself made (or read) that shows the cause, quoted: the
    // ranking calls the finding confirmed by it. Empty: the probe ladder judges it, if any.
    std::string confirmed_by_probe;
};

}  // namespace dnd
