// Username and password rules. Each rule exists because the broker would otherwise silently
// misread the line or the client could never log in (see shared/facts/pwfile-format.md §2, §3.5).
#include "core/pwfile/username.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/secret.hpp"
#include "core/text.hpp"

#include <cstdint>

namespace mqpasswd {
namespace {

// Decodes one UTF-8 sequence at text[pos]; returns its length, or 0 if it is invalid
// (overlong, surrogate, beyond U+10FFFF, or truncated).
std::size_t utf8_sequence(std::string_view text, std::size_t pos, std::uint32_t& code_point) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code_point = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code_point = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code_point = lead & 0x07u;
    } else {
        return 0;
    }
    if (pos + length > text.size()) {
        return 0;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80) {
            return 0;
        }
        code_point = (code_point << 6) | (byte(i) & 0x3Fu);
    }
    static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    const bool overlong = code_point < smallest[length];
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (overlong || surrogate || code_point > 0x10FFFF) {
        return 0;
    }
    return length;
}

bool is_control(std::uint32_t code_point) {
    return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F);
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
    std::uint32_t code_point = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t length = utf8_sequence(text, pos, code_point);
        if (length == 0) {
            return false;
        }
        pos += length;
    }
    return true;
}

std::optional<std::string> username_problem(std::string_view username) {
    if (username.empty()) {
        return "username is empty";
    }
    if (username.size() > max_field_length) {
        return "username is longer than 65535 bytes";
    }
    std::uint32_t code_point = 0;
    for (std::size_t pos = 0; pos < username.size();) {
        const auto byte = static_cast<unsigned char>(username[pos]);
        if (byte >= 0x20 && byte < 0x7F && byte != ':') {  // printable ASCII: most names, checked fast
            ++pos;
            continue;
        }
        const std::size_t length = utf8_sequence(username, pos, code_point);
        if (length == 0) {
            return "username is not valid UTF-8";
        }
        if (is_control(code_point)) {
            return "username must not contain control characters";
        }
        if (code_point == ':') {
            return "username must not contain ':'";
        }
        pos += length;
    }
    if (is_blank(username.front()) || is_blank(username.back())) {
        return "username must not start or end with a space (the broker would trim it)";
    }
    if (username.front() == '#') {
        return "username must not start with '#' (the broker would read the line as a comment)";
    }
    return std::nullopt;
}

std::optional<std::string> password_problem(const Secret& password) {
    if (password.empty()) {
        return "password is empty";
    }
    if (password.size() > max_field_length) {
        return "password is longer than 65535 bytes";
    }
    if (password.contains('\0')) {
        return "password contains a NUL byte (the broker would ignore everything after it)";
    }
    // A Mosquitto hash as the password (blanks around it are what the broker trims from a
    // password file's field): almost surely a password file given by mistake, a swapped argument,
    // `import PW PW`; hashing it would lock the user out.
    const HashKind kind = inspect_hash(trim(password.text())).kind;
    if (kind == HashKind::sha512 || kind == HashKind::sha512_pbkdf2 || kind == HashKind::argon2id) {
        return "the password is a Mosquitto password hash; is this a password file? a password is expected";
    }
    return std::nullopt;
}

}  // namespace mqpasswd
