# Cross build for 32-bit ARM Linux with hardware floating point (Raspberry Pi OS 32-bit, Debian
# armhf), on Debian with g++-arm-linux-gnueabihf and the armhf -dev packages installed by multiarch
# (scripts/install-cross-deps). Used by scripts/test-cross.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(MQPASSWD_TRIPLET arm-linux-gnueabihf)
set(MQPASSWD_DEB_ARCHITECTURE armhf CACHE STRING "The .deb's Architecture")
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
