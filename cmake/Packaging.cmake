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
# Depends is worked out by dpkg-shlibdeps from the binary: libc6, libssl3, libargon2-1
# (libstdc++ is linked in, see MQPASSWD_STATIC_LIBSTDCXX).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mosquitto, bash-completion")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Install with prefix /usr into the staging tree, so install code sees /usr (see Completions.cmake).
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
