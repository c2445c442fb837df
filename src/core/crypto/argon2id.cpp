#include "core/crypto/argon2id.hpp"

#include "core/crypto/base64.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"

#include <argon2.h>

#include <cstdlib>
#include <vector>

namespace mqpasswd {
namespace {

// This thread's working memory, grown as needed and wiped when the thread ends. libargon2 clears
// it after each hash (its default, before it calls free_cbk), so no hash's blocks outlive it.
struct WorkingMemory {
    std::uint8_t* data = nullptr;
    std::size_t size = 0;
    WorkingMemory() = default;
    WorkingMemory(const WorkingMemory&) = delete;
    WorkingMemory& operator=(const WorkingMemory&) = delete;
    ~WorkingMemory() {
        if (data != nullptr) {
            wipe_buffer(data, size);
            std::free(data);
        }
    }
};

thread_local WorkingMemory memory;

int reuse_memory(std::uint8_t** out, std::size_t bytes) {
    if (memory.size < bytes) {
        if (memory.data != nullptr) {
            wipe_buffer(memory.data, memory.size);
            std::free(memory.data);
            memory.data = nullptr;
            memory.size = 0;
        }
        memory.data = static_cast<std::uint8_t*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64));
        if (memory.data == nullptr) {
            return ARGON2_MEMORY_ALLOCATION_ERROR;
        }
        memory.size = bytes;
    }
    *out = memory.data;
    return ARGON2_OK;
}

void keep_memory(std::uint8_t* /*memory*/, std::size_t /*bytes*/) {
}  // kept for the next hash

}  // namespace

std::string argon2id_encoded(std::uint32_t time_cost, std::uint32_t memory_kib, std::uint32_t parallelism,
                             const Secret& password, std::span<const std::uint8_t> salt, std::size_t hash_length) {
    std::vector<std::uint8_t> hash(hash_length);
    argon2_context context{};
    context.out = hash.data();
    context.outlen = static_cast<std::uint32_t>(hash.size());
    // Read only: libargon2 writes to them only with ARGON2_FLAG_CLEAR_PASSWORD/SECRET, not set here
    // (the Secret wipes itself).
    context.pwd = const_cast<std::uint8_t*>(password.bytes().data());
    context.pwdlen = static_cast<std::uint32_t>(password.size());
    context.salt = const_cast<std::uint8_t*>(salt.data());
    context.saltlen = static_cast<std::uint32_t>(salt.size());
    context.t_cost = time_cost;
    context.m_cost = memory_kib;
    context.lanes = parallelism;
    context.threads = parallelism;
    context.version = ARGON2_VERSION_13;
    context.allocate_cbk = reuse_memory;
    context.free_cbk = keep_memory;
    context.flags = ARGON2_DEFAULT_FLAGS;
    const int rc = argon2_ctx(&context, Argon2_id);
    if (rc != ARGON2_OK) {
        wipe_buffer(hash.data(), hash.size());
        throw Error(ExitCode::failure, std::string("argon2id hashing failed: ") + argon2_error_message(rc));
    }
    std::string encoded = "$argon2id$v=19$m=" + std::to_string(memory_kib) + ",t=" + std::to_string(time_cost) +
                          ",p=" + std::to_string(parallelism) + "$" + base64_encode(salt, Padding::none) + "$" +
                          base64_encode(hash, Padding::none);
    wipe_buffer(hash.data(), hash.size());
    return encoded;
}

}  // namespace mqpasswd
