// Mosquitto's password hash formats: $6$ (salted SHA-512), $7$ (PBKDF2-HMAC-SHA512) and
// argon2id, encoded exactly as mosquitto_passwd writes them; plain text recognised, never written.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mqpasswd {

class Secret;

enum class Algorithm { sha512, sha512_pbkdf2, argon2id };

[[nodiscard]] std::string_view algorithm_name(Algorithm algorithm) noexcept;
[[nodiscard]] std::optional<Algorithm> algorithm_from_name(std::string_view name) noexcept;

// Mosquitto 2.1's argon2id parameters (t=1, m=46 MiB, p=1).
struct Argon2Params {
    std::uint32_t memory_kib = 47104;
    std::uint32_t time_cost = 1;
    std::uint32_t parallelism = 1;
};

// What to write: the algorithm and its cost and sizes.
struct HashSpec {
    Algorithm algorithm = Algorithm::sha512_pbkdf2;
    std::uint32_t iterations = 1000;  // sha512-pbkdf2 only
    std::size_t salt_length = 12;
    Argon2Params argon2;  // argon2id only
};

inline constexpr std::size_t digest_length = 64;  // every format Mosquitto writes stores 64 bytes

enum class HashKind { sha512, sha512_pbkdf2, argon2id, plain_text, unknown, invalid };

[[nodiscard]] std::string_view kind_name(HashKind kind) noexcept;

// What a stored hash is, without its secret parts. `problem` says why a hash is `invalid`.
struct HashInfo {
    HashKind kind = HashKind::invalid;
    std::uint32_t iterations = 0;
    std::size_t salt_length = 0;
    Argon2Params argon2;
    std::string problem;
};

[[nodiscard]] HashInfo inspect_hash(std::string_view encoded);

// A new hash with a fresh random salt (random_bytes).
[[nodiscard]] std::string make_hash(const HashSpec& spec, const Secret& password);
// The same with a given salt; for test vectors and reproducible fixtures.
[[nodiscard]] std::string make_hash(const HashSpec& spec, const Secret& password, std::span<const std::uint8_t> salt);

// One password to hash with make_hashes.
struct HashInput {
    const HashSpec* spec = nullptr;
    const Secret* password = nullptr;
    std::span<const std::uint8_t> salt;
};

// make_hash(*spec, *password, salt) for every request, in order. The $7$ ones are derived
// together (pbkdf2_hmac_sha512_batch): several chains at once in SIMD lanes where the CPU has them.
[[nodiscard]] std::vector<std::string> make_hashes(std::span<const HashInput> requests);

enum class Verification { match, mismatch, unverifiable };

// Plain-text entries are compared in constant time; unknown or invalid hashes are unverifiable.
[[nodiscard]] Verification verify_hash(std::string_view encoded, const Secret& password);

struct VerifyInput {
    std::string_view encoded;
    const Secret* password = nullptr;
};

// verify_hash for each input, in order; the $7$ ones derived together, as make_hashes does.
[[nodiscard]] std::vector<Verification> verify_hashes(std::span<const VerifyInput> inputs);

}  // namespace mqpasswd
