"""A small harness for mqpasswd's integration tests: cases, temp dirs, running the tool, a real broker.

Each test file calls run_cases() at the end; it prints one line per case and a closing
'N passed, M failed' line, and exits non-zero when anything failed.
"""
import atexit
import fcntl
import os
import pwd
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import time
import traceback

MQPASSWD = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "mqpasswd"
# Each suite's own broker-version cache (MQPASSWD_CACHE_HOME, src/broker/broker_cache.hpp): no
# suite reads what another, or a user, left in /var/cache or ~/.cache, and none leaves anything there.
CACHE_HOME = tempfile.mkdtemp(prefix="mqpasswd-cache-")
os.environ["MQPASSWD_CACHE_HOME"] = CACHE_HOME
atexit.register(shutil.rmtree, CACHE_HOME, True)
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_cases = []


def installed_broker_version():
    """The version of the mosquitto installed here, as `mosquitto -h` says (mqpasswd's own source
    for --broker-version auto): (2, 0, 11) on Debian 12, (2, 0, 21) on 13, (2, 1, 2) on sid."""
    completed = subprocess.run(["mosquitto", "-h"], capture_output=True, text=True, timeout=30)
    found = re.search(r"mosquitto version (\d+)\.(\d+)\.(\d+)", completed.stdout)
    if found is None:
        raise AssertionError(f"no mosquitto version in `mosquitto -h`: {completed.stdout!r}")
    return tuple(int(part) for part in found.groups())


INSTALLED_2_1 = installed_broker_version() >= (2, 1, 0)
# The salt mqpasswd writes for the installed broker (--broker-version auto): 12 bytes for 2.0.
AUTO_SALT = 64 if INSTALLED_2_1 else 12


def case(function):
    _cases.append(function)
    return function


def run_cases():
    only = sys.argv[2] if len(sys.argv) > 2 else None
    passed = failed = 0
    for function in _cases:
        if only and only not in function.__name__:
            continue
        started = time.monotonic()
        try:
            function()
            passed += 1
            print(f"ok   {function.__name__} ({time.monotonic() - started:.2f}s)", flush=True)
        except Exception:  # noqa: BLE001 - every failure is reported, none stops the run
            failed += 1
            print(f"FAIL {function.__name__}", flush=True)
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)


class Result:
    def __init__(self, completed):
        self.code = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr

    def __repr__(self):
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


# Runs a program as user nobody: permission errors need another user, and CI runs as root.
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
# ... or as the broker's own account, the likeliest attacker of a root mqpasswd.
AS_BROKER = ["setpriv", "--reuid=mosquitto", "--regid=mosquitto", "--clear-groups"]


def needs_root(name):
    """Attacks need root to play the other users; as another user the case is skipped, said so."""
    if os.geteuid() != 0:
        print(f"     {name}: not root, not run", flush=True)
        return False
    return True


def as_user(user, *command):
    """Runs a command as `mosquitto` or `nobody`, checked, bounded."""
    subprocess.run((AS_BROKER if user == "mosquitto" else AS_NOBODY) + list(command), check=True, timeout=30)


def run(args, stdin=None, env=None, program=None, cwd=None, timeout=60, pass_fds=(), as_nobody=False):
    """Runs mqpasswd (or `program`) with text I/O; stdin is closed when not given."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    completed = subprocess.run(
        (AS_NOBODY if as_nobody else []) + [program or MQPASSWD] + list(args),
        input=stdin if stdin is not None else "",
        capture_output=True, text=True, env=full_env, cwd=cwd, timeout=timeout, pass_fds=pass_fds)
    return Result(completed)


def check(condition, message="check failed"):
    if not condition:
        raise AssertionError(message)


def check_equal(actual, expected, what="value"):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def check_error(result, code, message_part, what=""):
    """A failure: the exit code, exactly one line on stderr containing message_part, nothing on stdout."""
    check_equal(result.code, code, f"exit code {what} {result!r}")
    lines = result.err.splitlines()
    check_equal(len(lines), 1, f"stderr lines {what} {result.err!r}")
    check(message_part in lines[0], f"{message_part!r} not in {lines[0]!r} {what}")
    check(lines[0].startswith("mqpasswd: "), f"error prefix {lines[0]!r}")
    check_equal(result.out, "", f"stdout of a failure {what}")


class TempDir:
    """A private directory, world-searchable so that a broker running as 'mosquitto' can read in it."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="mqpasswd-it-")
        os.chmod(self.path, 0o755)

    def file(self, name):
        return os.path.join(self.path, name)

    def write(self, name, content, mode=0o644):
        path = self.file(name)
        with open(path, "wb") as handle:
            handle.write(content.encode() if isinstance(content, str) else content)
        os.chmod(path, mode)
        return path

    def read(self, name):
        with open(self.file(name), "rb") as handle:
            return handle.read().decode()

    def entries(self):
        """The names in the directory, less the writers' lock files (`.NAME.mqpasswd.lock`, which
        stay by design): what "no temp file left" checks look at."""
        return sorted(name for name in os.listdir(self.path) if not name.endswith(".mqpasswd.lock"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


class Terminal:
    """A program (mqpasswd by default) on the slave side of a pty that is its controlling terminal."""

    def __init__(self, args, program=None, cwd=None, env=None, columns=None):
        self.master, self.slave = os.openpty()
        if columns:
            fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))

        def make_controlling():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen([program or MQPASSWD] + args, stdin=self.slave, stdout=self.slave,
                                        stderr=self.slave, cwd=cwd, preexec_fn=make_controlling, close_fds=True,
                                        env=dict(os.environ, **env) if env else None)
        self.seen = b""

    def read_until(self, text, timeout=10, count=1):
        """Reads the screen until `text` has appeared `count` times."""
        deadline = time.monotonic() + timeout
        while self.seen.count(text.encode()) < count:
            left = deadline - time.monotonic()
            check(left > 0, f"timed out waiting for {text!r}; screen so far: {self.seen!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.master, 4096)
                except OSError:
                    break
        return self.seen

    def read_for(self, seconds):
        """Reads whatever the screen shows for `seconds`, for output that has no end marker."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if select.select([self.master], [], [], left)[0]:
                try:
                    self.seen += os.read(self.master, 4096)
                except OSError:
                    return

    def type(self, text):
        os.write(self.master, text.encode())

    def echo_is_on(self):
        return bool(termios.tcgetattr(self.slave)[3] & termios.ECHO)

    def wait_for_echo_off(self, timeout=10):
        deadline = time.monotonic() + timeout
        while self.echo_is_on():
            check(time.monotonic() < deadline, f"echo still on after {timeout} s")
            time.sleep(0.01)

    def finish(self, timeout=10):
        code = self.process.wait(timeout=timeout)
        # Drain what is left on the screen.
        while select.select([self.master], [], [], 0.1)[0]:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.seen += chunk
        return code

    def close(self):
        os.close(self.master)
        os.close(self.slave)


def cmdline_while_writing(args, directory):
    """Runs mqpasswd with `args` on a file in `directory` (made big enough for the write to take a
    while) and returns (exit code, /proc/PID/cmdline as seen while its temp file existed, or None)."""
    process = subprocess.Popen([MQPASSWD] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = None
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        if any(name.startswith(".pw.mqpasswd-") for name in os.listdir(directory.path)):
            with open(f"/proc/{process.pid}/cmdline", "rb") as handle:
                seen = handle.read()
            break
    return process.wait(timeout=30), seen


def new_password_file(directory, user="alice", password="alice-pw"):
    """A password file in `directory` holding one user, written by mqpasswd."""
    pwfile = directory.file("passwords")
    result = run(["set", pwfile, user, "--stdin", "--create", "-q"], stdin=password + "\n")
    check_equal(result.code, 0, repr(result))
    return pwfile


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(process, port, log_text):
    """Returns once the broker `process` accepts connections on 127.0.0.1:`port` (10 s at most);
    fails with its log (log_text()) when it exits or never does."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"broker exited: {log_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"broker did not listen on {port}: {log_text()}")


class Broker:
    """A real mosquitto on 127.0.0.1 and a free high port, stopped by PID when the block ends."""

    def __init__(self, directory, password_file, extra_config=""):
        self.directory = directory
        self.port = free_port()
        self.config = os.path.join(directory, "mosquitto.conf")
        self.log = os.path.join(directory, "broker.log")
        with open(self.config, "w") as handle:
            handle.write(f"listener {self.port} 127.0.0.1\n"
                         "allow_anonymous false\n"
                         f"password_file {password_file}\n"
                         "persistence false\n"
                         f"{extra_config}")
        self.process = None

    def __enter__(self):
        self.log_handle = open(self.log, "w")
        self.process = subprocess.Popen([shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", self.config],
                                        stdout=self.log_handle, stderr=subprocess.STDOUT)
        wait_until_listening(self.process, self.port, self.log_text)
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_handle.close()

    def log_text(self):
        with open(self.log) as handle:
            return handle.read()

    def publish(self, user, password):
        """mosquitto_pub as that user: (exit code, stderr)."""
        completed = subprocess.run(
            ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.port), "-u", user, "-P", password,
             "-t", "mqpasswd/test", "-m", "hello", "-q", "1"],
            capture_output=True, text=True, timeout=20)
        return completed.returncode, completed.stderr

    def check_round_trip(self, subscriber, subscriber_password, publisher, publisher_password):
        """`subscriber` receives what `publisher` sends (both authenticated)."""
        listener = subprocess.Popen(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.port), "-u", subscriber, "-P", subscriber_password,
             "-t", "mqpasswd/round-trip", "-C", "1", "-W", "10"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        deadline = time.monotonic() + 10
        while listener.poll() is None and time.monotonic() < deadline:  # publish until the subscriber is in
            subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.port), "-u", publisher, "-P",
                            publisher_password, "-t", "mqpasswd/round-trip", "-m", "hello"], capture_output=True,
                           timeout=20)
            time.sleep(0.1)
        out, err = listener.communicate(timeout=15)
        check_equal((listener.returncode, out), (0, "hello\n"), f"round trip ({err.strip()})")

    def check_accepts(self, user, password):
        code, err = self.publish(user, password)
        check_equal(code, 0, f"publish as {user!r} ({err.strip()}; log: {self.log_text()[-500:]})")

    def check_refuses(self, user, password):
        code, err = self.publish(user, password)
        check(code != 0, f"the broker accepted {user!r} with a wrong password")
        check("not authorised" in err, f"expected 'not authorised', got {err!r}")


def broker_dir(directory, name="mq"):
    """A directory of the broker's user (as root; our own otherwise), as /run/mosquitto,
    /var/lib/mosquitto or a bind mount would be."""
    path = directory.file(name)
    os.mkdir(path, 0o755)
    if os.geteuid() == 0:
        account = pwd.getpwnam("mosquitto")
        os.chown(path, account.pw_uid, account.pw_gid)
    return path


class ReloadableBroker(Broker):
    """A broker whose configuration also has a pid_file (in a directory its user may write)."""

    def __init__(self, directory, password_file, config=None):
        self.pid_file = os.path.join(broker_dir(directory, "run"), "mosquitto.pid")
        super().__init__(directory.path, password_file, extra_config=f"pid_file {self.pid_file}\n")
        if config is not None:  # a whole configuration of the test's own, given the port and pid file
            with open(self.config, "w") as handle:
                handle.write(config(self.port, self.pid_file))

    def __enter__(self):
        super().__enter__()
        deadline = time.monotonic() + 5
        while not os.path.exists(self.pid_file) and time.monotonic() < deadline:
            time.sleep(0.05)
        return self


def project_version():
    """The version CMakeLists.txt gives the project, e.g. '0.1.0'."""
    with open(os.path.join(SOURCE_ROOT, "CMakeLists.txt"), encoding="utf-8") as cmake:
        return re.search(r"project\(mqpasswd VERSION (\S+)", cmake.read()).group(1)


def bash_completion_loaded(data_dir):
    """`complete -p mqpasswd` after bash-completion loads mqpasswd's completion on demand, as it does
    on a first TAB, with `data_dir` (a prefix's share/) in XDG_DATA_DIRS; '' when it finds none."""
    completed = subprocess.run(["bash", "--norc", "-c", "source /usr/share/bash-completion/bash_completion; "
                                "__load_completion mqpasswd && complete -p mqpasswd"], capture_output=True,
                               text=True, env=dict(os.environ, XDG_DATA_DIRS=data_dir), timeout=30)
    return completed.stdout.strip()
