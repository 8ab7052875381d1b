// The targeted policy's port rules for the domains on a Docker path (httpd_t in front of a
// published port, container_t inside), reduced to the questions a diagnosis asks.
#include "docknetdoctor/model/selinux_policy.hpp"

#include <algorithm>
#include <span>

namespace dnd {
namespace {

struct PortRange {
    std::uint16_t first;
    std::uint16_t last;
    std::string_view type;
};

// From the targeted policy's port contexts (semanage port -l) for the types a reverse
// proxy's upstream commonly lands on.
constexpr std::array<PortRange, 19> kTcpPortTypes{{
    {80, 81, "http_port_t"},          {443, 443, "http_port_t"},        {488, 488, "http_port_t"},
    {8008, 8009, "http_port_t"},      {8443, 8443, "http_port_t"},      {9000, 9000, "http_port_t"},
    {8080, 8080, "http_cache_port_t"}, {8118, 8118, "http_cache_port_t"}, {8123, 8123, "http_cache_port_t"},
    {10001, 10010, "http_cache_port_t"}, {3128, 3128, "squid_port_t"},  {3401, 3401, "squid_port_t"},
    {8081, 8081, "transproxy_port_t"}, {8000, 8000, "soundd_port_t"},   {21, 21, "ftp_port_t"},
    {3306, 3306, "mysqld_port_t"},    {5432, 5432, "postgresql_port_t"}, {6379, 6379, "redis_port_t"},
    {11211, 11211, "memcache_port_t"},
}};

// sesearch -A -s httpd_t -c tcp_socket -p name_connect: the types under [ httpd_can_network_relay ].
constexpr std::array<std::string_view, 5> kRelayPortTypes{
    "http_port_t", "http_cache_port_t", "ftp_port_t", "gopher_port_t", "squid_port_t",
};

// Types that mean "no particular service": semanage port -a can label such a port.
constexpr std::array<std::string_view, 5> kGenericPortTypes{
    "port_t", "unreserved_port_t", "reserved_port_t", "hi_reserved_port_t", "ephemeral_port_t",
};

bool one_of(std::string_view value, std::span<const std::string_view> list) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_socket_class(std::string_view tclass) { return tclass == "tcp_socket" || tclass == "udp_socket"; }

bool has_permission(const AvcDenial& d, std::string_view permission) {
    return std::find(d.permissions.begin(), d.permissions.end(), permission) != d.permissions.end();
}

}  // namespace

bool relay_port_type(std::string_view port_type) { return one_of(port_type, kRelayPortTypes); }

std::string_view default_tcp_port_type(std::uint16_t port) {
    for (const PortRange& r : kTcpPortTypes)
        if (port >= r.first && port <= r.last) return r.type;
    return {};
}

std::string boolean_to_connect(std::string_view source_type, std::string_view port_type) {
    if (source_type == "httpd_t")
        return relay_port_type(port_type) ? "httpd_can_network_relay" : "httpd_can_network_connect";
    if (source_type == "container_t") return "container_connect_any";
    return {};
}

std::optional<SelinuxRemedy> connect_remedy(std::string_view source_type, std::string_view port_type) {
    std::string boolean = boolean_to_connect(source_type, port_type);
    if (boolean.empty()) return std::nullopt;
    SelinuxRemedy r;
    if (boolean == "httpd_can_network_relay") r.why = "lets the web server connect to HTTP, proxy and FTP ports";
    else if (boolean == "container_connect_any") r.why = "lets containers connect to any port";
    else r.why = "lets the web server connect to any port";
    r.boolean = std::move(boolean);
    return r;
}

std::optional<SelinuxRemedy> remedy_for(const AvcDenial& d) {
    if (!is_socket_class(d.tclass)) return std::nullopt;
    const std::string_view source = context_type(d.scontext);
    const std::string_view target = context_type(d.tcontext);
    if (has_permission(d, "name_connect") && d.tclass == "tcp_socket") return connect_remedy(source, target);
    if (has_permission(d, "name_bind") && source == "httpd_t") {
        SelinuxRemedy r;
        r.port_type = "http_port_t";
        r.port_type_defined = !one_of(target, kGenericPortTypes);
        r.why = "the web server may bind the ports labelled http_port_t";
        return r;
    }
    return std::nullopt;
}

}  // namespace dnd
