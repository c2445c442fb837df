#include "broker/broker_cache.hpp"
#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <pwd.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace mqpasswd;

namespace {

// A stand-in broker program and a cache home beside it, each in a private temp directory.
struct Fixture {
    test::TempDir programs;
    test::TempDir home;
    std::string program = programs.file("mosquitto");
    std::string file = home.file("mqpasswd/broker-version");

    Fixture() { test::write_file(program, "#!/bin/sh\necho 'mosquitto version 2.0.11'\n"); }

    [[nodiscard]] struct stat identity() const {
        struct stat info {};
        REQUIRE(::stat(program.c_str(), &info) == 0);
        return info;
    }
    [[nodiscard]] std::optional<std::string> cached() const {
        return cached_broker_version(home.path().string(), program, identity());
    }
    bool store(const std::string& version = "2.0.11") const {
        return store_broker_version(home.path().string(), program, identity(), version);
    }
};

class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) {
            old_ = old;
        }
        value != nullptr ? ::setenv(name, value, 1) : ::unsetenv(name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ~ScopedEnv() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

private:
    const char* name_;
    std::optional<std::string> old_;
};

mode_t mode_of(const std::string& path) {
    struct stat info {};
    REQUIRE(::lstat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("a stored answer is read back for the same program file, in a private file", "[broker_cache]") {
    const Fixture fixture;
    CHECK_FALSE(fixture.cached());
    REQUIRE(fixture.store());
    CHECK(fixture.cached() == std::optional<std::string>("2.0.11"));
    CHECK(mode_of(fixture.home.file("mqpasswd")) == 0700);
    CHECK(mode_of(fixture.file) == 0600);
    CHECK(fixture.home.entries() == std::vector<std::string>{"mqpasswd"});
    CHECK(std::distance(std::filesystem::directory_iterator(fixture.home.file("mqpasswd")),
                        std::filesystem::directory_iterator()) == 1);  // no temp file left
    CHECK_FALSE(cached_broker_version(fixture.home.path().string(), fixture.program + "2", fixture.identity()));
}

TEST_CASE("a program file that changed in any way misses", "[broker_cache]") {
    const Fixture fixture;
    REQUIRE(fixture.store());
    const std::string home = fixture.home.path().string();
    const struct stat original = fixture.identity();
    struct stat changed = original;
    changed.st_size += 1;
    CHECK_FALSE(cached_broker_version(home, fixture.program, changed));
    changed = original;
    changed.st_mtim.tv_nsec ^= 1;
    CHECK_FALSE(cached_broker_version(home, fixture.program, changed));
    changed = original;
    changed.st_ino += 1;
    CHECK_FALSE(cached_broker_version(home, fixture.program, changed));
    changed = original;
    changed.st_dev += 1;
    CHECK_FALSE(cached_broker_version(home, fixture.program, changed));
    changed = original;
    changed.st_ctim.tv_sec -= 1;
    CHECK_FALSE(cached_broker_version(home, fixture.program, changed));
    // For real: a chmod changes only the ctime, which no user can set back.
    REQUIRE(::chmod(fixture.program.c_str(), 0700) == 0);
    CHECK_FALSE(fixture.cached());
    CHECK(cached_broker_version(home, fixture.program, original) == std::optional<std::string>("2.0.11"));
}

TEST_CASE("a symbolic link, a FIFO or a directory at the cache file is never followed", "[broker_cache]") {
    const Fixture fixture;
    REQUIRE(fixture.store());
    const std::string elsewhere = fixture.programs.file("record");
    std::filesystem::rename(fixture.file, elsewhere);
    std::filesystem::create_symlink(elsewhere, fixture.file);
    CHECK_FALSE(fixture.cached());
    const std::string target_before = test::read_file_text(elsewhere);
    REQUIRE(fixture.store("2.1.2"));  // replaces the link itself, never writes through it
    CHECK(test::read_file_text(elsewhere) == target_before);
    CHECK_FALSE(std::filesystem::is_symlink(fixture.file));
    CHECK(fixture.cached() == std::optional<std::string>("2.1.2"));
    std::filesystem::remove(fixture.file);
    REQUIRE(::mkfifo(fixture.file.c_str(), 0600) == 0);
    CHECK_FALSE(fixture.cached());  // and does not block
    std::filesystem::remove(fixture.file);
    std::filesystem::create_directory(fixture.file);
    CHECK_FALSE(fixture.cached());
    CHECK_FALSE(fixture.store());
}

TEST_CASE("a cache file others could write, or another user's, is ignored", "[broker_cache]") {
    const Fixture fixture;
    REQUIRE(fixture.store());
    REQUIRE(::chmod(fixture.file.c_str(), 0620) == 0);
    CHECK_FALSE(fixture.cached());
    REQUIRE(::chmod(fixture.file.c_str(), 0602) == 0);
    CHECK_FALSE(fixture.cached());
    REQUIRE(::chmod(fixture.file.c_str(), 0644) == 0);
    CHECK(fixture.cached() == std::optional<std::string>("2.0.11"));  // readable by others is no risk
    if (::geteuid() != 0) {
        return;  // only root can give a file away
    }
    const passwd* nobody = ::getpwnam("nobody");
    REQUIRE(nobody != nullptr);
    REQUIRE(::chown(fixture.file.c_str(), nobody->pw_uid, 0) == 0);
    CHECK_FALSE(fixture.cached());
}

TEST_CASE("a directory others could write, the cache's own or one above it, disables the cache", "[broker_cache]") {
    const Fixture fixture;
    REQUIRE(fixture.store());
    const std::string directory = fixture.home.file("mqpasswd");
    REQUIRE(::chmod(directory.c_str(), 0770) == 0);
    CHECK_FALSE(fixture.cached());
    CHECK_FALSE(fixture.store("2.1.2"));
    REQUIRE(::chmod(directory.c_str(), 01777) == 0);  // sticky is no excuse for the cache's own directory
    CHECK_FALSE(fixture.cached());
    REQUIRE(::chmod(directory.c_str(), 0700) == 0);
    CHECK(fixture.cached() == std::optional<std::string>("2.0.11"));
    const std::string home = fixture.home.path().string();
    REQUIRE(::chmod(home.c_str(), 0777) == 0);
    CHECK_FALSE(fixture.cached());
    CHECK_FALSE(fixture.store("2.1.2"));
    REQUIRE(::chmod(home.c_str(), 0775) == 0);
    CHECK_FALSE(fixture.cached());
    REQUIRE(::chmod(home.c_str(), 01777) == 0);  // as /tmp: others cannot rename or remove mqpasswd/
    CHECK(fixture.cached() == std::optional<std::string>("2.0.11"));
    REQUIRE(::chmod(home.c_str(), 0700) == 0);
    if (::geteuid() != 0) {
        return;
    }
    const passwd* nobody = ::getpwnam("nobody");
    REQUIRE(nobody != nullptr);
    REQUIRE(::chown(directory.c_str(), nobody->pw_uid, 0) == 0);
    CHECK_FALSE(fixture.cached());
    CHECK_FALSE(fixture.store());
}

TEST_CASE("nothing is made in a cache home the cache would not use", "[broker_cache]") {
    const Fixture fixture;
    const std::string home = fixture.home.path().string();
    REQUIRE(::chmod(home.c_str(), 0777) == 0);
    CHECK_FALSE(fixture.store());
    CHECK(fixture.home.entries() == std::vector<std::string>{});
    REQUIRE(::chmod(home.c_str(), 0700) == 0);
    if (::geteuid() != 0) {
        return;
    }
    const passwd* nobody = ::getpwnam("nobody");
    REQUIRE(nobody != nullptr);
    // sudo's invoking user's directory: the path policy trusts that user, the cache does not.
    REQUIRE(::chown(home.c_str(), nobody->pw_uid, 0) == 0);
    const std::string uid = std::to_string(nobody->pw_uid);
    const ScopedEnv sudo("SUDO_UID", uid.c_str());
    CHECK_FALSE(fixture.store());
    CHECK(fixture.home.entries() == std::vector<std::string>{});
}

TEST_CASE("an oversize, torn or garbage file misses, and is replaced by the next answer", "[broker_cache]") {
    const Fixture fixture;
    REQUIRE(fixture.store());
    const std::string record = test::read_file_text(fixture.file);
    REQUIRE(record.ends_with("\nversion 2.0.11\n"));
    const auto rewrite = [&](const std::string& content) {
        test::write_file(fixture.file, content);
        return fixture.cached();
    };
    CHECK(rewrite(record) == std::optional<std::string>("2.0.11"));  // the control: a rewrite alone is fine
    CHECK_FALSE(rewrite(record + std::string(4096, '\n')));
    CHECK_FALSE(rewrite(record.substr(0, record.size() - 1)));
    CHECK_FALSE(rewrite(record + "version 2.1.2\n"));
    CHECK_FALSE(rewrite(record.substr(0, record.size() - 7) + "2.x\n"));
    CHECK_FALSE(rewrite(record.substr(0, record.size() - 7) + "\n"));
    CHECK_FALSE(rewrite(""));
    CHECK_FALSE(rewrite("\x7f"
                        "ELF garbage"));
    REQUIRE(fixture.store("2.1.2"));
    CHECK(fixture.cached() == std::optional<std::string>("2.1.2"));
}

TEST_CASE("only a version that parses, for a path without a newline, is stored", "[broker_cache]") {
    const Fixture fixture;
    CHECK_FALSE(fixture.store("abc"));
    CHECK_FALSE(fixture.store(""));
    CHECK_FALSE(fixture.store("2.0.11\nversion 9"));
    CHECK_FALSE(store_broker_version(fixture.home.path().string(), fixture.program + "\nversion 9", fixture.identity(),
                                     "2.0.11"));
    CHECK_FALSE(
        store_broker_version(fixture.home.path().string(), "/" + std::string(5000, 'x'), fixture.identity(), "2.0.11"));
    CHECK(fixture.home.entries() == std::vector<std::string>{});
}

TEST_CASE("a missing cache home is made private, its parent must exist", "[broker_cache]") {
    const Fixture fixture;
    const std::string home = fixture.home.file("cache");
    REQUIRE(store_broker_version(home, fixture.program, fixture.identity(), "2.0.11"));
    CHECK(mode_of(home) == 0700);
    CHECK(cached_broker_version(home, fixture.program, fixture.identity()) == std::optional<std::string>("2.0.11"));
    CHECK_FALSE(store_broker_version(fixture.home.file("a/b"), fixture.program, fixture.identity(), "2.0.11"));
}

TEST_CASE("the cache home: MQPASSWD_CACHE_HOME, /var/cache as root, else XDG_CACHE_HOME or ~/.cache",
          "[broker_cache]") {
    {
        const ScopedEnv configured("MQPASSWD_CACHE_HOME", "/some/where");
        CHECK(broker_cache_home() == std::optional<std::string>("/some/where"));
    }
    {
        const ScopedEnv relative("MQPASSWD_CACHE_HOME", "off");
        CHECK_FALSE(broker_cache_home());
    }
    const ScopedEnv unset("MQPASSWD_CACHE_HOME", nullptr);
    const ScopedEnv xdg("XDG_CACHE_HOME", "/x/cache");
    const ScopedEnv home("HOME", "/h");
    if (::geteuid() == 0) {
        CHECK(broker_cache_home() == std::optional<std::string>("/var/cache"));
        return;
    }
    CHECK(broker_cache_home() == std::optional<std::string>("/x/cache"));
    const ScopedEnv relative_xdg("XDG_CACHE_HOME", "cache");
    CHECK(broker_cache_home() == std::optional<std::string>("/h/.cache"));
}
