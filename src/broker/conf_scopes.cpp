#include "broker/conf_scopes.hpp"

#include <set>

namespace mqpasswd {

std::string listener_port(const ConfOption& listener) {
    return listener.value.substr(0, listener.value.find_first_of(" \t"));
}

namespace {

// Options that, before the first `listener`, configure 2.0's default listener and so open it
// (config.c: the default listener is used once any of its settings differs from the default;
// checked on 2.0.11 for maximum_qos, max_connections and the security options; tls_version and
// http_dir there open nothing).
bool opens_default_listener(const std::string& key, bool per_listener_so_far) {
    static const std::set<std::string, std::less<>> listener_options = {"bind_interface",
                                                                        "max_connections",
                                                                        "maximum_qos",
                                                                        "mount_point",
                                                                        "protocol",
                                                                        "socket_domain",
                                                                        "use_username_as_clientid",
                                                                        "cafile",
                                                                        "capath",
                                                                        "certfile",
                                                                        "keyfile",
                                                                        "tls_engine",
                                                                        "tls_keyform",
                                                                        "tls_engine_kpass_sha1",
                                                                        "ciphers",
                                                                        "ciphers_tls1.3",
                                                                        "dhparamfile",
                                                                        "psk_hint",
                                                                        "require_certificate",
                                                                        "crlfile",
                                                                        "use_identity_as_username",
                                                                        "use_subject_as_username"};
    // With per_listener_settings (read in order), security options there are the default listener's.
    static const std::set<std::string, std::less<>> security_options = {"password_file", "psk_file", "allow_anonymous",
                                                                        "auth_plugin", "plugin"};
    return listener_options.contains(key) || (per_listener_so_far && security_options.contains(key));
}

}  // namespace

std::optional<unsigned> port_number(std::string_view port) {
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    const unsigned value = static_cast<unsigned>(std::stoul(std::string(port)));
    return value <= 65535 ? std::optional<unsigned>(value) : std::nullopt;
}

ConfScopes conf_scopes(const MosquittoConf& conf) {
    ConfScopes scopes;
    const ConfOption* per_listener = conf.last("per_listener_settings");
    scopes.per_listener_settings = per_listener != nullptr && per_listener->value == "true";
    bool per_listener_so_far = false;
    for (const auto& option : conf.options) {
        if (option.key == "per_listener_settings") {
            per_listener_so_far = option.value == "true";
        }
        if (option.key == "port") {
            scopes.default_port = option.value;  // wherever it stands
        } else if (option.key == "bind_address") {
            scopes.default_address = option.value;
        }
        const bool opens = option.key == "port" || option.key == "bind_address" ||
                           (scopes.listeners.empty() && opens_default_listener(option.key, per_listener_so_far));
        if (opens && scopes.default_listener == nullptr) {
            scopes.default_listener = &option;
        }
        if (option.key == "listener") {
            const std::size_t space = option.value.find_first_of(" \t");
            const std::string address =
                space == std::string::npos ? "" : option.value.substr(option.value.find_first_not_of(" \t", space));
            scopes.listeners.push_back({&option, listener_port(option), address, {}});
        } else if (scopes.listeners.empty()) {
            scopes.before_listeners.push_back(&option);
        } else {
            scopes.listeners.back().options.push_back(&option);
        }
    }
    return scopes;
}

std::optional<ListenerScope> ConfScopes::default_scope() const {
    if (default_listener == nullptr) {
        return std::nullopt;
    }
    return ListenerScope{default_listener, default_port, default_address, before_listeners};
}

std::vector<ListenerScope> ConfScopes::open_listeners() const {
    std::vector<ListenerScope> all;
    if (const auto scope = default_scope()) {
        all.push_back(*scope);
    }
    all.insert(all.end(), listeners.begin(), listeners.end());
    return all;
}

std::vector<std::vector<const ConfOption*>> ConfScopes::security_scopes(const MosquittoConf& conf) const {
    if (!per_listener_settings) {
        std::vector<const ConfOption*> all;
        for (const auto& option : conf.options) {
            all.push_back(&option);
        }
        return {all};
    }
    std::vector<std::vector<const ConfOption*>> scopes;
    if (!before_listeners.empty()) {
        scopes.push_back(before_listeners);  // 2.0 gives them to a default listener on port 1883
    }
    for (const auto& listener : listeners) {
        scopes.push_back(listener.options);
    }
    return scopes;
}

}  // namespace mqpasswd
