#include "core/error.hpp"
#include "support/catch.hpp"

#include <cerrno>

using namespace mqpasswd;

TEST_CASE("errors print as FILE:LINE: message, with what context they have", "[error]") {
    CHECK(describe(Error(ExitCode::failure, "missing ':'", "/etc/mosquitto/pw", 12)) ==
          "/etc/mosquitto/pw:12: missing ':'");
    CHECK(describe(Error(ExitCode::failure, "no such file", "pw")) == "pw: no such file");
    CHECK(describe(Error(ExitCode::usage, "bad option")) == "bad option");
    const Error from_errno = system_error("pw", "cannot open", ENOENT);
    CHECK(describe(from_errno) == "pw: cannot open: No such file or directory");
    CHECK(from_errno.code() == ExitCode::failure);
    CHECK(from_errno.errno_value() == ENOENT);
    CHECK(Error(ExitCode::failure, "x").errno_value() == 0);
}
