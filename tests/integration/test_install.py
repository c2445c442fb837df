"""cmake --install: binary, man page, completions and docs always; the mosquitto_passwd alias only when asked.

Usage: MQPASSWD_BUILD_DIR=BUILD test_install.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import gzip
import os
import subprocess

from harness import SOURCE_ROOT, TempDir, bash_completion_loaded, case, check, check_equal, run_cases

BUILD = os.environ.get("MQPASSWD_BUILD_DIR", "")


def install(prefix, *extra):
    completed = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix, *extra], capture_output=True,
                               text=True)
    check_equal(completed.returncode, 0, completed.stderr)


@case
def the_default_install_never_shadows_debians_mosquitto_passwd():
    with TempDir() as prefix:
        install(prefix.path)
        check(os.access(prefix.file("bin/mqpasswd"), os.X_OK), "bin/mqpasswd")
        with gzip.open(prefix.file("share/man/man1/mqpasswd.1.gz")) as manual, \
                open(os.path.join(SOURCE_ROOT, "man", "mqpasswd.1"), "rb") as source:
            check(manual.read() == source.read(), "the man page, gzipped")
        check(not os.path.lexists(prefix.file("bin/mosquitto_passwd")), "an alias nobody asked for")


@case
def completions_and_docs_go_where_bash_completion_and_zsh_look():
    with TempDir() as prefix:
        install(prefix.path)
        for path, source in (("share/bash-completion/completions/mqpasswd", "completions/mqpasswd.bash"),
                             ("share/zsh/site-functions/_mqpasswd", "completions/_mqpasswd"),
                             ("share/doc/mqpasswd/copyright", "LICENSE"),
                             ("share/doc/mqpasswd/README.md", "README.md"),
                             ("share/doc/mqpasswd/SECURITY.md", "SECURITY.md")):
            with open(prefix.file(path), "rb") as installed, open(os.path.join(SOURCE_ROOT, source), "rb") as original:
                check(installed.read() == original.read(), f"{path} is {source}")
        # bash-completion finds it by the command's name under any prefix in XDG_DATA_DIRS.
        check_equal(bash_completion_loaded(prefix.file("share")), "complete -F _mqpasswd mqpasswd", "loaded")
    # Under /usr (a package's prefix), zsh's completion goes to Debian's vendor directory: Debian's zsh
    # does not search /usr/share/zsh/site-functions.
    with TempDir() as destdir:
        completed = subprocess.run(["cmake", "--install", BUILD, "--prefix", "/usr"], capture_output=True, text=True,
                                   env=dict(os.environ, DESTDIR=destdir.path))
        check_equal(completed.returncode, 0, completed.stderr)
        check(os.path.isfile(destdir.file("usr/share/zsh/vendor-completions/_mqpasswd")), "vendor-completions")
        check(not os.path.exists(destdir.file("usr/share/zsh/site-functions")), "site-functions under /usr")
        check(os.path.isfile(destdir.file("usr/share/bash-completion/completions/mqpasswd")), "bash, under /usr")


@case
def the_alias_component_installs_relative_links_that_work():
    with TempDir() as prefix:
        install(prefix.path)
        install(prefix.path, "--component", "mosquitto_passwd_alias")
        check_equal(os.readlink(prefix.file("bin/mosquitto_passwd")), "mqpasswd", "relative link")
        check_equal(os.readlink(prefix.file("share/man/man1/mosquitto_passwd.1.gz")), "mqpasswd.1.gz", "man alias")
        completed = subprocess.run([prefix.file("bin/mosquitto_passwd")], capture_output=True, text=True)
        check_equal(completed.returncode, 1, "usage exit code")
        check(completed.stdout.startswith("mosquitto_passwd is a tool for managing password files"), completed.stdout)


run_cases()
