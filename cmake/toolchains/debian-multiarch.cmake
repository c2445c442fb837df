# What both cross toolchain files share: Debian's cross compilers are TRIPLET-g++, the target's
# libraries and pkg-config files live under /usr/lib/TRIPLET, and programs built for the target
# run under qemu-user (CMAKE_CROSSCOMPILING_EMULATOR), which finds the target's loader and
# libraries where multiarch put them (no -L: with it qemu mixes two libcs and threads hang).
set(CMAKE_C_COMPILER ${MQPASSWD_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${MQPASSWD_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${MQPASSWD_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(CMAKE_FIND_ROOT_PATH /usr/${MQPASSWD_TRIPLET} /)
# pkg-config (libargon2) must read the target's .pc files, not the build machine's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${MQPASSWD_TRIPLET}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
string(REGEX REPLACE "^(aarch64|arm).*" "\\1" _mqpasswd_qemu_arch ${CMAKE_SYSTEM_PROCESSOR})
find_program(MQPASSWD_QEMU qemu-${_mqpasswd_qemu_arch}-static qemu-${_mqpasswd_qemu_arch})
if(MQPASSWD_QEMU)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${MQPASSWD_QEMU})
endif()
