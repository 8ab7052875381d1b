#pragma once
// A throwaway directory shaped like /proc, for the readers that take a proc root.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace dnd::testing {

// A throwaway directory shaped like /proc.
class FakeProc {
public:
    FakeProc() {
        std::string pattern = (std::filesystem::temp_directory_path() / "dnd-fakeproc-XXXXXX").string();
        if (::mkdtemp(pattern.data()) != nullptr) root_ = pattern;
    }
    ~FakeProc() {
        std::error_code ignored;
        if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
    }
    FakeProc(const FakeProc&) = delete;
    FakeProc& operator=(const FakeProc&) = delete;

    const std::string& root() const { return root_; }
    void write(const std::string& relative, const std::string& text) const {
        std::filesystem::create_directories((std::filesystem::path(root_) / relative).parent_path());
        std::ofstream(std::filesystem::path(root_) / relative, std::ios::binary) << text;
    }
    void link(const std::string& relative, const std::string& target) const {
        std::filesystem::create_directories((std::filesystem::path(root_) / relative).parent_path());
        std::filesystem::create_symlink(target, std::filesystem::path(root_) / relative);
    }
    // A process in netns `netns` holding `fds` (fd number -> link target).
    void process(int pid, const std::string& comm, unsigned long netns,
                 const std::vector<std::pair<int, std::string>>& fds) const {
        const std::string dir = std::to_string(pid);
        write(dir + "/comm", comm + "\n");
        link(dir + "/ns/net", "net:[" + std::to_string(netns) + "]");
        for (const auto& [fd, target] : fds) link(dir + "/fd/" + std::to_string(fd), target);
    }

private:
    std::string root_;
};

}  // namespace dnd::testing
