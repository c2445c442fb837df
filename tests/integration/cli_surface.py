"""The native command line as `--help` shows it: every command and the options each accepts.

`--help` is generated from the same CLI11 definitions that parse the arguments, so what it lists is
what the program accepts; the man page and completion tests compare themselves with it.
"""
import functools
import re

from harness import check, check_equal, run

_OPTION_COLUMN = re.compile(r"^  (-\S.*?)(?:\s{2,}|$)")
_COMMAND_COLUMN = re.compile(r"^  ([a-z][a-z, ]*?)(?:\s{2,}|$)")


@functools.lru_cache(maxsize=None)  # the walk asks for each command's help more than once
def help_text(path):
    result = run([*path, "--help"])
    check_equal(result.code, 0, f"mqpasswd {' '.join(path)} --help: {result!r}")
    return result.out


def _section(text, title):
    lines = text.splitlines()
    if title + ":" not in lines:
        return []
    start = lines.index(title + ":") + 1
    section = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        section.append(line)
    return section


GLOBAL_OPTIONS_TITLE = "Global options (before or after the command)"


def options(path=()):
    """The option names `mqpasswd PATH --help` lists, its own and the global options that apply to it:
    {'-q', '--quiet', '--reload', ...}. For the top level (no PATH), every global option."""
    names = set()
    text = help_text(path)
    for line in _section(text, "Options") + _section(text, GLOBAL_OPTIONS_TITLE):
        match = _OPTION_COLUMN.match(line)
        check(match is not None, f"not an option line: {line!r}")
        for part in match.group(1).split(","):
            name = part.split(" ")[0].split("[")[0]
            check(name.startswith("-"), f"option name {name!r} in {line!r}")
            names.add(name)
    return names


def subcommands(path=()):
    """The commands `mqpasswd PATH --help` lists, aliases included: ['set', 'add', 'delete', ...]."""
    names = []
    for line in _section(help_text(path), "Commands"):
        match = _COMMAND_COLUMN.match(line)
        check(match is not None, f"not a command line: {line!r}")
        names += [name.strip() for name in match.group(1).split(",")]
    return names


def command_paths():
    """Every command that takes arguments of its own: [('set',), ('add',), ..., ('broker', 'enable')]."""
    paths = []
    pending = [()]
    while pending:
        path = pending.pop(0)
        nested = subcommands(path)
        if path and not nested:
            paths.append(path)
        pending += [(*path, name) for name in nested]
    return paths
