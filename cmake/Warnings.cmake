# Warnings live on an INTERFACE target so that only our own code is held to them;
# system headers (CLI11, Catch2, OpenSSL) stay quiet because they come from /usr/include.
add_library(mqpasswd_warnings INTERFACE)
target_compile_options(mqpasswd_warnings INTERFACE
    -Wall -Wextra -Wpedantic
    -Wshadow                # a shadowed name in a parser is a bug waiting to happen
    -Wconversion            # silent narrowing of sizes and lengths is how buffers go wrong
    -Wold-style-cast
    -Wcast-align -Wnon-virtual-dtor -Woverloaded-virtual
    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(MQPASSWD_WARNINGS_AS_ERRORS)
    target_compile_options(mqpasswd_warnings INTERFACE -Werror)
endif()
