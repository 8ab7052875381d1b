// The output's one way out: stdout checked for write errors, or a file replaced atomically.
#include "docknetdoctor/app/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include <fmt/format.h>

namespace dnd {
namespace {

Result<void> write_file_atomically(const std::string& path, const std::string& text) {
    // The temporary file sits beside the target: rename() is atomic only within a filesystem.
    std::string temporary = path + ".XXXXXX";
    const int fd = ::mkstemp(temporary.data());
    if (fd < 0) return fail("output", fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    int error = write_all(fd, text);
    if (error == 0 && ::fchmod(fd, 0644) != 0) error = errno;
    if (error == 0 && ::fsync(fd) != 0) error = errno;
    if (::close(fd) != 0 && error == 0) error = errno;
    if (error == 0 && ::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
    if (error != 0) {
        ::unlink(temporary.c_str());
        return fail("output", fmt::format("cannot write {}: {}", path, std::strerror(error)));
    }
    return {};
}

}  // namespace

int write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        if (n == 0) return EIO;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

Result<void> write_output(const std::optional<std::string>& path, const std::string& text) {
    if (path) return write_file_atomically(*path, text);
    std::cout << text;
    std::cout.flush();
    if (!std::cout) {
        const int error = errno;
        std::cout.clear();
        return fail("output", fmt::format("cannot write to standard output: {}", std::strerror(error ? error : EIO)));
    }
    return {};
}

}  // namespace dnd
