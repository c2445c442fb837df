"""The interactive prompt, driven through a real pseudo-terminal: no echo, confirmation,
mismatch, Ctrl-D and Ctrl-C, with the terminal's echo restored afterwards.

Usage: test_prompt.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import fcntl
import os
import select
import signal
import subprocess
import termios
import time

from harness import MQPASSWD, TempDir, case, check, check_equal, run, run_cases


class Terminal:
    """mqpasswd on the slave side of a pty that is its controlling terminal."""

    def __init__(self, args):
        self.master, self.slave = os.openpty()

        def make_controlling():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen([MQPASSWD] + args, stdin=self.slave, stdout=self.slave, stderr=self.slave,
                                        preexec_fn=make_controlling, close_fds=True)
        self.seen = b""

    def read_until(self, text, timeout=10):
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            left = deadline - time.monotonic()
            check(left > 0, f"timed out waiting for {text!r}; screen so far: {self.seen!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.master, 4096)
                except OSError:
                    break
        return self.seen

    def type(self, text):
        os.write(self.master, text.encode())

    def echo_is_on(self):
        return bool(termios.tcgetattr(self.slave)[3] & termios.ECHO)

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


@case
def set_asks_twice_without_echo():
    with TempDir() as directory:
        pwfile = directory.file("pw")
        terminal = Terminal(["set", "--create", pwfile, "alice"])
        terminal.read_until("Password: ")
        check(not terminal.echo_is_on(), "echo is on while the password is typed")
        terminal.type("typed-Secret\n")
        terminal.read_until("Reenter password: ")
        terminal.type("typed-Secret\n")
        code = terminal.finish()
        check_equal(code, 0, f"exit code; screen: {terminal.seen!r}")
        check("typed-Secret" not in terminal.seen.decode(), f"the password was echoed: {terminal.seen!r}")
        check(terminal.echo_is_on(), "echo was not restored")
        terminal.close()
        check_equal(run(["verify", pwfile, "alice", "--stdin"], stdin="typed-Secret\n").code, 0, "verify")


@case
def a_mismatch_is_refused_and_nothing_is_written():
    with TempDir() as directory:
        pwfile = directory.write("pw", "# existing\n")
        terminal = Terminal(["set", pwfile, "alice"])
        terminal.read_until("Password: ")
        terminal.type("one\n")
        terminal.read_until("Reenter password: ")
        terminal.type("two\n")
        code = terminal.finish()
        check_equal(code, 1, "exit code")
        check("mqpasswd: passwords do not match" in terminal.seen.decode(), repr(terminal.seen))
        check(terminal.echo_is_on(), "echo was not restored")
        terminal.close()
        check_equal(directory.read("pw"), "# existing\n", "file after a mismatch")


@case
def ctrl_d_at_the_prompt_ends_cleanly():
    with TempDir() as directory:
        pwfile = directory.write("pw", "# existing\n")
        terminal = Terminal(["set", pwfile, "alice"])
        terminal.read_until("Password: ")
        terminal.type("\x04")
        code = terminal.finish()
        check_equal(code, 1, "exit code")
        check("mqpasswd: no password entered (end of input)" in terminal.seen.decode(), repr(terminal.seen))
        check(terminal.echo_is_on(), "echo was not restored")
        terminal.close()
        check_equal(directory.read("pw"), "# existing\n", "file after Ctrl-D")


@case
def ctrl_c_at_the_prompt_restores_echo_and_leaves_nothing():
    with TempDir() as directory:
        pwfile = directory.write("pw", "# existing\n")
        terminal = Terminal(["set", pwfile, "alice"])
        terminal.read_until("Password: ")
        terminal.type("half")
        terminal.read_until("Password: ")
        terminal.type("\x03")
        code = terminal.finish()
        check_equal(code, -signal.SIGINT, "killed by SIGINT, as a shell expects")
        check(terminal.echo_is_on(), "echo was not restored after Ctrl-C")
        terminal.close()
        check_equal(directory.read("pw"), "# existing\n", "file after Ctrl-C")
        check_equal(directory.entries(), ["pw"], "no temp file")


@case
def verify_asks_once():
    with TempDir() as directory:
        pwfile = directory.file("pw")
        check_equal(run(["set", pwfile, "alice", "--create", "--stdin"], stdin="right\n").code, 0)
        for typed, expected in (("right", 0), ("wrong", 3)):
            terminal = Terminal(["verify", pwfile, "alice"])
            terminal.read_until("Password: ")
            terminal.type(typed + "\n")
            check_equal(terminal.finish(), expected, f"verify with {typed}")
            check("Reenter" not in terminal.seen.decode(), "verify asked twice")
            terminal.close()


run_cases()
