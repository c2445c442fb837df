// Secrets are wiped before their memory goes back to the heap: checked on the freed blocks
// themselves through the test binary's allocation hook (tests/support/freed_memory.hpp).
#include "core/crypto/secret.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/fs/line_reader.hpp"
#include "core/pwfile/pwfile.hpp"
#include "support/catch.hpp"
#include "support/freed_memory.hpp"
#include "support/temp_dir.hpp"

#include <memory>
#include <string>

using namespace mqpasswd;
using mqpasswd::test::allocation_hook_available;
using mqpasswd::test::watch_block;
using mqpasswd::test::watched_block_was_zeroed;

namespace {

// True, and the case passes as skipped, in sanitizer builds: they keep their own allocator.
bool without_hook() {
    if (allocation_hook_available()) {
        return false;
    }
    SUCCEED("no allocation hook in a sanitizer build");
    return true;
}

}  // namespace

TEST_CASE("the hook sees a password that was not wiped (the control)", "[wipe]") {
    if (without_hook()) {
        return;
    }
    auto careless = std::make_unique<std::string>("a password nobody wiped, long enough for the heap");
    watch_block(careless->data(), careless->size());
    careless.reset();
    CHECK(watched_block_was_zeroed() == std::optional<bool>(false));
}

TEST_CASE("a Secret's buffer is zero when it is freed", "[wipe]") {
    if (without_hook()) {
        return;
    }
    auto secret = std::make_unique<Secret>(Secret::copy_of("correct horse battery staple"));
    watch_block(secret->bytes().data(), secret->size());
    CHECK_FALSE(watched_block_was_zeroed().has_value());
    secret.reset();
    CHECK(watched_block_was_zeroed() == std::optional<bool>(true));
}

TEST_CASE("a Secret that grows wipes the buffer it leaves", "[wipe]") {
    if (without_hook()) {
        return;
    }
    Secret secret = Secret::copy_of("hunter2");
    const unsigned char* first = secret.bytes().data();
    watch_block(first, secret.size());
    while (secret.bytes().data() == first) {
        secret.push_back('x');
    }
    CHECK(watched_block_was_zeroed() == std::optional<bool>(true));
}

TEST_CASE("a parsed file's bytes, plain-text passwords among them, are zero when freed", "[wipe]") {
    if (without_hook()) {
        return;
    }
    auto file = std::make_unique<PwFile>(PwFile::parse("carol:plain-text-password\n# and more than fifteen bytes\n"));
    const std::string_view first = file->lines().front().text;
    watch_block(first.data(), 40);
    file->set("dave", "$7$hash");
    file.reset();
    CHECK(watched_block_was_zeroed() == std::optional<bool>(true));
}

TEST_CASE("the streaming reader's buffer is zero when freed", "[wipe]") {
    if (without_hook()) {
        return;
    }
    const test::TempDir dir;
    test::write_file(dir.file("pw"), "carol:plain-text-password\n");
    const UniqueFd fd = open_for_reading(dir.file("pw"));
    auto reader = std::make_unique<LineReader>(fd.get(), dir.file("pw"));
    watch_block(reader->next()->text.data(), 26);
    reader.reset();
    CHECK(watched_block_was_zeroed() == std::optional<bool>(true));
}
