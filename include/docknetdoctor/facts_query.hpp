#pragma once
// Questions many checks ask of Facts: one home, so checks never copy each other.
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/facts.hpp"

namespace dnd {

// The container ports under question: --port if given, otherwise every port that is
// bound (HostConfig.PortBindings or NetworkSettings.Ports) or exposed, sorted, unique.
std::vector<PortKey> ports_in_question(const Facts& f);

// Effective host bindings of a container port: NetworkSettings.Ports when the container
// runs, HostConfig.PortBindings otherwise (what was asked for).
std::vector<HostBinding> bindings_of(const Container& c, PortKey p);

// Listeners that accept connections to port p from outside the container:
// wildcard or a non-loopback address.
std::vector<Listener> reachable_listeners(const std::vector<Listener>& ls, PortKey p);
// Listeners on port p bound to loopback only (127.0.0.0/8, ::1, ::ffff:127.x).
std::vector<Listener> loopback_listeners(const std::vector<Listener>& ls, PortKey p);
// All listeners on port p of that protocol.
std::vector<Listener> listeners_on(const std::vector<Listener>& ls, PortKey p);

bool is_loopback_address(std::string_view addr);
bool is_wildcard_address(std::string_view addr);  // "", 0.0.0.0, ::

// "tcp 0.0.0.0:80 LISTEN httpd(pid 42)": a listener as evidence text.
std::string describe(const Listener& l);
// "0.0.0.0:8080", "[::]:8080", "127.0.0.1:8080"
std::string describe(const HostBinding& b);

// Network mode helpers: "host", "none", "container:..." or a bridge-like network.
bool is_host_network(const Container& c);
bool is_none_network(const Container& c);

}  // namespace dnd
