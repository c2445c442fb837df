// mqpasswd verify PWFILE USER: exit 0 on a match, 3 on a mismatch, 4 when there is no such user.
// The user is looked up before the password is asked for.
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/error.hpp"
#include "core/pwfile/query.hpp"
#include "core/quote.hpp"

namespace mqpasswd::cli {

int run_verify(Options& options) {
    const std::string& user = options.users.front();
    const UserHash line = find_user(options.pwfile, user);
    const HashInfo info = inspect_hash(line.hash.text());
    if (info.kind == HashKind::unknown) {
        throw Error(ExitCode::failure, "user " + quoted_name(user) + " has a hash format mqpasswd cannot verify",
                    options.pwfile, line.line);
    }
    const Secret password = obtain_password(options, false);
    const VerifyResult result = verify_user(line, password);
    if (result.verification == Verification::unverifiable) {
        throw Error(ExitCode::failure, "the hash of user " + quoted_name(user) + " cannot be verified here",
                    options.pwfile, result.line);
    }
    if (info.kind == HashKind::plain_text) {
        print_warning(options.pwfile + ":" + std::to_string(line.line) + ": user " + quoted_name(user) +
                      " is stored as plain text, which brokers built with TLS refuse; run 'mqpasswd upgrade'");
    }
    print_verify(options, result);
    return static_cast<int>(result.verification == Verification::match ? ExitCode::ok : ExitCode::verify_failed);
}

}  // namespace mqpasswd::cli
