"""mqpasswd import: bulk provisioning in one locked, atomic write.

Usage: test_import.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import json
import os
import subprocess

from harness import MQPASSWD, Broker, TempDir, Terminal, case, check, check_equal, check_error, run, run_cases

MARK = "Imp0rt-Secret"  # every password below contains it; no output may


def lines_source(count, prefix="user", password=lambda i: f"{MARK}-{i}"):
    return "".join(f"{prefix}{i}:{password(i)}\n" for i in range(count))


def check_no_secret(result):
    check(MARK not in result.out + result.err, f"a password leaked: {result!r}")


@case
def ten_thousand_users_in_one_write_accepted_by_the_broker_and_idempotent():
    with TempDir() as directory:
        source = directory.write("users.txt", lines_source(10000), mode=0o600)
        pwfile = directory.file("pw")
        result = run(["import", "--create", pwfile, source, "--json"], timeout=300)
        check_equal(result.code, 0, result.err)
        report = json.loads(result.out)
        check_equal((report["changed"], len(report["added"]), report["unchanged"]), (True, 10000, 0), "first run")
        check_equal(report["added"][:3], ["user0", "user1", "user2"], "source order")
        check_no_secret(result)
        before = os.stat(pwfile)
        again = json.loads(run(["import", pwfile, source, "--json"], timeout=300).out)
        check_equal((again["changed"], again["unchanged"], again["added"]), (False, 10000, []), "second run")
        after = os.stat(pwfile)
        check_equal((after.st_ino, after.st_mtime_ns), (before.st_ino, before.st_mtime_ns), "file untouched")
        with Broker(directory.path, pwfile) as broker:
            for i in (0, 1234, 5000, 9999):
                broker.check_accepts(f"user{i}", f"{MARK}-{i}")
            broker.check_refuses("user42", f"{MARK}-43")


def cpu_kernels():
    """The PBKDF2 kernels this CPU runs, from /proc/cpuinfo's flags (not from mqpasswd's own answer)."""
    flags = set()
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("flags"):
                flags.update(line.split(":", 1)[1].split())
    import platform
    x86 = platform.machine() in ("x86_64", "AMD64")
    return [name for name, flag in (("avx512", "avx512f"), ("avx2", "avx2")) if x86 and flag in flags] + ["scalar"]


@case
def every_pbkdf2_kernel_writes_hashes_the_broker_accepts():
    # 21 users at mixed costs (per-record --hash is not in the lines format, so three imports of
    # 7, 9 and 5 users: full and partly filled lanes), each kernel forced, then the real broker logs in.
    with TempDir() as directory:
        for kernel in cpu_kernels():
            pwfile = directory.file(f"pw-{kernel}")
            for first, count, iterations in ((0, 7, "101"), (7, 9, "1000"), (16, 5, "1")):
                source = directory.write(f"users-{kernel}-{first}.txt", "".join(
                    f"user{i}:{MARK}-{i}-{'x' * (i * 9)}\n" for i in range(first, first + count)), mode=0o600)
                result = run(["import", "--create", "--broker-version", "2.0", "--iterations", iterations, "-q",
                              pwfile, source], env={"MQPASSWD_PBKDF2_KERNEL": kernel})
                check_equal(result.code, 0, f"{kernel}: {result.err}")
            for i in range(21):
                verified = run(["verify", "-q", pwfile, f"user{i}", "--stdin"], stdin=f"{MARK}-{i}-{'x' * (i * 9)}\n")
                check_equal(verified.code, 0, f"{kernel}: user{i} {verified!r}")
            wrong = run(["verify", "-q", pwfile, "user3", "--stdin"], stdin=f"{MARK}-4-{'x' * 36}\n")
            check(wrong.code != 0, f"{kernel}: a wrong password verified")
            with Broker(directory.path, pwfile) as broker:
                for i in (0, 6, 7, 15, 16, 20):
                    broker.check_accepts(f"user{i}", f"{MARK}-{i}-{'x' * (i * 9)}")
                broker.check_refuses("user1", f"{MARK}-2-{'x' * 18}")


@case
def a_pbkdf2_kernel_the_cpu_lacks_is_one_error_and_no_change():
    with TempDir() as directory:
        pwfile = directory.write("pw", "keep:plain\n", mode=0o600)
        source = directory.write("users.txt", f"new:{MARK}\n", mode=0o600)
        for name in ("avx1024", "" if "avx512" in cpu_kernels() else "avx512"):
            if not name:
                continue
            result = run(["import", pwfile, source], env={"MQPASSWD_PBKDF2_KERNEL": name})
            check_error(result, 1, "MQPASSWD_PBKDF2_KERNEL", name)
            check_equal(directory.read("pw"), "keep:plain\n", "file untouched")


@case
def prune_makes_the_file_match_the_source():
    with TempDir() as directory:
        pwfile = directory.write("pw", "# managed by provisioning\nold1:x\nkeep:plain\nold2:y\n", mode=0o600)
        source = directory.write("users.txt", f"keep:plain\nnew:{MARK}\n")
        without = json.loads(run(["import", pwfile, source, "--json"]).out)
        check_equal((without["added"], without["rehashed"], without["removed"]), (["new"], ["keep"], []), "no prune")
        pruned = json.loads(run(["import", pwfile, source, "--prune", "--format=lines", "--json"]).out)
        check_equal((pruned["removed"], pruned["unchanged"]), (["old1", "old2"], 2), "prune")
        lines = directory.read("pw").splitlines()
        check_equal([line.split(":")[0] for line in lines], ["# managed by provisioning", "keep", "new"], "file")


@case
def csv_jsonl_pipes_and_descriptors():
    with TempDir() as directory:
        pwfile = directory.file("pw")
        csv = f'username,password,hash\nalice,"{MARK},a",sha512\nbob,{MARK}-b,\n'
        check_equal(run(["import", "--create", pwfile, "-", "-q"], stdin=csv).code, 0, "csv on stdin")
        jsonl = json.dumps({"username": "carol", "password": f"{MARK}\u00e9"}) + "\n"
        read_end, write_end = os.pipe()
        os.write(write_end, jsonl.encode())
        os.close(write_end)
        result = run(["import", pwfile, f"/dev/fd/{read_end}", "-q"], pass_fds=(read_end,))
        os.close(read_end)
        check_equal(result.code, 0, result.err)
        listing = {u["user"]: u["algorithm"] for u in json.loads(run(["list", pwfile, "--json"]).out)["users"]}
        check_equal(listing, {"alice": "sha512", "bob": "sha512-pbkdf2", "carol": "sha512-pbkdf2"}, "users")
        for user, password in (("alice", f"{MARK},a"), ("bob", f"{MARK}-b"), ("carol", f"{MARK}\u00e9")):
            check_equal(run(["verify", pwfile, user, "--stdin"], stdin=password + "\n").code, 0, user)


@case
def bad_sources_abort_with_source_line_and_touch_nothing():
    with TempDir() as directory:
        pwfile = directory.write("pw", "alice:x\n", mode=0o600)
        original = directory.read("pw")
        cases = [
            (f"bob:{MARK}\ncarol\n", [], 1, "standard input:2: no ':' between username and password"),
            (f"bob:{MARK}\n:{MARK}\n", [], 1, "standard input:2: username is empty"),
            (f"bob:{MARK}\nbad\tname:{MARK}\n", [], 1, "standard input:2: username must not contain control"),
            ("bob:\n", [], 1, "standard input:1: user 'bob': password is empty"),
            (f"bob:{MARK}\nbob:{MARK}2\n", [], 1, "standard input:2: user 'bob' given twice (first at line 1)"),
            (f"bob {MARK}\n", [], 1, "standard input:1: cannot tell the format"),
            ("", [], 1, "standard input: no records to import"),
            (f"username,password\nbob,{MARK},x\n", [], 1, "standard input:2: expected 2 fields, found 3"),
            ('{"username":"bob","password":1}\n', [], 1,
             "standard input:1: field 'password' must be a string, not a number"),
            (f"bob:{MARK}\n", ["--format", "xml"], 2, "--format must be lines, csv, jsonl or json"),
            (f"bob:{MARK}\n", ["--format", "csv"], 1, "standard input:1: the CSV header must name"),
            (f"bob:{MARK}\n", ["--hash", "argon2id", "--broker-version", "2.0"], 2, "argon2id needs"),
            (f"username,password,hash\nbob,{MARK},argon2id\n", ["--broker-version", "2.0"], 1,
             "standard input:2: argon2id needs a Mosquitto 2.1 broker"),
        ]
        for source, extra, code, message in cases:
            result = run(["import", pwfile, "-"] + extra, stdin=source)
            check_error(result, code, message, what=source[:30])
            check_no_secret(result)
            check_equal(directory.read("pw"), original, f"file after {source[:30]!r}")
        check_error(run(["import", pwfile, directory.file("missing")]), 1, "missing: cannot open")
        check_error(run(["import", directory.file("nope"), "-"], stdin="a:b\n"), 1, "no such file (use --create")
        check_equal(directory.entries(), ["pw"], "no temp files")


@case
def skip_invalid_imports_the_rest_and_lists_what_it_skipped():
    with TempDir() as directory:
        pwfile = directory.write("pw", "alice:x\n", mode=0o600)
        result = run(["import", pwfile, "-", "--skip-invalid", "--json"], stdin=f"bob:{MARK}\nbad\n:{MARK}\nbob:x\n")
        check_equal(result.code, 0, result.err)
        report = json.loads(result.out)
        check_equal(report["added"], ["bob"], "imported")
        check_equal([s["line"] for s in report["skipped"]], [2, 3, 4], "skipped lines")
        check("standard input:2: skipped: no ':'" in result.err, result.err)
        check_no_secret(result)


@case
def dry_run_reports_and_masks_and_writes_nothing():
    with TempDir() as directory:
        pwfile = directory.write("pw", "alice:x\n", mode=0o600)
        result = run(["import", pwfile, "-", "--dry-run", "--prune", "--format=lines"], stdin=f"bob:{MARK}\n")
        check_equal(result.code, 0, result.err)
        check(result.out.startswith(f"{pwfile}: would be: 1 added, 1 removed"), result.out)
        check("-alice:********" in result.out and "+bob:$7$********" in result.out, result.out)
        check_no_secret(result)
        check_equal(directory.read("pw"), "alice:x\n", "unchanged")


@case
def two_imports_of_disjoint_users_at_once_lose_nothing():
    with TempDir() as directory:
        pwfile = directory.write("pw", "", mode=0o600)
        sources = [directory.write(f"s{k}", lines_source(300, prefix=f"w{k}u")) for k in range(2)]
        processes = [subprocess.Popen([MQPASSWD, "import", pwfile, source, "-q", "-j", "1"]) for source in sources]
        for process in processes:
            check_equal(process.wait(timeout=120), 0, "an import failed")
        users = sorted(line.split(":")[0] for line in directory.read("pw").splitlines())
        check_equal(users, sorted(f"w{k}u{i}" for k in range(2) for i in range(300)), "all 600 users")


@case
def progress_shows_on_a_terminal_and_nowhere_else():
    with TempDir() as directory:
        source = directory.write("users.txt", lines_source(2000))
        quiet = run(["import", "--create", directory.file("pw1"), source])
        check_equal(quiet.err, "", "stderr is not a terminal: no progress")
        terminal = Terminal(["import", "--create", directory.file("pw2"), source], cwd=directory.path)
        check_equal(terminal.finish(timeout=60), 0, "exit code")
        screen = terminal.seen.decode()
        terminal.close()
        check("hashing 2000/2000" in screen, screen)
        check(MARK not in screen, "a password on the screen")


@case
def thread_count_does_not_change_the_file_order():
    with TempDir() as directory:
        source = directory.write("users.txt", lines_source(300))
        orders = []
        for jobs in ("1", "2", "7"):
            pwfile = directory.file(f"pw{jobs}")
            check_equal(run(["import", "--create", pwfile, source, "-j", jobs, "-q"]).code, 0)
            orders.append([line.split(":")[0] for line in directory.read(f"pw{jobs}").splitlines()])
        check(orders[0] == orders[1] == orders[2], "order differs with -j")


run_cases()
