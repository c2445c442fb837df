#include "core/error.hpp"
#include "core/file_snapshot.hpp"
#include "support/catch.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

#include <cerrno>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mqpasswd;
using mqpasswd::test::error_code_of;
