"""The native command line: every command and the options each accepts, as the parser defines them.

The shape comes from tests/support/cli_shape (MQPASSWD_CLI_SHAPE, set by CMake), which walks the same
CLI11 definitions that parse the arguments; --help is generated from them too, but its layout is
CLI11's and changes between releases (2.6 wraps descriptions), so nothing here parses it. The man
page and completion tests compare themselves with this.
"""
import functools
import os
import subprocess

from harness import check, check_equal, run

GLOBAL_OPTIONS_TITLE = "Global options (before or after the command)"


@functools.lru_cache(maxsize=None)  # the walk asks for each command's help more than once
def help_text(path):
    result = run([*path, "--help"])
    check_equal(result.code, 0, f"mqpasswd {' '.join(path)} --help: {result!r}")
    return result.out


@functools.lru_cache(maxsize=None)
def _shapes():
    program = os.environ.get("MQPASSWD_CLI_SHAPE", "")
    check(os.path.isabs(program), "MQPASSWD_CLI_SHAPE names tests/support/cli_shape (run through ctest)")
    listing = subprocess.run([program], capture_output=True, text=True, timeout=30, check=True).stdout
    shapes = {}
    for line in listing.splitlines():
        path, aliases, subcommands, options = line.split("\t")
        shapes[tuple(path.split())] = (aliases.split(), subcommands.split(), set(options.split()))
    check(() in shapes and len(shapes) > 5, f"the command line's shape: {listing!r}")
    return shapes


def _shape(path):
    """PATH's (aliases, subcommands, options); an alias (`add`) gives the command it names."""
    shapes = _shapes()
    if path not in shapes:
        path = next(name for name, shape in shapes.items() if name[:-1] == path[:-1] and path[-1] in shape[0])
    return shapes[path]


def options(path=()):
    """The option names `mqpasswd PATH` accepts, its own and the global options that apply to it:
    {'-q', '--quiet', '--reload', ...}. For the top level (no PATH), every global option."""
    return set(_shape(path)[2])


def subcommands(path=()):
    """The commands under PATH, aliases included: ['set', 'add', 'delete', ...]."""
    names = []
    for name in _shape(path)[1]:
        names += [name, *_shape((*path, name))[0]]
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
