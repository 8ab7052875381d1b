// Libraries loaded when first needed (src/collect/shared_library.hpp): what a user reads when
// the library or one of its functions is missing, and that a second load is the same library.
#include <gtest/gtest.h>

#include <systemd/sd-journal.h>

#include "shared_library.hpp"

namespace dnd {
namespace {

TEST(SharedLibrary, AMissingLibraryIsOneLineNamingIt) {
    auto library = SharedLibrary::load("libdnd-no-such-library.so.0", "selinux");
    ASSERT_FALSE(library);
    EXPECT_EQ(library.error().source, "selinux");
    EXPECT_NE(library.error().message.find("cannot load libdnd-no-such-library.so.0"), std::string::npos);
    EXPECT_EQ(library.error().message.find('\n'), std::string::npos);
}

TEST(SharedLibrary, LoadsOnceAndResolvesTypedFunctions) {
    auto first = SharedLibrary::load("libsystemd.so.0", "selinux");
    ASSERT_TRUE(first) << first.error().message;
    auto second = SharedLibrary::load("libsystemd.so.0", "selinux");
    ASSERT_TRUE(second);
    EXPECT_EQ(*first, *second);
    auto open = (*first)->function<decltype(&sd_journal_open)>("sd_journal_open");
    ASSERT_TRUE(open) << open.error().message;
    EXPECT_NE(*open, nullptr);
}

TEST(SharedLibrary, AMissingFunctionNamesTheLibraryAndTheFunction) {
    auto library = SharedLibrary::load("libsystemd.so.0", "selinux");
    ASSERT_TRUE(library);
    auto missing = (*library)->function<void (*)()>("sd_no_such_function");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("libsystemd.so.0 has no sd_no_such_function"), std::string::npos);
}

}  // namespace
}  // namespace dnd
