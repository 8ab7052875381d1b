// The cgroup path of a process from the text of /proc/PID/cgroup (see procfs.hpp).
#include <string>
#include <string_view>

#include "docknetdoctor/collect/procfs.hpp"

namespace dnd {

std::string parse_proc_cgroup(std::string_view text) {
    // Each line is "ID:CONTROLLERS:PATH"; cgroup v2 has the single line "0::PATH".
    std::string first;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        const auto first_colon = line.find(':');
        const auto second_colon = first_colon == std::string_view::npos ? first_colon : line.find(':', first_colon + 1);
        if (second_colon == std::string_view::npos) continue;
        const std::string_view path = line.substr(second_colon + 1);
        if (line.substr(0, second_colon) == "0:") return std::string(path);
        if (first.empty()) first = path;
    }
    return first;
}

}  // namespace dnd
