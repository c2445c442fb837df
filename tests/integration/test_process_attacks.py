"""Processes and programs another user controls, attacked for real while root runs mqpasswd: a pid
file the broker's user (`mosquitto`) rewrites, processes named mosquitto that are not the broker,
what children inherit (environment, descriptors), the programs PATH picks, and argv's password.

Usage: test_process_attacks.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import os
import pwd
import shutil
import signal
import subprocess
import time

from harness import (AS_BROKER, AS_NOBODY, MQPASSWD, Broker, TempDir, as_user, broker_dir, case, check, check_equal,
                     check_error, cmdline_while_writing, free_port, needs_root, new_password_file, run, run_cases)

BROKER_PROGRAM = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
HASH = "$7$101$c2FsdHNhbHRzYWx0$" + "A" * 86 + "=="


def as_broker_user(*command):
    as_user("mosquitto", *command)


class Impostor:
    """A copy of sleep named mosquitto (so /proc/PID/comm says "mosquitto"), run by nobody: what a
    stale or rewritten pid file may point at. SIGHUP kills it, unless it ignores SIGHUP."""

    def __init__(self, directory, ignore_hangup=False):
        self.program = os.path.join(directory.path, "impostor", "mosquitto")
        os.makedirs(os.path.dirname(self.program), exist_ok=True)
        shutil.copy(shutil.which("sleep"), self.program)
        os.chmod(self.program, 0o755)
        self.ignore_hangup = ignore_hangup

    def __enter__(self):
        def ignore():
            signal.signal(signal.SIGHUP, signal.SIG_IGN)  # inherited through exec

        self.process = subprocess.Popen(AS_NOBODY + [self.program, "600"],
                                        preexec_fn=ignore if self.ignore_hangup else None)
        deadline = time.monotonic() + 5
        while self.comm() != "mosquitto":  # setpriv has exec'd the copy
            check(time.monotonic() < deadline, "the impostor did not start")
            time.sleep(0.01)
        return self

    def comm(self):
        try:
            with open(f"/proc/{self.process.pid}/comm") as handle:
                return handle.read().strip()
        except OSError:
            return None

    def check_alive(self):
        time.sleep(0.2)  # a signal sent just before has been delivered by now
        check(self.process.poll() is None, f"the impostor was signalled (exit {self.process.returncode})")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()


def broker_setup(directory):
    """A password file, a configuration with a pid_file in a run directory the broker's user owns (as
    Debian's /run/mosquitto), and nothing running: (conf, pwfile, pid_file)."""
    pwfile = new_password_file(directory)
    pid_file = os.path.join(broker_dir(directory, "run"), "mosquitto.pid")
    conf = directory.write("mosquitto.conf", f"listener 1883 127.0.0.1\npassword_file {pwfile}\n"
                                             f"pid_file {pid_file}\n")
    return conf, pwfile, pid_file


def plant_pid(pid_file, pid):
    """The broker's user writes `pid` into the pid file, as it may."""
    as_broker_user("sh", "-c", f"echo {pid} > {pid_file}")


def check_refused(result, reason):
    """No reload, with one line saying why; here no systemd unit runs either."""
    check_equal(result.code, 1, repr(result))
    lines = result.err.splitlines()
    check_equal(len(lines), 1, f"stderr lines {result.err!r}")
    check(reason in lines[0], f"{reason!r} not in {lines[0]!r}")
    check("reloaded" not in result.out, f"reported a reload: {result.out!r}")


def not_the_broker(pid, how, program):
    return (f"process {pid} ({how}) is not the mosquitto broker {BROKER_PROGRAM} (its program is {program}); "
            "not signalling it")


@case
def a_process_named_mosquitto_is_not_signalled_through_the_pid_file():
    if not needs_root("pid file attack"):
        return
    with TempDir() as directory:
        conf, pwfile, pid_file = broker_setup(directory)
        with Impostor(directory) as impostor:
            plant_pid(pid_file, impostor.process.pid)
            reason = not_the_broker(impostor.process.pid, f"pid_file {pid_file}", impostor.program)
            check_refused(run(["broker", "reload", "--conf", conf], timeout=10), reason)
            impostor.check_alive()
            result = run(["set", pwfile, "carol", "--stdin", "--reload", "--conf", conf], stdin="carol-pw\n",
                         timeout=10)
            check_refused(result, reason)
            check("carol:" in directory.read("passwords"), "the write itself happened")
            impostor.check_alive()
            compat = run(["compat", "-b", pwfile, "dave", "dave-pw"], env={"MQPASSWD_RELOAD": conf}, timeout=10)
            check_equal(compat.code, 1, repr(compat))
            check(reason in compat.err, compat.err)
            impostor.check_alive()


@case
def a_fake_broker_given_with_pid_is_refused_not_reported_reloaded():
    if not needs_root("fake broker"):
        return
    with TempDir() as directory:
        conf, _, _ = broker_setup(directory)
        with Impostor(directory, ignore_hangup=True) as impostor:
            pid = impostor.process.pid
            for args in (["broker", "reload"], ["broker", "reload", "--dry-run"]):
                result = run(args + ["--conf", conf, "--pid", str(pid)], timeout=10)
                check_error(result, 1, not_the_broker(pid, "--pid", impostor.program))
            with open(f"/proc/{pid}/status") as handle:
                pending = [line for line in handle if line.startswith("SigPnd:") or line.startswith("ShdPnd:")]
            check(all(line.split()[1].strip("0") == "" for line in pending), f"a signal reached it: {pending}")
            impostor.check_alive()


@case
def the_broker_program_run_by_another_user_is_not_signalled():
    if not needs_root("foreign broker"):
        return
    with TempDir() as directory:
        conf, _, pid_file = broker_setup(directory)
        port = free_port()
        foreign_conf = directory.write("foreign.conf", f"listener {port} 127.0.0.1\n")
        log = open(directory.file("foreign.log"), "w")
        foreign = subprocess.Popen(AS_NOBODY + [BROKER_PROGRAM, "-c", foreign_conf], stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 10
            while os.path.realpath(f"/proc/{foreign.pid}/exe") != os.path.realpath(BROKER_PROGRAM):
                check(time.monotonic() < deadline and foreign.poll() is None, "the foreign broker did not start")
                time.sleep(0.02)
            plant_pid(pid_file, foreign.pid)
            check_refused(run(["broker", "reload", "--conf", conf], timeout=10),
                          f"process {foreign.pid} (pid_file {pid_file}) is a mosquitto of another configuration "
                          f"({foreign_conf}, not {os.path.realpath(conf)}); not signalling it")
            time.sleep(0.3)
            check(foreign.poll() is None, "the foreign broker is still running")
            check("Reloading config" not in directory.read("foreign.log"), "the foreign broker was signalled")
        finally:
            foreign.kill()
            foreign.wait()
            log.close()


@case
def the_broker_user_running_the_real_program_is_not_reported_reloaded():
    """The broker's user may run the genuine mosquitto, as itself, with a configuration of its own,
    and write that pid into the pid_file: same program, right user; but not the broker that reads
    the configuration being reloaded, so nothing is signalled and nothing reported reloaded."""
    if not needs_root("the broker's user's own broker"):
        return
    with TempDir() as directory:
        conf, _, pid_file = broker_setup(directory)
        port = free_port()
        own_conf = directory.write("own.conf", f"listener {port} 127.0.0.1\n", mode=0o644)
        log_path = directory.file("own.log")
        log = open(log_path, "w")
        own = subprocess.Popen(AS_BROKER + [BROKER_PROGRAM, "-c", own_conf], stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 10
            while os.path.realpath(f"/proc/{own.pid}/exe") != os.path.realpath(BROKER_PROGRAM):
                check(time.monotonic() < deadline and own.poll() is None, "the broker user's mosquitto did not start")
                time.sleep(0.02)
            plant_pid(pid_file, own.pid)
            result = run(["broker", "reload", "--conf", conf], timeout=10)
            check(result.code == 1 and "a mosquitto of another configuration" in result.err, repr(result))
            check("reloaded" not in result.out, result.out)
            time.sleep(0.3)
            with open(log_path) as handle:
                check("Reloading config" not in handle.read(), "the broker user's mosquitto was signalled")
        finally:
            own.kill()
            own.wait()
            log.close()


@case
def what_the_broker_user_puts_at_the_pid_file_path_never_hangs_or_misleads():
    if not needs_root("pid file contents"):
        return
    with TempDir() as directory:
        conf, pwfile, pid_file = broker_setup(directory)
        with Impostor(directory) as impostor:
            secret = directory.write("root-only", f"{impostor.process.pid}\n", mode=0o600)
            plants = {
                "a FIFO": (["mkfifo", pid_file], f"pid_file {pid_file} is not a regular file"),
                "a link": (["ln", "-s", secret, pid_file], f"pid_file {pid_file} is a symbolic link; not following"),
                "a huge file": (["sh", "-c", f"head -c 33554432 /dev/zero | tr '\\0' '\\n' > {pid_file}; "
                                             f"echo {impostor.process.pid} >> {pid_file}"],
                                f"pid_file {pid_file} is not a pid file: it has more than 64 bytes"),
                "garbage": (["sh", "-c", f"printf '12abc\\n' > {pid_file}"], f"no pid in pid_file {pid_file}"),
                "nothing": (["sh", "-c", f": > {pid_file}"], f"no pid in pid_file {pid_file}"),
                "pid 0": (["sh", "-c", f"echo 0 > {pid_file}"], f"no pid in pid_file {pid_file}"),
            }
            for number, (what, (command, reason)) in enumerate(plants.items()):
                as_broker_user("rm", "-f", pid_file)
                as_broker_user(*command)
                started = time.monotonic()
                check_refused(run(["broker", "reload", "--conf", conf], timeout=10), reason)
                check_refused(run(["set", pwfile, f"erin{number}", "--stdin", "--reload", "--conf", conf],
                                  stdin="e\n", timeout=10), reason)
                check(time.monotonic() - started < 10, f"{what} took {time.monotonic() - started:.1f} s")
                impostor.check_alive()


def recorder(directory, name="probe"):
    """A stand-in for mosquitto (root's, in a directory of root's) that records what it inherited and
    answers -h as 2.0.11 does."""
    bin_dir = directory.file(name)
    os.makedirs(bin_dir, exist_ok=True)
    out = directory.file(name + ".out")
    script = os.path.join(bin_dir, "mosquitto")
    with open(script, "w") as handle:
        handle.write("#!/bin/sh\n"
                     f"env > {out}.env\n"
                     f"ls -l /proc/self/fd > {out}.fds\n"
                     "echo 'mosquitto version 2.0.11'\n")
    os.chmod(script, 0o755)
    return script, out


def open_fds(listing):
    """The descriptor numbers in `ls -l /proc/self/fd` output, with what each is."""
    fds = {}
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) >= 11 and parts[-2] == "->":
            fds[int(parts[-3])] = parts[-1]
    return fds


def check_inherited_nothing(out, secret):
    with open(out + ".env") as handle:
        environment = handle.read()
    check(secret not in environment, f"the password is in the child's environment: {environment!r}")
    names = sorted(line.split("=", 1)[0] for line in environment.splitlines())
    check(set(names) <= {"LANG", "PATH", "PWD"}, f"the child's environment: {names}")
    check("PATH=/usr/sbin:/usr/bin:/sbin:/bin\n" in environment, environment)
    with open(out + ".fds") as handle:
        fds = open_fds(handle.read())
    check({0, 1, 2} <= set(fds), f"not a descriptor listing: {fds}")
    extra = {fd: what for fd, what in fds.items() if fd > 2}
    # ls opens one descriptor itself: the /proc/PID/fd directory it lists.
    check(len(extra) <= 1 and all(what.startswith("/proc/") for what in extra.values()),
          f"descriptors beyond 0-2 in the child: {fds}")


@case
def children_get_a_clean_environment_and_no_descriptor_beyond_stdio():
    if not needs_root("root-owned recorder"):
        return
    with TempDir() as directory:
        script, out = recorder(directory)
        pwfile = directory.file("passwords")
        secret = "Env-secret-7731"
        result = run(["set", pwfile, "u1", "--password-env", "SECRETVAR", "--create", "-q"],
                     env={"MQPASSWD_MOSQUITTO": script, "SECRETVAR": secret, "OTHER_MARKER": "x"})
        check_equal(result.code, 0, repr(result))
        check(os.path.exists(out + ".env"), "the recorder did not run")
        check_inherited_nothing(out, secret)
        os.unlink(out + ".env")
        # The answer is remembered for this very program file (its identity includes mtime and
        # ctime): a touched program is asked again, so the second run starts the child too.
        os.utime(script)
        read_end, write_end = os.pipe()
        os.write(write_end, b"Fd-secret-7732\n")
        os.close(write_end)
        os.dup2(read_end, 5)
        os.close(read_end)
        try:
            result = run(["set", pwfile, "u2", "--password-fd", "5", "-q"], env={"MQPASSWD_MOSQUITTO": script},
                         pass_fds=(5,))
        finally:
            os.close(5)
        check_equal(result.code, 0, repr(result))
        check(os.path.exists(out + ".env"), "the recorder did not run")
        check_inherited_nothing(out, "Fd-secret-7732")


@case
def as_root_relative_and_empty_path_entries_are_not_searched():
    if not needs_root("PATH as root"):
        return
    with TempDir() as directory:
        for name in ("bin", "."):  # "bin" is a relative entry; an empty entry means the working directory
            os.makedirs(directory.file(name), exist_ok=True)
            with open(os.path.join(directory.file(name), "mosquitto"), "w") as handle:
                handle.write(f"#!/bin/sh\ntouch {directory.file('ran-' + (name.strip('.') or 'cwd'))}\n"
                             "echo 'mosquitto version 2.1.2'\n")
            os.chmod(os.path.join(directory.file(name), "mosquitto"), 0o755)
        pwfile = directory.file("passwords")
        for path in (f"bin:{os.environ['PATH']}", f":{os.environ['PATH']}", f"{os.environ['PATH']}:"):
            result = run(["set", pwfile, "u", "--stdin", "--create", "-q"], stdin="pw\n", cwd=directory.path,
                         env={"PATH": path})
            check_equal(result.code, 0, repr(result))
            check_equal([name for name in directory.entries() if name.startswith("ran-")], [], f"PATH={path}")
        relative = run(["set", pwfile, "u", "--stdin", "-q"], stdin="pw\n", cwd=directory.path,
                       env={"MQPASSWD_MOSQUITTO": "bin/mosquitto"})
        check_error(relative, 1, "MQPASSWD_MOSQUITTO must be an absolute path, not 'bin/mosquitto'")
        check_equal([name for name in directory.entries() if name.startswith("ran-")], [], "MQPASSWD_MOSQUITTO")


@case
def as_root_a_mosquitto_another_user_may_change_is_not_run():
    if not needs_root("foreign program"):
        return
    with TempDir() as directory:
        script, out = recorder(directory)
        os.chmod(script, 0o777)
        pwfile = directory.file("passwords")
        result = run(["set", pwfile, "u", "--stdin", "--create", "-q"], stdin="pw\n",
                     env={"MQPASSWD_MOSQUITTO": script})
        check_error(result, 1, f"MQPASSWD_MOSQUITTO: {script} is writable by its group or by every user; not "
                               "running it as root")
        check(not os.path.exists(out + ".env"), "the program ran")
        os.chmod(script, 0o755)
        os.chown(script, pwd.getpwnam("nobody").pw_uid, 0)
        result = run(["set", pwfile, "u", "--stdin", "--create", "-q"], stdin="pw\n",
                     env={"MQPASSWD_MOSQUITTO": script})
        check_error(result, 1, f"MQPASSWD_MOSQUITTO: {script} is owned by nobody, not root; not running it as root")
        check(not os.path.exists(out + ".env"), "the program ran")


@case
def the_compat_front_clears_a_b_password_from_argv_while_it_runs():
    secret = "Compat-argv-secret-5523"
    with TempDir() as directory:
        pwfile = directory.write("pw", "".join(f"user{i}:{HASH}\n" for i in range(300_000)), mode=0o600)
        code, seen = cmdline_while_writing(["compat", "-b", pwfile, "newuser", secret], directory)
        check_equal(code, 0, "compat -b")
        check(seen is not None, "never saw the command while it wrote")
        check(b"newuser" in seen, f"not its command line: {seen!r}")
        check(secret.encode() not in seen, f"the password is still in argv: {seen!r}")


@case
def the_real_broker_is_still_reloaded_through_its_pid_file():
    """The checks let the real thing through: a root-started broker that dropped to mosquitto."""
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        pid_file = os.path.join(broker_dir(directory, "run"), "mosquitto.pid")
        with Broker(directory.path, pwfile, extra_config=f"pid_file {pid_file}\n") as broker:
            deadline = time.monotonic() + 5
            while not os.path.exists(pid_file) and time.monotonic() < deadline:
                time.sleep(0.05)
            result = run(["broker", "reload", "--conf", broker.config], timeout=10)
            check_equal((result.code, result.out),
                        (0, f"reloaded: SIGHUP to mosquitto pid {broker.process.pid} (pid_file {pid_file})\n"),
                        repr(result))
            deadline = time.monotonic() + 5
            while "Reloading config" not in broker.log_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            check("Reloading config" in broker.log_text(), "the broker logged the reload")
            check(broker.process.poll() is None, "the broker is still running")


run_cases()
