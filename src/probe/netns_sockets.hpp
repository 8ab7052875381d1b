#pragma once
// Sockets made in other network namespaces by the calling thread: it enters the namespace,
// makes the socket (which belongs to that namespace for good: connect, send and receive then
// work from anywhere) and comes back. The thread must be one of the prober's own that ends
// afterwards, so nothing else ever runs in a container's namespace by accident.
#include <map>
#include <string>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/probe/unique_fd.hpp"

namespace dnd {

class NetnsSockets {
public:
    // Remembers the thread's own namespace; throws std::runtime_error when it cannot.
    NetnsSockets();

    // A socket(family, type, protocol) in the namespace at netns_path ("" = the thread's own).
    // A namespace that cannot be entered is asked once: its error is kept (unenterable()).
    Result<UniqueFd> make(const std::string& netns_path, int family, int type, int protocol = 0);

    // Back to the thread's own namespace (after a round of make()). Throws
    // std::runtime_error when it cannot: no probe may then run from the wrong namespace.
    void go_home();

    const std::map<std::string, Error>& unenterable() const { return unenterable_; }

private:
    Result<void> enter(const std::string& netns_path);

    UniqueFd home_;
    std::string current_;  // "" = home
    std::map<std::string, Error> unenterable_;
};

// socket(family, type, protocol) in the calling thread's namespace; the error as probes word it.
Result<UniqueFd> make_socket_here(int family, int type, int protocol = 0);

// The one-line error of a namespace that cannot be opened or entered, as every prober words it.
Error netns_open_error(const std::string& netns_path, int error);
Error netns_enter_error(const std::string& netns_path, int error);

}  // namespace dnd
