// Password rules: what a broker could never check a client against, and the password that is
// surely a mistake (a hash).
#include "core/pwfile/password.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/secret.hpp"
#include "core/pwfile/username.hpp"
#include "core/text.hpp"

namespace mqpasswd {

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
