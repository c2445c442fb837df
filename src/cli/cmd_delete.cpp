// mqpasswd delete PWFILE USER...: all or nothing; an absent user (without --missing-ok) changes nothing.
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/pwfile/edit.hpp"

namespace mqpasswd::cli {

int run_delete(const Options& options) {
    check_reload_before_write(options);
    const UpdateResult result = update_password_file(options.pwfile, update_options(options), [&](PwFile& file) {
        return remove_users(file, options.users, options.missing_ok);
    });
    return finish_update(options, UpdateSummary{result, nullptr, nullptr});
}

}  // namespace mqpasswd::cli
