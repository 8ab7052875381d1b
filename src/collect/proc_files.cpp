// See proc_files.hpp.
#include "proc_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>

#include "docknetdoctor/probe/unique_fd.hpp"

namespace dnd {

std::expected<std::string, int> read_text_file(const std::string& path) {
    UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0) return std::unexpected(errno);
    std::string text;
    std::array<char, 8192> buffer{};
    for (;;) {
        ssize_t n = ::read(file.get(), buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return std::unexpected(errno);
        }
        if (n == 0) break;
        text.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return text;
}

std::optional<std::string> read_link(const std::string& path) {
    std::array<char, 256> target{};
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0 || static_cast<std::size_t>(n) >= target.size()) return std::nullopt;
    return std::string(target.data(), static_cast<std::size_t>(n));
}

std::optional<unsigned long> bracketed_inode(std::string_view link, std::string_view prefix) {
    if (!link.starts_with(prefix)) return std::nullopt;
    link.remove_prefix(prefix.size());
    if (link.size() < 3 || link.front() != '[' || link.back() != ']') return std::nullopt;
    link = link.substr(1, link.size() - 2);
    unsigned long inode = 0;
    auto [end, ec] = std::from_chars(link.data(), link.data() + link.size(), inode);
    if (ec != std::errc{} || end != link.data() + link.size()) return std::nullopt;
    return inode;
}

bool is_pid_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string read_comm(const std::string& process_dir) {
    auto comm = read_text_file(process_dir + "/comm");
    if (!comm) return {};
    while (!comm->empty() && comm->back() == '\n') comm->pop_back();
    return *comm;
}

std::optional<PidsByComm> pids_by_comm(const std::string& proc_root, std::initializer_list<std::string_view> names) {
    return pids_by_comm(proc_root, std::span(names.begin(), names.size()));
}

std::optional<std::vector<int>> ProcessesByName::of(std::string_view name) {
    if (!pass_) pass_ = pids_by_comm(proc_root_, names_);
    if (!*pass_) return std::nullopt;
    const auto found = (*pass_)->find(name);
    return found == (*pass_)->end() ? std::vector<int>{} : found->second;
}

std::optional<PidsByComm> pids_by_comm(const std::string& proc_root, std::span<const std::string_view> names) {
    DirHandle dir(::opendir(proc_root.c_str()));
    if (!dir) return std::nullopt;
    PidsByComm found;
    for (std::string_view name : names) found[std::string(name)];
    while (dirent* entry = ::readdir(dir.get())) {
        const std::string_view name = entry->d_name;
        if (!is_pid_name(name)) continue;
        // A process that exits meanwhile reads as "" and is simply not found.
        const auto slot = found.find(read_comm(proc_root + "/" + std::string(name)));
        int pid = 0;
        if (slot == found.end() || std::from_chars(name.data(), name.data() + name.size(), pid).ec != std::errc{}) continue;
        slot->second.push_back(pid);
    }
    return found;
}

std::vector<unsigned long> socket_inodes_of(const std::string& process_dir) {
    std::vector<unsigned long> inodes;
    const std::string fd_dir = process_dir + "/fd";
    DirHandle dir(::opendir(fd_dir.c_str()));
    if (!dir) return inodes;
    while (dirent* entry = ::readdir(dir.get())) {
        if (!is_pid_name(entry->d_name)) continue;  // skips "." and ".."
        auto link = read_link(fd_dir + "/" + entry->d_name);
        if (!link) continue;
        if (auto inode = bracketed_inode(*link, "socket:")) inodes.push_back(*inode);
    }
    std::sort(inodes.begin(), inodes.end());
    inodes.erase(std::unique(inodes.begin(), inodes.end()), inodes.end());
    return inodes;
}

std::vector<int> child_pids(const std::string& proc_root, int pid) {
    std::vector<int> children;
    const std::string task_dir = proc_root + "/" + std::to_string(pid) + "/task";
    DirHandle tasks(::opendir(task_dir.c_str()));
    if (!tasks) return children;
    std::vector<std::string> tids;
    while (dirent* entry = ::readdir(tasks.get()))
        if (is_pid_name(entry->d_name)) tids.emplace_back(entry->d_name);
    std::sort(tids.begin(), tids.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() < b.size() : a < b;  // numerically
    });
    for (const std::string& tid : tids) {
        auto text = read_text_file(task_dir + "/" + tid + "/children");
        if (!text) continue;
        std::string_view rest = *text;
        while (!rest.empty()) {
            int child = 0;
            auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), child);
            if (ec != std::errc{}) break;
            children.push_back(child);
            rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
            while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\n')) rest.remove_prefix(1);
        }
    }
    return children;
}

std::optional<std::vector<std::string>> read_argv(const std::string& process_dir) {
    auto raw = read_text_file(process_dir + "/cmdline");
    if (!raw) return std::nullopt;
    std::vector<std::string> argv;
    std::string_view rest = *raw;
    while (!rest.empty()) {
        const auto end = rest.find('\0');
        argv.emplace_back(rest.substr(0, end));
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    return argv;
}

std::optional<unsigned long> netns_inode_of(const std::string& process_dir) {
    auto link = read_link(process_dir + "/ns/net");
    if (!link) return std::nullopt;
    return bracketed_inode(*link, "net:");
}

}  // namespace dnd
