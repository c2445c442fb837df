"""What users read says what the program does: --help, --version and the man page.

Usage: test_docs.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import os
import re
import subprocess

import cli_surface
from harness import SOURCE_ROOT, TempDir, case, check, check_equal, new_password_file, project_version, run, run_cases

MAN_PAGE = os.path.join(SOURCE_ROOT, "man", "mqpasswd.1")

# One working invocation of each mosquitto_passwd option (FILE is replaced by a scratch file),
# so an option the man page names for the compat front is known to be accepted there.
COMPAT_INVOCATIONS = {
    "-b": ["-b", "FILE", "u", "pw"],
    "-c": ["-c", "-b", "FILE", "u", "pw"],
    "-D": ["-D", "FILE", "u"],
    "-H": ["-H", "sha512", "-b", "FILE", "u", "pw"],
    "-I": ["-I", "2000", "-b", "FILE", "u", "pw"],
    "-U": ["-U", "FILE"],
}
COMPAT_USAGE_START = "mosquitto_passwd is a tool for managing password files"


def man_source():
    with open(MAN_PAGE, encoding="utf-8") as page:
        return page.read()


def man_section(name):
    source = man_source()
    start = source.index(f".Sh {name}\n")
    end = source.find("\n.Sh ", start + 1)
    return source[start:end if end >= 0 else len(source)]


def man_options():
    """Every option the man page names: each argument of an mdoc `Fl` macro that is a name."""
    names = set()
    for line in man_source().splitlines():
        if not line.startswith("."):
            continue
        for match in re.finditer(r"\bFl\s+(-?[A-Za-z][A-Za-z0-9-]*)", line):
            names.add("-" + match.group(1))
    return names


def native_options():
    names = cli_surface.options()
    for path in cli_surface.command_paths():
        names |= cli_surface.options(path)
    return names


@case
def each_command_has_a_short_help_that_names_its_usage():
    for path in [(), *cli_surface.command_paths(), ("broker",)]:
        text = cli_surface.help_text(path)
        lines = text.splitlines()
        usage = [line for line in lines if line.startswith("Usage: ")]
        check_equal(len(usage), 1, f"usage lines of {path}")
        named = ["set" if name == "add" else name for name in path]  # an alias shows its command's help
        check(usage[0].startswith("Usage: " + " ".join(("mqpasswd", *named)) + " "), usage[0])
        # A command's help also lists the global options that apply to it (up to 10 lines).
        check(len(lines) <= 35, f"{path}: {len(lines)} lines of help")
        for line in lines:
            check(len(line) <= 100, f"{path}: a line of {len(line)} columns: {line!r}")
            # CLI11's own spellings, which nobody types: `TEXT`, `INT`, `--generate{20}`.
            check(not re.search(r"\b(TEXT|INT|UINT)\b|\{", line), f"{path}: {line!r}")
        if path in cli_surface.command_paths():
            check(cli_surface.GLOBAL_OPTIONS_TITLE + ":" in text, f"{path} help says where global options go")


@case
def the_top_level_help_states_the_exit_codes_the_program_returns():
    footer = cli_surface.help_text(())
    claimed = dict(re.findall(r"(\d) (done|failed|usage|password mismatch|no such user)", footer))
    check_equal(sorted(claimed), ["0", "1", "2", "3", "4"], footer)
    with TempDir() as directory:
        pwfile = new_password_file(directory, "alice", "right")
        outcomes = {
            "done": run(["verify", pwfile, "alice", "--stdin"], stdin="right\n"),
            "failed": run(["list", directory.file("absent")]),
            "usage": run(["verify", pwfile]),
            "password mismatch": run(["verify", pwfile, "alice", "--stdin"], stdin="wrong\n"),
            "no such user": run(["verify", pwfile, "bob", "--stdin"], stdin="right\n"),
        }
    for code, meaning in claimed.items():
        check_equal(outcomes[meaning].code, int(code), meaning)
    check("compat" in footer and "man mqpasswd" in footer, footer)


@case
def version_names_mqpasswd_and_the_openssl_and_libargon2_it_was_built_with():
    result = run(["--version"])
    check_equal(result.code, 0, repr(result))
    lines = result.out.splitlines()
    check_equal(lines[0], f"mqpasswd {project_version()}", "first line")
    with open("/usr/include/openssl/opensslv.h", encoding="utf-8") as header:
        built_openssl = re.search(r'OPENSSL_FULL_VERSION_STR "([^"]+)"', header.read()).group(1)
    # The library's package is libssl3 on Debian 12, libssl3t64 on Debian 13.
    installed = subprocess.run(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}${Version}\n", "libssl3*"],
                               capture_output=True, text=True, check=True).stdout.splitlines()
    running_openssl = [line[3:] for line in installed if line.startswith("ii ")][0].split("-")[0]
    argon2 = subprocess.run(["pkg-config", "--modversion", "libargon2"], capture_output=True, text=True,
                            check=True).stdout.strip()
    check_equal(lines[1], f"built with OpenSSL {built_openssl} (running {running_openssl}), libargon2 {argon2}",
                "second line")
    check_equal(len(lines), 2, result.out)


@case
def the_man_page_names_every_option_the_program_accepts_and_no_other():
    accepted = native_options() | set(COMPAT_INVOCATIONS)
    documented = man_options()
    check_equal(sorted(accepted - documented), [], "accepted but not in the man page")
    check_equal(sorted(documented - accepted), [], "in the man page but not accepted")


@case
def the_compat_options_the_man_page_names_are_accepted_by_the_compat_front():
    compat_section = man_section("MOSQUITTO_PASSWD COMPATIBILITY") + man_section("SYNOPSIS")
    named = {"-" + name for name in re.findall(r"\bFl ([A-Z]|[bc])\b", compat_section)}
    check_equal(sorted(named), sorted(COMPAT_INVOCATIONS), "options the man page gives mosquitto_passwd")
    usage = run(["compat"]).out
    check(usage.startswith(COMPAT_USAGE_START), usage)
    check(set(re.findall(r"^ (-[A-Za-z]) :", usage, re.MULTILINE)) <= named, "the usage text's options")
    for option, arguments in COMPAT_INVOCATIONS.items():
        with TempDir() as directory:
            pwfile = directory.write("pw", "u:pw\n", mode=0o600)
            result = run(["compat", *[pwfile if argument == "FILE" else argument for argument in arguments]])
            check_equal(result.code, 0, f"compat {option}: {result!r}")
            check(not result.out.startswith(COMPAT_USAGE_START), f"compat {option} printed the usage")
    # The control: an option the front does not know gets the usage text.
    unknown = run(["compat", "-Z", "pw", "u"])
    check(unknown.code != 0 and unknown.out.startswith(COMPAT_USAGE_START), repr(unknown))


@case
def the_man_page_describes_every_command():
    source = man_source()
    synopsis = man_section("SYNOPSIS")
    commands = {name for path in cli_surface.command_paths() for name in path} | {"compat"}
    for command in sorted(commands):
        check(re.search(rf"\bCm (broker |dynsec )?{command}\b", synopsis), f"{command} in the SYNOPSIS")
        check(re.search(rf"^\.It Cm (set Ns \| Ns Cm )?{command}\b|^\.It Cm (broker|dynsec) {command}\b", source,
                        re.MULTILINE) or command == "compat", f"{command} described in the command list")
    check(".Sh MOSQUITTO_PASSWD COMPATIBILITY" in source, "the compat section")


@case
def every_environment_variable_the_program_reads_is_documented():
    read = set()
    for directory, _, files in os.walk(os.path.join(SOURCE_ROOT, "src")):
        for name in files:
            with open(os.path.join(directory, name), encoding="utf-8") as source:
                # Every MQPASSWD_ name in a string literal: getenv takes it directly or by a helper.
                read |= set(re.findall(r'"(MQPASSWD_[A-Z0-9_]+)"', source.read()))
    check(read, "no MQPASSWD_ variable found: the pattern is out of date")
    documented = set(re.findall(r"^\.It Ev (\w+)", man_section("ENVIRONMENT"), re.MULTILINE))
    check_equal(sorted(documented), sorted(read), "MQPASSWD_ variables in ENVIRONMENT")


@case
def every_exit_code_is_documented():
    with open(os.path.join(SOURCE_ROOT, "src", "core", "error.hpp"), encoding="utf-8") as header:
        enum = re.search(r"enum class ExitCode[^{]*\{(.*?)\};", header.read(), re.DOTALL).group(1)
    codes = sorted(re.findall(r"=\s*(\d+)", enum))
    documented = sorted(re.findall(r"^\.It (\d+)$", man_section("EXIT STATUS"), re.MULTILINE))
    check_equal(documented, codes, "EXIT STATUS entries")


@case
def the_man_page_has_examples_for_sudo_scripts_and_interactive_use():
    examples = man_section("EXAMPLES")
    for title in ("Under sudo", "From a provisioning script", "Interactively", "The broker hook",
                  "Instead of mosquitto_passwd"):
        check(f".Ss {title}" in examples, title)
    check("sudo mqpasswd" in examples and "--stdin" in examples and "Password:" in examples, "example content")


run_cases()
