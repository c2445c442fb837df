#include "core/crypto/hash.hpp"
#include "core/crypto/secret.hpp"
#include "support/catch.hpp"

#include <numeric>
#include <vector>

using namespace mqpasswd;

namespace {

std::vector<std::uint8_t> counting_salt(std::size_t length) {
    std::vector<std::uint8_t> salt(length);
    std::iota(salt.begin(), salt.end(), std::uint8_t{0});
    return salt;
}

// Fixed vectors from shared/facts/pwfile-format.md §1.5, each accepted by real brokers with
// password "secret" (salt = bytes 0, 1, 2, ...).
const std::string v6 =
    "$6$AAECAwQFBgcICQoL$JqsxEv/ucyxjA5DKsQ+Y8CDWaQDNQI9FpAkmfwAqWfwZLk/JEGgM0EpylrJHAZKKyFQjJeZ3nFaHjPzOzPPmPw==";
const std::string v7 =
    "$7$101$AAECAwQFBgcICQoL$Xr99N9ym9ys8TWxis5ajETJq6EVYzmc6nb8t3pUYnPBbCAbICS4xejTltonXWCtJNBvA+By+TXUqU6qCblO00w==";
const std::string v7k =
    "$7$1000$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==$"
    "j5aX3DstWRgO5cjjfvKvsf7Z/KK812T4wGDMih+DCHQg8P7++fmj4sZcMp1smkEafZL0QZ29tE5ezahL/nyffw==";
const std::string v6k = "$6$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==$"
                        "wEYf8F4/yHDmlCt3YmMXwFi//Ux0IOce8NucN+r/9QAuqoVaYz7SU9131YSsyqLHn9NUpM/F4yTaDANhOFpYTQ==";
const std::string va = "$argon2id$v=19$m=47104,t=1,p=1$"
                       "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw$"
                       "jN8KVtBuy9rOg+xx4HEO7K//Ei2hf4aegEDgCD4okj4rugUys2dVUsAyHcBFDFrGlWl198NIEs4dtHiTXPgqvA";

HashSpec spec(Algorithm algorithm, std::size_t salt_length, std::uint32_t iterations = 1000) {
    HashSpec result;
    result.algorithm = algorithm;
    result.salt_length = salt_length;
    result.iterations = iterations;
    return result;
}

}  // namespace

TEST_CASE("make_hash reproduces the broker-checked vectors byte for byte", "[hash]") {
    const Secret password = Secret::copy_of("secret");
    CHECK(make_hash(spec(Algorithm::sha512, 12), password, counting_salt(12)) == v6);
    CHECK(make_hash(spec(Algorithm::sha512_pbkdf2, 12, 101), password, counting_salt(12)) == v7);
    CHECK(make_hash(spec(Algorithm::sha512_pbkdf2, 64, 1000), password, counting_salt(64)) == v7k);
    CHECK(make_hash(spec(Algorithm::sha512, 64), password, counting_salt(64)) == v6k);
    CHECK(make_hash(spec(Algorithm::argon2id, 64), password, counting_salt(64)) == va);
}

TEST_CASE("verify_hash accepts the right password and refuses others for every format", "[hash]") {
    const Secret right = Secret::copy_of("secret");
    const Secret wrong = Secret::copy_of("Secret");
    const Secret longer = Secret::copy_of("secret ");
    for (const auto& encoded : {v6, v7, v7k, v6k, va}) {
        INFO(encoded);
        CHECK(verify_hash(encoded, right) == Verification::match);
        CHECK(verify_hash(encoded, wrong) == Verification::mismatch);
        CHECK(verify_hash(encoded, longer) == Verification::mismatch);
    }
}

TEST_CASE("verify_hash reads real mosquitto_passwd output", "[hash]") {
    // Recorded from Debian's 2.0.11 and from 2.1.2 (shared/facts/pwfile-format.md §1.5).
    CHECK(verify_hash("$6$8M9sNHo3afkcY83W$MYPjKRIJFR5nFVo5dSt9FRQAVQTIEEWVSX/t8aVZ04AYAOBVwtH6tXSQbp1bBCW6pr7vhewX/"
                      "Z+qLvK3R7WbxA==",
                      Secret::copy_of("secret")) == Verification::match);
    CHECK(verify_hash("$7$101$JHS0ufQtizOMUuu+$XsTj6SAXDVBAtle3HqwwFsCPSMSkvXAJLL8IdYDJetGyleSs9gFbd78p5ZFPNlv8hg42lRe"
                      "xG0NE2VPyX3OLCg==",
                      Secret::copy_of("secret")) == Verification::match);
    CHECK(verify_hash("$7$1000$pDfDawN7lDqxe/1b$4lZOFtH6/Ck08N8Gh8M9uH7GpZQ2mEJDGIwqRlj/GmU09f4CT7UvwF8gcCxJ2i8yN+KECRK"
                      "rLW7aCBzDv3G7Hg==",
                      Secret::copy_of("hunter2")) == Verification::match);
    CHECK(
        verify_hash("$7$1000$Sr47kQ828iWr6G4K4yvcASCXvWKp9gYrzXizNWvT4MxLUbG6mVkr+WXn7ubXWeiAuCYj8EvgKec+1rVM3nlH+w==$"
                    "ejJ9AIwvJoZX/ATuf0cdw7cm4z/mbzujUdOgWWDSJ4ittuH45VzqtGt9EhSkfGBDWWV4C5ri1Yh/7JmAcmmPQQ==",
                    Secret::copy_of("p1")) == Verification::match);
}

TEST_CASE("make_hash uses a fresh salt each time, and the hash still verifies", "[hash]") {
    const Secret password = Secret::copy_of("pw");
    for (const auto algorithm : {Algorithm::sha512, Algorithm::sha512_pbkdf2, Algorithm::argon2id}) {
        const auto first = make_hash(spec(algorithm, 12), password);
        const auto second = make_hash(spec(algorithm, 12), password);
        CHECK(first != second);
        CHECK(verify_hash(first, password) == Verification::match);
    }
}

TEST_CASE("inspect_hash reports algorithm and parameters", "[hash]") {
    const HashInfo pbkdf2 = inspect_hash(v7k);
    CHECK(pbkdf2.kind == HashKind::sha512_pbkdf2);
    CHECK(pbkdf2.iterations == 1000);
    CHECK(pbkdf2.salt_length == 64);
    CHECK(inspect_hash(v6).kind == HashKind::sha512);
    CHECK(inspect_hash(v6).salt_length == 12);
    const HashInfo argon = inspect_hash(va);
    CHECK(argon.kind == HashKind::argon2id);
    CHECK(argon.argon2.memory_kib == 47104);
    CHECK(argon.argon2.time_cost == 1);
    CHECK(argon.argon2.parallelism == 1);
    CHECK(argon.salt_length == 64);
    CHECK(inspect_hash("hunter2").kind == HashKind::plain_text);
    CHECK(inspect_hash("$5$abc$def").kind == HashKind::unknown);
    CHECK(inspect_hash("$argon2i$v=19$m=16,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA").kind == HashKind::unknown);
}

TEST_CASE("inspect_hash accepts any argon2id parameters, as libargon2's verify does", "[hash]") {
    const Secret password = Secret::copy_of("secret");
    HashSpec custom = spec(Algorithm::argon2id, 16);
    custom.argon2 = {65536, 2, 2};
    const std::string encoded = make_hash(custom, password);
    const HashInfo info = inspect_hash(encoded);
    CHECK(info.kind == HashKind::argon2id);
    CHECK(info.argon2.memory_kib == 65536);
    CHECK(info.argon2.time_cost == 2);
    CHECK(info.argon2.parallelism == 2);
    CHECK(info.salt_length == 16);
    CHECK(verify_hash(encoded, password) == Verification::match);
}

TEST_CASE("inspect_hash names the problem of an undecodable hash", "[hash]") {
    const auto problem = [](const std::string& encoded) {
        const HashInfo info = inspect_hash(encoded);
        CHECK(info.kind == HashKind::invalid);
        return info.problem;
    };
    const std::string digest = v7.substr(v7.rfind('$') + 1);
    CHECK(problem("$7$0$AAECAwQFBgcICQoL$" + digest) == "iteration count is not a whole number from 1 to 2147483647");
    CHECK(problem("$7$-5$AAECAwQFBgcICQoL$" + digest).find("iteration") != std::string::npos);
    CHECK(problem("$7$101abc$AAECAwQFBgcICQoL$" + digest).find("iteration") != std::string::npos);
    CHECK(problem("$7$101$AAECAwQFBgcICQoLDA0ODw==$" + digest) == "salt is 16 bytes; brokers read only 12 or 64");
    CHECK(problem("$7$101$AAEC*wQFBgcICQoL$" + digest) == "salt is not valid base64");
    CHECK(problem("$7$101$AAECAwQFBgcICQoL$" + digest.substr(0, 86)) == "hash is not 64 bytes of padded base64");
    CHECK(problem("$7$101$AAECAwQFBgcICQoL") == "a $7$ hash has the form $7$ITERATIONS$SALT$HASH");
    CHECK(problem("$6$AAECAwQFBgcICQoL") == "a $6$ hash has the form $6$SALT$HASH");
    CHECK(problem("$argon2id$v=19$m=47104,t=1$AAAA$AAAA").find("parameters") != std::string::npos);
}

TEST_CASE("plain-text entries verify in constant time, unknown formats never verify", "[hash]") {
    CHECK(verify_hash("hunter2", Secret::copy_of("hunter2")) == Verification::match);
    CHECK(verify_hash("hunter2", Secret::copy_of("hunter")) == Verification::mismatch);
    CHECK(verify_hash("$5$x$y", Secret::copy_of("x")) == Verification::unverifiable);
    CHECK(verify_hash("$7$0$AAECAwQFBgcICQoL$x", Secret::copy_of("x")) == Verification::unverifiable);
}

TEST_CASE("algorithm names round-trip and unknown names are refused", "[hash]") {
    for (const auto algorithm : {Algorithm::sha512, Algorithm::sha512_pbkdf2, Algorithm::argon2id}) {
        CHECK(algorithm_from_name(algorithm_name(algorithm)) == algorithm);
    }
    CHECK_FALSE(algorithm_from_name("argon2"));
    CHECK_FALSE(algorithm_from_name("SHA512"));
}

// import and upgrade hash through make_hashes: every request must come out as make_hash would
// make it, in order, whatever the mix of formats, costs and salts around the $7$ ones that share lanes.
TEST_CASE("make_hashes equals make_hash for each request, in order", "[hash]") {
    std::vector<HashSpec> specs;
    for (std::uint32_t i = 0; i < 21; ++i) {
        HashSpec spec;
        spec.algorithm = i % 7 == 3 ? Algorithm::sha512 : Algorithm::sha512_pbkdf2;
        spec.iterations = i % 3 == 0 ? 101 : 20 + i;
        spec.salt_length = 12 + i % 5;
        specs.push_back(spec);
    }
    HashSpec argon2;
    argon2.algorithm = Algorithm::argon2id;
    argon2.salt_length = 64;
    argon2.argon2.memory_kib = 64;
    specs.insert(specs.begin() + 5, argon2);
    std::vector<Secret> passwords;
    std::vector<std::vector<std::uint8_t>> salts;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        passwords.push_back(Secret::copy_of(std::string(i * 13 % 150, static_cast<char>('a' + i))));
        salts.push_back(counting_salt(specs[i].salt_length));
        salts.back()[0] = static_cast<std::uint8_t>(i);
    }
    std::vector<HashInput> inputs;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        inputs.push_back({&specs[i], &passwords[i], salts[i]});
    }
    const std::vector<std::string> hashes = make_hashes(inputs);
    REQUIRE(hashes.size() == specs.size());
    for (std::size_t i = 0; i < specs.size(); ++i) {
        INFO("request " << i);
        CHECK(hashes[i] == make_hash(specs[i], passwords[i], salts[i]));
    }
    CHECK(make_hashes({}).empty());
}

// import checks existing users through verify_hashes: each answer must be verify_hash's, in order,
// for right and wrong passwords, every format, and $7$ hashes of different costs sharing lanes.
TEST_CASE("verify_hashes equals verify_hash for each input, in order", "[hash]") {
    std::vector<std::string> hashes;
    std::vector<Secret> passwords;
    for (std::uint32_t i = 0; i < 19; ++i) {
        HashSpec spec;
        spec.algorithm = i % 6 == 2 ? Algorithm::sha512 : Algorithm::sha512_pbkdf2;
        spec.iterations = i % 2 == 0 ? 101 : 7 + i;
        const std::string password = "pw-" + std::string(i * 11 % 140, 'p') + std::to_string(i);
        hashes.push_back(make_hash(spec, Secret::copy_of(password)));
        passwords.push_back(Secret::copy_of(i % 3 == 0 ? password + "-wrong" : password));
    }
    hashes.push_back("plain-text-password");
    passwords.push_back(Secret::copy_of("plain-text-password"));
    hashes.push_back("$7$101$not-base64$x");
    passwords.push_back(Secret::copy_of("anything"));
    hashes.push_back(v6);
    passwords.push_back(Secret::copy_of("secret"));
    std::vector<VerifyInput> inputs;
    for (std::size_t i = 0; i < hashes.size(); ++i) {
        inputs.push_back({hashes[i], &passwords[i]});
    }
    const std::vector<Verification> results = verify_hashes(inputs);
    REQUIRE(results.size() == hashes.size());
    std::size_t matches = 0;
    for (std::size_t i = 0; i < hashes.size(); ++i) {
        INFO("input " << i);
        CHECK(results[i] == verify_hash(hashes[i], passwords[i]));
        matches += results[i] == Verification::match ? 1 : 0;
    }
    CHECK(matches == 12 + 2);  // 12 of the 19 made above (every third has a wrong password), plain text, v6
    CHECK(results[20] == Verification::unverifiable);
}
