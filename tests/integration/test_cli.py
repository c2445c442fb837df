"""The native command line as a user meets it: outputs, exit codes, and every bad input giving one
clear line on stderr with the file left exactly as it was.

Usage: test_cli.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import json
import os
import pwd
import shutil
import stat
import subprocess

from harness import AUTO_SALT, MQPASSWD, TempDir, case, check, check_equal, check_error, run, run_cases

SECRET_MARK = "Sup3r-s3cret-value"  # every password below contains it; no output may


def new_file(directory, users=(("alice", "secret"),)):
    pwfile = directory.file("pw")
    for index, (user, password) in enumerate(users):
        create = ["--create"] if index == 0 else []
        result = run(["set", pwfile, user, "--stdin", "-q"] + create, stdin=password + "\n")
        check_equal(result.code, 0, repr(result))
    return pwfile


def check_no_secret(result):
    check(SECRET_MARK not in result.out + result.err, f"a password leaked: {result!r}")


@case
def set_verify_delete_and_their_exit_codes():
    with TempDir() as directory:
        pwfile = new_file(directory)
        result = run(["set", pwfile, "bob", "--stdin"], stdin=SECRET_MARK + "\n")
        check_equal(result.code, 0)
        check(result.out.startswith(f"{pwfile}: bob added (sha512-pbkdf2, 1000 iterations, {AUTO_SALT}-byte salt; for "),
              result.out)
        check_no_secret(result)
        check_equal(run(["verify", pwfile, "bob", "--stdin"], stdin=SECRET_MARK + "\n").code, 0, "match")
        result = run(["verify", pwfile, "bob", "--stdin"], stdin="wrong\n")
        check_equal(result.code, 3, "mismatch")
        check_equal(result.out, f"{pwfile}: bob: password does not match (sha512-pbkdf2, 1000 iterations, "
                                f"{AUTO_SALT}-byte salt)\n", "mismatch text")
        check_error(run(["verify", pwfile, "carol", "--stdin"], stdin="x\n"), 4, f"{pwfile}: no such user 'carol'")
        check_error(run(["delete", pwfile, "carol"]), 4, "no such user 'carol'")
        check_equal(run(["delete", pwfile, "carol", "--missing-ok", "-q"]).code, 0, "--missing-ok")
        result = run(["delete", pwfile, "bob"])
        check_equal((result.code, result.out), (0, f"{pwfile}: bob removed\n"), "delete")
        check_equal(run(["verify", pwfile, "bob", "--stdin"], stdin="x\n").code, 4, "bob is gone")


@case
def set_is_idempotent_and_says_so():
    with TempDir() as directory:
        pwfile = new_file(directory)
        before = os.stat(pwfile)
        result = run(["set", pwfile, "alice", "--stdin", "--json"], stdin="secret\n")
        report = json.loads(result.out)
        check_equal((report["changed"], report["unchanged"], report["added"]), (False, 1, []), "json")
        after = os.stat(pwfile)
        check_equal((after.st_ino, after.st_mtime_ns), (before.st_ino, before.st_mtime_ns), "file untouched")
        text = run(["set", pwfile, "alice", "--stdin"], stdin="secret\n").out
        check_equal(text, f"{pwfile}: alice unchanged\n{pwfile}: nothing to change\n", "text")


@case
def json_reports_are_complete_and_never_hold_hashes():
    with TempDir() as directory:
        pwfile = new_file(directory)
        result = run(["set", pwfile, "bob", "--stdin", "--json", "--broker-version", "2.0"], stdin="pw\n")
        report = json.loads(result.out)
        check_equal(set(report), {"file", "changed", "written", "dry_run", "created", "added", "updated", "rehashed",
                                  "unchanged", "removed", "missing", "upgraded", "users", "hash", "warnings", "exit_code"}, "keys")
        check_equal(report["users"], [{"user": "bob", "action": "added", "hash": {
            "algorithm": "sha512-pbkdf2", "iterations": 1000, "salt_length": 12}}], "what was written, per user")
        check_equal(report["hash"]["salt_length"], 12, "2.0 salt")
        check_equal(report["added"], ["bob"], "added")
        listing = run(["list", pwfile, "--json"])
        check_equal(json.loads(listing.out)["users"][1], {"user": "bob", "line": 2, "algorithm": "sha512-pbkdf2",
                                                 "iterations": 1000, "salt_length": 12}, "list entry")
        content = directory.read("pw")
        for line in content.splitlines():
            check(line.split(":", 1)[1] not in listing.out + result.out, "a hash in the output")
        verified = json.loads(run(["verify", pwfile, "bob", "--stdin", "--json"], stdin="pw\n").out)
        check_equal((verified["match"], verified["line"]), (True, 2), "verify json")


@case
def dry_run_shows_a_masked_diff_and_writes_nothing():
    with TempDir() as directory:
        pwfile = new_file(directory, (("alice", "a"), ("bob", "b")))
        content = directory.read("pw")
        result = run(["set", pwfile, "carol", "--stdin", "--dry-run"], stdin=SECRET_MARK + "\n")
        check_equal(result.code, 0)
        check_equal(result.out.splitlines()[1:], [
            f"--- {pwfile}", f"+++ {pwfile} (dry run)", "@@ -1,2 +1,3 @@", " alice:$7$********", " bob:$7$********",
            "+carol:$7$********", "dry run: nothing was written"], "dry-run output")
        check_no_secret(result)
        check_equal(directory.read("pw"), content, "file after a dry run")
        result = run(["set", pwfile, "dave", "--generate", "--dry-run"])
        check_equal(result.out, "", "with --generate stdout is the password's alone; a dry run stores none")
        check(result.err.startswith(f"{pwfile}: dave would be added ("), result.err)
        report = json.loads(run(["delete", pwfile, "alice", "--dry-run", "--json"]).out)
        check("-alice:$7$********" in report["diff"] and report["dry_run"], report)
        check_equal(directory.read("pw"), content, "file after a dry-run delete")


@case
def every_password_source_works():
    with TempDir() as directory:
        pwfile = new_file(directory)
        read_end, write_end = os.pipe()
        os.write(write_end, b"from-fd\n")
        os.close(write_end)
        result = run(["set", pwfile, "fd", "--password-fd", str(read_end), "-q"], pass_fds=(read_end,))
        os.close(read_end)
        check_equal(result.code, 0, repr(result))
        check_equal(run(["set", pwfile, "env", "--password-env", "MQ_PW", "-q"], env={"MQ_PW": "from-env"}).code, 0)
        secret_file = directory.write("secret", "from-file\n", mode=0o600)
        check_equal(run(["set", pwfile, "file", "--password-file", secret_file, "-q"]).code, 0)
        result = run(["set", "-b", pwfile, "arg", "from-arg"])
        check_equal(result.code, 0)
        check("can be seen by other users" in result.err, "the -b warning")
        generated = run(["set", pwfile, "gen", "--generate=24"])
        password = generated.out.splitlines()[0]
        check_equal(len(password), 24, "generated length")
        for user, password in (("fd", "from-fd"), ("env", "from-env"), ("file", "from-file"), ("arg", "from-arg"),
                               ("gen", password)):
            check_equal(run(["verify", pwfile, user, "--stdin"], stdin=password + "\n").code, 0, user)


@case
def bad_inputs_fail_with_one_line_and_leave_the_file_alone():
    with TempDir() as directory:
        pwfile = new_file(directory)
        original = directory.read("pw")
        pw = SECRET_MARK + "\n"
        cases = [
            (["set", pwfile, "a:b", "--stdin"], pw, 2, "username must not contain ':'"),
            (["set", pwfile, "a\tb", "--stdin"], pw, 2, "username must not contain control characters"),
            (["set", pwfile, "", "--stdin"], pw, 2, "username is empty"),
            (["set", pwfile, " bob", "--stdin"], pw, 2, "must not start or end with a space"),
            (["set", pwfile, "#bob", "--stdin"], pw, 2, "must not start with '#'"),
            (["set", pwfile, "u" * 65536, "--stdin"], pw, 2, "username is longer than 65535 bytes"),
            (["set", pwfile, "bob", "--stdin"], "\n", 1, "password is empty"),
            (["set", pwfile, "bob", "--stdin"], "", 1, "standard input ended before a line was read"),
            (["set", pwfile, "bob", "--stdin"], "p" * 65536 + "\n", 1, "longer than 65535 bytes"),
            (["set", pwfile, "bob"], None, 2, "no password source: standard input is not a terminal"),
            (["set", pwfile, "bob", "--stdin", "--password-env", "X"], pw, 2, "the password is given twice"),
            (["set", pwfile, "bob", "--stdin", "--hash", "md5"], pw, 2, "unknown hash 'md5'"),
            (["set", pwfile, "bob", "--stdin", "--iterations", "0"], pw, 2, "--iterations must be from 1"),
            (["set", pwfile, "bob", "--stdin", "--hash", "argon2id", "--broker-version", "2.0"], pw, 2,
             "argon2id needs a Mosquitto 2.1 broker"),
            (["set", pwfile, "bob", "--stdin", "--broker-version", "1.6"], pw, 2, "--broker-version must be"),
            (["set", pwfile, "bob", "--password-env", "NOT_SET_ANYWHERE"], None, 1, "NOT_SET_ANYWHERE is not set"),
            (["set", directory.file("missing"), "bob", "--stdin"], pw, 1, "no such file (use --create to create it)"),
            (["set", directory.file("no/dir"), "bob", "--stdin", "--create"], pw, 1, "No such file or directory"),
            (["set", directory.path, "bob", "--stdin"], pw, 1, "not a regular file"),
            (["list", directory.file("missing")], None, 1, "no such file"),
            (["verify", directory.file("missing"), "bob", "--stdin"], pw, 1, "no such file"),
            (["frobnicate", pwfile], None, 2, ""),
        ]
        for args, stdin, code, message in cases:
            result = run(args, stdin=stdin)
            if message:
                check_error(result, code, message, what=str(args)[:80])
            else:
                check_equal(result.code, code, f"exit code for {args}")
            check_no_secret(result)
            check_equal(directory.read("pw"), original, f"file after {args[:4]}")
        check_equal(directory.entries(), ["pw"], "no temp files")


@case
def malformed_and_duplicate_lines_are_refused_unless_forced():
    with TempDir() as directory:
        content = "alice:secret\n:orphan-hash\nbob:x\n"
        pwfile = directory.write("pw", content)
        check_error(run(["set", pwfile, "carol", "--stdin"], stdin="c\n"), 1,
                    f"{pwfile}:2: missing username before ':' (fix the line, or use --force")
        check_error(run(["delete", pwfile, "bob"]), 1, f"{pwfile}:2: missing username")
        check_equal(directory.read("pw"), content, "refused")
        check_equal(run(["set", pwfile, "carol", "--stdin", "--force", "-q"], stdin="c\n").code, 0, "--force")
        check(directory.read("pw").startswith(content + "carol:$7$"), "kept the malformed line")
        duplicated = "alice:secret\nbob:x\nalice:other\n"
        pwfile = directory.write("dup", duplicated)
        check_error(run(["set", pwfile, "carol", "--stdin"], stdin="c\n"), 1,
                    f"{pwfile}:3: duplicate user 'alice' (first at line 1)")
        check_error(run(["verify", pwfile, "alice", "--stdin"], stdin="secret\n"), 1, "duplicate user 'alice'")
        check_equal(directory.read("dup"), duplicated, "refused")
        check_equal(run(["delete", pwfile, "alice", "-q"]).code, 0, "deleting the duplicated user resolves it")
        check_equal(directory.read("dup"), "bob:x\n", "after delete")
        listing = run(["list", directory.file("pw")])
        check("warning: " + directory.file("pw") + ":2: missing username" in listing.err, listing.err)


@case
def new_files_are_0600_whatever_the_umask_and_existing_modes_are_kept():
    with TempDir() as directory:
        pwfile = directory.file("pw")
        result = subprocess.run(["sh", "-c", f'umask 000; exec "{MQPASSWD}" set --create "{pwfile}" u --stdin -q'],
                                input="pw\n", capture_output=True, text=True)
        check_equal(result.returncode, 0, result.stderr)
        check_equal(stat.S_IMODE(os.stat(pwfile).st_mode), 0o600, "new file mode")
        os.chmod(pwfile, 0o640)
        check_equal(run(["set", pwfile, "v", "--stdin", "-q"], stdin="pw\n").code, 0)
        check_equal(stat.S_IMODE(os.stat(pwfile).st_mode), 0o640, "kept mode")
        check_equal(directory.entries(), ["pw"], "no temp files")


@case
def as_root_owners_are_kept_and_new_files_go_to_the_broker_user():
    if os.geteuid() != 0:
        print("     (skipped: needs root)")
        return
    with TempDir() as directory:
        pwfile = directory.file("pw")
        check_equal(run(["set", pwfile, "u", "--stdin", "--create", "-q"], stdin="pw\n").code, 0)
        info = os.stat(pwfile)
        broker = pwd.getpwnam("mosquitto")
        check_equal((info.st_uid, info.st_gid), (broker.pw_uid, broker.pw_gid), "new file owner")
        nobody = pwd.getpwnam("nobody")
        os.chown(pwfile, nobody.pw_uid, nobody.pw_gid)
        check_equal(run(["set", pwfile, "v", "--stdin", "-q"], stdin="pw\n").code, 0)
        info = os.stat(pwfile)
        check_equal((info.st_uid, info.st_gid), (nobody.pw_uid, nobody.pw_gid), "kept owner")
        other = directory.file("pw2")
        check_equal(run(["set", other, "u", "--stdin", "--create", "--owner", "root", "--group", "root", "-q"],
                        stdin="pw\n").code, 0)
        check_equal((os.stat(other).st_uid, os.stat(other).st_gid), (0, 0), "--owner/--group")
        check_error(run(["set", directory.file("pw3"), "u", "--stdin", "--create", "--owner", "no-such-user"],
                        stdin="pw\n"), 2, "no such user account 'no-such-user'")


@case
def unreadable_files_and_unwritable_directories_are_clear_errors():
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        print("     (skipped: needs root and setpriv to act as another user)")
        return
    with TempDir() as directory:
        pwfile = new_file(directory)
        os.chown(pwfile, 0, 0)
        os.chmod(pwfile, 0o600)
        check_error(run(["list", pwfile], as_nobody=True), 1, f"{pwfile}: cannot open: Permission denied")
        check_error(run(["verify", pwfile, "alice", "--stdin"], stdin="x\n", as_nobody=True), 1, "cannot open: Permission denied")
        os.chmod(pwfile, 0o644)
        check_error(run(["set", pwfile, "bob", "--stdin"], stdin=SECRET_MARK + "\n", as_nobody=True), 1,
                    f"{pwfile}: cannot write to the directory {directory.path}: Permission denied")
        check_error(run(["delete", pwfile, "alice"], as_nobody=True), 1, "Permission denied")
        check_equal(run(["verify", pwfile, "alice", "--stdin"], stdin="secret\n").code, 0, "file intact")
        # A read-only file in a writable directory: replacing it would be possible, but the mode
        # says "do not change me", as it does to mosquitto_passwd.
        nobody = pwd.getpwnam("nobody")
        os.chown(directory.path, nobody.pw_uid, nobody.pw_gid)
        os.chown(pwfile, nobody.pw_uid, nobody.pw_gid)
        os.chmod(pwfile, 0o444)
        check_error(run(["set", pwfile, "bob", "--stdin"], stdin="pw\n", as_nobody=True), 1, f"{pwfile}: cannot write: Permission denied")
        check_error(run(["delete", pwfile, "alice"], as_nobody=True), 1, f"{pwfile}: cannot write: Permission denied")
        os.chmod(pwfile, 0o644)
        check_equal(run(["set", pwfile, "bob", "--stdin", "-q"], stdin="pw\n", as_nobody=True).code, 0, "writable again")


@case
def concurrent_writers_through_both_fronts_lose_no_update():
    """8 processes at once, each adding 100 users one by one through the native `set`, `mqpasswd
    compat -b` and the `mosquitto_passwd` name in turn: every user is there at the end, once."""
    writers_count, users_each = 8, int(os.environ.get("MQPASSWD_CONCURRENT_USERS", "100"))
    with TempDir() as directory:
        pwfile = new_file(directory)
        alias = os.path.join(directory.path, "bin", "mosquitto_passwd")
        os.makedirs(os.path.dirname(alias))
        os.symlink(MQPASSWD, alias)
        fronts = [
            'echo "$p" | "{mq}" set "{pw}" "$u" --stdin -q',
            '"{mq}" compat -b "{pw}" "$u" "$p" >/dev/null 2>&1',  # 2.1.2's owner warnings
            '"{alias}" -b "{pw}" "$u" "$p" >/dev/null 2>&1',
        ]
        writers = []
        for writer in range(writers_count):
            steps = []
            for n in range(users_each):
                command = fronts[(writer + n) % len(fronts)].format(mq=MQPASSWD, pw=pwfile, alias=alias)
                steps.append(f"u=w{writer}u{n}; p=pw{writer}-{n}; {command}")
            writers.append(subprocess.Popen(["sh", "-c", "set -e; " + "; ".join(steps)]))
        for process in writers:
            check_equal(process.wait(timeout=240), 0, "a writer failed")
        users = [line.split(":")[0] for line in directory.read("pw").splitlines()]
        expected = ["alice"] + [f"w{w}u{n}" for w in range(writers_count) for n in range(users_each)]
        check_equal(sorted(users), sorted(expected), "every user present once")
        last = users_each - 1
        for user, password in (("w3u7", "pw3-7"), (f"w0u{last}", f"pw0-{last}"), ("w7u0", "pw7-0"),
                               (f"w5u{last // 2}", f"pw5-{last // 2}")):
            check_equal(run(["verify", pwfile, user, "--stdin"], stdin=password + "\n").code, 0, f"{user}'s hash")
        listing = run(["list", pwfile])
        check_equal((listing.code, listing.err), (0, ""), "the file is valid")
        check_equal(directory.entries(), ["bin", "pw"], "no temp files")


@case
def symlinks_are_refused_with_the_reason():
    with TempDir() as directory:
        pwfile = new_file(directory)
        link = directory.file("link")
        os.symlink(pwfile, link)
        check_error(run(["set", link, "bob", "--stdin"], stdin="x\n"), 1, "is a symbolic link")
        check_error(run(["list", link]), 1, "is a symbolic link")


@case
def usernames_from_files_cannot_inject_terminal_escapes():
    with TempDir() as directory:
        pwfile = directory.write("pw", "evil\x1b[31m:plain\n")
        result = run(["list", pwfile])
        check("\x1b" not in result.out, repr(result.out))
        check("evil\\x1b[31m" in result.out, repr(result.out))
        # A dry run's diff shows the file's own lines: escaped too, line by line.
        dry = run(["upgrade", pwfile, "--dry-run"])
        check_equal(dry.code, 0, repr(dry))
        check("\x1b" not in dry.out, repr(dry.out))
        check("-evil\\x1b[31m:********\n+evil\\x1b[31m:$7$********\n" in dry.out, repr(dry.out))



def libraries_loaded(args, stdin, directory):
    """Runs mqpasswd with the dynamic loader's file log on; the sonames it loaded, and the result."""
    log = directory.file("ld-debug")
    result = run(args, stdin=stdin, env={"LD_DEBUG": "files", "LD_DEBUG_OUTPUT": log})
    names = set()
    for name in os.listdir(directory.path):
        if name.startswith("ld-debug."):
            with open(os.path.join(directory.path, name), encoding="utf-8", errors="replace") as handle:
                names.update(line.split("file=")[1].split()[0] for line in handle if "file=" in line)
            os.unlink(os.path.join(directory.path, name))
    return names, result


@case
def libcrypto_is_loaded_only_for_long_runs_of_the_hash():
    # src/core/crypto/pbkdf2.hpp: below openssl_from_iterations (4096) the portable SHA-512 runs and
    # libcrypto's ~0.5 ms of loading is not paid; from it on, OpenSSL's faster assembly is used.
    with TempDir() as directory:
        pwfile = new_file(directory)
        for iterations, loads in ((101, False), (1000, False), (4095, False), (4096, True), (20000, True)):
            names, result = libraries_loaded(["set", "-q", "--iterations", str(iterations), pwfile, "bob", "--stdin"],
                                             f"{SECRET_MARK}{iterations}\n", directory)
            check_equal(result.code, 0, repr(result))
            loaded = any(name.startswith("libcrypto.so") for name in names)
            check_equal(loaded, loads, f"libcrypto loaded by a set at {iterations} iterations ({sorted(names)})")
            names, result = libraries_loaded(["verify", "-q", pwfile, "bob", "--stdin"],
                                             f"{SECRET_MARK}{iterations}\n", directory)
            check_equal(result.code, 0, f"verify at {iterations}: {result!r}")
            check_equal(any(name.startswith("libcrypto.so") for name in names), loads, f"verify at {iterations}")
        with open(pwfile, encoding="utf-8") as handle:
            check("bob:$7$20000$" in handle.read(), "the last set wrote 20000 iterations")
        # --version names the OpenSSL it runs with, which it loads to ask.
        names, result = libraries_loaded(["--version"], None, directory)
        check_equal(result.code, 0)
        check(any(name.startswith("libcrypto.so") for name in names), f"--version loads libcrypto: {sorted(names)}")
        check("(running 3." in result.out, result.out)


run_cases()
