// Many PBKDF2-HMAC-SHA512 derivations at once. Per password, the HMAC key states and U1 are
// computed here one lane at a time (they are two blocks each, and the salt may have any length);
// the kernel then runs iterations 2..n of all lanes together, lane-sliced, and T comes back out.
// Jobs are grouped by iteration count; a group's last, partly filled set of lanes repeats its last
// job in the idle lanes, and their results are dropped.
#include "core/crypto/pbkdf2.hpp"
#include "core/crypto/pbkdf2_hmac.hpp"
#include "core/crypto/pbkdf2_kernels.hpp"
#include "core/crypto/secret.hpp"
#include "core/crypto/sha512.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"

#include <algorithm>
#ifdef MQPASSWD_X86_KERNELS
#include <cpuid.h>
#endif
#include <array>
#include <cstdlib>
#include <numeric>

namespace mqpasswd {
namespace {

constexpr int max_lanes = 8;
constexpr int state_words = 8;

struct Lanes {
    alignas(64) std::array<std::uint64_t, state_words * max_lanes> inner{};
    alignas(64) std::array<std::uint64_t, state_words * max_lanes> outer{};
    alignas(64) std::array<std::uint64_t, state_words * max_lanes> u1{};
    alignas(64) std::array<std::uint64_t, state_words * max_lanes> sums{};
};

int lanes_of(Pbkdf2Kernel kernel) {
    return kernel == Pbkdf2Kernel::avx512 ? pbkdf2_kernels::avx512_lanes
           : kernel == Pbkdf2Kernel::avx2 ? pbkdf2_kernels::avx2_lanes
                                          : 1;
}

// Lane `lane` of `lanes`: the key states and U1 of one job, as host-order words.
void load_lane(const Pbkdf2Job& job, int lane, int lanes, Lanes& words) {
    pbkdf2_detail::HmacStates states = pbkdf2_detail::precompute(job.password);
    pbkdf2_detail::Digest u{};
    constexpr std::array<unsigned char, 4> first_block{0, 0, 0, 1};
    pbkdf2_detail::hmac(states, job.salt, first_block, u);
    for (int i = 0; i < state_words; ++i) {
        words.u1[i * lanes + lane] = sha512::load_big_endian(u.data() + i * 8);
        words.inner[i * lanes + lane] = states.inner[static_cast<std::size_t>(i)];
        words.outer[i * lanes + lane] = states.outer[static_cast<std::size_t>(i)];
    }
    wipe_buffer(&states, sizeof states);
    wipe_buffer(u.data(), u.size());
}

void copy_lane(int from, int to, int lanes, Lanes& words) {
    for (int i = 0; i < state_words; ++i) {
        words.u1[i * lanes + to] = words.u1[i * lanes + from];
        words.inner[i * lanes + to] = words.inner[i * lanes + from];
        words.outer[i * lanes + to] = words.outer[i * lanes + from];
    }
}

void run_kernel(Pbkdf2Kernel kernel, const Lanes& words, std::uint32_t iterations, std::uint64_t* sums) {
    const pbkdf2_kernels::LaneWords input{words.inner.data(), words.outer.data(), words.u1.data()};
#ifdef MQPASSWD_X86_KERNELS
    if (kernel == Pbkdf2Kernel::avx512) {
        pbkdf2_kernels::iterate_avx512(input, iterations, sums);
        return;
    }
    if (kernel == Pbkdf2Kernel::avx2) {
        pbkdf2_kernels::iterate_avx2(input, iterations, sums);
        return;
    }
#endif
    (void)input;
    (void)iterations;
    (void)sums;
    throw Error(ExitCode::failure, "PBKDF2 kernel " + std::string(kernel_name(kernel)) + " is not built here");
}

// Jobs `group` (at most the kernel's lane count), all with the same iteration count.
void run_lanes(std::span<const Pbkdf2Job> jobs, std::span<const std::size_t> group, Pbkdf2Kernel kernel) {
    const int lanes = lanes_of(kernel);
    const int used = static_cast<int>(group.size());
    Lanes words;
    for (int lane = 0; lane < used; ++lane) {
        load_lane(jobs[group[lane]], lane, lanes, words);
    }
    for (int lane = used; lane < lanes; ++lane) {
        copy_lane(used - 1, lane, lanes, words);
    }
    run_kernel(kernel, words, jobs[group[0]].iterations, words.sums.data());
    wipe_stack_below();  // the kernel's spilled vectors, and what load_lane's hashing left
    for (int lane = 0; lane < used; ++lane) {
        for (int i = 0; i < state_words; ++i) {
            sha512::store_big_endian(words.sums[i * lanes + lane], jobs[group[lane]].out.data() + i * 8);
        }
    }
    wipe_buffer(&words, sizeof words);
}

#ifdef MQPASSWD_X86_KERNELS
// What the CPU and the OS offer, asked with CPUID and XGETBV when a batch first needs it.
// __builtin_cpu_supports would do the same, but it links libgcc's constructor, which runs a dozen
// CPUID instructions at every start (each a trap to the hypervisor in a VM, ~6 us): a tenth of a
// one-user `set`, which never hashes a batch.
struct X86Features {
    bool avx2 = false;
    bool avx512f = false;
};

X86Features ask_cpu() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    X86Features features;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0 || (ecx & bit_OSXSAVE) == 0 || (ecx & bit_AVX) == 0) {
        return features;  // no AVX, or an OS that does not save the vector registers
    }
    unsigned xcr0_low = 0, xcr0_high = 0;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    const bool ymm_saved = (xcr0_low & 0x6) == 0x6;    // SSE and AVX state
    const bool zmm_saved = (xcr0_low & 0xe6) == 0xe6;  // and opmask, ZMM_Hi256, Hi16_ZMM
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) {
        return features;
    }
    features.avx2 = ymm_saved && (ebx & bit_AVX2) != 0;
    features.avx512f = zmm_saved && (ebx & bit_AVX512F) != 0;
    return features;
}
#endif

bool cpu_supports(Pbkdf2Kernel kernel) {
#ifdef MQPASSWD_X86_KERNELS
    static const X86Features features = ask_cpu();
    if (kernel == Pbkdf2Kernel::avx512) {
        return features.avx512f;
    }
    if (kernel == Pbkdf2Kernel::avx2) {
        return features.avx2;
    }
#endif
    return kernel == Pbkdf2Kernel::scalar;
}

}  // namespace

std::string_view kernel_name(Pbkdf2Kernel kernel) noexcept {
    switch (kernel) {
    case Pbkdf2Kernel::scalar:
        return "scalar";
    case Pbkdf2Kernel::avx2:
        return "avx2";
    case Pbkdf2Kernel::avx512:
        return "avx512";
    }
    return "?";
}

std::vector<Pbkdf2Kernel> supported_pbkdf2_kernels() {
    std::vector<Pbkdf2Kernel> kernels;
    for (const auto kernel : {Pbkdf2Kernel::avx512, Pbkdf2Kernel::avx2, Pbkdf2Kernel::scalar}) {
        if (cpu_supports(kernel)) {
            kernels.push_back(kernel);
        }
    }
    return kernels;
}

Pbkdf2Kernel default_pbkdf2_kernel() {
    const std::vector<Pbkdf2Kernel> kernels = supported_pbkdf2_kernels();
    const char* forced = std::getenv("MQPASSWD_PBKDF2_KERNEL");
    if (forced == nullptr || *forced == '\0') {
        return kernels.front();
    }
    std::string names;
    for (const auto kernel : kernels) {
        if (kernel_name(kernel) == forced) {
            return kernel;
        }
        names += (names.empty() ? "" : ", ") + std::string(kernel_name(kernel));
    }
    throw Error(ExitCode::failure, "MQPASSWD_PBKDF2_KERNEL is " + quoted_name(forced) + "; this CPU runs " + names);
}

void pbkdf2_hmac_sha512_batch(std::span<const Pbkdf2Job> jobs) {
    static const Pbkdf2Kernel chosen = default_pbkdf2_kernel();
    pbkdf2_hmac_sha512_batch(jobs, chosen);
}

void pbkdf2_hmac_sha512_batch(std::span<const Pbkdf2Job> jobs, Pbkdf2Kernel kernel) {
    if (std::any_of(jobs.begin(), jobs.end(), [](const Pbkdf2Job& job) { return job.iterations == 0; })) {
        throw Error(ExitCode::failure, "PBKDF2 needs at least one iteration");
    }
    if (!cpu_supports(kernel)) {
        throw Error(ExitCode::failure,
                    "this CPU cannot run the " + std::string(kernel_name(kernel)) + " PBKDF2 kernel");
    }
    if (kernel == Pbkdf2Kernel::scalar) {
        std::uint64_t work = 0;  // the batch's, so many short derivations load libcrypto once
        for (const auto& job : jobs) {
            work += job.iterations;
        }
        const Pbkdf2Engine engine = engine_for(work);
        for (const auto& job : jobs) {
            pbkdf2_hmac_sha512(job.password, job.salt, job.iterations, job.out, engine);
        }
        return;
    }
    std::vector<std::size_t> order(jobs.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return jobs[a].iterations < jobs[b].iterations; });
    const auto lanes = static_cast<std::size_t>(lanes_of(kernel));
    for (std::size_t first = 0; first < order.size();) {
        std::size_t last = first + 1;
        while (last < order.size() && last - first < lanes &&
               jobs[order[last]].iterations == jobs[order[first]].iterations) {
            ++last;
        }
        run_lanes(jobs, std::span(order).subspan(first, last - first), kernel);
        first = last;
    }
}

}  // namespace mqpasswd
