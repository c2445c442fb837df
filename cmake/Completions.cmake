# Shell completion, where each shell looks without any configuration.
#
# bash-completion loads completions/NAME on first use from share/bash-completion/completions under
# /usr, /usr/local (XDG_DATA_DIRS) and the prefix of the command itself, so one relative path
# serves every prefix.
install(FILES completions/mqpasswd.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME mqpasswd)

# zsh has no such rule: Debian's zsh searches /usr/share/zsh/vendor-completions (for packages) and
# /usr/local/share/zsh/site-functions, not /usr/share/zsh/site-functions. So the directory depends
# on the prefix at install time, which is /usr when CPack builds the .deb (CPACK_SET_DESTDIR).
set(MQPASSWD_ZSH_COMPLETION_DIR "" CACHE STRING
    "Directory for _mqpasswd; empty: share/zsh/vendor-completions under /usr, else share/zsh/site-functions")
install(CODE "
    set(zsh_dir \"${MQPASSWD_ZSH_COMPLETION_DIR}\")
    if(NOT zsh_dir AND CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
        set(zsh_dir share/zsh/vendor-completions)
    elseif(NOT zsh_dir)
        set(zsh_dir share/zsh/site-functions)
    endif()
    if(NOT IS_ABSOLUTE \"\${zsh_dir}\")
        set(zsh_dir \"\${CMAKE_INSTALL_PREFIX}/\${zsh_dir}\")
    endif()
    file(INSTALL \"${PROJECT_SOURCE_DIR}/completions/_mqpasswd\" DESTINATION \"\${zsh_dir}\")
    ")
