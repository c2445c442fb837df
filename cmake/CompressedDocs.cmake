# Man page and Debian changelog are installed compressed with `gzip -9n`, as Debian policy asks
# (no name or time stamp in the header, so the bytes depend on the content alone). The changelog's
# entries are written by hand; its signature is the package's maintainer.
configure_file(packaging/changelog.Debian.in ${PROJECT_BINARY_DIR}/packaging/changelog.Debian @ONLY)
function(gzip_for_install source compressed)
    add_custom_command(OUTPUT ${compressed}
                       COMMAND sh -c "mkdir -p \"$(dirname \"$1\")\" && gzip -9n -c \"$0\" > \"$1\""
                               ${source} ${compressed}
                       DEPENDS ${source} VERBATIM)
endfunction()
gzip_for_install(${PROJECT_SOURCE_DIR}/man/mqpasswd.1 ${PROJECT_BINARY_DIR}/man/mqpasswd.1.gz)
gzip_for_install(${PROJECT_BINARY_DIR}/packaging/changelog.Debian ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz)
set(compressed_docs ${PROJECT_BINARY_DIR}/man/mqpasswd.1.gz ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz)
add_custom_target(compressed_docs ALL DEPENDS ${compressed_docs})
install(FILES ${PROJECT_BINARY_DIR}/man/mqpasswd.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES README.md SECURITY.md ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
