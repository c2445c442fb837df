"""cmake --install: the binary and man page always; the mosquitto_passwd alias only when asked.

Usage: MQPASSWD_BUILD_DIR=BUILD test_install.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import os
import subprocess

from harness import TempDir, case, check, check_equal, run_cases

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
        check(os.path.isfile(prefix.file("share/man/man1/mqpasswd.1")), "the man page")
        check(not os.path.lexists(prefix.file("bin/mosquitto_passwd")), "an alias nobody asked for")


@case
def the_alias_component_installs_relative_links_that_work():
    with TempDir() as prefix:
        install(prefix.path)
        install(prefix.path, "--component", "mosquitto_passwd_alias")
        check_equal(os.readlink(prefix.file("bin/mosquitto_passwd")), "mqpasswd", "relative link")
        check_equal(os.readlink(prefix.file("share/man/man1/mosquitto_passwd.1")), "mqpasswd.1", "man alias")
        completed = subprocess.run([prefix.file("bin/mosquitto_passwd")], capture_output=True, text=True)
        check_equal(completed.returncode, 1, "usage exit code")
        check(completed.stdout.startswith("mosquitto_passwd is a tool for managing password files"), completed.stdout)


run_cases()
