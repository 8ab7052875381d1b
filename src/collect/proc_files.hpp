#pragma once
// Reading the small files and links of /proc (and files like it): whole, or the errno.
#include <expected>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <memory>
#include <string_view>
#include <vector>

#include <dirent.h>

namespace dnd {

// The whole file, or the errno that stopped us.
std::expected<std::string, int> read_text_file(const std::string& path);

// A symlink's target (up to 255 bytes); nullopt when unreadable or longer.
std::optional<std::string> read_link(const std::string& path);

// "socket:[1234]" with prefix "socket:" -> 1234
std::optional<unsigned long> bracketed_inode(std::string_view link, std::string_view prefix);

struct DirCloser {
    void operator()(DIR* d) const { ::closedir(d); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

// A /proc entry (or fd) name: digits only.
bool is_pid_name(std::string_view name);

// Every socket inode the process (a /proc/PID directory) holds, sorted, each once.
// Unreadable or vanished: none.
std::vector<unsigned long> socket_inodes_of(const std::string& process_dir);

// The processes pid started, from /proc/PID/task/*/children (each thread's, in thread id
// order); none when that cannot be read.
std::vector<int> child_pids(const std::string& proc_root, int pid);

// /proc/PID/comm without its newline: the process's name (15 bytes at most); "" when unreadable.
std::string read_comm(const std::string& process_dir);

// The pids of the processes named (comm) one of names, each name's in /proc's order, from one
// pass over proc_root: the host's process table is read once however many names are wanted.
// Every name has an entry; nullopt when proc_root cannot be listed.
using PidsByComm = std::map<std::string, std::vector<int>, std::less<>>;
std::optional<PidsByComm> pids_by_comm(const std::string& proc_root, std::initializer_list<std::string_view> names);
std::optional<PidsByComm> pids_by_comm(const std::string& proc_root, std::span<const std::string_view> names);

// pids_by_comm made on the first question, if any, and shared by the later ones: the pass
// grows with the host, and is often not needed at all. names: string literals.
class ProcessesByName {
public:
    ProcessesByName(std::string proc_root, std::initializer_list<std::string_view> names)
        : proc_root_(std::move(proc_root)), names_(names) {}
    // The processes named name (one of names); nullopt when proc_root cannot be listed.
    std::optional<std::vector<int>> of(std::string_view name);

private:
    std::string proc_root_;
    std::vector<std::string_view> names_;
    std::optional<std::optional<PidsByComm>> pass_;  // outer: made yet; inner: listed
};

// /proc/PID/cmdline split at its NULs: the process's arguments; nullopt when unreadable.
std::optional<std::vector<std::string>> read_argv(const std::string& process_dir);

// /proc/PID/ns/net reads as "net:[4026531840]"; the number is the namespace's inode.
std::optional<unsigned long> netns_inode_of(const std::string& process_dir);

}  // namespace dnd
