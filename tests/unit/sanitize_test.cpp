// Outside strings on their way to a terminal or a document: C0 controls, DEL, C1 controls in
// both encodings (UTF-8 and a lone 8-bit byte: 0x9b is CSI) and bytes that are not UTF-8
// are shown, never passed; printable UTF-8 passes unchanged.
#include <gtest/gtest.h>

#include "docknetdoctor/model/sanitize.hpp"

namespace dnd {
namespace {

TEST(Sanitize, ShowsControlBytesInEveryEncoding) {
    EXPECT_EQ(sanitize("a\x1b[2Jb"), "a\\x1b[2Jb");
    EXPECT_EQ(sanitize("title\x1b]0;x\x07\n\x7f"), "title\\x1b]0;x\\x07\\x0a\\x7f");
    EXPECT_EQ(sanitize("\x9b" "2J"), "\\x9b2J");        // an 8-bit CSI alone
    EXPECT_EQ(sanitize("\xc2\x9b" "2J"), "\\u009b2J");  // CSI as UTF-8
    EXPECT_EQ(sanitize("\xc2\x85"), "\\u0085");          // NEL
}

TEST(Sanitize, ShowsBytesThatAreNotUtf8) {
    EXPECT_EQ(sanitize("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(sanitize("\xc0\xaf"), "\\xc0\\xaf");          // an overlong '/'
    EXPECT_EQ(sanitize("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
    EXPECT_EQ(sanitize("\xe2\x82"), "\\xe2\\x82");          // cut short
}

TEST(Sanitize, PassesPrintableUtf8) {
    EXPECT_EQ(sanitize("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3 \xc2\xa0"),
              "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3 \xc2\xa0");
    EXPECT_EQ(sanitize("plain text: 0.0.0.0:8080"), "plain text: 0.0.0.0:8080");
}

}  // namespace
}  // namespace dnd
