// libFuzzer: the mosquitto.conf reader, one file's text (include_dir is not followed here: the
// fuzzer must not wander the file system), and the password_file settings found in it.
#include "broker/mosquitto_conf.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    mqpasswd::MosquittoConf conf;
    conf.path = "fuzz.conf";
    try {
        conf.options =
            mqpasswd::parse_conf_lines(std::string_view(reinterpret_cast<const char*>(data), size), conf.path);
    } catch (const mqpasswd::Error&) {
        return 0;  // a line over the length limit: a refusal, not a crash
    }
    (void)mqpasswd::password_file_settings(conf);
    (void)conf.last("password_file");
    return 0;
}
