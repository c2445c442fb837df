// Target brokers the unit tests name: 2.0, and 2.1 with, without and of unknown argon2 build.
#pragma once

#include "core/pwfile/profile.hpp"

namespace mqpasswd::test {

inline constexpr BrokerTarget v2_0 = broker_2_0;
inline constexpr BrokerTarget v2_1 = {BrokerVersion::v2_1, Argon2Support::yes};
inline constexpr BrokerTarget v2_1_no_argon2 = {BrokerVersion::v2_1, Argon2Support::no};
inline constexpr BrokerTarget v2_1_unknown_argon2 = {BrokerVersion::v2_1, Argon2Support::unknown};

}  // namespace mqpasswd::test
