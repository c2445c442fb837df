"""The interactive prompt, driven through a real pseudo-terminal: no echo, confirmation,
mismatch, Ctrl-D and Ctrl-C, with the terminal's echo restored afterwards.

Usage: test_prompt.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import signal

from harness import TempDir, Terminal, case, check, check_equal, run, run_cases


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
