#include "host_change.hpp"

#include <utility>

namespace dnd::test {

HostChange::HostChange(const Sandbox& sandbox, const std::string& apply, std::string undo)
    : sandbox_(sandbox), undo_(std::move(undo)) {
    result_ = sandbox_.in_host({"sh", "-ec", apply});
}

HostChange::~HostChange() { sandbox_.in_host({"sh", "-c", undo_}); }

}  // namespace dnd::test
