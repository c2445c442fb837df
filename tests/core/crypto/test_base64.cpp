#include "core/crypto/base64.hpp"
#include "support/catch.hpp"

using namespace mqpasswd;

namespace {
std::vector<std::uint8_t> bytes(std::string_view text) {
    return {text.begin(), text.end()};
}
}  // namespace

TEST_CASE("base64 encodes the RFC 4648 vectors, padded and unpadded", "[base64]") {
    const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        CHECK(base64_encode(bytes(plain), Padding::required) == encoded);
        std::string unpadded = encoded;
        unpadded.erase(unpadded.find_last_not_of('=') + 1);
        CHECK(base64_encode(bytes(plain), Padding::none) == unpadded);
        CHECK(base64_decode(encoded, Padding::required) == bytes(plain));
        CHECK(base64_decode(unpadded, Padding::none) == bytes(plain));
    }
}

TEST_CASE("base64 round-trips every byte value and every length up to 70", "[base64]") {
    std::vector<std::uint8_t> data;
    for (int i = 0; i < 70; ++i) {
        data.push_back(static_cast<std::uint8_t>(i * 37 + 255));
        for (const auto padding : {Padding::required, Padding::none}) {
            CHECK(base64_decode(base64_encode(data, padding), padding) == data);
        }
    }
}

TEST_CASE("base64 uses the standard alphabet with + and /", "[base64]") {
    CHECK(base64_encode(std::vector<std::uint8_t>{0xfb, 0xff}, Padding::required) == "+/8=");
    CHECK(base64_decode("+/8=", Padding::required) == std::vector<std::uint8_t>{0xfb, 0xff});
}

TEST_CASE("base64 decoding rejects what the broker rejects", "[base64]") {
    CHECK_FALSE(base64_decode("Zg", Padding::required));        // padding missing (2.0 rejects "==" missing)
    CHECK_FALSE(base64_decode("Zg=", Padding::required));       // wrong length
    CHECK_FALSE(base64_decode("Z===", Padding::required));      // too much padding
    CHECK_FALSE(base64_decode("Zg==Zg==", Padding::required));  // padding inside
    CHECK_FALSE(base64_decode("Zm 9v", Padding::required));     // whitespace
    CHECK_FALSE(base64_decode("Zm9v\n", Padding::required));
    CHECK_FALSE(base64_decode("Zm-_", Padding::required));  // URL-safe alphabet
    CHECK_FALSE(base64_decode("Zg==", Padding::none));      // padding where none belongs
    CHECK_FALSE(base64_decode("Zm9vY", Padding::none));     // 1 leftover character is never valid
}
