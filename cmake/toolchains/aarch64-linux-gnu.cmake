# Cross build for 64-bit ARM Linux (Raspberry Pi OS 64-bit, Debian arm64), on Debian with
# g++-aarch64-linux-gnu and the arm64 -dev packages installed by multiarch
# (scripts/install-cross-deps). Used by scripts/test-cross.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(MQPASSWD_TRIPLET aarch64-linux-gnu)
set(MQPASSWD_DEB_ARCHITECTURE arm64 CACHE STRING "The .deb's Architecture")
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
