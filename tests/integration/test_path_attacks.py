"""The path policy, attacked for real: the broker's own user (`mosquitto`) and `nobody` plant links,
swap directories and put newlines in paths, while root runs mqpasswd. Root's files must stay as
they were, byte for byte and owner for owner.

Usage: test_path_attacks.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import hashlib
import os
import pwd
import subprocess
import sys
import time

from harness import (AS_BROKER, AS_NOBODY, TempDir, as_user, broker_dir, case, check, check_equal, needs_root, run,
                     run_cases)

HASH = "$7$101$c2FsdHNhbHRzYWx0$" + "A" * 86 + "=="


def state(path):
    """What an attack must not change: the bytes, owner, group and mode (lstat: links themselves)."""
    info = os.lstat(path)
    with open(path, "rb") as handle:
        content = hashlib.sha256(handle.read()).hexdigest() if os.path.isfile(path) else ""
    return content, info.st_uid, info.st_gid, info.st_mode


@case
def enable_never_chowns_or_names_a_file_through_a_planted_link():
    if not needs_root("planted link for enable"):
        return
    with TempDir() as directory:
        victim = directory.write("root-only", "root:secret\n", mode=0o600)
        conf = directory.write("mosquitto.conf", "listener 1883 127.0.0.1\n")
        before_victim, before_conf = state(victim), state(conf)
        mq = broker_dir(directory)
        shared = directory.file("tmp")
        os.mkdir(shared)
        os.chmod(shared, 0o1777)
        as_user("mosquitto", "ln", "-s", victim, os.path.join(mq, "pw"))
        as_user("nobody", "ln", "-s", victim, os.path.join(shared, "pw"))
        for planted in (os.path.join(mq, "pw"), os.path.join(shared, "pw")):
            result = run(["broker", "enable", "--conf", conf, "--pwfile", planted, "--fix-permissions"], timeout=20)
            check(result.code != 0, f"enable through {planted}: {result!r}")
            check_equal(state(victim), before_victim, f"the link's target, after {planted}")
            check_equal(state(conf), before_conf, "the configuration")
            check(not os.path.exists(directory.file("conf.d")), "no snippet written")
        # A link of the broker's user on the way to the file: the same.
        real = directory.file("real")
        os.mkdir(real)
        os.rename(victim, os.path.join(real, "pw"))
        as_user("mosquitto", "ln", "-s", real, os.path.join(mq, "dir"))
        result = run(["broker", "enable", "--conf", conf, "--pwfile", os.path.join(mq, "dir", "pw"),
                      "--fix-permissions"], timeout=20)
        check(result.code != 0 and "that mosquitto owns" in result.err, repr(result))
        check_equal(os.lstat(os.path.join(real, "pw")).st_uid, 0, "still root's")
        # A second name (hard link) for a root file: refused in the broker's directory (root's file
        # there is not the broker's), and even in root's own directory never chowned.
        os.link(os.path.join(real, "pw"), os.path.join(mq, "hard"))
        result = run(["broker", "enable", "--conf", conf, "--pwfile", os.path.join(mq, "hard"),
                      "--fix-permissions"], timeout=20)
        check(result.code != 0 and "is owned by mosquitto" in result.err, repr(result))
        os.link(os.path.join(real, "pw"), os.path.join(real, "second-name"))
        result = run(["broker", "enable", "--conf", conf, "--pwfile", os.path.join(real, "second-name"),
                      "--fix-permissions"], timeout=20)
        check(result.code != 0 and "hard links" in result.err, repr(result))
        check_equal(os.lstat(os.path.join(real, "pw")).st_uid, 0, "still root's, after the hard link")
        check_equal(state(conf), before_conf, "the configuration")


@case
def the_compat_front_never_writes_through_a_link_the_broker_planted():
    if not needs_root("planted link for compat"):
        return
    with TempDir() as directory:
        victim = directory.write("root-only", f"root:{HASH}\nkeep:{HASH}\n", mode=0o600)
        before = state(victim)
        mq = broker_dir(directory)
        planted = os.path.join(mq, "pw")
        as_user("mosquitto", "ln", "-s", victim, planted)
        for args in (["-b", planted, "eve", "pw"], ["-c", "-b", planted, "eve", "pw"], ["-D", planted, "keep"]):
            result = run(["compat"] + args, timeout=20)
            check(result.code != 0, f"compat {args}: {result!r}")
            check_equal(state(victim), before, f"the target after compat {args}")
        # No false refusal: creating a file in the broker's own directory (/var/lib/mosquitto).
        fresh = os.path.join(mq, "fresh")
        created = run(["compat", "-c", "-b", fresh, "u", "pw"], timeout=20)
        check_equal((created.code, created.err), (0, ""), "compat -c in the broker's directory")
        check_equal(os.stat(fresh).st_uid, pwd.getpwnam("mosquitto").pw_uid, "given to the broker's user")
        # Root's own link is followed, as mosquitto_passwd follows it.
        own = directory.file("own-link")
        os.symlink(victim, own)
        check_equal(run(["compat", "-b", own, "eve", "pw"]).code, 0, "root's own link")


@case
def a_directory_the_broker_swapped_for_a_link_is_never_followed():
    if not needs_root("directory swapped for a link"):
        return
    with TempDir() as directory:
        protected = directory.file("etc")
        os.mkdir(protected, 0o755)
        root_file = os.path.join(protected, "pw")
        with open(root_file, "w") as handle:
            handle.write(f"root:{HASH}\n")
        os.chmod(root_file, 0o600)
        before = state(root_file)
        mq = broker_dir(directory, "mqroot")
        as_user("mosquitto", "ln", "-s", protected, os.path.join(mq, "config"))
        target = os.path.join(mq, "config", "pw")
        for args in (["compat", "-b", target, "eve", "pw"], ["set", "--create", target, "eve", "--stdin"],
                     ["set", "--create", os.path.join(mq, "config", "new"), "eve", "--stdin"]):
            result = run(args, stdin="pw\n", timeout=20)
            check(result.code != 0, f"{args}: {result!r}")
        check_equal(state(root_file), before, "root's file")
        check_equal(sorted(os.listdir(protected)), ["pw"], "nothing created in root's directory")


RACE = r"""
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b, stop = (p.encode() for p in sys.argv[1:4])
AT_FDCWD, RENAME_EXCHANGE = -100, 2
swaps = 0
deadline = time.monotonic() + 300
while not os.path.exists(stop) and time.monotonic() < deadline:
    if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0:
        swaps += 1
print(swaps)
"""


@case
def five_hundred_writes_against_a_rename_exchange_loop_never_escape():
    """The broker's user swaps its directory `d` and a link `l` to root's directory with
    renameat2(RENAME_EXCHANGE) as fast as it can, while root writes into d: every write lands in
    the broker's own directory or is refused; none reaches root's."""
    if not needs_root("RENAME_EXCHANGE race"):
        return
    writes = int(os.environ.get("MQPASSWD_RACE_WRITES", "500"))
    with TempDir() as directory:
        protected = directory.file("etc")
        os.mkdir(protected, 0o755)
        mq = broker_dir(directory, "mqroot")
        as_user("mosquitto", "mkdir", os.path.join(mq, "d"))
        as_user("mosquitto", "ln", "-s", protected, os.path.join(mq, "l"))
        stop = directory.file("stop")
        attacker = subprocess.Popen(AS_BROKER + [sys.executable, "-c", RACE, os.path.join(mq, "d"),
                                                 os.path.join(mq, "l"), stop], stdout=subprocess.PIPE, text=True)
        written = refused = 0
        try:
            for i in range(writes):
                if i % 5 == 4:  # the compat front too
                    result = run(["compat", "-b", os.path.join(mq, "d", "pw"), f"c{i}", "pw"], timeout=20)
                else:
                    result = run(["set", "--create", os.path.join(mq, "d", "pw"), f"u{i}", "--stdin", "-q"],
                                 stdin="pw\n", timeout=20)
                written, refused = (written + 1, refused) if result.code == 0 else (written, refused + 1)
                check_equal(os.listdir(protected), [], f"write {i} escaped into root's directory")
        finally:
            open(stop, "w").close()
            swaps = int(attacker.communicate(timeout=30)[0] or 0)
        print(f"     {writes} writes: {written} written, {refused} refused; {swaps} swaps", flush=True)
        check(swaps > writes, f"the attacker swapped only {swaps} times: the race was not run")
        check(written > 0 and refused > 0, "both outcomes should occur under the race")


@case
def a_newline_in_the_password_file_path_never_reaches_the_configuration():
    with TempDir() as directory:
        conf = directory.write("mosquitto.conf", "listener 1883 127.0.0.1\nallow_anonymous false\n")
        before = state(conf)
        sneaky = directory.file("pw\nallow_anonymous true\nlistener 1884")
        os.makedirs(os.path.dirname(sneaky), exist_ok=True)
        with open(sneaky, "w") as handle:
            handle.write(f"alice:{HASH}\n")
        result = run(["broker", "enable", "--conf", conf, "--pwfile", sneaky], timeout=20)
        check_equal(result.code, 2, repr(result))
        check("control character" in result.err, result.err)
        check_equal(state(conf), before, "the configuration")
        check(not os.path.exists(directory.file("conf.d")), "no snippet")


@case
def a_fifo_for_the_password_file_never_hangs_enable():
    if not needs_root("a FIFO from the broker's user"):
        return
    with TempDir() as directory:
        conf = directory.write("mosquitto.conf", "listener 1883 127.0.0.1\n")
        before = state(conf)
        mq = broker_dir(directory)
        fifo = os.path.join(mq, "pw")
        as_user("mosquitto", "mkfifo", fifo)
        started = time.monotonic()
        result = run(["broker", "enable", "--conf", conf, "--pwfile", fifo, "--fix-permissions"], timeout=20)
        check(result.code != 0 and "not a regular file" in result.err, repr(result))
        check(time.monotonic() - started < 5, "enable waited on a FIFO")
        check_equal(state(conf), before, "the configuration")


@case
def an_import_source_is_never_read_through_a_link_another_user_planted():
    if not needs_root("a planted import source"):
        return
    with TempDir() as directory:
        pwfile = directory.write("pw", f"alice:{HASH}\n", mode=0o600)
        before = state(pwfile)
        secret = directory.write("root-secrets", "root:hunter2-root-only\n", mode=0o600)
        shared = directory.file("tmp")
        os.mkdir(shared)
        os.chmod(shared, 0o1777)
        planted = os.path.join(shared, "users.txt")
        as_user("nobody", "ln", "-s", secret, planted)
        result = run(["import", pwfile, planted, "--format=lines"], timeout=20)
        check(result.code != 0 and "another user owns" in result.err, repr(result))
        check("hunter2" not in result.out + result.err, "the secret file's content")
        check_equal(state(pwfile), before, "the password file")


@case
def a_working_directory_renamed_with_a_newline_never_reaches_the_configuration():
    """A relative --pwfile is resolved from the working directory, whose name the owner of the
    directory above chose: the resolved path is what must be clean."""
    if not needs_root("a renamed working directory"):
        return
    with TempDir() as directory:
        conf = directory.write("mosquitto.conf", "listener 1883 127.0.0.1\nallow_anonymous false\n")
        before = state(conf)
        mq = broker_dir(directory)
        sneaky = os.path.join(mq, "x\nallow_anonymous true\n#")
        as_user("mosquitto", "mkdir", sneaky)
        as_user("mosquitto", "cp", "/dev/null", os.path.join(sneaky, "passwd"))
        result = run(["broker", "enable", "--conf", conf, "--pwfile", "passwd", "--no-anonymous"], cwd=sneaky,
                     timeout=20)
        check(result.code == 2 and "control character" in result.err, repr(result))
        check_equal(state(conf), before, "the configuration")


SWAP_FILE = r"""
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b, stop = (p.encode() for p in sys.argv[1:4])
deadline = time.monotonic() + 300
while not os.path.exists(stop) and time.monotonic() < deadline:
    libc.renameat2(-100, a, -100, b, 2)
"""


@case
def a_source_swapped_for_a_link_to_root_s_file_is_never_read():
    """The broker's user swaps its own import source (and --password-file) with a link to a root-only
    file as fast as it can: root never reads that file."""
    if not needs_root("a swapped import source"):
        return
    with TempDir() as directory:
        secret = directory.write("root-only", "TOPSECRET:value\n", mode=0o600)
        pwfile = directory.write("pw", f"alice:{HASH}\n", mode=0o600)
        mq = broker_dir(directory)
        source, link = os.path.join(mq, "src"), os.path.join(mq, "lnk")
        as_user("mosquitto", "sh", "-c", f"printf 'bob:pw\\n' > {source}")
        as_user("mosquitto", "ln", "-s", secret, link)
        stop = directory.file("stop")
        attacker = subprocess.Popen(AS_BROKER + [sys.executable, "-c", SWAP_FILE, source, link, stop])
        try:
            for i in range(300):
                run(["import", pwfile, source, "--format=lines", "-q"], timeout=20)
                password = run(["set", pwfile, f"p{i}", "--password-file", source, "-q"], timeout=20)
                check("TOPSECRET" not in password.err, password.err)
                check("TOPSECRET" not in open(pwfile).read(), f"run {i}: root's file was read as a source")
        finally:
            open(stop, "w").close()
            attacker.wait(timeout=30)
        check_equal(run(["verify", pwfile, "p0", "--stdin"], stdin="value\n").code in (3, 4), True,
                    "a password taken from root's file")


@case
def a_password_file_source_planted_or_stalled_by_another_user_is_refused_in_bounded_time():
    if not needs_root("a planted --password-file"):
        return
    with TempDir() as directory:
        secret = directory.write("root-only", "root-password\n", mode=0o600)
        pwfile = directory.write("pw", f"alice:{HASH}\n", mode=0o600)
        before = state(pwfile)
        shared = directory.file("tmp")
        os.mkdir(shared)
        os.chmod(shared, 0o1777)
        planted = os.path.join(shared, "pwsrc")
        as_user("nobody", "ln", "-s", secret, planted)
        result = run(["set", pwfile, "bob", "--password-file", planted], timeout=20)
        check(result.code == 1 and "another user owns" in result.err, repr(result))
        os.unlink(planted)
        as_user("nobody", "mkfifo", planted)
        started = time.monotonic()
        silent = run(["set", pwfile, "bob", "--password-file", planted], timeout=20)
        check(silent.code == 1 and "nothing was written to the pipe" in silent.err, repr(silent))
        # A writer that sends one byte and then sits there: bounded too.
        stall = subprocess.Popen(AS_NOBODY + ["sh", "-c", f"exec 3>{planted}; printf x >&3; sleep 30"])
        try:
            stalled = run(["set", pwfile, "bob", "--password-file", planted], timeout=30)
            check(stalled.code == 1 and "nothing more came through the pipe" in stalled.err, repr(stalled))
            imported = run(["import", pwfile, planted, "--format=lines"], timeout=30)
            check(imported.code == 1, repr(imported))
        finally:
            stall.kill()
            stall.wait()
        check(time.monotonic() - started < 40, "a stalled pipe held root")
        check_equal(state(pwfile), before, "the password file")


HOLD_LOCK = r"""
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)
"""


@case
def another_user_who_can_enter_the_directory_cannot_stall_the_writers():
    """/etc/mosquitto is 0755: anyone may open it and flock it, and a 0640 file's group may open the
    file itself. The writers lock `.NAME.mqpasswd.lock`, 0600, which only the file's owner and root
    can open."""
    if not needs_root("a lock held by nobody"):
        return
    with TempDir() as directory:
        pwfile = directory.write("pw", f"alice:{HASH}\n", mode=0o600)
        markers = directory.file("markers")
        os.mkdir(markers)
        os.chmod(markers, 0o1777)
        ready = os.path.join(markers, "ready")
        holder = subprocess.Popen(AS_NOBODY + [sys.executable, "-c", HOLD_LOCK, directory.path, ready])
        try:
            deadline = time.monotonic() + 10
            while not os.path.exists(ready) and time.monotonic() < deadline:
                time.sleep(0.02)
            check(os.path.exists(ready), "nobody took the directory's lock")
            started = time.monotonic()
            result = run(["set", pwfile, "bob", "--stdin", "-q"], stdin="pw\n", timeout=20)
            check_equal(result.code, 0, repr(result))
            check(time.monotonic() - started < 5, "root waited for nobody's lock")
            compat = run(["compat", "-b", pwfile, "carol", "pw"], timeout=20)
            check_equal(compat.code, 0, repr(compat))
            created = run(["set", "--create", directory.file("new"), "dave", "--stdin", "-q"], stdin="pw\n",
                          timeout=20)
            check_equal(created.code, 0, f"creating a file is not stalled either: {created!r}")
            lock_file = directory.file(".pw.mqpasswd.lock")
            info = os.stat(lock_file)
            check_equal((info.st_mode & 0o777, info.st_uid), (0o600, 0), "the lock file: the file owner's, 0600")
            refused = subprocess.run(AS_NOBODY + [sys.executable, "-c", HOLD_LOCK, lock_file, ready], timeout=20,
                                     capture_output=True)
            check(refused.returncode != 0, "nobody could open (and so hold) the lock file")
            # Debian's root:mosquitto 0640: the broker's user may read the file, and hold a lock on it,
            # but that no longer stalls root.
            debian = directory.write("debian-pw", f"alice:{HASH}\n", mode=0o640)
            os.chown(debian, 0, pwd.getpwnam("mosquitto").pw_gid)
            group_lock = subprocess.Popen(AS_BROKER + [sys.executable, "-c", HOLD_LOCK, debian,
                                                       os.path.join(markers, "group")])
            try:
                deadline = time.monotonic() + 10
                while not os.path.exists(os.path.join(markers, "group")) and time.monotonic() < deadline:
                    time.sleep(0.02)
                started = time.monotonic()
                check_equal(run(["set", debian, "erin", "--stdin", "-q"], stdin="pw\n", timeout=20).code, 0,
                            "root's write with the broker's user holding the file")
                check(time.monotonic() - started < 5, "root waited for the group's lock")
            finally:
                group_lock.kill()
                group_lock.wait()
        finally:
            holder.kill()
            holder.wait()


run_cases()
