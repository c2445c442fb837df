# The tool runs as root under sudo and edits security files: build it like a setuid-grade program.
add_library(mqpasswd_hardening INTERFACE)
target_compile_options(mqpasswd_hardening INTERFACE -fstack-protector-strong -fstack-clash-protection)
# Control-flow protection is per architecture, as Debian's dpkg-buildflags sets it: CET on x86,
# branch protection (PAC and BTI) on arm64, nothing more on 32-bit ARM.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|i[3-6]86)$")
    target_compile_options(mqpasswd_hardening INTERFACE -fcf-protection)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
    target_compile_options(mqpasswd_hardening INTERFACE -mbranch-protection=standard)
endif()
# _FORTIFY_SOURCE needs optimisation; asking for it in a -O0 build only produces a warning.
target_compile_definitions(mqpasswd_hardening INTERFACE
    $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
target_link_options(mqpasswd_hardening INTERFACE -Wl,-z,relro -Wl,-z,now)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

if(MQPASSWD_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=address,undefined)
endif()
