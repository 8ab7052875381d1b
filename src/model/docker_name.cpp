// Docker's name rule (see docker_name.hpp).
#include "docknetdoctor/model/docker_name.hpp"

#include <algorithm>
#include <cctype>

namespace dnd {

bool is_docker_name(std::string_view name) {
    auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    return !name.empty() && alnum(name.front()) &&
           std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; });
}

}  // namespace dnd
