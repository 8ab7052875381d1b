#pragma once
// What the engine accepts as a container or service name ([a-zA-Z0-9][a-zA-Z0-9_.-]*), and
// so what may be put into an API path or a printed command as it is: a name or label from
// outside that is anything else is neither asked for nor written into a fix.
#include <string_view>

namespace dnd {

bool is_docker_name(std::string_view name);

}  // namespace dnd
