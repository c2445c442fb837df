"""The interactive prompt, driven through a real pseudo-terminal: no echo, confirmation,
mismatch, Ctrl-D and Ctrl-C, with the terminal's echo restored afterwards; a line longer than the
terminal keeps; and the errors of the other password sources, which name their option.

Usage: test_prompt.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import hashlib
import os
import pwd
import signal
import subprocess
import sys
import time

from harness import MQPASSWD, TempDir, Terminal, case, check, check_equal, run, run_cases

TOO_LONG = "mqpasswd: the password is too long to type at a terminal (4095 bytes or more); use --stdin or " \
    "--password-file"


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def type_slowly(terminal, text, chunk=512):
    """Types `text` in chunks, as a paste arrives; the terminal keeps the first 4095 bytes of a line."""
    for start in range(0, len(text), chunk):
        terminal.type(text[start:start + chunk])
        time.sleep(0.005)


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


@case
def a_password_longer_than_a_terminal_line_is_refused():
    long_password = "".join(chr(ord("a") + i % 26) for i in range(5000))
    with TempDir() as directory:
        pwfile = directory.write("pw", "# existing\n")
        before = sha256(pwfile)
        for first, second in ((long_password, None), ("short-one", long_password)):
            terminal = Terminal(["set", pwfile, "alice"])
            terminal.read_until("Password: ")
            terminal.wait_for_echo_off()
            type_slowly(terminal, first + "\n")
            if second is not None:
                terminal.read_until("Reenter password: ")
                terminal.wait_for_echo_off()
                type_slowly(terminal, second + "\n")
            code = terminal.finish()
            screen = terminal.seen.decode(errors="replace")
            check_equal(code, 1, f"exit code; screen {screen[-300:]!r}")
            check(screen.endswith(TOO_LONG + "\r\n"), repr(screen[-300:]))
            check_equal("Reenter" in screen, second is not None, "refused at the prompt that got the long line")
            check(terminal.echo_is_on(), "echo was not restored")
            terminal.close()
            check_equal(sha256(pwfile), before, "the file is byte-identical")
            check_equal(directory.entries(), ["pw"], "no temp file")


@case
def a_4000_byte_password_can_still_be_typed():
    password = "".join(chr(ord("A") + i % 26) for i in range(4000))
    with TempDir() as directory:
        pwfile = directory.file("pw")
        terminal = Terminal(["set", "--create", pwfile, "alice"])
        for prompt in ("Password: ", "Reenter password: "):
            terminal.read_until(prompt)
            terminal.wait_for_echo_off()
            type_slowly(terminal, password + "\n")
        code = terminal.finish()
        check_equal(code, 0, f"exit code; screen {terminal.seen[-300:]!r}")
        terminal.close()
        check_equal(run(["verify", pwfile, "alice", "--stdin"], stdin=password + "\n").code, 0, "verify")


def nobody_owned_password_file(directory):
    """A password file user nobody may edit, in a directory of nobody's."""
    account = pwd.getpwnam("nobody")
    home = directory.file("nobody")
    os.mkdir(home, 0o755)
    os.chown(home, account.pw_uid, account.pw_gid)
    pwfile = os.path.join(home, "pw")
    with open(pwfile, "w") as handle:
        handle.write("# existing\n")
    os.chown(pwfile, account.pw_uid, account.pw_gid)
    return pwfile


@case
def the_other_password_sources_name_their_option_in_errors():
    with TempDir() as directory:
        pwfile = directory.write("pw", "# existing\n", mode=0o600)
        os.mkdir(directory.file("dir"))
        directory.write("empty", "")
        directory.write("blank", "\nsecond\n")
        directory.write("long", "p" * 65536 + "\n")
        def file_case(name, reason):
            return ["--password-file", directory.file(name)], {}, f"{directory.file(name)}: --password-file: {reason}"

        cases = [
            file_case("missing", "No such file or directory"),
            file_case("dir", "Is a directory"),
            file_case("empty", "the file is empty"),
            file_case("blank", "the first line is empty"),
            file_case("long", "the password is longer than 65535 bytes"),
            (["--password-fd", "9"], {}, "--password-fd 9: Bad file descriptor"),
            (["--password-env", "MQPASSWD_NOT_SET"], {},
             "--password-env: environment variable MQPASSWD_NOT_SET is not set"),
            (["--password-env", "MQPASSWD_EMPTY"], {"MQPASSWD_EMPTY": ""},
             "--password-env: environment variable MQPASSWD_EMPTY is empty"),
        ]
        for source, env, message in cases:
            result = run(["set", pwfile, "bob"] + source, env=env)
            check_equal((result.code, result.out, result.err), (1, "", f"mqpasswd: {message}\n"), str(source))
            check_equal(directory.read("pw"), "# existing\n", f"file after {source}")
        read_end, write_end = os.pipe()
        os.close(write_end)
        result = run(["set", pwfile, "bob", "--password-fd", str(read_end)], pass_fds=(read_end,))
        os.close(read_end)
        check_equal(result.err, f"mqpasswd: --password-fd {read_end}: ended before a line was read\n", "empty pipe")
        # Unreadable: needs another user, since root reads every file.
        secret = directory.write("secret", "pw\n", mode=0o600)
        if os.geteuid() == 0:
            theirs = nobody_owned_password_file(directory)
            result = run(["set", theirs, "bob", "--password-file", secret], as_nobody=True)
            check_equal((result.code, result.err), (1, f"mqpasswd: {secret}: --password-file: Permission denied\n"),
                        "unreadable")


@case
def password_file_reads_a_fifo_and_names_it_when_nothing_comes():
    with TempDir() as directory:
        pwfile = directory.write("pw", "# existing\n", mode=0o600)
        fifo = directory.file("fifo")
        os.mkfifo(fifo, 0o600)
        for sent, expected in (("", (1, f"mqpasswd: {fifo}: --password-file: the file is empty\n")),
                               ("from-fifo\n", (0, ""))):
            process = subprocess.Popen([MQPASSWD, "set", pwfile, "bob", "--password-file", fifo, "-q"],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)
            with open(fifo, "w") as writer:  # blocks until mqpasswd opens the other end
                writer.write(sent)
            out, err = process.communicate(timeout=20)
            check_equal((process.returncode, err), expected, f"FIFO sending {sent!r} ({out!r})")
        check_equal(run(["verify", pwfile, "bob", "--stdin"], stdin="from-fifo\n").code, 0, "the FIFO's password")


# A job-control shell in miniature: runs the command in its own foreground process group (a stop
# from the terminal is ignored in an orphaned group, such as a session leader's), reports whether
# echo was on while the command was stopped, and resumes it at once.
JOB_SHELL = r"""
import os, signal, sys, termios
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
ready_r, ready_w = os.pipe()
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    os.read(ready_r, 1)
    signal.signal(signal.SIGTTOU, signal.SIG_DFL)
    os.execv(sys.argv[1], sys.argv[1:])
os.setpgid(pid, pid)
os.tcsetpgrp(0, pid)
os.write(ready_w, b"x")
while True:
    _, status = os.waitpid(pid, os.WUNTRACED)
    if not os.WIFSTOPPED(status):
        sys.exit(os.waitstatus_to_exitcode(status))
    echo = "on" if termios.tcgetattr(0)[3] & termios.ECHO else "off"
    os.write(1, f"[stopped, echo {echo}]\r\n".encode())
    os.tcsetpgrp(0, pid)
    os.kill(pid, signal.SIGCONT)
"""


def stop_at_the_prompt_then_finish(args, password):
    """Ctrl-Z at the first prompt, then the password at each prompt; returns (exit code, screen)."""
    terminal = Terminal(["-c", JOB_SHELL, MQPASSWD] + args, program=sys.executable)
    terminal.read_until("Password: ")
    terminal.wait_for_echo_off()
    terminal.type("half")
    terminal.type("\x1a")
    terminal.read_until("[stopped, echo ")
    terminal.read_until("Password: ", count=2)  # shown again on SIGCONT
    terminal.wait_for_echo_off()
    terminal.type(password + "\n")
    terminal.read_until("Reenter password: ")
    terminal.type(password + "\n")
    code = terminal.finish()
    check(terminal.echo_is_on(), "echo was not restored")
    terminal.close()
    return code, terminal.seen.decode(errors="replace")


@case
def ctrl_z_at_the_prompt_gives_the_shell_its_echo_back():
    with TempDir() as directory:
        pwfile = directory.write("pw", "# existing\n", mode=0o600)
        for front in (["set", pwfile, "alice"], ["compat", pwfile, "bob"]):
            code, screen = stop_at_the_prompt_then_finish(front, "after-stop")
            check_equal(code, 0, f"{front[0]}: exit code; screen {screen!r}")
            check("[stopped, echo on]" in screen, f"{front[0]}: echo while stopped: {screen!r}")
            check("after-stop" not in screen and "half" not in screen, f"{front[0]}: echoed {screen!r}")
            user = front[-1]
            check_equal(run(["verify", pwfile, user, "--stdin"], stdin="after-stop\n").code, 0,
                        f"{front[0]}: the password typed after the stop (the half before it was dropped)")


run_cases()
