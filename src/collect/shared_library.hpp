#pragma once
// A library loaded when a collector first needs it, not when the process starts: every library
// the binary links is mapped and relocated before main() on every run, and libsystemd with the
// six libraries it pulls in cost about 4.5 ms of each run's start-up, for a reader (the
// journal's AVC denials) that only SELinux hosts without auditd use.
#include <optional>
#include <string>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

class SharedLibrary {
public:
    // The library by its soname ("libsystemd.so.0"), loaded once for the life of the process
    // (never unloaded: the pointers handed out stay valid). Thread-safe.
    static Result<const SharedLibrary*> load(const std::string& soname, const std::string& source);

    // The named function, typed by the declaration it must have (decltype(&sd_journal_open)).
    template <class Function>
    Result<Function> function(const char* name) const {
        auto address = symbol(name);
        if (!address) return std::unexpected(address.error());
        return reinterpret_cast<Function>(*address);
    }

private:
    SharedLibrary(void* handle, std::string soname, std::string source)
        : handle_(handle), soname_(std::move(soname)), source_(std::move(source)) {}
    Result<void*> symbol(const char* name) const;

    void* handle_;
    std::string soname_;
    std::string source_;
};

// Fills a table of function pointers from one library, each slot typed by its declaration;
// after the first missing name the rest are left null and that error is kept.
class FunctionResolver {
public:
    explicit FunctionResolver(const SharedLibrary& library) : library_(library) {}

    template <class Function>
    void operator()(Function& slot, const char* name) {
        if (missing_) return;
        auto function = library_.function<Function>(name);
        if (function) slot = *function;
        else missing_ = function.error();
    }

    const std::optional<Error>& missing() const { return missing_; }

private:
    const SharedLibrary& library_;
    std::optional<Error> missing_;
};

}  // namespace dnd
