"""Adversarial checks of DESIGN §6 and SECURITY.md: ownership and modes kept, private new files,
hostile directories, secrets kept out of output and core dumps, a full disk, and inputs that
are not password files at all.

Needs root for the ownership, planted-link and disk-full cases (CI runs as root); as another
user those cases say so and pass nothing.
Usage: test_hardening.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import os
import pwd
import grp
import stat
import subprocess
import time

from harness import (AS_NOBODY, MQPASSWD, TempDir, Terminal, case, check, check_equal, check_error,
                     cmdline_while_writing, needs_root, run, run_cases)

HASH = "$7$101$AAECAwQFBgcICQoL$Xr99N9ym9ys8TWxis5ajETJq6EVYzmc6nb8t3pUYnPBbCAbICS4xejTltonXWCtJNBvA+By+TXUqU6qCblO00w=="
IS_ROOT = os.geteuid() == 0


def mode_and_owner(path):
    info = os.stat(path)
    return stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid


@case
def owner_group_and_mode_survive_every_command():
    if not needs_root("ownership"):
        return
    nobody = pwd.getpwnam("nobody").pw_uid
    nogroup = grp.getgrnam("nogroup").gr_gid
    with TempDir() as directory:
        alias = os.path.join(directory.path, "mosquitto_passwd")
        os.symlink(MQPASSWD, alias)
        source = directory.write("users", "carol:carol-pw\nalice:new\n")
        commands = [
            (["set", "PW", "bob", "--stdin", "-q"], "bob-pw\n", None),
            (["set", "PW", "bob", "--stdin", "-q"], "other\n", None),
            (["import", "-q", "PW", source], None, None),
            (["upgrade", "-q", "PW"], None, None),
            (["delete", "-q", "PW", "carol"], None, None),
            (["-b", "PW", "dave", "dave-pw"], None, alias),
            (["compat", "-b", "PW", "erin", "erin-pw"], None, None),
            (["-U", "PW"], None, alias),
            (["-D", "PW", "dave"], None, alias),
        ]
        for file_mode in (0o640, 0o600, 0o604):
            pwfile = directory.write("pw", f"alice:{HASH}\nplain:text\n", mode=file_mode)
            os.chown(pwfile, nobody, nogroup)
            for args, stdin, program in commands:
                result = run([pwfile if arg == "PW" else arg for arg in args], stdin=stdin, program=program)
                check_equal(result.code, 0, f"{args}: {result!r}")
                check_equal(mode_and_owner(pwfile), (file_mode, nobody, nogroup), f"after {args}")
            check_equal(sorted(directory.entries()), ["mosquitto_passwd", "pw", "users"], "no temp files")


@case
def new_files_are_private_whatever_the_umask_through_every_front():
    with TempDir() as directory:
        source = directory.write("users", "a:b\n")
        for args in (["import", "--create", "-q", "{pw}", source], ["compat", "-c", "-b", "{pw}", "u", "p"],
                     ["set", "--create", "-q", "{pw}", "u", "--generate"]):
            pwfile = directory.file("new")
            command = " ".join(f'"{arg.format(pw=pwfile)}"' for arg in args)
            result = subprocess.run(["sh", "-c", f'umask 000; exec "{MQPASSWD}" {command}'], capture_output=True,
                                    text=True)
            check_equal(result.returncode, 0, f"{args}: {result.stderr}")
            check_equal(stat.S_IMODE(os.stat(pwfile).st_mode), 0o600, f"mode from {args}")
            os.remove(pwfile)


@case
def a_link_planted_in_a_shared_sticky_directory_is_never_followed():
    """/tmp-like: anyone may create names there. Root editing tmp/pw must not write through a link
    that another user planted, whether the name is the file or its would-be temp file."""
    if not needs_root("planted links"):
        return
    with TempDir() as directory:
        shared = directory.file("tmp")
        os.mkdir(shared)
        os.chmod(shared, 0o1777)
        victim = directory.write("shadow", "root:secret-hash\n", mode=0o600)
        pwfile = os.path.join(shared, "pw")
        planted = subprocess.run(AS_NOBODY + ["ln", "-s", victim, pwfile])
        check_equal(planted.returncode, 0, "nobody plants a link")
        # The file's own name is never followed, whoever owns the link.
        for args in (["set", "--create", pwfile, "u", "--stdin"], ["delete", pwfile, "root"], ["list", pwfile]):
            check_error(run(args, stdin="pw\n"), 1, "is a symbolic link", what=str(args))
        # The compat front resolves links (as mosquitto_passwd does): refused as the kernel would.
        compat = run(["compat", "-b", pwfile, "u", "pw"])
        check_equal((compat.code, compat.err), (1, "Error reading password file: Permission denied\n"), "compat")
        # A planted link to a directory, on the way to the file: the same.
        subprocess.run(AS_NOBODY + ["ln", "-s", directory.path, os.path.join(shared, "dir")], check=True)
        check_error(run(["set", os.path.join(shared, "dir", "shadow"), "u", "--stdin"], stdin="pw\n"), 1,
                    f"follows the symbolic link {shared}/dir that nobody owns")
        with open(victim) as handle:
            check_equal(handle.read(), "root:secret-hash\n", "the link's target")
        os.unlink(pwfile)
        # Root's own link there is followed by nothing that writes: the file itself is never a link.
        os.symlink(victim, pwfile)
        check_error(run(["set", pwfile, "u", "--stdin"], stdin="pw\n"), 1, "is a symbolic link")
        os.unlink(pwfile)
        # A FIFO in its place: refused at once, never a hang.
        subprocess.run(AS_NOBODY + ["mkfifo", pwfile], check=True)
        started = time.monotonic()
        check_error(run(["set", pwfile, "u", "--stdin"], stdin="pw\n", timeout=10), 1, "not a regular file")
        check_error(run(["verify", pwfile, "u", "--stdin"], stdin="pw\n", timeout=10), 1, "not a regular file")
        check(time.monotonic() - started < 5, "took too long")


@case
def a_directory_anyone_can_write_without_a_sticky_bit_is_refused():
    with TempDir() as directory:
        shared = directory.file("open")
        os.mkdir(shared)
        pwfile = directory.write("open/pw", f"alice:{HASH}\n", mode=0o600)
        os.chmod(shared, 0o777)
        before = directory.read("open/pw")
        for args in (["set", pwfile, "bob", "--stdin"], ["delete", pwfile, "alice"]):
            check_error(run(args, stdin="pw\n"), 1, f"the directory {shared} is writable by every user and has no "
                                                    "sticky bit")
        check_equal(directory.read("open/pw"), before, "the file")
        # Reading too (the path policy covers every path opened): anyone could swap the file a
        # `verify` answers for.
        check_error(run(["verify", "-q", pwfile, "alice", "--stdin"], stdin="secret\n"), 1, "has no sticky bit")
        os.chmod(shared, 0o1777)
        check_equal(run(["set", "-q", pwfile, "bob", "--stdin"], stdin="pw\n").code, 0, "sticky: allowed")


@case
def a_process_holding_a_password_is_not_dumpable():
    """Waiting at the prompt, as an ordinary user: its /proc files belong to root, which is what
    PR_SET_DUMPABLE 0 does (and what keeps it out of core dumps and other processes' ptrace)."""
    if not needs_root("dumpable"):
        return
    with TempDir() as directory:
        pwfile = directory.write("pw", f"alice:{HASH}\n", mode=0o666)
        terminal = Terminal(AS_NOBODY[1:] + [MQPASSWD, "verify", pwfile, "alice"], program=AS_NOBODY[0])
        try:
            terminal.read_until("Password")
            terminal.type("secr")  # half a password is in its memory now
            time.sleep(0.2)
            owner = os.stat(f"/proc/{terminal.process.pid}/environ").st_uid
            check_equal(owner, 0, "owner of /proc/PID/environ (nobody's if dumpable)")
            terminal.type("et\n")
            check_equal(terminal.finish(), 0, "verify")
        finally:
            terminal.close()


@case
def passwords_never_reach_output_or_errors():
    secret = "Zq-unique-secret-7731"
    with TempDir() as directory:
        pwfile = directory.write("pw", f"alice:{HASH}\nplain:{secret}\n", mode=0o600)
        source = directory.write("bad", f"good:pw\nbad user:{secret}\n")
        results = [
            run(["verify", pwfile, "alice", "--stdin"], stdin=secret + "\n"),
            run(["set", pwfile, "bad:name", "--stdin"], stdin=secret + "\n"),
            run(["set", pwfile, "carol", "--stdin"], stdin=secret * 4000 + "\n"),
            run(["import", pwfile, source]),
            run(["import", "--dry-run", pwfile, directory.write("ok", f"dave:{secret}\n")]),
            run(["list", pwfile, "--json"]),
            run(["check", pwfile]),
            run(["--dry-run", "upgrade", pwfile]),
            run(["compat", "-b", pwfile, "x:y", secret]),
            run(["set", pwfile, "erin", "-b", secret]),
        ]
        for result in results:
            check(secret not in result.out and secret not in result.err, f"the password was printed: {result!r}")
        check(any(result.code != 0 for result in results), "no failure was exercised")


@case
def a_password_given_with_b_leaves_argv_while_the_command_runs():
    """-b is the one way a password enters argv (with a warning); the native front clears it
    before any work, so ps and /proc/PID/cmdline no longer show it while the file is written."""
    secret = "Argv-visible-secret-4411"
    with TempDir() as directory:
        pwfile = directory.write("pw", "".join(f"user{i}:{HASH}\n" for i in range(300_000)), mode=0o600)
        code, seen = cmdline_while_writing(["set", "-q", pwfile, "newuser", "-b", secret], directory)
        check_equal(code, 0, "set -b")
        check(seen is not None, "never saw the command while it wrote")
        check(b"newuser" in seen, f"not its command line: {seen!r}")
        check(secret.encode() not in seen, f"the password is still in argv: {seen!r}")


def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", path], check=True)


@case
def a_full_disk_fails_cleanly_and_leaves_the_file_as_it_was():
    if not needs_root("disk full"):
        return
    with TempDir() as directory:
        disk = directory.file("disk")
        mount_tmpfs(disk, "512k")
        try:
            pwfile = os.path.join(disk, "pw")
            with open(pwfile, "w") as handle:
                handle.write("".join(f"user{i}:{HASH}\n" for i in range(2000)))  # ~250 KiB
            os.chmod(pwfile, 0o600)
            with open(pwfile, "rb") as handle:
                before = handle.read()
            filler = os.path.join(disk, "filler")
            with open(filler, "wb") as handle:  # leaves less room than one more copy of the file
                handle.write(b"\0" * (512 * 1024 - len(before) - 64 * 1024))
            for args, stdin in ((["set", pwfile, "new", "--stdin"], "pw\n"), (["delete", pwfile, "user7"], None),
                                (["compat", "-b", pwfile, "new", "pw"], None)):
                result = run(args, stdin=stdin)
                check(result.code != 0, f"{args} succeeded on a full disk")
                check("No space left on device" in result.err, f"{args}: {result.err!r}")
                with open(pwfile, "rb") as handle:
                    check(handle.read() == before, f"{args} changed the file")
                left = sorted(name for name in os.listdir(disk) if not name.endswith(".mqpasswd.lock"))
                check_equal(left, ["filler", "pw"], f"temp files after {args}")
            # Read-only: an I/O error of another kind, refused before anything is read.
            subprocess.run(["mount", "-o", "remount,ro", disk], check=True)
            check_error(run(["set", pwfile, "new", "--stdin"], stdin="pw\n"), 1, "Read-only file system")
        finally:
            subprocess.run(["umount", disk], check=False)


@case
def things_that_are_not_password_files_get_a_clear_error_fast():
    with TempDir() as directory:
        fifo = directory.file("fifo")
        os.mkfifo(fifo)
        for pwfile in ("/dev/zero", fifo):
            check_error(run(["set", pwfile, "u", "--stdin"], stdin="pw\n", timeout=10), 1, "not a regular file")
            check_error(run(["list", pwfile], timeout=10), 1, "not a regular file")
        pwfile = directory.write("pw", f"alice:{HASH}\n", mode=0o600)
        check_error(run(["import", pwfile, "/dev/zero"], timeout=20), 1, "not a file or a pipe")
        # A FIFO nobody writes to: a bounded wait for a writer, then a clear error.
        check_error(run(["import", pwfile, fifo], timeout=15), 1, "nothing was written to the pipe for 5 seconds")
        # ... and one whose writer comes a moment later still works.
        late = subprocess.Popen(["sh", "-c", f'sleep 1; echo "late:pw" > "{fifo}"'])
        check_equal(run(["import", "-q", pwfile, fifo], timeout=15).code, 0, "a late writer")
        late.wait()
        check_equal(directory.read("pw").splitlines()[0], f"alice:{HASH}", "the file")
        # A binary file: every command says what is wrong with it, in one line.
        binary = directory.write("binary", bytes(range(256)) * 4096, mode=0o600)
        check_error(run(["set", binary, "u", "--stdin"], stdin="pw\n"), 1, "use --force")
        check_error(run(["verify", binary, "u", "--stdin"], stdin="pw\n"), 4, "no such user")


@case
def a_one_gigabyte_line_and_ten_million_lines_are_refused_in_bounded_memory():
    with TempDir() as directory:
        # What the same binary needs to set a user in a one-line file: the bounds below are on top
        # of it, so a sanitizer's fixed overhead (it grows with the binary) does not count.
        small = directory.write("small", f"alice:{HASH}\n")
        baseline = run_measured(["set", small, "bob", "--stdin"], stdin="pw\n").peak_kib
        huge_line = directory.file("huge-line")
        with open(huge_line, "wb") as handle:
            handle.write(b"alice:")
            chunk = b"x" * (64 * 1024 * 1024)
            for _ in range(16):  # 1 GiB less a few bytes: under the file size limit
                handle.write(chunk)
            handle.truncate(1024 * 1024 * 1024 - 16)
        for args in (["verify", huge_line, "alice", "--stdin"], ["list", huge_line]):
            result = run_measured(args, stdin="pw\n")
            check_error(result, 1, "line is 1 MiB or longer")
            # streamed: a line buffer of at most 1 MiB on top of the baseline, never the 1 GiB line
            check(result.peak_kib - baseline < 32 * 1024, f"{args[0]} used {result.peak_kib} KiB "
                                                          f"({baseline} KiB to set a user in a one-line file)")
        result = run_measured(["set", huge_line, "bob", "--stdin"], stdin="pw\n")
        check_error(result, 1, "huge-line:1: line is 1 MiB or longer")
        # The file once (a second copy would be 2 GiB), plus under ASan its shadow memory (1/8).
        check(result.peak_kib - baseline < 1200 * 1024, f"set used {result.peak_kib} KiB for a 1 GiB file "
                                                        f"({baseline} KiB for a small one)")
        os.remove(huge_line)
        many = directory.file("many-lines")
        with open(many, "wb") as handle:
            handle.write(b"\n" * 10_000_000)
        result = run_measured(["set", many, "bob", "--stdin"], stdin="pw\n")
        check_error(result, 1, "more than")
        check(result.peak_kib - baseline < 32 * 1024, f"set used {result.peak_kib} KiB for 10 million lines "
                                                      f"({baseline} KiB for one)")
        result = run_measured(["list", many])
        check_equal((result.code, result.out), (0, ""), "list of empty lines")


class Measured:
    def __init__(self, code, out, err, peak_kib):
        self.code, self.out, self.err, self.peak_kib = code, out, err, peak_kib

    def __repr__(self):
        return f"Measured(code={self.code}, err={self.err!r}, peak_kib={self.peak_kib})"


def run_measured(args, stdin=None):
    """run() with the peak RSS, forked from a small process (ru_maxrss survives exec)."""
    result = subprocess.run(["/usr/bin/env", "python3", "-c", MEASURE, MQPASSWD] + args, input=stdin or "",
                            capture_output=True, text=True, timeout=120)
    code, peak, out = result.stdout.split("\n", 2)
    return Measured(int(code), out, result.stderr, int(peak))


MEASURE = """
import os, sys
read_out, write_out = os.pipe()
pid = os.fork()
if pid == 0:
    os.dup2(write_out, 1)
    os.execv(sys.argv[1], sys.argv[1:])
os.close(write_out)
out = b""
while chunk := os.read(read_out, 65536):
    out += chunk
_, status, usage = os.wait4(pid, 0)
sys.stdout.write(f"{os.waitstatus_to_exitcode(status)}\\n{usage.ru_maxrss}\\n{out.decode()}")
"""

run_cases()
