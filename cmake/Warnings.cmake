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
# GCC 12 at -O3 reports -Wrestrict inside std::string's operator+ (GCC bug 105329), a false
# positive in library code we cannot change.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(mqpasswd_warnings INTERFACE -Wno-restrict)
endif()
if(MQPASSWD_WARNINGS_AS_ERRORS)
    target_compile_options(mqpasswd_warnings INTERFACE -Werror)
endif()
