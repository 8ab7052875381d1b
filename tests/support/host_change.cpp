#include "host_change.hpp"

#include <utility>

namespace dnd::test {

HostChange::HostChange(const Sandbox& sandbox, const std::string& apply, std::string undo)
    : sandbox_(sandbox), undo_(std::move(undo)) {
    result_ = sandbox_.in_host({"sh", "-ec", apply});
}

HostChange::~HostChange() { sandbox_.in_host({"sh", "-c", undo_}); }

AppliedFix::AppliedFix(const Sandbox& sandbox, std::string command)
    : sandbox_(sandbox), command_(std::move(command)), saved_(sandbox.dir() + "/state-before-fix") {
    const auto saved = sandbox_.in_host({"sh", "-ec",
                                         "iptables-nft-save > " + saved_ + ".nft; iptables-legacy-save > " + saved_ +
                                             ".legacy; sysctl -n net.ipv4.ip_forward > " + saved_ + ".ip_forward"});
    saved_ok_ = saved.ok();
    result_ = saved_ok_ ? sandbox_.in_host({"sh", "-ec", command_}) : saved;
}

AppliedFix::~AppliedFix() {
    if (!saved_ok_) return;
    sandbox_.in_host({"sh", "-c",
                      "iptables-nft-restore < " + saved_ + ".nft; iptables-legacy-restore < " + saved_ +
                          ".legacy; sysctl -qw net.ipv4.ip_forward=$(cat " + saved_ + ".ip_forward); rm -f " + saved_ +
                          ".nft " + saved_ + ".legacy " + saved_ + ".ip_forward"});
}

}  // namespace dnd::test
