#pragma once
// What the SELinux targeted policy lets the domains on a Docker path do with ports, as far
// as a diagnosis needs it: which boolean opens a denied connect, which port type a denied
// bind needs, and the policy's default types of the ports a reverse proxy is pointed at.
// Checked against a real policy (fixtures/selinux/answer-key: audit2why and sesearch).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "docknetdoctor/model/selinux.hpp"

namespace dnd {

// The booleans the checks weigh; the collector reads these (and only these) from selinuxfs.
inline constexpr std::array<std::string_view, 3> kSelinuxBooleansWeighed{
    "httpd_can_network_connect",  // httpd_t may connect to any TCP port
    "httpd_can_network_relay",    // httpd_t may connect to the HTTP, proxy and FTP ports
    "container_connect_any",      // container_t may connect to any TCP port
};

// The port types httpd_can_network_relay opens to httpd_t (besides what _connect opens).
bool relay_port_type(std::string_view port_type);

// The targeted policy's default type of a TCP port, for the ports users put a proxy in
// front of (http_port_t, http_cache_port_t ...); "" when it is none of those (then it is
// unreserved_port_t above 1023, or a type this table does not know).
std::string_view default_tcp_port_type(std::uint16_t port);

// What would allow a denied operation, in the policy's own terms.
struct SelinuxRemedy {
    std::string boolean;     // set this boolean ("" when no boolean allows it)
    std::string port_type;   // or label the port with this type (for a bind)
    bool port_type_defined = false;  // the port has a type already: semanage port -m, not -a
    std::string why;         // one line: what the boolean or type allows
};

// The remedy for a denied connect of source_type to a TCP port of port_type: the boolean.
std::optional<SelinuxRemedy> connect_remedy(std::string_view source_type, std::string_view port_type);

// The remedy for one denial; nullopt when this table has none (then audit2allow is the way).
std::optional<SelinuxRemedy> remedy_for(const AvcDenial& denial);

// The boolean a process of type source_type needs to connect to a TCP port of port_type
// ("" when it may connect without one, or the table does not know the domain).
std::string boolean_to_connect(std::string_view source_type, std::string_view port_type);

}  // namespace dnd
