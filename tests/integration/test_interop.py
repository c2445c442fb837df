"""Byte compatibility with the real mosquitto_passwd (Debian 12's 2.0.11, 13's 2.0.21, sid's 2.1.2),
in both directions. Its defaults follow its version: 2.0 writes 101 iterations and 12-byte salts,
2.1 1000 iterations and 64-byte salts.

Usage: test_interop.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import json

from harness import INSTALLED_2_1, Broker, TempDir, case, check, check_equal, run, run_cases


def mosquitto_passwd(*args):
    result = run(list(args), program="mosquitto_passwd")
    check_equal(result.code, 0, f"mosquitto_passwd {args}: {result!r}")


def verify(pwfile, user, password):
    return run(["verify", pwfile, user, "--stdin", "-q"], stdin=password + "\n").code


@case
def mqpasswd_reads_and_verifies_what_mosquitto_passwd_writes():
    with TempDir() as directory:
        pwfile = directory.file("pw")
        mosquitto_passwd("-c", "-b", pwfile, "alice", "secret")
        mosquitto_passwd("-b", pwfile, "bob", "pa:ss word")
        mosquitto_passwd("-H", "sha512", "-b", pwfile, "carol", "hunter2")
        mosquitto_passwd("-I", "5000", "-b", pwfile, "dave", "d")
        for user, password in (("alice", "secret"), ("bob", "pa:ss word"), ("carol", "hunter2"), ("dave", "d")):
            check_equal(verify(pwfile, user, password), 0, f"verify {user}")
            check_equal(verify(pwfile, user, password + "!"), 3, f"verify {user} with a wrong password")
        listing = json.loads(run(["list", pwfile, "--json"]).out)["users"]
        iterations, salt = (1000, 64) if INSTALLED_2_1 else (101, 12)
        check_equal([(u["user"], u["algorithm"], u.get("iterations"), u["salt_length"]) for u in listing],
                    [("alice", "sha512-pbkdf2", iterations, salt), ("bob", "sha512-pbkdf2", iterations, salt),
                     ("carol", "sha512", None, salt), ("dave", "sha512-pbkdf2", 5000, salt)], "list")


@case
def mqpasswd_updates_a_mosquitto_passwd_file_touching_only_its_line():
    with TempDir() as directory:
        pwfile = directory.file("pw")
        mosquitto_passwd("-c", "-b", pwfile, "alice", "secret")
        mosquitto_passwd("-b", pwfile, "bob", "hunter2")
        mosquitto_passwd("-H", "sha512", "-b", pwfile, "carol", "c")
        before = directory.read("pw").splitlines(keepends=True)
        check_equal(run(["set", pwfile, "bob", "--stdin", "-q"], stdin="changed\n").code, 0)
        after = directory.read("pw").splitlines(keepends=True)
        check_equal(len(after), 3, "line count")
        check_equal(after[0], before[0], "alice's line")
        check_equal(after[2], before[2], "carol's line")
        check(after[1].startswith("bob:$7$1000$") and after[1] != before[1], after[1])
        check_equal(verify(pwfile, "bob", "changed"), 0, "verify bob")
        # 2.0's weak 101-iteration hash is rehashed when its own password is set again; 2.1's
        # 1000-iteration one is as strong as the target and stays.
        result = run(["set", pwfile, "alice", "--stdin", "--json"], stdin="secret\n")
        check_equal(json.loads(result.out)["rehashed"], [] if INSTALLED_2_1 else ["alice"],
                    "rehash of a weaker hash only")


@case
def mosquitto_passwd_and_the_broker_read_what_mqpasswd_writes():
    with TempDir() as directory:
        pwfile = directory.file("pw")
        check_equal(run(["set", pwfile, "alice", "--stdin", "--create"], stdin="secret\n").code, 0)
        check_equal(run(["set", pwfile, "bob", "--stdin", "--hash", "sha512"], stdin="hunter2\n").code, 0)
        check_equal(run(["set", pwfile, "carol", "--stdin"], stdin="c\n").code, 0)
        # mosquitto_passwd parses our file, updates one user and adds another without complaint.
        mosquitto_passwd("-b", pwfile, "carol", "new-carol")
        mosquitto_passwd("-b", pwfile, "dave", "d")
        lines = directory.read("pw").splitlines()
        check_equal([line.split(":")[0] for line in lines], ["alice", "bob", "carol", "dave"], "users")
        for user, password in (("alice", "secret"), ("bob", "hunter2"), ("carol", "new-carol"), ("dave", "d")):
            check_equal(verify(pwfile, user, password), 0, f"verify {user}")
        mosquitto_passwd("-D", pwfile, "dave")
        check_equal(run(["verify", pwfile, "dave", "--stdin"], stdin="d\n").code, 4, "dave deleted")
        with Broker(directory.path, pwfile) as broker:
            broker.check_accepts("alice", "secret")
            broker.check_accepts("bob", "hunter2")
            broker.check_accepts("carol", "new-carol")


@case
def upgrade_agrees_with_mosquitto_passwd_U_on_plain_text_files():
    with TempDir() as directory:
        plain = "alice:secret\nbob:hunter2\n"
        theirs = directory.write("theirs", plain)
        ours = directory.write("ours", plain)
        mosquitto_passwd("-U", theirs)
        check_equal(run(["upgrade", ours, "-q"]).code, 0)
        for pwfile in (theirs, ours):
            check_equal(verify(pwfile, "alice", "secret"), 0, f"alice in {pwfile}")
            check_equal(verify(pwfile, "bob", "hunter2"), 0, f"bob in {pwfile}")
        # Ours leaves hashed lines alone; the real -U would re-hash them and lock the users out.
        before = directory.read("ours")
        check_equal(run(["upgrade", ours, "--json"]).out.count('"changed":false'), 1, "second upgrade")
        check_equal(directory.read("ours"), before, "a second upgrade changes nothing")
        check_equal(run(["upgrade", ours]).out, f"{ours}: nothing to change\n", "says so")


@case
def comments_that_mosquitto_passwd_would_drop_are_kept():
    # Debian's 2.0.11 drops a comment line and every line after it when adding a user (facts §3.10).
    with TempDir() as directory:
        content = "alice:secret\n# staff\nbob:hunter2\n"
        pwfile = directory.write("pw", content)
        check_equal(run(["upgrade", pwfile, "-q"]).code, 0)
        check_equal(run(["set", pwfile, "carol", "--stdin", "-q"], stdin="c\n").code, 0)
        lines = directory.read("pw").splitlines()
        check_equal(lines[1], "# staff", "the comment")
        check_equal([line.split(":")[0] for line in lines], ["alice", "# staff", "bob", "carol"], "lines")


run_cases()
