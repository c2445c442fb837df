# `cpack` (or `cmake --build BUILD --target package`) builds a .deb for Debian 12 from the default
# install: the binary, man page, completions and docs, never the mosquitto_passwd alias, which
# would collide with the mosquitto package's own /usr/bin/mosquitto_passwd.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mqpasswd)
set(CPACK_PACKAGE_VENDOR "mqpasswd developers")
set(CPACK_PACKAGE_CONTACT "${MQPASSWD_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "manage Mosquitto MQTT password files safely")
set(CPACK_PACKAGE_DESCRIPTION
    "mqpasswd creates, updates, verifies and deletes users in the password files
of the Eclipse Mosquitto MQTT broker, in the hash formats Mosquitto reads.
Every change is atomic and locked, and keeps the file's owner and mode and
every line it does not touch. It takes passwords from a prompt, stdin, a file
descriptor, an environment variable or a file, imports users in bulk, prints
JSON for provisioning, can point mosquitto.conf at the file and reload the
broker, and accepts mosquitto_passwd's command line as `mqpasswd compat`.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # mqpasswd_VERSION-RELEASE_ARCH.deb
# The Architecture of the binary, not of the machine that built it: a cross toolchain file
# (cmake/toolchains) names it; a native build leaves it to dpkg --print-architecture.
if(MQPASSWD_DEB_ARCHITECTURE)
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${MQPASSWD_DEB_ARCHITECTURE})
endif()
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends is worked out by dpkg-shlibdeps from the binary: libc6, libargon2-1 (libstdc++ is linked
# in, see MQPASSWD_STATIC_LIBSTDCXX). libcrypto is loaded when first needed
# (src/core/crypto/libcrypto.hpp), so it is not in the binary's dynamic section and its package
# is named here: the one that ships the libcrypto this build found (libssl3 on Debian 12,
# libssl3t64 since 13), at 3.0.0, the version of the symbols mqpasswd takes from it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
get_filename_component(_mqpasswd_crypto_dir "${MQPASSWD_LIBCRYPTO_REAL}" DIRECTORY)  # src/CMakeLists.txt
string(REGEX REPLACE "^/usr" "" _mqpasswd_crypto_dir_unmerged "${_mqpasswd_crypto_dir}")
set(_mqpasswd_crypto_package "")
# dpkg knows a file by the path its package ships it at: /usr/lib/... or, before merged /usr, /lib/...
foreach(_mqpasswd_dir "${_mqpasswd_crypto_dir}" "${_mqpasswd_crypto_dir_unmerged}")
    if(NOT _mqpasswd_crypto_package)
        execute_process(COMMAND dpkg-query --search "${_mqpasswd_dir}/${MQPASSWD_LIBCRYPTO_SONAME}"
                        OUTPUT_VARIABLE _mqpasswd_owners ERROR_QUIET RESULT_VARIABLE _mqpasswd_status)
        if(_mqpasswd_status EQUAL 0 AND _mqpasswd_owners MATCHES "^([a-z0-9.+-]+)(:[a-z0-9-]+)?: ")
            set(_mqpasswd_crypto_package "${CMAKE_MATCH_1}")
        endif()
    endif()
endforeach()
if(_mqpasswd_crypto_package)
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_mqpasswd_crypto_package} (>= 3.0.0)")
else()
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "libssl3t64 | libssl3")
endif()
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mosquitto, bash-completion")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Install with prefix /usr into the staging tree, so install code sees /usr (see Completions.cmake).
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
