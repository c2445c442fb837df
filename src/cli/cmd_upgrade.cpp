// mqpasswd upgrade PWFILE: hash plain-text lines. Unlike mosquitto_passwd -U, lines that are
// already hashed are left alone (re-hashing a hash locks the user out).
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/pwfile/edit.hpp"

namespace mqpasswd::cli {

int run_upgrade(const Options& options) {
    const WriteTarget target = resolve_target(options);
    check_reload_before_write(options);
    const UpdateResult result = update_password_file(
        options.pwfile, update_options(options), [&](PwFile& file) { return upgrade_plain_text(file, target.spec); });
    return finish_update(options, UpdateSummary{result, &target, nullptr});
}

}  // namespace mqpasswd::cli
