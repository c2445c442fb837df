// mqpasswd list PWFILE: users with algorithm and parameters, never hashes.
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/pwfile/query.hpp"

namespace mqpasswd::cli {

int run_list(const Options& options) {
    return print_listing(options);
}

}  // namespace mqpasswd::cli
