"""Which broker a file is written for, and what it can read: argon2id only for a 2.1 broker known
to be built with libargon2 (Debian's and the Docker image's 2.1 are not, and stop at such a line).

The target broker is a real ELF program that answers `-h` as 2.1.2 does, linked with libargon2 or
not (tests/fixtures/fake_mosquitto.cpp, built by CMake: MQPASSWD_FAKE_ARGON2_BROKER and
MQPASSWD_FAKE_PLAIN_BROKER), then the broker installed here, whatever its version and build."""
import hashlib
import json
import os
import pwd
import subprocess

from harness import INSTALLED_2_1, Broker, TempDir, case, check, check_equal, check_error, run, run_cases

WITH_ARGON2 = os.environ.get("MQPASSWD_FAKE_ARGON2_BROKER", "")
WITHOUT_ARGON2 = os.environ.get("MQPASSWD_FAKE_PLAIN_BROKER", "")
ARGON2_LINE = "old:$argon2id$v=19$m=47104,t=1,p=1$" + "A" * 86 + "$" + "A" * 86 + "\n"


def broker(program):
    check(program and os.path.isabs(program), "the fake brokers come from CMake (run through ctest)")
    return {"MQPASSWD_MOSQUITTO": program, "PW": "secret-pw"}


def digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def fixture(directory):
    return directory.write("pw", "alice:x\n", mode=0o600)


@case
def a_2_1_broker_without_libargon2_is_never_given_argon2id():
    env = broker(WITHOUT_ARGON2)
    with TempDir() as directory:
        pwfile = fixture(directory)
        before = digest(pwfile)
        refused = run(["set", pwfile, "bob", "--password-env", "PW", "--hash", "argon2id"], env=env)
        check_error(refused, 2, "the target broker is built without it")
        check(f"mosquitto 2.1.2 at {WITHOUT_ARGON2} (without libargon2)" in refused.err, refused.err)
        upgrade = run(["upgrade", pwfile, "--hash", "argon2id"], env=env)
        check_error(upgrade, 2, "built without it")
        source = directory.write("users.jsonl", '{"username": "bob", "password": "pw", "hash": "argon2id"}\n')
        imported = run(["import", pwfile, source, "--format", "jsonl"], env=env)
        check_error(imported, 1, "users.jsonl:1: argon2id needs a Mosquitto 2.1 broker built with libargon2")
        compat = run(["compat", "-H", "argon2id", "-b", pwfile, "bob", "pw"], env=env)
        check_equal((compat.code, compat.out, compat.err),
                    (10, "Adding password for user bob\n", "Error: Unable to hash password.\n"),
                    "compat: what 2.1.2's mosquitto_passwd built without libargon2 prints")
        compat = run(["compat", "-H", "argon2id", "-c", "-b", pwfile, "bob", "pw"], env=env)
        check_equal(compat.code, 10, "compat -c")
        compat = run(["compat", "-H", "argon2id", "-U", pwfile], env=env)
        check_equal((compat.code, compat.out, compat.err), (10, "", "Error: Unable to hash password.\n"), "compat -U")
        compat = run(["compat", "-H", "argon2id", "-c", "-b", directory.file("no/such/pw"), "bob", "pw"], env=env)
        check_equal((compat.code, compat.out), (1, ""), "compat -c where no file can be made: the open fails first")
        check("Unable to open file" in compat.err, compat.err)
        corrupt = directory.write("corrupt", "alice:x\ngarbage\n", mode=0o600)
        compat = run(["compat", "-H", "argon2id", "-b", corrupt, "alice", "pw"], env=env)
        check_equal((compat.code, compat.out, compat.err),
                    (10, "Updating password for user alice\n", "Error: Unable to hash password.\n"),
                    "compat: the user's own line fails before the corrupt one is reached")
        check_equal(digest(pwfile), before, "the file after every refusal")
        # What it does write is what 2.1 reads: $7$ with a 64-byte salt.
        written = run(["set", pwfile, "bob", "--password-env", "PW", "--json"], env=env)
        report = json.loads(written.out)["hash"]
        check_equal((written.code, report["broker_version"], report["broker_argon2"], report["salt_length"]),
                    (0, "2.1", "no", 64), f"the default for this broker {written!r}")
        # An argon2id line already there is an error for this broker.
        with open(pwfile, "a") as handle:
            handle.write(ARGON2_LINE)
        check_result = run(["check", pwfile], env=env)
        check_equal(check_result.code, 1, f"check {check_result!r}")
        check("error: user 'old' has an argon2id hash, which this 2.1 broker cannot read" in check_result.out,
              check_result.out)


@case
def a_2_1_broker_with_libargon2_is_given_argon2id_when_asked():
    env = broker(WITH_ARGON2)
    with TempDir() as directory:
        pwfile = fixture(directory)
        written = run(["set", pwfile, "bob", "--password-env", "PW", "--hash", "argon2id", "--json"], env=env)
        check_equal((written.code, json.loads(written.out)["hash"]["broker_argon2"]), (0, "yes"), f"set {written!r}")
        with open(pwfile) as handle:
            check("bob:$argon2id$v=19$m=47104,t=1,p=1$" in handle.read(), "an argon2id line")
        compat = run(["compat", "-H", "argon2id", "-b", pwfile, "carol", "pw"], env=env)
        check_equal((compat.code, compat.out), (0, "Adding password for user carol\n"), "compat")
        checked = run(["check", pwfile], env=env)
        check("argon2id" not in checked.out, checked.out)
        check(run(["verify", pwfile, "bob", "--password-env", "PW"], env=env).code == 0, "verify")


@case
def an_explicit_2_1_target_reads_argon2id_only_when_the_user_says_so():
    env = {"MQPASSWD_MOSQUITTO": "/nonexistent/mosquitto", "PW": "secret-pw"}
    with TempDir() as directory:
        pwfile = fixture(directory)
        before = digest(pwfile)
        refused = run(["set", pwfile, "bob", "--password-env", "PW", "--hash", "argon2id", "--broker-version", "2.1"],
                      env=env)
        check_error(refused, 2, "pass --broker-argon2 yes if it is")
        compat = run(["compat", "-H", "argon2id", "-b", pwfile, "bob", "pw"],
                     env=dict(env, MQPASSWD_BROKER_VERSION="2.1"))
        check_equal(compat.code, 10, f"compat for 2.1 of unknown build {compat!r}")
        check_equal(digest(pwfile), before, "the file after the refusals")
        written = run(["set", pwfile, "bob", "--password-env", "PW", "--hash", "argon2id", "--broker-version", "2.1",
                       "--broker-argon2", "yes"], env=env)
        check_equal(written.code, 0, f"set with --broker-argon2 yes {written!r}")
        compat = run(["compat", "-H", "argon2id", "-b", pwfile, "carol", "pw"],
                     env=dict(env, MQPASSWD_BROKER_VERSION="2.1", MQPASSWD_BROKER_ARGON2="yes"))
        check_equal(compat.code, 0, f"compat with MQPASSWD_BROKER_ARGON2=yes {compat!r}")
        unknown = run(["check", pwfile, "--broker-version", "2.1"], env=env)
        check_equal(unknown.code, 1, "check of argon2id lines for a 2.1 of unknown build")
        check("error: user 'bob' has an argon2id hash, which a 2.1 broker built without libargon2" in unknown.out,
              unknown.out)
        believed = run(["check", pwfile, "--broker-version", "2.1", "--broker-argon2", "yes"], env=env)
        check("argon2id" not in believed.out and "user 'bob'" not in believed.out, believed.out)
        denied = run(["check", pwfile, "--broker-version", "2.1", "--broker-argon2", "no"], env=env)
        check("error: user 'bob' has an argon2id hash" in denied.out, denied.out)
        # A reload is refused before anything is signalled: a 2.1 without libargon2 would stop.
        served = directory.write("served", ARGON2_LINE, mode=0o600)
        conf = directory.write("mosquitto.conf", f"password_file {served}\n")
        if os.geteuid() == 0:  # readable by the broker's user, so the argon2id line is what is refused
            account = pwd.getpwnam("mosquitto")
            os.chown(served, account.pw_uid, account.pw_gid)
        for extra in ([], ["--broker-version", "2.1"]):
            refused = run(["broker", "reload", "--conf", conf, "--dry-run", *extra], env=broker(WITHOUT_ARGON2))
            check_equal(refused.code, 1, f"reload {extra} {refused!r}")
            check_error(refused, 1, "served:1: not reloading the broker: user 'old' has an argon2id hash")
        bad = run(["compat", "-b", pwfile, "x", "y"], env=dict(env, MQPASSWD_BROKER_ARGON2="maybe"))
        check_equal((bad.code, bad.err), (1, "Error: MQPASSWD_BROKER_ARGON2 must be yes, no or auto, not 'maybe'.\n"),
                    "compat names the variable")


@case
def the_argon2_option_is_checked():
    with TempDir() as directory:
        pwfile = fixture(directory)
        check_error(run(["set", pwfile, "bob", "--stdin", "--broker-argon2", "maybe"], stdin="pw\n"), 2,
                    "--broker-argon2 must be yes, no or auto, not 'maybe'")
        check_error(run(["set", pwfile, "bob", "--stdin", "--broker-version", "2.0", "--broker-argon2", "yes"],
                        stdin="pw\n"), 2, "--broker-argon2 yes needs a 2.1 target")
        # A detected broker's "no" gives way to the user's word (a static build cannot be told).
        written = run(["set", pwfile, "bob", "--password-env", "PW", "--hash", "argon2id", "--broker-argon2", "yes"],
                      env=broker(WITHOUT_ARGON2))
        check_equal(written.code, 0, f"--broker-argon2 yes over a detected build {written!r}")


@case
def the_broker_is_asked_once_a_run():
    # `set --reload` and the compat front's MQPASSWD_RELOAD need the broker for the hash and again
    # for the reload; each `mosquitto -h` is a process (~3.5 ms), so the answer is kept.
    with TempDir() as directory:
        count = directory.file("asked")
        program = directory.write("mosquitto", f"#!/bin/sh\necho asked >> {count}\necho 'mosquitto version 2.0.11'\n",
                                  mode=0o755)
        pwfile = directory.write("pw", "", mode=0o600)
        conf = directory.write("mosquitto.conf", f"listener 1\npassword_file {pwfile}\n")
        # No broker-version cache (a relative MQPASSWD_CACHE_HOME turns it off): this is about the
        # process's own memory, and the second command would otherwise be answered from the file.
        env = {"MQPASSWD_MOSQUITTO": program, "PW": "pw", "MQPASSWD_RELOAD": conf, "MQPASSWD_CACHE_HOME": "off"}
        for args in (["set", pwfile, "u", "--password-env", "PW", "--reload", "--conf", conf],
                     ["compat", "-b", pwfile, "v", "pw"]):
            if os.path.exists(count):
                os.remove(count)
            result = run(args, env=env)
            check("not reloaded" in result.err or "password file was updated" in result.err,
                  f"{args[0]}: the reload was tried {result!r}")
            check_equal(directory.read("asked"), "asked\n", f"{args[0]}: times the broker was asked")


@case
def the_broker_installed_here_is_given_what_it_reads():
    """Against the real broker of this system (2.0.11 on Debian 12, 2.0.21 on 13, sid's 2.1.2 built
    without libargon2): its own mosquitto_passwd tells whether it hashes argon2id, and mqpasswd's
    compat front must answer -H argon2id as it does, and the native front refuse or write the same."""
    with TempDir() as directory:
        ours = directory.write("ours", "alice:x\n", mode=0o600)
        real = directory.write("real", "alice:x\n", mode=0o600)
        env = {"MQPASSWD_MOSQUITTO": "", "PW": "pw"}
        real_run = subprocess.run(["mosquitto_passwd", "-H", "argon2id", "-b", real, "bob", "pw"],
                                  capture_output=True, text=True, timeout=60)
        ours_run = run(["compat", "-H", "argon2id", "-b", ours, "bob", "pw"], env=env)
        check_equal((ours_run.code, ours_run.out, ours_run.err),
                    (real_run.returncode, real_run.stdout, real_run.stderr), "compat -H argon2id")
        native = run(["set", ours, "carol", "--password-env", "PW", "--hash", "argon2id"], env=env)
        check_equal(native.code == 0, real_run.returncode == 0, f"native set --hash argon2id {native!r}")
        if real_run.returncode == 0:
            with open(real) as handle:
                check("bob:$argon2id$" in handle.read(), "the real tool wrote argon2id")
        print(f"     installed mosquitto_passwd -H argon2id: exit {real_run.returncode}", flush=True)
        if not INSTALLED_2_1 or real_run.returncode == 0:
            return
        # A real 2.1 without libargon2 (sid's 2.1.2): why the line is never written. The broker will
        # not run with it in its file (it stops at start, as at a reload), and check says so.
        pwfile = directory.write("broker-pw", ARGON2_LINE, mode=0o644)
        try:
            with Broker(directory.path, pwfile):
                stopped = ""
        except AssertionError as error:
            stopped = str(error)
        check("broker exited" in stopped and "Unable to decode line" in stopped,
              f"the real 2.1 broker and an argon2id line (fact check): {stopped!r}")
        checked = run(["check", pwfile], env=env)
        check("error: user 'old' has an argon2id hash, which this 2.1 broker cannot read" in checked.out,
              checked.out)


run_cases()
