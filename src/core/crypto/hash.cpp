// Encoding, decoding and verification of each hash format. Layouts are recorded in
// shared/facts/pwfile-format.md §1; every format here was checked against a real broker.
#include "core/crypto/hash.hpp"

#include "core/crypto/argon2id.hpp"
#include "core/crypto/base64.hpp"
#include "core/crypto/pbkdf2.hpp"
#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/crypto/sha512.hpp"
#include "core/error.hpp"

#include <argon2.h>
#include <climits>

#include <array>
#include <charconv>
#include <vector>

namespace mqpasswd {
namespace {

constexpr std::string_view sha512_prefix = "$6$";
constexpr std::string_view pbkdf2_prefix = "$7$";
constexpr std::string_view argon2id_prefix = "$argon2id$";

using Digest = std::array<std::uint8_t, digest_length>;

// Splits "a$b$c" into its '$'-separated fields.
std::vector<std::string_view> split_fields(std::string_view text) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (std::size_t pos = text.find('$'); pos != std::string_view::npos; pos = text.find('$', start)) {
        fields.push_back(text.substr(start, pos - start));
        start = pos + 1;
    }
    fields.push_back(text.substr(start));
    return fields;
}

// Strict decimal: digits only, no sign, no leading '+', at least 1, at most INT_MAX.
std::optional<std::uint32_t> parse_count(std::string_view text) {
    std::uint32_t value = 0;
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    if (text.empty() || result.ec != std::errc() || result.ptr != end || value == 0 || value > INT_MAX) {
        return std::nullopt;
    }
    return value;
}

HashInfo invalid(std::string problem) {
    HashInfo info;
    info.kind = HashKind::invalid;
    info.problem = std::move(problem);
    return info;
}

// Shared tail of $6$ and $7$: padded base64 salt (12 or 64 bytes) and a 64-byte digest.
HashInfo inspect_salt_and_digest(HashKind kind, std::string_view salt_text, std::string_view digest_text) {
    const auto salt = base64_decode(salt_text, Padding::required);
    if (!salt) {
        return invalid("salt is not valid base64");
    }
    if (salt->size() != 12 && salt->size() != 64) {
        return invalid("salt is " + std::to_string(salt->size()) + " bytes; brokers read only 12 or 64");
    }
    const auto digest = base64_decode(digest_text, Padding::required);
    if (!digest || digest->size() != digest_length) {
        return invalid("hash is not 64 bytes of padded base64");
    }
    HashInfo info;
    info.kind = kind;
    info.salt_length = salt->size();
    return info;
}

HashInfo inspect_sha512(std::string_view encoded) {
    const auto fields = split_fields(encoded.substr(sha512_prefix.size()));
    if (fields.size() != 2) {
        return invalid("a $6$ hash has the form $6$SALT$HASH");
    }
    return inspect_salt_and_digest(HashKind::sha512, fields[0], fields[1]);
}

HashInfo inspect_pbkdf2(std::string_view encoded) {
    const auto fields = split_fields(encoded.substr(pbkdf2_prefix.size()));
    if (fields.size() != 3) {
        return invalid("a $7$ hash has the form $7$ITERATIONS$SALT$HASH");
    }
    const auto iterations = parse_count(fields[0]);
    if (!iterations) {
        return invalid("iteration count is not a whole number from 1 to 2147483647");
    }
    HashInfo info = inspect_salt_and_digest(HashKind::sha512_pbkdf2, fields[1], fields[2]);
    info.iterations = info.kind == HashKind::invalid ? 0 : *iterations;
    return info;
}

// "m=47104,t=1,p=1" in that order, as libargon2 writes it.
bool parse_argon2_params(std::string_view text, Argon2Params& params) {
    const auto take = [&text](std::string_view key, std::uint32_t& value) {
        if (text.substr(0, key.size()) != key) {
            return false;
        }
        text.remove_prefix(key.size());
        const std::size_t end = std::min(text.find(','), text.size());
        const auto parsed = parse_count(text.substr(0, end));
        text.remove_prefix(std::min(end + 1, text.size()));
        return parsed.has_value() && (value = *parsed, true);
    };
    return take("m=", params.memory_kib) && take("t=", params.time_cost) && take("p=", params.parallelism) &&
           text.empty();
}

HashInfo inspect_argon2id(std::string_view encoded) {
    auto fields = split_fields(encoded.substr(argon2id_prefix.size()));
    if (fields.size() == 4 && fields[0] == "v=19") {
        fields.erase(fields.begin());
    }
    if (fields.size() != 3) {
        return invalid("an argon2id hash has the form $argon2id$v=19$m=M,t=T,p=P$SALT$HASH");
    }
    HashInfo info;
    if (!parse_argon2_params(fields[0], info.argon2)) {
        return invalid("argon2id parameters are not m=M,t=T,p=P");
    }
    const auto salt = base64_decode(fields[1], Padding::none);
    const auto digest = base64_decode(fields[2], Padding::none);
    if (!salt || salt->size() < ARGON2_MIN_SALT_LENGTH || !digest || digest->size() < ARGON2_MIN_OUTLEN) {
        return invalid("argon2id salt or hash is not valid unpadded base64 of a usable length");
    }
    info.kind = HashKind::argon2id;
    info.salt_length = salt->size();
    return info;
}

Digest sha512_digest(const Secret& password, std::span<const std::uint8_t> salt) {
    static_assert(sha512::digest_size == digest_length);
    sha512::Digest digest{};
    sha512::Hasher hasher;  // wipes itself: it held password bytes
    hasher.update(password.bytes());
    hasher.update(salt);
    hasher.finish(digest);
    wipe_stack_below();  // the compression's working copies of the password's block
    Digest result{};
    std::copy(digest.begin(), digest.end(), result.begin());
    wipe_buffer(digest.data(), digest.size());
    return result;
}

Digest pbkdf2_digest(const Secret& password, std::span<const std::uint8_t> salt, std::uint32_t iterations) {
    Digest digest{};
    pbkdf2_hmac_sha512(password.bytes(), salt, iterations, digest);
    return digest;
}

std::string encode_pbkdf2_and_wipe(std::uint32_t iterations, std::span<const std::uint8_t> salt, Digest& digest) {
    std::string encoded = std::string(pbkdf2_prefix) + std::to_string(iterations) + '$' +
                          base64_encode(salt, Padding::required) + '$' + base64_encode(digest, Padding::required);
    wipe_buffer(digest.data(), digest.size());
    return encoded;
}

std::string encode_argon2id(const HashSpec& spec, const Secret& password, std::span<const std::uint8_t> salt) {
    const auto& p = spec.argon2;
    return argon2id_encoded(p.time_cost, p.memory_kib, p.parallelism, password, salt, digest_length);
}

// Digests of a batch, wiped on every way out (an exception between the derivation and the last
// encoding included).
struct WipedDigests : std::vector<Digest> {
    using std::vector<Digest>::vector;
    WipedDigests(const WipedDigests&) = delete;
    WipedDigests& operator=(const WipedDigests&) = delete;
    ~WipedDigests() {
        for (auto& digest : *this) {
            wipe_buffer(digest.data(), digest.size());
        }
    }
};

// The salt and digest of a $6$ or $7$ hash that inspect_hash already accepted.
std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>> salt_and_digest(std::string_view salt_text,
                                                                                std::string_view digest_text) {
    return {*base64_decode(salt_text, Padding::required), *base64_decode(digest_text, Padding::required)};
}

// Compares in constant time, then wipes the computed digest.
Verification compare_and_wipe(Digest& computed, const std::vector<std::uint8_t>& stored) {
    const bool same =
        stored.size() == computed.size() && constant_time_equal(computed.data(), stored.data(), computed.size());
    wipe_buffer(computed.data(), computed.size());
    return same ? Verification::match : Verification::mismatch;
}

}  // namespace

std::string_view algorithm_name(Algorithm algorithm) noexcept {
    switch (algorithm) {
    case Algorithm::sha512:
        return "sha512";
    case Algorithm::sha512_pbkdf2:
        return "sha512-pbkdf2";
    case Algorithm::argon2id:
        return "argon2id";
    }
    return "?";
}

std::optional<Algorithm> algorithm_from_name(std::string_view name) noexcept {
    for (const auto algorithm : {Algorithm::sha512, Algorithm::sha512_pbkdf2, Algorithm::argon2id}) {
        if (algorithm_name(algorithm) == name) {
            return algorithm;
        }
    }
    return std::nullopt;
}

std::string_view kind_name(HashKind kind) noexcept {
    switch (kind) {
    case HashKind::sha512:
        return "sha512";
    case HashKind::sha512_pbkdf2:
        return "sha512-pbkdf2";
    case HashKind::argon2id:
        return "argon2id";
    case HashKind::plain_text:
        return "plain-text";
    case HashKind::unknown:
        return "unknown";
    case HashKind::invalid:
        return "invalid";
    }
    return "?";
}

HashInfo inspect_hash(std::string_view encoded) {
    if (encoded.starts_with(sha512_prefix)) {
        return inspect_sha512(encoded);
    }
    if (encoded.starts_with(pbkdf2_prefix)) {
        return inspect_pbkdf2(encoded);
    }
    if (encoded.starts_with(argon2id_prefix)) {
        return inspect_argon2id(encoded);
    }
    HashInfo info;
    info.kind = encoded.starts_with('$') ? HashKind::unknown : HashKind::plain_text;
    return info;
}

std::string make_hash(const HashSpec& spec, const Secret& password) {
    std::vector<std::uint8_t> salt(spec.salt_length);
    random_bytes(salt);
    return make_hash(spec, password, salt);
}

std::string make_hash(const HashSpec& spec, const Secret& password, std::span<const std::uint8_t> salt) {
    switch (spec.algorithm) {
    case Algorithm::sha512: {
        Digest digest = sha512_digest(password, salt);
        std::string encoded = std::string(sha512_prefix) + base64_encode(salt, Padding::required) + '$' +
                              base64_encode(digest, Padding::required);
        wipe_buffer(digest.data(), digest.size());
        return encoded;
    }
    case Algorithm::sha512_pbkdf2: {
        Digest digest = pbkdf2_digest(password, salt, spec.iterations);
        return encode_pbkdf2_and_wipe(spec.iterations, salt, digest);
    }
    case Algorithm::argon2id:
        return encode_argon2id(spec, password, salt);
    }
    throw Error(ExitCode::failure, "unknown hash algorithm");
}

std::vector<std::string> make_hashes(std::span<const HashInput> requests) {
    std::vector<std::string> hashes(requests.size());
    std::vector<std::size_t> derived;  // the $7$ requests, in order
    std::vector<Pbkdf2Job> jobs;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        if (requests[i].spec->algorithm == Algorithm::sha512_pbkdf2) {
            derived.push_back(i);
        } else {
            hashes[i] = make_hash(*requests[i].spec, *requests[i].password, requests[i].salt);
        }
    }
    WipedDigests digests(derived.size());  // sized once (GCC 14 warns on resize: a false null dereference)
    for (std::size_t n = 0; n < derived.size(); ++n) {
        const HashInput& request = requests[derived[n]];
        jobs.push_back({request.password->bytes(), request.salt, request.spec->iterations, digests[n]});
    }
    pbkdf2_hmac_sha512_batch(jobs);
    for (std::size_t n = 0; n < derived.size(); ++n) {
        const HashInput& request = requests[derived[n]];
        hashes[derived[n]] = encode_pbkdf2_and_wipe(request.spec->iterations, request.salt, digests[n]);
    }
    return hashes;
}

Verification verify_hash(std::string_view encoded, const Secret& password) {
    const HashInfo info = inspect_hash(encoded);
    switch (info.kind) {
    case HashKind::sha512: {
        const auto fields = split_fields(encoded.substr(sha512_prefix.size()));
        const auto [salt, stored] = salt_and_digest(fields[0], fields[1]);
        Digest digest = sha512_digest(password, salt);
        return compare_and_wipe(digest, stored);
    }
    case HashKind::sha512_pbkdf2: {
        const auto fields = split_fields(encoded.substr(pbkdf2_prefix.size()));
        const auto [salt, stored] = salt_and_digest(fields[1], fields[2]);
        Digest digest = pbkdf2_digest(password, salt, info.iterations);
        return compare_and_wipe(digest, stored);
    }
    case HashKind::argon2id: {
        const std::string terminated(encoded);
        const int rc = argon2id_verify(terminated.c_str(), password.bytes().data(), password.size());
        if (rc == ARGON2_OK) {
            return Verification::match;
        }
        return rc == ARGON2_VERIFY_MISMATCH ? Verification::mismatch : Verification::unverifiable;
    }
    case HashKind::plain_text:
        return password.equals(encoded) ? Verification::match : Verification::mismatch;
    case HashKind::unknown:
    case HashKind::invalid:
        break;
    }
    return Verification::unverifiable;
}

std::vector<Verification> verify_hashes(std::span<const VerifyInput> inputs) {
    std::vector<Verification> results(inputs.size(), Verification::unverifiable);
    std::vector<std::size_t> derived;                                                     // the $7$ inputs, in order
    std::vector<std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>>> stored;  // salt, digest
    std::vector<std::uint32_t> iterations;
    std::vector<Pbkdf2Job> jobs;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const HashInfo info = inspect_hash(inputs[i].encoded);
        if (info.kind != HashKind::sha512_pbkdf2) {
            results[i] = verify_hash(inputs[i].encoded, *inputs[i].password);
            continue;
        }
        const auto fields = split_fields(inputs[i].encoded.substr(pbkdf2_prefix.size()));
        stored.push_back(salt_and_digest(fields[1], fields[2]));
        derived.push_back(i);
        iterations.push_back(info.iterations);
    }
    WipedDigests digests(derived.size());
    for (std::size_t n = 0; n < derived.size(); ++n) {
        jobs.push_back({inputs[derived[n]].password->bytes(), stored[n].first, iterations[n], digests[n]});
    }
    pbkdf2_hmac_sha512_batch(jobs);
    for (std::size_t n = 0; n < derived.size(); ++n) {
        results[derived[n]] = compare_and_wipe(digests[n], stored[n].second);
    }
    return results;
}

}  // namespace mqpasswd
