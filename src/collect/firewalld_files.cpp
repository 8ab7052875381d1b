// firewalld's permanent configuration from its files (see firewalld_collect.hpp): firewalld.conf,
// and the zone and policy XML files, a file in /etc/firewalld replacing the one of the same name
// that the package ships in /usr/lib/firewalld.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <tinyxml2.h>

#include "docknetdoctor/collect/firewalld_collect.hpp"
#include "docknetdoctor/model/config_file.hpp"
#include "proc_files.hpp"

namespace dnd {
namespace {

constexpr std::string_view kShipped = "/usr/lib/firewalld";
constexpr std::string_view kAdmin = "/etc/firewalld";

// Every "NAME.xml" of kind ("zones", "policies"): the shipped file, replaced by the
// administrator's of the same name.
std::map<std::string, std::string> config_files(const std::string& root, std::string_view kind) {
    std::map<std::string, std::string> files;
    for (std::string_view dir : {kShipped, kAdmin}) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(fmt::format("{}{}/{}", root, dir, kind), ec)) {
            const auto path = entry.path();
            if (path.extension() != ".xml") continue;
            files[path.stem().string()] = path.string();
        }
    }
    return files;
}

std::string attribute(const tinyxml2::XMLElement& e, const char* name) {
    const char* value = e.Attribute(name);
    return value != nullptr ? value : "";
}

// A rich rule's element as firewall-cmd prints it: `source NOT address="10.0.0.1"`, with its
// children after it (`log prefix="x" limit value="1/m"`).
std::string rich_part(const tinyxml2::XMLElement& e) {
    std::string text = e.Name();
    if (attribute(e, "invert") == "True" || attribute(e, "invert") == "true") text += " NOT";
    for (const tinyxml2::XMLAttribute* a = e.FirstAttribute(); a != nullptr; a = a->Next()) {
        if (std::string_view(a->Name()) == "invert") continue;
        text += fmt::format(" {}=\"{}\"", a->Name(), a->Value());
    }
    for (const auto* child = e.FirstChildElement(); child != nullptr; child = child->NextSiblingElement())
        text += " " + rich_part(*child);
    return text;
}

std::string rich_rule_text(const tinyxml2::XMLElement& rule) {
    std::string text = "rule";
    for (const char* name : {"priority", "family"})
        if (const char* value = rule.Attribute(name)) text += fmt::format(" {}=\"{}\"", name, value);
    for (const auto* child = rule.FirstChildElement(); child != nullptr; child = child->NextSiblingElement())
        text += " " + rich_part(*child);
    return text;
}

// The elements a zone and a policy share.
void read_rules(const tinyxml2::XMLElement& top, FirewalldRules& rules) {
    rules.target = attribute(top, "target");
    for (const auto* e = top.FirstChildElement(); e != nullptr; e = e->NextSiblingElement()) {
        const std::string_view name = e->Name();
        if (name == "service") rules.services.push_back(attribute(*e, "name"));
        else if (name == "port") rules.ports.push_back(attribute(*e, "port") + "/" + attribute(*e, "protocol"));
        else if (name == "masquerade") rules.masquerade = true;
        else if (name == "forward-port")
            rules.forward_ports.push_back({attribute(*e, "port"), attribute(*e, "protocol"), attribute(*e, "to-port"),
                                           attribute(*e, "to-addr")});
        else if (name == "rule") rules.rich_rules.push_back(rich_rule_text(*e));
    }
}

// The document's top element, named top_name, or why not.
Result<const tinyxml2::XMLElement*> parse(tinyxml2::XMLDocument& doc, const std::string& path, const char* top_name) {
    const auto text = read_text_file(path);
    if (!text) return std::unexpected(Error{"firewalld", fmt::format("{}: {}", path, std::strerror(text.error()))});
    if (doc.Parse(text->data(), text->size()) != tinyxml2::XML_SUCCESS)
        return std::unexpected(Error{"firewalld", fmt::format("{}: line {}: {}", path, doc.ErrorLineNum(),
                                                              tinyxml2::XMLDocument::ErrorIDToName(doc.ErrorID()))});
    const tinyxml2::XMLElement* top = doc.RootElement();
    if (top == nullptr || std::string_view(top->Name()) != top_name)
        return std::unexpected(Error{"firewalld", fmt::format("{}: not a {} file", path, top_name)});
    return top;
}

Result<FirewalldZone> read_zone(const std::string& name, const std::string& path) {
    tinyxml2::XMLDocument doc;
    const auto top = parse(doc, path, "zone");
    if (!top) return std::unexpected(top.error());
    FirewalldZone zone;
    zone.name = name;
    read_rules(**top, zone.rules);
    for (const auto* e = (*top)->FirstChildElement(); e != nullptr; e = e->NextSiblingElement()) {
        const std::string_view element = e->Name();
        if (element == "interface") zone.interfaces.push_back(attribute(*e, "name"));
        else if (element == "source") zone.sources.push_back(attribute(*e, "address"));
        else if (element == "forward") zone.forward = true;
    }
    return zone;
}

Result<FirewalldPolicy> read_policy(const std::string& name, const std::string& path) {
    tinyxml2::XMLDocument doc;
    const auto top = parse(doc, path, "policy");
    if (!top) return std::unexpected(top.error());
    FirewalldPolicy policy;
    policy.name = name;
    read_rules(**top, policy.rules);
    policy.priority = (*top)->IntAttribute("priority", -1);
    for (const auto* e = (*top)->FirstChildElement(); e != nullptr; e = e->NextSiblingElement()) {
        const std::string_view element = e->Name();
        if (element == "ingress-zone") policy.ingress_zones.push_back(attribute(*e, "name"));
        else if (element == "egress-zone") policy.egress_zones.push_back(attribute(*e, "name"));
    }
    return policy;
}

bool installed(const std::string& root) {
    std::error_code ec;
    return std::filesystem::exists(root + std::string(kShipped), ec) || std::filesystem::exists(root + std::string(kAdmin), ec);
}

}  // namespace

FirewalldState read_firewalld_files(const std::string& root, const std::vector<std::string>& interfaces) {
    FirewalldState state;
    if (!installed(root)) return state;
    state.source = FirewalldSource::files;
    const std::string conf_path = fmt::format("{}{}/firewalld.conf", root, kAdmin);
    if (const auto conf = read_text_file(conf_path)) {
        state.default_zone = config_value(*conf, "DefaultZone");
        state.backend = config_value(*conf, "FirewallBackend");
        if (const std::string strict = config_value(*conf, "StrictForwardPorts"); !strict.empty())
            state.strict_forward_ports = strict == "yes" || strict == "true";
    } else if (conf.error() != ENOENT) {
        state.unreadable.push_back(fmt::format("{}: {}", conf_path, std::strerror(conf.error())));
    }
    // firewalld's own defaults when firewalld.conf does not say.
    if (state.default_zone.empty()) state.default_zone = "public";
    if (state.backend.empty()) state.backend = "nftables";

    for (const auto& [name, path] : config_files(root, "zones")) {
        auto zone = read_zone(name, path);
        if (zone) state.zones.push_back(std::move(*zone));
        else state.unreadable.push_back(fmt::format("zone {}: {}", name, zone.error().message));
    }
    for (const auto& [name, path] : config_files(root, "policies")) {
        auto policy = read_policy(name, path);
        if (policy) state.policies.push_back(std::move(*policy));
        else state.unreadable.push_back(fmt::format("policy {}: {}", name, policy.error().message));
    }
    // The bindings the files make: an interface named in no file gets "" (its binding is then
    // unknown, since Docker binds its bridges at runtime only).
    for (const std::string& interface : interfaces) {
        std::string& zone_of = state.interface_zones[interface];
        for (const auto& zone : state.zones)
            if (std::find(zone.interfaces.begin(), zone.interfaces.end(), interface) != zone.interfaces.end())
                zone_of = zone.name;
    }
    return state;
}

}  // namespace dnd
