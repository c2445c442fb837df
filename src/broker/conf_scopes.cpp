#include "broker/conf_scopes.hpp"

namespace mqpasswd {

std::string listener_port(const ConfOption& listener) {
    return listener.value.substr(0, listener.value.find_first_of(" \t"));
}

ConfScopes conf_scopes(const MosquittoConf& conf) {
    ConfScopes scopes;
    const ConfOption* per_listener = conf.last("per_listener_settings");
    scopes.per_listener_settings = per_listener != nullptr && per_listener->value == "true";
    for (const auto& option : conf.options) {
        if ((option.key == "port" || option.key == "bind_address") && scopes.default_listener == nullptr) {
            scopes.default_listener = &option;  // wherever it stands
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
