// How the broker applies a configuration's options: which listeners it opens, and the scope each
// security option lands in: one global scope, or with per_listener_settings one per listener.
#pragma once

#include "broker/mosquitto_conf.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mqpasswd {

struct ListenerScope {
    const ConfOption* listener = nullptr;    // its `listener` line
    std::string port;                        // the first word of the value
    std::string address;                     // the second, "" for every interface
    std::vector<const ConfOption*> options;  // those after it, up to the next listener
};

struct ConfScopes {
    bool per_listener_settings = false;
    std::vector<const ConfOption*> before_listeners;  // the options before the first listener
    std::vector<ListenerScope> listeners;
    // The option that makes 2.0 open its default listener (port, bind_address, or a listener
    // option before the first `listener`; with per_listener_settings, a security option there too),
    // on `port` (default 1883) of `bind_address` (default every interface). Its options are
    // before_listeners.
    const ConfOption* default_listener = nullptr;
    std::string default_port = "1883";
    std::string default_address;

    // No listener at all: the broker starts in local only mode (loopback port 1883 only).
    [[nodiscard]] bool local_only() const { return listeners.empty() && default_listener == nullptr; }
    // The default listener as a listener scope, when there is one.
    [[nodiscard]] std::optional<ListenerScope> default_scope() const;
    // Every listener the broker opens from the configuration: the default listener first.
    [[nodiscard]] std::vector<ListenerScope> open_listeners() const;
    // The option sets a security option is looked up in: all options, or each listener's.
    [[nodiscard]] std::vector<std::vector<const ConfOption*>> security_scopes(const MosquittoConf& conf) const;
};

// The scopes point into `conf`, which must outlive them (so no temporary).
[[nodiscard]] ConfScopes conf_scopes(const MosquittoConf& conf);
ConfScopes conf_scopes(const MosquittoConf&& conf) = delete;

// The listener's port from its `listener` value ("1883" of "1883 0.0.0.0").
[[nodiscard]] std::string listener_port(const ConfOption& listener);

// A port's number, for comparing "09999" with "9999"; nothing when it is no port.
[[nodiscard]] std::optional<unsigned> port_number(std::string_view port);

}  // namespace mqpasswd
