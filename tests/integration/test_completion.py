"""Shell completion: bash (through bash-completion, as Debian loads it) and zsh (compinit, in a pty).

Each offers the commands and, for every command, exactly the options its --help lists; option
values; and the usernames of the password file already typed.

Usage: test_completion.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import os
import re
import shlex
import subprocess
import time

import cli_surface
from harness import AS_NOBODY, MQPASSWD, SOURCE_ROOT, TempDir, Terminal, case, check, check_equal, run_cases

BASH_COMPLETION = os.path.join(SOURCE_ROOT, "completions", "mqpasswd.bash")
ZSH_COMPLETION_DIR = os.path.join(SOURCE_ROOT, "completions")
BASH_COMPLETION_LIBRARY = "/usr/share/bash-completion/bash_completion"
USERS = "alice:$7$101$c2FsdA==$aGFzaA==\nbob:plain\n# carol:commented-out\nal ice:x\nalbert:y\n"
COMMANDS = ["set", "add", "delete", "verify", "list", "upgrade", "import", "check", "broker", "dynsec", "compat"]


def bash_words(line):
    """COMP_WORDS as bash makes them: split at blanks, and '=' (a COMP_WORDBREAKS character) alone."""
    words = []
    for word in line.split(" "):
        parts = word.split("=")
        for index, part in enumerate(parts):
            if index:
                words.append("=")
            if part or index == len(parts) - 1:
                words.append(part)
    return words


def bash_complete(line, cwd, as_nobody=False, script=BASH_COMPLETION):
    """What TAB at the end of `line` offers in bash with bash-completion loaded."""
    words = bash_words(line)
    program = f"""
        source {shlex.quote(BASH_COMPLETION_LIBRARY)}
        source {shlex.quote(script)}
        COMP_WORDS=({' '.join(shlex.quote(word) for word in words)})
        COMP_CWORD={len(words) - 1}
        COMP_LINE={shlex.quote(line)}
        COMP_POINT=${{#COMP_LINE}}
        COMPREPLY=()
        _mqpasswd mqpasswd "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """
    completed = subprocess.run((AS_NOBODY if as_nobody else []) + ["bash", "--norc", "-c", program], cwd=cwd,
                               capture_output=True, text=True, timeout=30)
    check_equal((completed.returncode, completed.stderr), (0, ""), f"bash completing {line!r}")
    return sorted(word for word in completed.stdout.split("\n") if word)


def expected_options(path):
    """What completion offers after `mqpasswd PATH -`: the command's own options and exactly the global
    options that do something for it (the others are refused there), as its --help lists them."""
    return sorted(cli_surface.options(path))


class Zsh:
    """An interactive zsh with compinit and our completion in $fpath, on a wide pty."""

    PROMPT = "ZSH-READY> "

    def __init__(self, directory):
        home = directory.file("home")
        os.makedirs(home, exist_ok=True)
        with open(os.path.join(home, ".zshrc"), "w", encoding="utf-8") as zshrc:
            zshrc.write(f"fpath=({shlex.quote(ZSH_COMPLETION_DIR)} $fpath)\n"
                        f"autoload -Uz compinit && compinit -u -d {shlex.quote(home)}/.zcompdump\n"
                        "LISTMAX=0\n"          # list everything, never ask first
                        f"PS1='{self.PROMPT}'\n")
        env = {"HOME": home, "ZDOTDIR": home, "TERM": "xterm",
               "PATH": os.path.dirname(os.path.abspath(MQPASSWD)) + ":" + os.environ["PATH"]}
        self.terminal = Terminal(["-i"], program="zsh", cwd=directory.path, env=env, columns=250)
        self.terminal.read_until(self.PROMPT, timeout=20)

    def complete(self, line, expected):
        """The screen after typing `line` and TAB, escape sequences removed; the line is then dropped.

        Completion has no end marker, so this reads until every string in `expected` is on the screen
        (or 20 s pass), then a little longer for anything unexpected that follows.
        """
        prompts = self.terminal.seen.count(self.PROMPT.encode())
        start = len(self.terminal.seen)
        self.terminal.type(line + "\t")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not all(text in self._screen(start) for text in expected):
            self.terminal.read_for(0.1)
        self.terminal.read_for(0.5)
        screen = self._screen(start)
        self.terminal.type("\x03")  # Ctrl-C: a fresh prompt, the line discarded
        self.terminal.read_until(self.PROMPT, count=prompts + 1)
        return screen

    def _screen(self, start):
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r", "", self.terminal.seen[start:].decode(errors="replace"))

    def close(self):
        self.terminal.process.kill()
        self.terminal.process.wait()
        self.terminal.close()


def listed_options(screen):
    """The option names in a zsh listing (the lines after the echoed command line)."""
    listing = screen.split("\n", 1)[1] if "\n" in screen else ""
    return sorted(set(re.findall(r"(?:^|\s)(--?[A-Za-z][A-Za-z0-9-]*)", listing)))


@case
def bash_offers_every_command_and_then_exactly_the_options_of_each():
    with TempDir() as directory:
        check_equal(bash_complete("mqpasswd ", directory.path), sorted(COMMANDS), "commands")
        check_equal(sorted(cli_surface.subcommands() + ["compat"]), sorted(COMMANDS), "the commands --help lists")
        check_equal(bash_complete("mqpasswd -", directory.path), sorted(cli_surface.options()), "global options")
        for path in cli_surface.command_paths():
            line = " ".join(("mqpasswd", *path, "-"))
            check_equal(bash_complete(line, directory.path), expected_options(path), line)
        check_equal(bash_complete("mqpasswd broker ", directory.path), ["enable", "reload"], "broker actions")
        check_equal(bash_complete("mqpasswd dynsec ", directory.path), ["export", "import"], "dynsec actions")


@case
def bash_completes_the_usernames_of_the_password_file_on_the_line():
    with TempDir() as directory:
        directory.write("passwd", USERS, mode=0o644)
        check_equal(bash_complete("mqpasswd delete passwd ", directory.path),
                    ["al\\ ice", "albert", "alice", "bob"], "delete: every user, none commented out")
        check_equal(bash_complete("mqpasswd delete passwd bob alice ", directory.path), ["al\\ ice", "albert"],
                    "delete: the users not yet on the line")
        check_equal(bash_complete("mqpasswd set --json passwd al", directory.path), ["al\\ ice", "albert", "alice"],
                    "set: users by prefix, after a global option")
        check_equal(bash_complete("mqpasswd verify passwd alice ", directory.path), [], "verify: nothing for PASSWORD")
        check_equal(bash_complete("mqpasswd compat -b passwd b", directory.path), ["bob"], "compat: users")
        check_equal(bash_complete("mqpasswd delete absent ", directory.path), [], "no such file: nothing")
        os.chmod(directory.file("passwd"), 0o600)
        check_equal(bash_complete("mqpasswd delete passwd ", directory.path, as_nobody=True), [],
                    "a file the user cannot read: nothing, and no error on the terminal")


@case
def bash_completes_option_values_and_files():
    with TempDir() as directory:
        directory.write("passwd", USERS)
        directory.write("users.csv", "username,password\n")
        check_equal(bash_complete("mqpasswd set --hash ", directory.path), ["argon2id", "sha512", "sha512-pbkdf2"])
        check_equal(bash_complete("mqpasswd --broker-version ", directory.path), ["2.0", "2.1", "auto"])
        check_equal(bash_complete("mqpasswd import --format ", directory.path), ["csv", "json", "jsonl", "lines"])
        check_equal(bash_complete("mqpasswd import passwd u", directory.path), ["users.csv"], "SOURCE is a file")
        check_equal(bash_complete("mqpasswd set p", directory.path), ["passwd"], "PWFILE is a file")
        check_equal(bash_complete("mqpasswd set --reload --conf u", directory.path), ["users.csv"], "--conf CONF")
        check_equal(bash_complete("mqpasswd delete passwd --c", directory.path), ["--conf"],
                    "no --create where it does nothing")
        check_equal(bash_complete("mqpasswd compat -H ", directory.path), ["argon2id", "sha512", "sha512-pbkdf2"])
        check_equal(bash_complete("mqpasswd compat -", directory.path), ["-D", "-H", "-I", "-U", "-b", "-c"])


@case
def zsh_offers_every_command_and_then_exactly_the_options_of_each():
    with TempDir() as directory:
        zsh = Zsh(directory)
        try:
            screen = zsh.complete("mqpasswd ", [f"\n{command} " for command in COMMANDS])
            listed = re.findall(r"^(\w+) +-- ", screen, re.MULTILINE)
            check_equal(sorted(listed), sorted(COMMANDS), f"commands: {screen!r}")
            for path in cli_surface.command_paths():
                screen = zsh.complete(" ".join(("mqpasswd", *path, "-")), expected_options(path))
                check_equal(listed_options(screen), expected_options(path), f"{path}: {screen!r}")
        finally:
            zsh.close()


@case
def zsh_completes_usernames_and_option_values():
    with TempDir() as directory:
        directory.write("passwd", USERS, mode=0o644)
        zsh = Zsh(directory)
        try:
            users = ["alice", "bob", "albert", "al\\ ice"]
            screen = zsh.complete("mqpasswd delete passwd ", users)
            for user in users:
                check(user in screen, f"{user} offered: {screen!r}")
            check("carol" not in screen and "$7$" not in screen, f"comment or hash offered: {screen!r}")
            screen = zsh.complete("mqpasswd delete passwd bob alice al", ["albert", "al\\ ice"])
            listing = screen.split("\n", 1)[-1].split("mqpasswd ")[0]  # before the line is drawn again
            check_equal(sorted(re.split(r"(?<!\\)\s+", listing.strip())), ["al\\ ice", "albert"],
                        f"delete: the users not yet on the line: {screen!r}")
            for line, completed in (("mqpasswd verify passwd bo", "mqpasswd verify passwd bob "),
                                    ("mqpasswd compat -b passwd bo", "mqpasswd compat -b passwd bob "),
                                    ("mqpasswd set --hash sha512-", "--hash sha512-pbkdf2 "),
                                    ("mqpasswd import --format cs", "--format csv ")):
                check(completed in zsh.complete(line, [completed]), f"{line!r} becomes {completed!r}")
        finally:
            zsh.close()


run_cases()
