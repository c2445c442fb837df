// mqpasswd set PWFILE USER: everything is checked before the password is read, so a typo in the
// path never costs the user a password entry.
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/error.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/pwfile/edit.hpp"
#include "core/pwfile/username.hpp"
#include "core/quote.hpp"

namespace mqpasswd::cli {

int run_set(Options& options) {
    const std::string& user = options.users.front();
    if (const auto problem = username_problem(user)) {
        throw Error(ExitCode::usage, *problem + ": " + quoted_name(user));
    }
    const WriteTarget target = resolve_target(options);
    check_reload_before_write(options);
    check_target_before_reading(options);
    const bool generated = options.password_source.kind == PasswordSourceKind::generate;
    const Secret password = obtain_password(options, true);
    const UpdateResult result = update_password_file(options.pwfile, update_options(options), [&](PwFile& file) {
        return set_user(file, user, password, target.spec, target.broker);
    });
    return finish_update(options, UpdateSummary{result, &target, generated ? &password : nullptr});
}

}  // namespace mqpasswd::cli
