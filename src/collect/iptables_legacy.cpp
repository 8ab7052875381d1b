// iptables-legacy (x_tables) tables read like libiptc does: IPT_SO_GET_INFO +
// IPT_SO_GET_ENTRIES on a raw socket, then a walk over the entries blob by
// target_offset/next_offset. Builtin chains start at the info's hook_entry offsets, user
// chains at ERROR targets; jumps are entry offsets, resolved to chain names.
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "docknetdoctor/probe/unique_fd.hpp"
#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "nft_expr_decode.hpp"

namespace dnd::nf {
namespace {

const char* kSource = "iptables-legacy";


template <class T>
bool read_at(std::span<const std::uint8_t> bytes, std::size_t offset, T& out) {
    if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
    std::memcpy(&out, bytes.data() + offset, sizeof(T));
    return true;
}

std::string bounded_string(const char* s, std::size_t max) { return std::string(s, strnlen(s, max)); }

// The interface names of an ipt_ip/ip6t_ip6 header (same layout in both).
void fill_ifaces(LegacyIp& ip, const char* in, const unsigned char* in_mask, const char* out,
                 const unsigned char* out_mask) {
    auto one = [](const char* name, const unsigned char* mask, std::string& to, bool& wildcard) {
        to = bounded_string(name, IFNAMSIZ);
        // "eth+" is stored as "eth+" with the mask covering only "eth"; an exact name's
        // mask also covers its NUL.
        wildcard = false;
        if (!to.empty() && to.back() == '+' && mask[to.size() - 1] == 0) {
            to.pop_back();
            wildcard = true;
        }
    };
    one(in, in_mask, ip.iniface, ip.iniface_wildcard);
    one(out, out_mask, ip.outiface, ip.outiface_wildcard);
}

// What differs between ip_tables and ip6_tables.
struct V4 {
    using Entry = ipt_entry;
    using GetInfo = ipt_getinfo;
    using GetEntries = ipt_get_entries;
    static constexpr int family = 4;
    static constexpr int level = IPPROTO_IP;
    static constexpr int so_get_info = IPT_SO_GET_INFO;
    static constexpr int so_get_entries = IPT_SO_GET_ENTRIES;
    static constexpr int goto_flag = IPT_F_GOTO;
    static LegacyIp header(const ipt_entry& e) {
        LegacyIp ip;
        ip.family = 4;
        auto bytes = [](const in_addr& a) {
            const auto* p = reinterpret_cast<const std::uint8_t*>(&a);
            return Bytes(p, p + 4);
        };
        ip.src = bytes(e.ip.src);
        ip.src_mask = bytes(e.ip.smsk);
        ip.dst = bytes(e.ip.dst);
        ip.dst_mask = bytes(e.ip.dmsk);
        fill_ifaces(ip, e.ip.iniface, e.ip.iniface_mask, e.ip.outiface, e.ip.outiface_mask);
        ip.proto = e.ip.proto;
        ip.flags = e.ip.flags;
        ip.invflags = e.ip.invflags;
        return ip;
    }
};

struct V6 {
    using Entry = ip6t_entry;
    using GetInfo = ip6t_getinfo;
    using GetEntries = ip6t_get_entries;
    static constexpr int family = 6;
    static constexpr int level = IPPROTO_IPV6;
    static constexpr int so_get_info = IP6T_SO_GET_INFO;
    static constexpr int so_get_entries = IP6T_SO_GET_ENTRIES;
    static constexpr int goto_flag = IP6T_F_GOTO;
    static LegacyIp header(const ip6t_entry& e) {
        LegacyIp ip;
        ip.family = 6;
        auto bytes = [](const in6_addr& a) {
            const auto* p = reinterpret_cast<const std::uint8_t*>(&a);
            return Bytes(p, p + 16);
        };
        ip.src = bytes(e.ipv6.src);
        ip.src_mask = bytes(e.ipv6.smsk);
        ip.dst = bytes(e.ipv6.dst);
        ip.dst_mask = bytes(e.ipv6.dmsk);
        fill_ifaces(ip, e.ipv6.iniface, e.ipv6.iniface_mask, e.ipv6.outiface, e.ipv6.outiface_mask);
        ip.proto = (e.ipv6.flags & IP6T_F_PROTO) != 0 ? e.ipv6.proto : 0;
        ip.flags = e.ipv6.flags;
        ip.invflags = e.ipv6.invflags;
        return ip;
    }
};

const char* const kHookChain[NF_INET_NUMHOOKS] = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};

// Builtin chains get the priority their table registers with, so that the evaluator can
// order them against nftables chains on the same hook.
BaseChain builtin_chain(const std::string& table, unsigned hook) {
    BaseChain base;
    base.hook = static_cast<Hook>(hook);  // NF_INET_* order == Hook order
    if (table == "nat") {
        base.type = ChainType::nat;
        base.priority = (hook == NF_INET_PRE_ROUTING || hook == NF_INET_LOCAL_OUT) ? -100 : 100;
    } else if (table == "mangle") {
        base.type = hook == NF_INET_LOCAL_OUT ? ChainType::route : ChainType::filter;
        base.priority = -150;
    } else if (table == "raw") {
        base.priority = -300;
    } else if (table == "security") {
        base.priority = 50;
    }
    return base;
}

struct EntryView {
    std::size_t offset;
    std::size_t target_offset;
    std::size_t next_offset;
    std::string target_name;
    std::uint8_t target_revision;
    std::span<const std::uint8_t> target_data;
};

template <class F>
Result<Table> parse_table(const LegacyTableBlob& blob) {
    using Entry = typename F::Entry;
    typename F::GetInfo info{};
    if (!read_at(std::span<const std::uint8_t>(blob.info), 0, info))
        return fail(kSource, "truncated table info");
    const std::string table_name = bounded_string(info.name, sizeof info.name);
    std::span<const std::uint8_t> bytes(blob.entries);
    auto bad = [&](std::size_t offset, std::string_view why) {
        return fail(kSource, fmt::format("malformed entry at offset {} in table {}: {}", offset, table_name, why));
    };

    // Pass 1: the entries, bounds-checked.
    std::vector<EntryView> entries;
    for (std::size_t off = 0; off < bytes.size();) {
        Entry e{};
        if (!read_at(bytes, off, e)) return bad(off, "truncated");
        if (e.target_offset < sizeof(Entry) || e.next_offset < e.target_offset + sizeof(xt_entry_target) ||
            e.next_offset > bytes.size() - off)
            return bad(off, "offsets out of range");
        xt_entry_target target{};
        read_at(bytes, off + e.target_offset, target);
        std::size_t tsize = target.u.user.target_size;
        if (tsize < sizeof(xt_entry_target) || tsize > static_cast<std::size_t>(e.next_offset - e.target_offset))
            return bad(off, "target size out of range");
        entries.push_back({off, e.target_offset, e.next_offset,
                           bounded_string(target.u.user.name, sizeof target.u.user.name), target.u.user.revision,
                           bytes.subspan(off + e.target_offset + sizeof(xt_entry_target), tsize - sizeof(xt_entry_target))});
        off += e.next_offset;
    }

    // Where each chain's first rule is: jump targets point there.
    std::map<std::size_t, std::string> chain_at;
    for (unsigned h = 0; h < NF_INET_NUMHOOKS; ++h)
        if ((info.valid_hooks & (1u << h)) != 0) chain_at[info.hook_entry[h]] = kHookChain[h];
    for (const auto& e : entries)
        if (e.target_name == XT_ERROR_TARGET) {
            std::string name = bounded_string(reinterpret_cast<const char*>(e.target_data.data()),
                                              e.target_data.size());
            if (name != XT_ERROR_TARGET) chain_at[e.offset + e.next_offset] = name;
        }

    Table table;
    table.family = F::family == 6 ? Family::ip6 : Family::ip;
    table.name = table_name;
    table.source = RulesetSource::iptables_legacy;
    Chain* chain = nullptr;
    std::optional<unsigned> builtin_hook;

    for (std::size_t i = 0; i < entries.size(); ++i) {
        const EntryView& view = entries[i];
        for (unsigned h = 0; h < NF_INET_NUMHOOKS; ++h) {
            if ((info.valid_hooks & (1u << h)) != 0 && info.hook_entry[h] == view.offset) {
                table.chains.push_back(Chain{kHookChain[h], 0, builtin_chain(table_name, h), {}});
                chain = &table.chains.back();
                builtin_hook = h;
            }
        }
        if (view.target_name == XT_ERROR_TARGET) {
            std::string name = bounded_string(reinterpret_cast<const char*>(view.target_data.data()),
                                              view.target_data.size());
            if (name == XT_ERROR_TARGET) break;  // the table's end marker
            table.chains.push_back(Chain{name, 0, std::nullopt, {}});
            chain = &table.chains.back();
            builtin_hook.reset();
            continue;
        }
        if (chain == nullptr) return bad(view.offset, "rule outside any chain");

        Entry e{};
        read_at(bytes, view.offset, e);
        const bool is_standard = view.target_name == XT_STANDARD_TARGET;
        std::int32_t verdict = 0;
        if (is_standard) {
            if (view.target_data.size() < sizeof verdict) return bad(view.offset, "standard target too small");
            std::memcpy(&verdict, view.target_data.data(), sizeof verdict);
        }
        // A builtin chain ends with its policy entry (the underflow); a user chain with an
        // unconditional RETURN just before the next chain's ERROR head.
        if (builtin_hook && view.offset == info.underflow[*builtin_hook]) {
            if (!is_standard || verdict >= 0) return bad(view.offset, "policy is not a verdict");
            chain->base->policy = -verdict - 1 == NF_DROP ? Verdict::Kind::drop : Verdict::Kind::accept;
            chain = nullptr;
            builtin_hook.reset();
            continue;
        }
        const bool chain_footer = !builtin_hook && is_standard && verdict == XT_RETURN &&
                                  view.target_offset == sizeof(Entry) && i + 1 < entries.size() &&
                                  entries[i + 1].target_name == XT_ERROR_TARGET;
        if (chain_footer) continue;

        Rule rule;
        rule.handle = view.offset;
        rule.position = static_cast<std::uint32_t>(chain->rules.size());
        LegacyIp header = F::header(e);
        const bool is_goto = (header.flags & F::goto_flag) != 0;
        rule.exprs.emplace_back(std::move(header));
        for (std::size_t m = view.offset + sizeof(Entry); m < view.offset + view.target_offset;) {
            xt_entry_match match{};
            if (!read_at(bytes, m, match)) return bad(view.offset, "truncated match");
            std::size_t msize = match.u.user.match_size;
            if (msize < sizeof(xt_entry_match) || msize > view.offset + view.target_offset - m)
                return bad(view.offset, "match size out of range");
            Xt xt;
            xt.name = bounded_string(match.u.user.name, sizeof match.u.user.name);
            xt.revision = match.u.user.revision;
            auto data = bytes.subspan(m + sizeof(xt_entry_match), msize - sizeof(xt_entry_match));
            xt.info = Bytes(data.begin(), data.end());
            xt.decoded = decode_xt(false, xt.name, xt.revision, data, F::family);
            if (const auto* c = std::get_if<XtComment>(&xt.decoded); c != nullptr && rule.comment.empty())
                rule.comment = c->text;
            rule.exprs.emplace_back(std::move(xt));
            m += msize;
        }
        rule.exprs.emplace_back(Counter{e.counters.pcnt, e.counters.bcnt});
        if (is_standard) {
            if (verdict < 0) {
                auto kind = verdict_kind_from_code(-verdict - 1);
                if (!kind) return bad(view.offset, "unknown verdict");
                if (*kind == Verdict::Kind::repeat) kind = Verdict::Kind::return_;  // XT_RETURN
                rule.exprs.emplace_back(Immediate{kRegVerdict, {}, Verdict{*kind, {}}});
            } else if (static_cast<std::size_t>(verdict) != view.offset + view.next_offset) {
                auto target = chain_at.find(static_cast<std::size_t>(verdict));
                if (target == chain_at.end()) return bad(view.offset, "jump to an offset that starts no chain");
                rule.exprs.emplace_back(Immediate{
                    kRegVerdict, {}, Verdict{is_goto ? Verdict::Kind::goto_ : Verdict::Kind::jump, target->second}});
            }  // else: jump to the next entry = no verdict (iptables rule without -j)
        } else {
            Xt xt;
            xt.is_target = true;
            xt.name = view.target_name;
            xt.revision = view.target_revision;
            xt.info = Bytes(view.target_data.begin(), view.target_data.end());
            xt.decoded = decode_xt(true, xt.name, xt.revision, view.target_data, F::family);
            rule.exprs.emplace_back(std::move(xt));
        }
        chain->rules.push_back(std::move(rule));
    }
    return table;
}

std::unexpected<Error> os_error(int err, const std::string& what) {
    if (err == EPERM || err == EACCES)
        return fail(kSource, "permission denied reading the iptables-legacy rules (needs CAP_NET_ADMIN)");
    return fail(kSource, fmt::format("{}: {}", what, std::strerror(err)));
}

template <class F>
Result<LegacyTableBlob> dump_table(const std::string& name) {
    typename F::GetInfo info{};
    if (name.empty() || name.size() >= sizeof info.name) return fail(kSource, "bad table name: " + name);
    UniqueFd sock(::socket(F::family == 6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW));
    if (sock.get() < 0) return os_error(errno, "cannot open a raw socket");
    // The table may change between the two calls (EAGAIN): ask again a few times.
    for (int attempt = 0; attempt < 5; ++attempt) {
        std::memset(&info, 0, sizeof info);
        std::memcpy(info.name, name.data(), name.size());
        socklen_t len = sizeof info;
        if (::getsockopt(sock.get(), F::level, F::so_get_info, &info, &len) < 0)
            return os_error(errno, "cannot read the info of table " + name);
        std::vector<std::uint8_t> request(sizeof(typename F::GetEntries) + info.size);
        typename F::GetEntries header{};
        std::memcpy(header.name, name.data(), name.size());
        header.size = info.size;
        std::memcpy(request.data(), &header, sizeof header);
        len = static_cast<socklen_t>(request.size());
        if (::getsockopt(sock.get(), F::level, F::so_get_entries, request.data(), &len) < 0) {
            if (errno == EAGAIN) continue;
            return os_error(errno, "cannot read the entries of table " + name);
        }
        LegacyTableBlob blob;
        blob.family = F::family;
        const auto* info_bytes = reinterpret_cast<const std::uint8_t*>(&info);
        blob.info.assign(info_bytes, info_bytes + sizeof info);
        blob.entries.assign(request.begin() + sizeof(typename F::GetEntries), request.end());
        return blob;
    }
    return fail(kSource, "table " + name + " kept changing while it was read");
}

std::vector<std::string> table_names(const std::string& path) {
    std::vector<std::string> names;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) names.push_back(line);
    return names;
}

template <class F>
std::vector<std::uint8_t> without_counters(const LegacyTableBlob& blob) {
    using Entry = typename F::Entry;
    std::vector<std::uint8_t> out(blob.info);
    const std::size_t entries_at = out.size();
    out.insert(out.end(), blob.entries.begin(), blob.entries.end());
    std::span<std::uint8_t> entries(out.data() + entries_at, blob.entries.size());
    for (std::size_t off = 0; off < entries.size();) {
        Entry e{};
        if (!read_at(std::span<const std::uint8_t>(entries), off, e) || e.next_offset < sizeof(Entry)) break;
        std::memset(entries.data() + off + offsetof(Entry, counters), 0, sizeof e.counters);
        off += e.next_offset;
    }
    return out;
}

}  // namespace

std::vector<std::uint8_t> legacy_rules_without_counters(const LegacyTableBlob& blob) {
    return blob.family == 6 ? without_counters<V6>(blob) : without_counters<V4>(blob);
}

Result<Table> parse_iptables_legacy_table(const LegacyTableBlob& blob) {
    return blob.family == 6 ? parse_table<V6>(blob) : parse_table<V4>(blob);
}

Result<std::vector<LegacyTableBlob>> dump_iptables_legacy(const std::string& proc_root) {
    std::vector<LegacyTableBlob> blobs;
    for (const auto& name : table_names(proc_root + "/net/ip_tables_names")) {
        auto blob = dump_table<V4>(name);
        if (!blob) return std::unexpected(blob.error());
        blobs.push_back(std::move(*blob));
    }
    for (const auto& name : table_names(proc_root + "/net/ip6_tables_names")) {
        auto blob = dump_table<V6>(name);
        if (!blob) return std::unexpected(blob.error());
        blobs.push_back(std::move(*blob));
    }
    return blobs;
}

Result<Ruleset> read_iptables_legacy(const std::string& proc_root) {
    auto blobs = dump_iptables_legacy(proc_root);
    if (!blobs) return std::unexpected(blobs.error());
    Ruleset ruleset;
    for (const auto& blob : *blobs) {
        auto table = parse_iptables_legacy_table(blob);
        if (!table) return std::unexpected(table.error());
        ruleset.tables.push_back(std::move(*table));
    }
    return ruleset;
}

}  // namespace dnd::nf
