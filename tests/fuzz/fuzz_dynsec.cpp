// libFuzzer: the JSON reader and the dynamic-security mapping on whatever parses, both ways and
// for both broker generations; a parsed document must also survive its own round trip.
#include "core/dynsec/dynsec_file.hpp"
#include "core/dynsec/json_value.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view content(reinterpret_cast<const char*>(data), size);
    try {
        mqpasswd::JsonValue document = mqpasswd::parse_json(content, "fuzz");
        if (!(mqpasswd::parse_json(mqpasswd::serialise_json(document), "fuzz") == document)) {
            std::abort();  // what it writes must read back as the same document
        }
        mqpasswd::check_dynsec_document(document, "fuzz");
        for (const auto& broker : {mqpasswd::broker_2_0, mqpasswd::BrokerTarget{mqpasswd::BrokerVersion::v2_1,
                                                                                mqpasswd::Argon2Support::yes}}) {
            const mqpasswd::Conversion clients = mqpasswd::importable_clients(document, broker);
            (void)mqpasswd::export_clients(document, clients.passwords, broker);
            (void)mqpasswd::serialise_json(mqpasswd::masked_dynsec(document));
        }
    } catch (const mqpasswd::Error&) {
        // refusing is fine; crashing, hanging or leaking is not
    }
    return 0;
}
