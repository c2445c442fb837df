"""A real mosquitto broker (Debian 12's 2.0.11, 13's 2.0.21, sid's 2.1.2) reads the files mqpasswd writes.

Usage: test_broker.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import os
import signal
import time

from harness import INSTALLED_2_1, Broker, TempDir, case, check, check_equal, run, run_cases

LONG_PASSWORD = "Lp:" + "x" * 997
USERS = [
    # (user, password, extra mqpasswd options)
    ("alice", "secret", ["--broker-version", "2.0"]),
    ("bob", "pa:ss word", ["--hash", "sha512", "--broker-version", "2.0"]),
    ("carol", "hunter2", ["--hash", "sha512-pbkdf2", "--iterations", "101"]),
    ("dave", "slow-one", ["--iterations", "20000"]),
    ("ünï©ødé", "ütf-8 pässwörd", []),
    ("user@example.com", LONG_PASSWORD, ["--broker-version", "auto"]),
    ("a b", "inner space", []),
]


def add_users(directory, pwfile):
    for index, (user, password, options) in enumerate(USERS):
        create = ["--create"] if index == 0 else []
        result = run(["set", pwfile, user, "--stdin", "-q"] + create + options, stdin=password + "\n")
        check_equal(result.code, 0, f"set {user}: {result!r}")


@case
def broker_accepts_every_hash_and_profile_2_0_reads():
    with TempDir() as directory:
        pwfile = directory.file("passwords")
        add_users(directory, pwfile)
        with Broker(directory.path, pwfile) as broker:
            for user, password, _ in USERS:
                broker.check_accepts(user, password)
                broker.check_refuses(user, password + "x")
            broker.check_refuses("nobody", "secret")
            check("Unable to decode" not in broker.log_text(), broker.log_text())


@case
def broker_accepts_upgraded_plain_text_lines():
    with TempDir() as directory:
        pwfile = directory.write("passwords", "# plain accounts\nerin:open sesame\nfrank:letmein\n")
        result = run(["upgrade", pwfile, "-q"])
        check_equal(result.code, 0, repr(result))
        check(directory.read("passwords").startswith("# plain accounts\nerin:$7$1000$"), directory.read("passwords"))
        with Broker(directory.path, pwfile) as broker:
            broker.check_accepts("erin", "open sesame")
            broker.check_accepts("frank", "letmein")
            broker.check_refuses("frank", "open sesame")


@case
def a_2_0_broker_refuses_the_2_1_profile_which_is_why_auto_detects():
    # The fact behind --broker-version: 64-byte salts (what 2.1 writes) are dropped by a 2.0 broker;
    # a 2.1 broker reads both.
    with TempDir() as directory:
        pwfile = directory.file("passwords")
        check_equal(run(["set", pwfile, "new", "--stdin", "--create", "--broker-version", "2.1"],
                        stdin="pw\n").code, 0)
        check_equal(run(["set", pwfile, "old", "--stdin", "--broker-version", "auto"], stdin="pw\n").code, 0)
        with Broker(directory.path, pwfile) as broker:
            broker.check_accepts("old", "pw")
            if INSTALLED_2_1:
                broker.check_accepts("new", "pw")
                return
            code, _ = broker.publish("new", "pw")
            check(code != 0, "a 2.0 broker accepted a 64-byte salt")
            check("Unable to decode password salt for user new" in broker.log_text(), broker.log_text())


@case
def broker_accepts_what_the_compat_front_writes():
    with TempDir() as directory:
        pwfile = directory.file("passwords")
        compat = ["compat"]
        steps = [
            ["-c", "-b", pwfile, "alice", "secret"],
            ["-b", pwfile, "bob", "pa:ss"],
            ["-H", "sha512", "-b", pwfile, "carol", "c-pass"],
            ["-I", "5000", "-b", pwfile, "dave", "d-pass"],
        ]
        for args in steps:
            result = run(compat + args)
            check_equal(result.code, 0, repr(result))
        with open(pwfile, "a") as handle:
            handle.write("erin:plain-pass\n")
        check_equal(run(compat + ["-U", pwfile]).code, 0, "-U")
        prompted = run(compat + [pwfile, "frank"], stdin="typed\ntyped\n")
        check_equal(prompted.code, 0, repr(prompted))
        with Broker(directory.path, pwfile) as broker:
            for user, password in (("alice", "secret"), ("bob", "pa:ss"), ("carol", "c-pass"), ("dave", "d-pass"),
                                   ("erin", "plain-pass"), ("frank", "typed")):
                broker.check_accepts(user, password)
                broker.check_refuses(user, password + "x")


@case
def changed_and_deleted_users_take_effect_on_reload():
    with TempDir() as directory:
        pwfile = directory.file("passwords")
        for user, create in (("alice", ["--create"]), ("bob", [])):
            check_equal(run(["set", pwfile, user, "--stdin"] + create, stdin="old\n").code, 0)
        with Broker(directory.path, pwfile) as broker:
            broker.check_accepts("alice", "old")
            check_equal(run(["set", pwfile, "alice", "--stdin"], stdin="new\n").code, 0)
            check_equal(run(["delete", pwfile, "bob"]).code, 0)
            os.kill(broker.process.pid, signal.SIGHUP)
            deadline = time.monotonic() + 5
            while "Reloading config" not in broker.log_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            broker.check_refuses("alice", "old")
            broker.check_accepts("alice", "new")
            broker.check_refuses("bob", "old")
            check(broker.process.poll() is None, "the broker stopped")


run_cases()
