// The mapping between password-file lines and dynamic-security clients. A $7$ hash and the 2.0
// triple hold the same three values (iterations, salt, derived key), so the conversion copies
// base64 text and never decodes a password: no hash is recomputed and no password is needed.
#include "core/dynsec/dynsec_file.hpp"

#include "core/crypto/hash.hpp"
#include "core/error.hpp"
#include "core/pwfile/username.hpp"
#include "core/quote.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <unordered_map>

namespace mqpasswd {
namespace {

constexpr std::string_view pbkdf2_prefix = "$7$";
const char* const masked_value = "(hidden)";

// The three '$'-separated fields after "$7$" of a hash inspect_hash found valid.
struct Pbkdf2Fields {
    std::string iterations;
    std::string salt;
    std::string key;
};

Pbkdf2Fields pbkdf2_fields(std::string_view hash) {
    const std::string_view rest = hash.substr(pbkdf2_prefix.size());
    const std::size_t first = rest.find('$');
    const std::size_t second = rest.find('$', first + 1);
    return {std::string(rest.substr(0, first)), std::string(rest.substr(first + 1, second - first - 1)),
            std::string(rest.substr(second + 1))};
}

// `hash` with its iteration count written as the plugin's JSON number would be: "$7$01000$..."
// (which the password-file reader accepts) becomes "$7$1000$...", so the triple is valid JSON and
// a second export compares equal.
std::string canonical_hash(const std::string& hash, const HashInfo& info) {
    if (info.kind != HashKind::sha512_pbkdf2) {
        return hash;
    }
    const Pbkdf2Fields fields = pbkdf2_fields(hash);
    return std::string(pbkdf2_prefix) + std::to_string(info.iterations) + "$" + fields.salt + "$" + fields.key;
}

// The members the plugin reads. It looks them up in any case (cJSON_GetObjectItem), so a member
// whose name differs from one of these only in case would be read in its place.
constexpr std::array<std::string_view, 6> known_members{"username",   "password",         "salt",
                                                        "iterations", "encoded_password", "disabled"};

bool same_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// Whether a client may be switched off in the plugin: "disabled" present and not plainly false
// (a value of another type is taken as the worse case).
bool disabled(const JsonValue& client) {
    const JsonValue* flag = client.find("disabled");
    return flag != nullptr && !(flag->is(JsonKind::boolean) && flag->text() == "false");
}

// Why the plugin of `broker` cannot store this hash, or nothing when it can.
std::optional<std::string> export_problem(const HashInfo& info, const BrokerTarget& broker) {
    const bool v2_0 = broker.version == BrokerVersion::v2_0;
    switch (info.kind) {
    case HashKind::sha512_pbkdf2:
        if (readable_by(info, broker)) {
            return std::nullopt;
        }
        return "its salt is " + std::to_string(info.salt_length) +
               " bytes, and a 2.0 plugin loads only 12-byte salts (it would drop the client)";
    case HashKind::argon2id:
        if (!v2_0 && readable_by(info, broker)) {
            return std::nullopt;
        }
        return v2_0 ? std::string("argon2id, which a 2.0 plugin cannot store (it keeps PBKDF2 only)")
                    : argon2_problem(broker);
    case HashKind::sha512:  // 2.1's plugin reads any password-file hash in encoded_password [V: 2.1.2]
        if (!v2_0 && readable_by(info, broker)) {
            return std::nullopt;
        }
        return std::string("a $6$ hash (one salted SHA-512), which a 2.0 plugin cannot store (it keeps PBKDF2 "
                           "only); give the user a new password with mqpasswd set first");
    case HashKind::plain_text:
        return std::string("a plain-text password; hash it first with mqpasswd upgrade");
    case HashKind::unknown:
        return std::string("an unknown hash format");
    case HashKind::invalid:
        return "an invalid hash (" + info.problem + ")";
    }
    return std::string("an unknown hash format");
}

// A client's 2.1 password ("" when it has none).
std::string encoded_hash(const JsonValue& client) {
    const JsonValue* encoded = client.find("encoded_password");
    return encoded != nullptr && encoded->is(JsonKind::string) ? encoded->text() : std::string();
}

// A client's 2.0 password as the $7$ string of the same three values ("" when it has none).
std::string triple_hash(const JsonValue& client) {
    const JsonValue* password = client.find("password");
    const JsonValue* salt = client.find("salt");
    const JsonValue* iterations = client.find("iterations");
    if (password == nullptr || salt == nullptr || iterations == nullptr || !password->is(JsonKind::string) ||
        !salt->is(JsonKind::string) || !iterations->is(JsonKind::number)) {
        return {};
    }
    return std::string(pbkdf2_prefix) + iterations->text() + "$" + salt->text() + "$" + password->text();
}

// The hash a client's password reads as for `broker`'s plugin ("" when it has none it reads):
// 2.1 reads encoded_password first, then the triple; 2.0 only the triple.
std::string client_hash(const JsonValue& client, const BrokerTarget& broker) {
    const std::string encoded = broker.version == BrokerVersion::v2_1 ? encoded_hash(client) : std::string();
    return encoded.empty() ? triple_hash(client) : encoded;
}

// What import carries to a password file for `broker`: the password that broker's plugin reads,
// or, when it reads none, the other form (a 2.1 file going back to a 2.0 broker).
std::string import_hash(const JsonValue& client, const BrokerTarget& broker) {
    const std::string read = client_hash(client, broker);
    return read.empty() ? encoded_hash(client) : read;
}

// Gives `client` exactly one password, in the form `broker` reads.
void store_password(JsonValue& client, const std::string& hash, const BrokerTarget& broker) {
    if (broker.version == BrokerVersion::v2_1) {
        client.erase("password");
        client.erase("salt");
        client.erase("iterations");
        client.set("encoded_password", JsonValue::string(hash));
        return;
    }
    Pbkdf2Fields fields = pbkdf2_fields(hash);
    client.erase("encoded_password");  // a 2.1 plugin would read it before the triple
    client.set("password", JsonValue::string(std::move(fields.key)));
    client.set("salt", JsonValue::string(std::move(fields.salt)));
    client.set("iterations", JsonValue::number(std::move(fields.iterations)));
}

// Whether `client` also holds the form `broker` does not read (a stale password that another
// version of the plugin would read first, or fall back to).
bool has_other_form(const JsonValue& client, const BrokerTarget& broker) {
    if (broker.version == BrokerVersion::v2_1) {
        return client.find("password") != nullptr || client.find("salt") != nullptr ||
               client.find("iterations") != nullptr;
    }
    return client.find("encoded_password") != nullptr;
}

JsonValue new_client(const std::string& user) {
    JsonValue client = JsonValue::object();
    client.set("username", JsonValue::string(user));
    client.set("roles", JsonValue::array());
    return client;
}

const JsonValue* username_of(const JsonValue& client) {
    const JsonValue* username = client.find("username");
    return username != nullptr && username->is(JsonKind::string) ? username : nullptr;
}

// A client's password as a hash a password file for `broker` can hold, or why not.
std::optional<std::string> import_problem(const JsonValue& client, const std::string& hash,
                                          const BrokerTarget& broker) {
    if (hash.empty()) {
        return client.find("encoded_password") || client.find("password")
                   ? "its password is not in a form the plugin reads"
                   : "it has no password";
    }
    const HashInfo info = inspect_hash(hash);
    if (info.kind == HashKind::invalid || info.kind == HashKind::unknown || info.kind == HashKind::plain_text) {
        return "its password does not decode (" + (info.problem.empty() ? "an unknown format" : info.problem) + ")";
    }
    if (!readable_by(info, broker)) {
        return info.kind == HashKind::argon2id
                   ? argon2_problem(broker)
                   : "its salt is " + std::to_string(info.salt_length) + " bytes, which a 2.0 broker cannot read";
    }
    return std::nullopt;
}

}  // namespace

JsonValue new_dynsec_document() {
    JsonValue access = JsonValue::object();
    access.set("publishClientSend", JsonValue::boolean(false));
    access.set("publishClientReceive", JsonValue::boolean(true));
    access.set("subscribe", JsonValue::boolean(false));
    access.set("unsubscribe", JsonValue::boolean(true));
    JsonValue document = JsonValue::object();
    document.set("clients", JsonValue::array());
    document.set("groups", JsonValue::array());
    document.set("roles", JsonValue::array());
    document.set("defaultACLAccess", std::move(access));
    return document;
}

void check_dynsec_document(const JsonValue& document, const std::string& display) {
    const auto refuse = [&](const std::string& message) {
        throw Error(ExitCode::failure, "not a dynamic-security file: " + message, display);
    };
    if (!document.is(JsonKind::object)) {
        refuse("the document is not a JSON object");
    }
    const JsonValue* clients = document.find("clients");
    if (clients == nullptr) {
        return;
    }
    if (!clients->is(JsonKind::array)) {
        refuse("\"clients\" is not an array");
    }
    std::unordered_map<std::string_view, std::size_t> seen;
    for (const JsonValue& client : clients->items()) {
        if (!client.is(JsonKind::object)) {
            refuse("a client is not an object");
        }
        for (const auto& [key, value] : client.members()) {
            for (const auto known : known_members) {
                if (key != known && same_ignoring_case(key, known)) {
                    refuse("a client has a member " + quoted_name(key) + ", which the plugin reads as " +
                           quoted_name(known) + " (it ignores case); rename or delete it");
                }
            }
        }
        const JsonValue* username = username_of(client);
        if (username != nullptr && !seen.emplace(username->text(), 0).second) {
            refuse("two clients are named " + quoted_name(username->text()) + "; delete one");
        }
    }
}

Conversion exportable_users(const PwFile& file, const BrokerTarget& broker) {
    Conversion conversion;
    for (const auto& problem : file.malformed_lines()) {
        const PwLine& line = file.lines()[problem.line - 1];
        conversion.unconvertible.push_back({std::string(line.username), problem.line, problem.message});
    }
    for (const auto& line : file.lines()) {
        if (line.kind != LineKind::entry) {
            continue;
        }
        const HashInfo info = inspect_hash(line.hash);
        if (const auto problem = export_problem(info, broker)) {
            conversion.unconvertible.push_back({std::string(line.username), line.source_line, *problem});
        } else {
            conversion.passwords.push_back(
                {std::string(line.username), canonical_hash(std::string(line.hash), info), line.source_line});
        }
    }
    std::sort(conversion.unconvertible.begin(), conversion.unconvertible.end(),
              [](const Unconvertible& a, const Unconvertible& b) { return a.line < b.line; });
    return conversion;
}

EditReport export_clients(JsonValue& document, const std::vector<CarriedPassword>& passwords,
                          const BrokerTarget& broker) {
    if (document.find("clients") == nullptr) {
        document.set("clients", JsonValue::array());
    }
    std::vector<JsonValue>& clients = document.find("clients")->items();
    std::unordered_map<std::string, std::size_t> index;  // username -> position in `clients`
    for (std::size_t i = 0; i < clients.size(); ++i) {
        if (const JsonValue* username = username_of(clients[i])) {
            index.emplace(username->text(), i);
        }
    }
    EditReport report;
    for (const auto& carried : passwords) {
        const auto found = index.find(carried.user);
        if (found == index.end()) {
            clients.push_back(new_client(carried.user));
            store_password(clients.back(), carried.hash, broker);
            index.emplace(carried.user, clients.size() - 1);
            report.changes.push_back({carried.user, Action::added});
            continue;
        }
        JsonValue& client = clients[found->second];
        const bool same = client_hash(client, broker) == carried.hash && !has_other_form(client, broker);
        if (!same) {
            store_password(client, carried.hash, broker);
        }
        if (disabled(client)) {
            report.warnings.push_back("user " + quoted_name(carried.user) +
                                      " is disabled in the dynamic-security file and stays disabled");
        }
        report.changes.push_back({carried.user, same ? Action::unchanged : Action::updated});
    }
    return report;
}

Conversion importable_clients(const JsonValue& document, const BrokerTarget& broker) {
    Conversion conversion;
    const JsonValue* clients = document.find("clients");
    if (clients == nullptr) {
        return conversion;
    }
    for (const JsonValue& client : clients->items()) {
        const JsonValue* username = username_of(client);
        if (username == nullptr) {
            conversion.unconvertible.push_back({"", 0, "a client without a username"});
            continue;
        }
        if (const auto problem = username_problem(username->text())) {
            conversion.unconvertible.push_back({username->text(), 0, "a password file cannot hold it: " + *problem});
            continue;
        }
        if (disabled(client)) {
            conversion.unconvertible.push_back(
                {username->text(), 0, "disabled in the plugin, and a password-file line would let it log in"});
            continue;
        }
        const std::string hash = import_hash(client, broker);
        if (const auto problem = import_problem(client, hash, broker)) {
            conversion.unconvertible.push_back({username->text(), 0, *problem});
        } else {
            conversion.passwords.push_back({username->text(), hash, 0});
        }
    }
    return conversion;
}

EditReport import_hashes(PwFile& file, const std::vector<CarriedPassword>& passwords) {
    EditReport report;
    std::vector<NewEntry> entries;
    for (const auto& carried : passwords) {
        const std::size_t index = file.find(carried.user);
        const bool present = index != PwFile::npos;
        if (present && file.lines()[index].kind == LineKind::entry && file.lines()[index].hash == carried.hash) {
            report.changes.push_back({carried.user, Action::unchanged});
            continue;
        }
        report.changes.push_back({carried.user, present ? Action::updated : Action::added});
        entries.push_back(new_entry(carried.user, carried.hash));
    }
    file.set_all(std::move(entries));
    return report;
}

JsonValue masked_dynsec(JsonValue document) {
    JsonValue* clients = document.find("clients");
    if (clients == nullptr) {
        return document;
    }
    for (JsonValue& client : clients->items()) {
        for (auto& [key, value] : client.members()) {
            if (same_ignoring_case(key, "password") || same_ignoring_case(key, "salt") ||
                same_ignoring_case(key, "encoded_password")) {
                value = JsonValue::string(masked_value);
            }
        }
    }
    return document;
}

}  // namespace mqpasswd
