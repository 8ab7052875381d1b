#include "shared_library.hpp"

#include <dlfcn.h>

#include <map>
#include <memory>
#include <mutex>

#include <fmt/format.h>

namespace dnd {

Result<const SharedLibrary*> SharedLibrary::load(const std::string& soname, const std::string& source) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<SharedLibrary>> loaded;
    const std::lock_guard lock(mutex);
    if (auto it = loaded.find(soname); it != loaded.end()) return it->second.get();
    void* handle = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return fail(source, fmt::format("cannot load {}: {}", soname, ::dlerror()));
    auto& library = loaded[soname];
    library.reset(new SharedLibrary(handle, soname, source));
    return library.get();
}

Result<void*> SharedLibrary::symbol(const char* name) const {
    ::dlerror();
    void* address = ::dlsym(handle_, name);
    if (const char* error = ::dlerror()) return fail(source_, fmt::format("{} has no {}: {}", soname_, name, error));
    if (!address) return fail(source_, fmt::format("{} has no {}", soname_, name));
    return address;
}

}  // namespace dnd
