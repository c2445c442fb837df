"""Differential test of the mosquitto_passwd front against Debian's real mosquitto_passwd (2.0.11 on
Debian 12, 2.0.21 on Debian 13, 2.1.2 on sid).

Each case runs the same arguments, stdin and starting file through both programs and compares
stdout, stderr, exit code and the resulting file (hashes are compared by verifying the password,
since salts differ). Where Mosquitto 2.1.2, which mqpasswd matches, differs from 2.0.11, the case
says so with a tag, and the expectation for mqpasswd is derived from 2.0.11's output plus that
documented difference (shared/facts/mosquitto_passwd-2.1.2.md):

  ADDS     2.1.2 prints "Adding password for user U" on stdout after a successful add
  UPDATES  ... and "Updating password for user U"
  USAGE    the usage text names -H argon2id (2.1.2) instead of -H sha512 (2.0.11)
  KEEPS    mqpasswd keeps lines the real tool drops (comments, lines after a corrupt one, an
           unterminated last line); the case gives both resulting files
  STDOUT   -c - writes the line to stdout (2.1.2); 2.0.11 creates a file named "-"
  OVERWRITES  -c over an existing file: 2.1.2 fails ("File exists"), against its own usage text;
           mqpasswd overwrites, as 2.0 and that text do (the case gives our resulting file)

Against a real 2.1 the ADDS, UPDATES and USAGE differences are none: its output is the expectation.

2.1.2's warnings about a file's mode, owner and group (2.0.21 prints them too) are not copied: they
tell root to `chown root` a file the broker reads as `mosquitto`, which locks that broker out.
mqpasswd prints what 2.0.11 prints there, nothing (the ownership cases below compare it, without
those warnings where the real tool prints them), and leaves the advice to `mqpasswd check`. Usernames the broker would misread (empty, blanks at either end, a leading '#')
are refused, where both real versions write them.

Usage: test_compat.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import hashlib
import os
import pwd
import re
import subprocess
import time

from harness import AS_NOBODY, AUTO_SALT, MQPASSWD, Broker, TempDir, Terminal, case, check, check_equal, run, run_cases

REAL = "/usr/bin/mosquitto_passwd"
HASH = re.compile(r"^(.*?):\$(6|7|argon2id)\$.*$")

USAGE_2_0 = """mosquitto_passwd is a tool for managing password files for mosquitto.

Usage: mosquitto_passwd [-H sha512 | -H sha512-pbkdf2] [-c | -D] passwordfile username
       mosquitto_passwd [-H sha512 | -H sha512-pbkdf2] [-c] -b passwordfile username password
       mosquitto_passwd -U passwordfile
 -b : run in batch mode to allow passing passwords on the command line.
 -c : create a new password file. This will overwrite existing files.
 -D : delete the username rather than adding/updating its password.
 -H : specify the hashing algorithm. Defaults to sha512-pbkdf2, which is recommended.
      Mosquitto 1.6 and earlier defaulted to sha512.
 -U : update a plain text password file to use hashed passwords.

See https://mosquitto.org/ for more information.

"""
USAGE_2_1 = USAGE_2_0.replace("[-H sha512 | -H sha512-pbkdf2]", "[-H argon2id | -H sha512-pbkdf2]").replace(
    "Defaults to sha512-pbkdf2, which is recommended.\n",
    "Defaults to argon2id, which is recommended.\n      Mosquitto 2.0 and earlier defaulted to sha512-pbkdf2.\n")

LONG = "u" * 65536


def real_version():
    """The real tool's version, (2, 0, 11) on Debian 12: mosquitto_passwd has no --version, its package does."""
    completed = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "mosquitto"], capture_output=True, text=True)
    found = re.match(r"(?:\d+:)?(\d+)\.(\d+)\.(\d+)", completed.stdout)
    check(found is not None, f"the mosquitto package's version: {completed.stdout!r} {completed.stderr!r}")
    return tuple(int(part) for part in found.groups())


REAL_VERSION = real_version()
REAL_IS_2_1 = REAL_VERSION >= (2, 1, 0)
# 2.0.11 says nothing about a file's mode and owner; 2.0.21 (Debian 13) warns as 2.1.2 does.
REAL_WARNS = REAL_VERSION >= (2, 0, 21)
PERMISSION_WARNING = re.compile(r"Warning: File .*? (?:has world readable permissions|owner is not \S+|"
                                r"group is not \S+)\. Future versions will refuse to load this file\.\n?"
                                r"(?:To fix this, use `[^`\n]*`\.)?\n?")


def without_permission_warnings(err):
    """The real tool's stderr as 2.0.11 prints it: what mqpasswd matches."""
    return PERMISSION_WARNING.sub("", err) if REAL_WARNS else err


def give_to_broker_user(directory, mode=None):
    """Setup: the file belongs to the broker's user, as a broker that drops privileges needs."""
    path = os.path.join(directory, "pw")
    if os.geteuid() == 0:
        account = pwd.getpwnam("mosquitto")
        os.chown(path, account.pw_uid, account.pw_gid)
    if mode is not None:
        os.chmod(path, mode)


class Case:
    def __init__(self, name, args, stdin="", file=None, mode=0o600, tags=(), verify=None, real_file=None,
                 ours_file=None, setup=None, as_nobody=False):
        self.name, self.args, self.stdin, self.file, self.mode = name, args, stdin, file, mode
        self.as_nobody = as_nobody  # run both programs as user nobody (permission errors; root sees none)
        self.tags, self.verify, self.real_file, self.ours_file, self.setup = set(tags), verify or {}, real_file, \
            ours_file, setup


CASES = [
    # The command line: option loop, combinations, argument counts.
    Case("no arguments", [], tags=["USAGE"]),
    Case("unknown option is a positional", ["-x"], tags=["USAGE"]),
    Case("-h is a positional", ["-h"], tags=["USAGE"]),
    Case("--help is a positional", ["--help"], tags=["USAGE"]),
    Case("-H without a value", ["-H"]),
    Case("-H unknown", ["-H", "md5", "pw", "u"]),
    Case("-H argon2id for a 2.0 broker", ["-H", "argon2id", "-b", "pw", "u", "p"], file="a:b\n"),
    Case("-I without a value", ["-I"]),
    Case("-I 0", ["-I", "0", "pw", "u"]),
    Case("-I not a number", ["-I", "abc", "pw", "u"]),
    Case("-I negative", ["-I", "-5", "pw", "u"]),
    Case("-c with -D", ["-c", "-D", "pw", "u"]),
    Case("-c with -U", ["-c", "-U", "pw"]),
    Case("-D with -U", ["-D", "-U", "pw"]),
    Case("-U with -D", ["-U", "-D", "pw"]),
    Case("-b with -D", ["-b", "-D", "pw", "u"]),
    Case("-c -b missing the password", ["-c", "-b", "pw", "u"]),
    Case("-c missing the user", ["-c", "pw"]),
    Case("-D missing the user", ["-D", "pw"]),
    Case("-U alone", ["-U"]),
    Case("-U with two files", ["-U", "pw", "extra"]),
    Case("-b with two arguments", ["-b", "pw", "u"], tags=["USAGE"]),
    Case("one argument", ["pw"], tags=["USAGE"]),
    Case("three arguments without -b", ["pw", "u", "p"], tags=["USAGE"]),
    Case("options after the file are positionals", ["pw", "u", "-b"], tags=["USAGE"]),
    # Usernames and passwords.
    Case("username with ':'", ["-b", "pw", "a:b", "p"]),
    Case("username with a tab", ["-b", "pw", "a\tb", "p"]),
    Case("username with DEL", ["-b", "pw", "a\x7fb", "p"]),
    Case("username of 65536 bytes", ["-b", "pw", LONG, "p"]),
    Case("password of 65536 bytes", ["-b", "pw", "u", "p" * 65536], file="a:b\n"),
    # Files that cannot be used.
    Case("-U on a missing file", ["-U", "nofile"]),
    Case("-D on a missing file", ["-D", "nofile", "u"]),
    Case("-b on a missing file", ["-b", "nofile", "u", "p"]),
    Case("prompt on a missing file", ["nofile", "u"], stdin="pw\npw\n"),
    Case("a path through a regular file", ["-b", "pw/x", "u", "p"], file="a:b\n"),
    Case("a directory as the file", ["-b", "dir", "u", "p"], setup=lambda d: os.mkdir(os.path.join(d, "dir"))),
    Case("-c into a missing directory", ["-c", "-b", "nodir/pw", "u", "p"]),
    Case("an unreadable file", ["-b", "pw", "u", "p"], file="a:b\n", as_nobody=True),
    Case("-D on a file others may only read", ["-D", "pw", "a"], file="a:b\n", mode=0o644, as_nobody=True),
    Case("-U on a file others may only read", ["-U", "pw"], file="a:b\n", mode=0o644, as_nobody=True),
    Case("-c in a directory others may not write", ["-c", "-b", "pw", "u", "p"], as_nobody=True),
    # Adding, updating, deleting.
    Case("-c creates", ["-c", "-b", "pw", "alice", "secret"], tags=["ADDS"], verify={"alice": "secret"}),
    Case("-c overwrites", ["-c", "-b", "pw", "alice", "secret"], file="old:x\nbob:y\n", tags=["ADDS", "OVERWRITES"],
         ours_file=["alice:<hash>"], verify={"alice": "secret"}),
    Case("-b adds a user", ["-b", "pw", "bob", "hunter2"], file="alice:secret\n", tags=["ADDS"],
         verify={"bob": "hunter2"}),
    Case("-b updates a user", ["-b", "pw", "alice", "new"], file="alice:old\nbob:x\n", tags=["UPDATES"],
         verify={"alice": "new"}),
    Case("-H sha512", ["-H", "sha512", "-b", "pw", "bob", "x"], file="a:b\n", tags=["ADDS"], verify={"bob": "x"}),
    Case("-I 5000", ["-I", "5000", "-b", "pw", "bob", "x"], file="a:b\n", tags=["ADDS"], verify={"bob": "x"}),
    Case("password with ':' and spaces", ["-b", "pw", "bob", "pa: ss"], file="a:b\n", tags=["ADDS"],
         verify={"bob": "pa: ss"}),
    Case("-D removes a user", ["-D", "pw", "alice"], file="alice:x\nbob:y\n"),
    Case("-D removes every copy", ["-D", "pw", "alice"], file="alice:x\nbob:y\nalice:z\n"),
    Case("-D of a missing user", ["-D", "pw", "carol"], file="alice:x\n"),
    Case("-U hashes plain text", ["-U", "pw"], file="alice:secret\nbob:hunter2\n",
         verify={"alice": "secret", "bob": "hunter2"}),
    Case("-U on an empty file", ["-U", "pw"], file=""),
    Case("-b -U is -U", ["-b", "-U", "pw"], file="alice:secret\n", verify={"alice": "secret"}),
    Case("CRLF lines are kept", ["-b", "pw", "carol", "c"], file="alice:x\r\nbob:y\r\n", tags=["ADDS"],
         verify={"carol": "c"}),
    Case("CRLF line updated", ["-b", "pw", "alice", "c"], file="alice:x\r\nbob:y\r\n", tags=["UPDATES"],
         verify={"alice": "c"}),
    # Mode and owner: 2.0.11 says nothing in each case, and so do we (2.1.2 warns, see above).
    Case("world-readable file", ["-b", "pw", "carol", "c"], file="alice:x\n", mode=0o644, tags=["ADDS"]),
    Case("a file of root's, 0600", ["-b", "pw", "carol", "c"], file="alice:x\n", mode=0o600, tags=["ADDS"]),
    Case("a file of the broker's user, 0600", ["-b", "pw", "carol", "c"], file="alice:x\n", tags=["ADDS"],
         setup=give_to_broker_user, verify={"carol": "c"}),
    Case("-D on a file of the broker's user", ["-D", "pw", "alice"], file="alice:x\nbob:y\n",
         setup=give_to_broker_user),
    Case("-U on a file of the broker's user", ["-U", "pw"], file="alice:secret\n", setup=give_to_broker_user,
         verify={"alice": "secret"}),
    Case("a world-readable file of the broker's user", ["-b", "pw", "alice", "c"], file="alice:x\n",
         tags=["UPDATES"], setup=lambda d: give_to_broker_user(d, 0o644)),
    Case("a file of the broker's user, prompting", ["pw", "bob"], stdin="secret\nsecret\n", file="a:b\n",
         tags=["ADDS"], setup=give_to_broker_user, verify={"bob": "secret"}),
    # What the real tool calls corrupt: same messages and codes; mqpasswd keeps the lines.
    Case("a comment, then adding a user", ["-b", "pw", "carol", "c"], file="alice:x\n# staff\nbob:y\n",
         tags=["ADDS", "KEEPS"], real_file=["alice:x", "carol:<hash>"],
         ours_file=["alice:x", "# staff", "bob:y", "carol:<hash>"], verify={"carol": "c"}),
    Case("a blank line, updating a user above it", ["-b", "pw", "alice", "c"], file="alice:x\n\nbob:y\n",
         tags=["UPDATES"]),
    Case("a comment, updating a user below it", ["-b", "pw", "bob", "c"], file="alice:x\n# staff\nbob:y\n",
         tags=["ADDS", "KEEPS"], real_file=["alice:x", "bob:<hash>"],
         ours_file=["alice:x", "# staff", "bob:<hash>"], verify={"bob": "c"}),
    Case("a corrupt line, deleting", ["-D", "pw", "bob"], file="alice:x\nnocolon\nbob:y\n"),
    Case("a corrupt line, deleting the user above it", ["-D", "pw", "alice"], file="alice:x\nnocolon\nbob:y\n"),
    Case("a comment, -U", ["-U", "pw"], file="alice:x\n#c\n"),
    Case("no final newline", ["-b", "pw", "bob", "b"], file="alice:x", tags=["ADDS", "KEEPS"],
         real_file=["alice:xbob:<hash>"], ours_file=["alice:x", "bob:<hash>"]),
    # Prompts on a pipe.
    Case("prompt on a pipe", ["pw", "bob"], stdin="secret\nsecret\n", file="a:b\n", tags=["ADDS"],
         verify={"bob": "secret"}),
    Case("prompt with CRLF input", ["pw", "bob"], stdin="secret\r\nsecret\r\n", file="a:b\n", tags=["ADDS"],
         verify={"bob": "secret"}),
    Case("prompt with spaces kept", ["pw", "bob"], stdin=" s p \n s p \n", file="a:b\n", tags=["ADDS"],
         verify={"bob": " s p "}),
    Case("prompt mismatch", ["pw", "bob"], stdin="one\ntwo\n", file="a:b\n"),
    Case("prompt empty line", ["pw", "bob"], stdin="\n", file="a:b\n"),
    Case("prompt end of input", ["pw", "bob"], stdin="", file="a:b\n"),
    Case("prompt end of input at the second", ["pw", "bob"], stdin="abc\n", file="a:b\n"),
    Case("-c prompt", ["-c", "pw", "alice"], stdin="pw\npw\n", tags=["ADDS"], verify={"alice": "pw"}),
    Case("-c prompt mismatch creates nothing", ["-c", "pw", "alice"], stdin="pw\npx\n"),
]


def normalise_file(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        text = handle.read().decode(errors="replace")
    lines = []
    for line in text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"):
        match = HASH.match(line.rstrip("\r"))
        ending = "\r" if line.endswith("\r") else ""  # line endings are part of what must be kept
        lines.append(f"{match.group(1)}:<hash>{ending}" if match else line)
    return lines


def run_one(program, directory, item):
    if item.file is not None:
        path = os.path.join(directory, "pw")
        with open(path, "w", newline="") as handle:
            handle.write(item.file)
        os.chmod(path, item.mode)
    if item.setup:
        item.setup(directory)
    prefix = AS_NOBODY if item.as_nobody else []
    completed = subprocess.run(prefix + [program] + item.args, input=item.stdin.encode(), capture_output=True,
                               cwd=directory, timeout=60, env=dict(os.environ, LC_ALL="C"))
    normal = lambda data: data.decode(errors="replace").replace(os.path.realpath(directory), "{DIR}")
    return completed.returncode, normal(completed.stdout), normal(completed.stderr)


def expected_ours(item, real_code, real_out, real_err):
    out, err = real_out, without_permission_warnings(real_err)
    user = item.args[-2] if item.args and "-b" in item.args else (item.args[-1] if item.args else "")
    if REAL_IS_2_1:
        if "USAGE" in item.tags:
            check_equal(real_out, USAGE_2_1, "the 2.1 usage text (fact check)")
        if "OVERWRITES" in item.tags:
            check("File exists" in real_err, f"2.1.2 refuses -c over a file (fact check): {real_err!r}")
            return 0, f"Adding password for user {user}\n", ""
        return real_code, out, err
    if "USAGE" in item.tags:
        check_equal(real_out, USAGE_2_0, "the 2.0.11 usage text (fact check)")
        out = USAGE_2_1
    if "ADDS" in item.tags:
        out += f"Adding password for user {user}\n"
    if "UPDATES" in item.tags:
        out += f"Updating password for user {user}\n"
    return real_code, out, err


def check_case(item, ours_program):
    with TempDir() as real_dir, TempDir() as ours_dir:
        real = run_one(REAL, real_dir.path, item)
        ours = run_one(ours_program, ours_dir.path, item)
        expected = expected_ours(item, *real)
        check_equal(ours, expected, f"[{item.name}] (exit code, stdout, stderr) vs real {real!r}")
        real_file = normalise_file(real_dir.file("pw"))
        ours_file = normalise_file(ours_dir.file("pw"))
        if "OVERWRITES" in item.tags and REAL_IS_2_1:
            check_equal(ours_file, item.ours_file, f"[{item.name}] our file")
        elif "KEEPS" in item.tags:
            check_equal(real_file, item.real_file, f"[{item.name}] the real tool's file (fact check)")
            check_equal(ours_file, item.ours_file, f"[{item.name}] our file")
        else:
            check_equal(ours_file, real_file, f"[{item.name}] resulting file")
        for user, password in item.verify.items():
            for label, directory in (("real", real_dir), ("ours", ours_dir)):
                if label == "real" and "KEEPS" in item.tags and user not in str(item.real_file):
                    continue
                if label == "real" and "OVERWRITES" in item.tags and REAL_IS_2_1:
                    continue
                result = run(["verify", directory.file("pw"), user, "--stdin", "-q"], stdin=password + "\n")
                check_equal(result.code, 0, f"[{item.name}] {label} file: verify {user}")
        if ours_file is not None and item.file is None and "-c" in item.args:
            check_equal(os.stat(ours_dir.file("pw")).st_mode & 0o777, 0o600, f"[{item.name}] new file mode")
        if ours_file is not None and real_file is not None and item.file is not None:
            check_equal(owner_and_mode(ours_dir.file("pw")), owner_and_mode(real_dir.file("pw")),
                        f"[{item.name}] owner, group and mode (the real tool rewrites in place)")


def owner_and_mode(path):
    info = os.stat(path)
    return info.st_uid, info.st_gid, info.st_mode & 0o7777


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def compat_program(directory):
    link = os.path.join(directory, "mosquitto_passwd")
    os.symlink(os.path.abspath(MQPASSWD), link)
    return link


@case
def every_case_matches_the_real_tool():
    check(len(CASES) + len(TERMINAL_CASES) >= 40, "at least 40 cases")
    with TempDir() as bin_dir:
        program = compat_program(bin_dir.path)
        failures = []
        for item in CASES:
            if item.as_nobody and os.geteuid() != 0:
                continue  # permission errors need another user; CI runs as root
            try:
                check_case(item, program)
            except AssertionError as error:
                failures.append(str(error))
        check(not failures, f"{len(failures)} of {len(CASES)} cases differ:\n" + "\n".join(failures))
    print(f"     ({len(CASES)} cases)")


def run_on_terminal(program, directory, args, typed):
    """Runs a program on a pseudo-terminal, typing each entry of `typed` once its prompt shows.
    Returns (exit code, the screen as bytes)."""
    terminal = Terminal(args, program=program, cwd=directory)
    for prompt, entry in zip(["Password: ", "Reenter password: "], typed):
        terminal.read_until(prompt)
        terminal.wait_for_echo_off()  # the real tool turns echo off only after it has shown the prompt
        terminal.type(entry)
    code = terminal.finish(timeout=20)
    echo_restored = terminal.echo_is_on()
    terminal.close()
    check(echo_restored, f"{program}: terminal echo not restored")
    return code, terminal.seen.replace(os.path.realpath(directory).encode(), b"{DIR}")


TERMINAL_CASES = [
    # (name, args, typed entries, starting file, tags)
    ("add on a terminal", ["pw", "bob"], ["Typed-Secret\n", "Typed-Secret\n"], "a:b\n", ["ADDS"]),
    ("update on a terminal", ["pw", "a"], ["Typed-Secret\n", "Typed-Secret\n"], "a:b\n", ["UPDATES"]),
    ("-c on a terminal", ["-c", "pw", "alice"], ["Typed-Secret\n", "Typed-Secret\n"], None, ["ADDS"]),
    ("mismatch on a terminal", ["pw", "bob"], ["one\n", "two\n"], "a:b\n", []),
    ("empty entry on a terminal", ["pw", "bob"], ["\n"], "a:b\n", []),
]


@case
def the_terminal_prompt_matches_the_real_tool():
    with TempDir() as bin_dir:
        program = compat_program(bin_dir.path)
        for name, args, typed, content, tags in TERMINAL_CASES:
            results = []
            for binary in (REAL, program):
                with TempDir() as directory:
                    if content is not None:
                        directory.write("pw", content, mode=0o600)
                    code, screen = run_on_terminal(binary, directory.path, args, typed)
                    check(b"Typed-Secret" not in screen, f"[{name}] {binary} echoed the password: {screen!r}")
                    results.append((code, screen, normalise_file(directory.file("pw"))))
            (real_code, real_screen, real_file), (code, screen, ours_file) = results
            user = args[-1]
            expected = real_screen
            if "ADDS" in tags and not REAL_IS_2_1:
                expected += f"Adding password for user {user}\r\n".encode()
            if "UPDATES" in tags and not REAL_IS_2_1:
                expected += f"Updating password for user {user}\r\n".encode()
            check_equal((code, screen), (real_code, expected), f"[{name}] exit code and screen")
            check_equal(ours_file, real_file, f"[{name}] resulting file")
    print(f"     ({len(TERMINAL_CASES)} terminal cases)")


@case
def the_2_1_profile_writes_what_2_1_2_writes():
    result = run(["compat", "-c", "-b", "-", "alice", "secret"], env={"MQPASSWD_BROKER_VERSION": "2.1"})
    salt = result.out.split("$")[3]
    check_equal((result.code, result.out.split("$")[2], len(salt)), (0, "1000", 88), "$7$, 1000, 64-byte salt")
    argon = run(["compat", "-H", "argon2id", "-c", "-b", "-", "u", "p"],
                env={"MQPASSWD_BROKER_VERSION": "2.1", "MQPASSWD_BROKER_ARGON2": "yes"})
    check(argon.out.startswith("u:$argon2id$v=19$m=47104,t=1,p=1$"), argon.out)
    refused = run(["compat", "-H", "argon2id", "-c", "-b", "-", "u", "p"], env={"MQPASSWD_BROKER_VERSION": "2.0"})
    check_equal((refused.code, refused.err), (1, "Error: Unknown hash type 'argon2id'\n"), "argon2id for 2.0")


@case
def mqpasswd_compat_is_the_same_front():
    with TempDir() as directory:
        pwfile = directory.write("pw", "alice:x\n", mode=0o600)
        result = run(["compat", "-b", pwfile, "bob", "b"])
        check_equal((result.code, result.out, result.err), (0, "Adding password for user bob\n", ""), "compat")
        check_equal(run(["compat"]).out, USAGE_2_1, "usage through 'mqpasswd compat'")


@case
def dash_c_dash_writes_the_line_to_stdout():
    # 2.1.2 behaviour; Debian's 2.0.11 would create a file named "-".
    with TempDir() as bin_dir, TempDir() as directory:
        program = compat_program(bin_dir.path)
        completed = subprocess.run([program, "-c", "-b", "-", "alice", "secret"], capture_output=True, text=True,
                                   cwd=directory.path)
        check_equal(completed.returncode, 0)
        check_equal(completed.stderr, "")
        salt = "[A-Za-z0-9+/]{16}" if AUTO_SALT == 12 else "[A-Za-z0-9+/]{86}=="
        check(re.fullmatch(rf"alice:\$7\$1000\${salt}\$[A-Za-z0-9+/]{{86}}==\n", completed.stdout), completed.stdout)
        check_equal(directory.entries(), [], "no file")
        prompted = subprocess.run([program, "-c", "-", "alice"], input="pw\npw\n", capture_output=True, text=True,
                                  cwd=directory.path)
        check(prompted.stdout.startswith("Password: \nReenter password: \nalice:$7$"), prompted.stdout)


@case
def upgrade_leaves_hashed_lines_alone_unlike_the_real_tool():
    with TempDir() as directory:
        hashed = run(["set", directory.file("pw"), "alice", "--stdin", "--create", "-q"], stdin="secret\n")
        check_equal(hashed.code, 0)
        with open(directory.file("pw"), "a") as handle:
            handle.write("bob:plain\n")
        before_alice = directory.read("pw").splitlines()[0]
        with TempDir() as bin_dir:
            result = subprocess.run([compat_program(bin_dir.path), "-U", directory.file("pw")], capture_output=True,
                                    text=True)
        check_equal(result.returncode, 0, result.stderr)
        lines = directory.read("pw").splitlines()
        check_equal(lines[0], before_alice, "the hashed line is untouched")
        check_equal(run(["verify", directory.file("pw"), "alice", "--stdin"], stdin="secret\n").code, 0, "alice")
        check_equal(run(["verify", directory.file("pw"), "bob", "--stdin"], stdin="plain\n").code, 0, "bob")


@case
def compat_writes_are_atomic_and_keep_owner_and_mode():
    with TempDir() as directory, TempDir() as bin_dir:
        pwfile = directory.write("pw", "alice:x\n", mode=0o640)
        if os.geteuid() == 0:
            os.chown(pwfile, 0, 0)
        inode = os.stat(pwfile).st_ino
        result = subprocess.run([compat_program(bin_dir.path), "-b", pwfile, "bob", "b"], capture_output=True)
        check_equal(result.returncode, 0, result.stderr)
        info = os.stat(pwfile)
        check(info.st_ino != inode, "replaced by rename, not rewritten in place")
        check_equal(info.st_mode & 0o777, 0o640, "mode kept")
        check_equal(sorted(directory.entries()), ["pw"], "no backup or temp file left")


# (arguments after the file, stdin, the stderr line): names the broker would misread.
MISREAD_USERNAMES = [
    (["-b", "pw", "", "p"], "", "Error: Username must not be empty.\n"),
    (["-c", "-b", "pw", "", "p"], "", "Error: Username must not be empty.\n"),
    (["-c", "-b", "-", "", "p"], "", "Error: Username must not be empty.\n"),
    (["pw", ""], "p\np\n", "Error: Username must not be empty.\n"),
    (["-D", "pw", ""], "", "Error: Username must not be empty.\n"),
    (["-b", "pw", " ", "p"], "", "Error: Username must not start or end with a space.\n"),
    (["-b", "pw", " alice", "p"], "", "Error: Username must not start or end with a space.\n"),
    (["-b", "pw", "alice ", "p"], "", "Error: Username must not start or end with a space.\n"),
    (["pw", " bob"], "p\np\n", "Error: Username must not start or end with a space.\n"),
    (["-D", "pw", " alice"], "", "Error: Username must not start or end with a space.\n"),
    (["-b", "pw", "#alice", "p"], "", "Error: Username must not start with the '#' character.\n"),
    # The real tool's own checks come first, so its messages win.
    (["-b", "pw", " a:b", "p"], "", "Error: Username must not contain the ':' character.\n"),
    (["-b", "pw", "\t", "p"], "", "Error: Username must not contain control characters.\n"),
]


@case
def usernames_the_broker_would_misread_are_refused_and_the_file_kept():
    # Fact check: Debian's 2.0.11 writes the line (":HASH"), which a 2.1 broker refuses, whole file.
    with TempDir() as directory:
        directory.write("pw", "alice:x\n", mode=0o600)
        real = subprocess.run([REAL, "-b", "pw", "", "p"], capture_output=True, text=True, cwd=directory.path)
        check_equal(real.returncode, 0, "2.0.11 accepts an empty username")
        check(directory.read("pw").splitlines()[1].startswith(":$7$"), directory.read("pw"))
    with TempDir() as bin_dir:
        fronts = [[compat_program(bin_dir.path)], [os.path.abspath(MQPASSWD), "compat"]]
        for front in fronts:
            for args, stdin, message in MISREAD_USERNAMES:
                with TempDir() as directory:
                    pwfile = directory.write("pw", "alice:x\n# staff\n", mode=0o600)
                    before = sha256(pwfile)
                    completed = subprocess.run(front + args, input=stdin, capture_output=True, text=True,
                                               cwd=directory.path)
                    what = f"{front[-1]} {args!r}"
                    check_equal((completed.returncode, completed.stdout, completed.stderr), (1, "", message), what)
                    check_equal(sha256(pwfile), before, f"{what}: the file is byte-identical")
                    check_equal(directory.entries(), ["pw"], f"{what}: no other file")


@case
def a_file_of_the_brokers_user_gets_no_advice_and_keeps_working():
    check(os.geteuid() == 0, "needs root: the file is given to the broker's user")
    account = pwd.getpwnam("mosquitto")
    with TempDir() as directory, TempDir() as copy, TempDir() as bin_dir:
        pwfile = directory.file("pw")
        check_equal(run(["set", pwfile, "alice", "--stdin", "--create", "-q", "--broker-version", "2.0"],
                        stdin="old-pw\n").code, 0)
        os.chown(pwfile, account.pw_uid, account.pw_gid)
        os.chmod(pwfile, 0o600)
        copy_file = copy.write("pw", directory.read("pw"), mode=0o600)
        os.chown(copy_file, account.pw_uid, account.pw_gid)
        ours = subprocess.run([compat_program(bin_dir.path), "-b", pwfile, "alice", "new-pw"], capture_output=True,
                              text=True)
        real = subprocess.run([REAL, "-b", copy_file, "alice", "new-pw"], capture_output=True, text=True)
        check_equal((real.returncode, without_permission_warnings(real.stderr)), (0, ""),
                    "2.0.11 says nothing, 2.0.21 no more than its permission warnings (fact check)")
        if REAL_WARNS:
            check("owner is not root" in real.stderr, f"2.0.21 warns (fact check): {real.stderr!r}")
        check_equal((ours.returncode, ours.stdout, ours.stderr), (0, "Updating password for user alice\n", ""),
                    "compat")
        check_equal(owner_and_mode(pwfile), (account.pw_uid, account.pw_gid, 0o600), "owner and mode kept")
        checked = run(["check", pwfile])  # for the broker installed here, which the compat front wrote for
        check_equal((checked.code, checked.out), (0, f"{pwfile}: no problems found\n"), "check agrees: all is well")
        with Broker(directory.path, pwfile) as broker:
            broker.check_accepts("alice", "new-pw")
            broker.check_refuses("alice", "old-pw")


@case
def check_never_advises_what_locks_the_broker_out():
    # root:root 0644 is read by the broker's user through the bits for others: `chmod o-rwx` (or
    # 2.1.2's `chmod 0700`) would lock it out, so check says to give the file to that user.
    check(os.geteuid() == 0, "needs root")
    with TempDir() as directory:
        pwfile = directory.file("pw")
        check_equal(run(["set", pwfile, "alice", "--stdin", "--create", "-q", "--broker-version", "2.0"],
                        stdin="pw\n").code, 0)
        os.chown(pwfile, 0, 0)
        os.chmod(pwfile, 0o644)
        checked = run(["check", pwfile, "--broker-version", "2.0"])
        check(f"gives others access (brokers warn, future versions refuse): chown mosquitto:mosquitto {pwfile} "
              f"&& chmod 0600 {pwfile}" in checked.out, checked.out)
        check("chmod o-rwx" not in checked.out, checked.out)
        account = pwd.getpwnam("mosquitto")
        os.chown(pwfile, account.pw_uid, account.pw_gid)
        checked = run(["check", pwfile, "--broker-version", "2.0"])
        check(f"gives others access (brokers warn, future versions refuse): chmod o-rwx {pwfile}" in checked.out,
              checked.out)


def type_slowly(terminal, text, chunk=512):
    """Types `text` in chunks, as a paste arrives: the terminal keeps the first 4095 bytes of a line."""
    for start in range(0, len(text), chunk):
        terminal.type(text[start:start + chunk])
        time.sleep(0.005)


def typed_twice(program, directory, args, password):
    """Types `password` at the first prompt and, if it comes, the second; returns (exit code, screen)."""
    terminal = Terminal(args, program=program, cwd=directory)
    terminal.read_until("Password: ")
    terminal.wait_for_echo_off()
    type_slowly(terminal, password + "\n")
    deadline = time.monotonic() + 10
    while b"Reenter password: " not in terminal.seen and terminal.process.poll() is None:
        check(time.monotonic() < deadline, f"no second prompt and no exit: {terminal.seen[-200:]!r}")
        terminal.read_for(0.05)
    if b"Reenter password: " in terminal.seen:
        terminal.wait_for_echo_off()
        type_slowly(terminal, password + "\n")
    code = terminal.finish(timeout=20)
    check(terminal.echo_is_on(), f"{program}: echo not restored")
    terminal.close()
    return code, terminal.seen.decode(errors="replace")


@case
def a_password_longer_than_a_terminal_line_is_refused_at_the_prompt():
    long_password = "".join(chr(ord("a") + i % 26) for i in range(5000))
    with TempDir() as bin_dir:
        program = compat_program(bin_dir.path)
        # Fact check: the real tool turns the terminal's line mode off (no kernel limit, and no line
        # editing: a backspace is stored as a byte), so it takes all 5000 bytes. Our prompt keeps
        # line editing, and with it the kernel's 4095-byte line: what may have been cut is refused.
        with TempDir() as directory:
            directory.write("pw", "a:b\n", mode=0o600)
            code, _ = typed_twice(REAL, directory.path, ["pw", "bob"], long_password)
            check_equal(code, 0, "the real tool's exit code")
            check_equal(run(["verify", directory.file("pw"), "bob", "--stdin"], stdin=long_password + "\n").code, 0,
                        "the real tool stored all 5000 bytes")
        with TempDir() as directory:
            pwfile = directory.write("pw", "a:b\n", mode=0o600)
            before = sha256(pwfile)
            code, screen = typed_twice(program, directory.path, ["pw", "bob"], long_password)
            check_equal(code, 1, f"exit code; screen {screen[-300:]!r}")
            check(screen.endswith("Password: \r\nError: Password must be less than 4095 characters long when typed "
                                  "at a terminal.\r\n"), repr(screen[-300:]))
            check("Reenter" not in screen, "refused at the first prompt")
            check_equal(sha256(pwfile), before, "the file is byte-identical")
        with TempDir() as directory:
            directory.write("pw", "a:b\n", mode=0o600)
            code, screen = typed_twice(program, directory.path, ["pw", "bob"], long_password[:4000])
            check_equal(code, 0, f"a 4000-byte password; screen {screen[-200:]!r}")
            check_equal(run(["verify", directory.file("pw"), "bob", "--stdin"],
                            stdin=long_password[:4000] + "\n").code, 0, "the 4000-byte password was stored")


run_cases()
