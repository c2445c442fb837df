"""The .deb: built by CPack, declares what it needs, installs with dpkg into a clean tree, works there.

The clean tree is a dpkg root of its own (`dpkg --root`): its database holds only the packages the
.deb declares it depends on, copied from this Debian system, so dpkg checks the declaration
itself; a second root with an empty database must refuse to configure the package. apt, given a
system with nothing installed, must find everything it needs in the archive of the release this
runs on (12 or 13). And with MQPASSWD_TEST_FRESH_DEBIAN=1 (scripts/test-fresh-debian), apt installs
it for real on a minimal system of that release that debootstrap builds from the archive (root only).

Usage: MQPASSWD_BUILD_DIR=BUILD test_package.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import atexit
import gzip
import os
import re
import subprocess

from harness import Broker, TempDir, bash_completion_loaded, case, check, check_equal, project_version, run, run_cases

BUILD = os.environ.get("MQPASSWD_BUILD_DIR", "")
FORCE_NOT_ROOT = [] if os.geteuid() == 0 else ["--force-not-root"]
_package = {}


def os_release():
    """/etc/os-release as a dict: VERSION_ID '12', VERSION_CODENAME 'bookworm' on Debian 12."""
    with open("/etc/os-release", encoding="utf-8") as release:
        return dict(re.findall(r'^([A-Z_]+)="?([^"\n]*)"?$', release.read(), re.MULTILINE))


RELEASE = os_release()
# sid says only the codename of the next release (VERSION_CODENAME=forky, no VERSION_ID); its
# archive suite is "unstable" and debootstrap knows it as sid.
SUITE = RELEASE.get("VERSION_ID", "unstable")
CODENAME = RELEASE["VERSION_CODENAME"] if "VERSION_ID" in RELEASE else "sid"


def owning_package(library):
    """The package that ships a shared library here: libssl3 on Debian 12, libssl3t64 since 13's
    64-bit time_t transition (and on sid): asked of dpkg, not guessed from the release."""
    found = subprocess.run(["dpkg-query", "--search", f"*/{library}"], capture_output=True, text=True)
    names = {line.split(":")[0] for line in found.stdout.splitlines() if ": /" in line}
    check_equal(len(names), 1, f"the package of {library}: {found.stdout!r}")
    return names.pop()


LIBRARIES = [owning_package("libargon2.so.1"), owning_package("libssl.so.3")]


def command(args, **kwargs):
    completed = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    check_equal(completed.returncode, 0, f"{' '.join(args)}: {completed.stderr}")
    return completed.stdout


def package():
    """Builds the .deb once per run, in a directory that lives as long as the run."""
    if not _package:
        directory = TempDir()
        command(["cpack", "-G", "DEB", "-B", directory.path, "--config", os.path.join(BUILD, "CPackConfig.cmake")])
        debs = [name for name in os.listdir(directory.path) if name.endswith(".deb")]
        check_equal(len(debs), 1, f"packages built: {debs}")
        atexit.register(directory.__exit__, None, None, None)
        _package["path"] = os.path.join(directory.path, debs[0])
    return _package["path"]


def field(name):
    return command(["dpkg-deb", "--field", package(), name]).strip()


def dependencies():
    """{'libc6': '2.36', ...}: each Depends entry's package and minimum version."""
    declared = {}
    for entry in field("Depends").split(","):
        match = re.fullmatch(r"\s*([a-z0-9.+-]+)(?:\s*\(>=\s*([^)]+)\))?\s*", entry)
        check(match is not None, f"a Depends entry this test does not understand: {entry!r}")
        declared[match.group(1)] = match.group(2)
    return declared


def owning_package(path):
    """The package that ships `path`, under either name Debian 12's merged /usr gives it."""
    real = os.path.realpath(path)
    for candidate in dict.fromkeys([path, real, real.removeprefix("/usr"), "/usr" + path]):
        found = subprocess.run(["dpkg-query", "--search", candidate], capture_output=True, text=True)
        # Debian 13 lists a path's diversions first ("diversion by libc6 from: /lib64/ld-linux-...").
        owners = [line for line in found.stdout.splitlines() if not line.startswith("diversion by ")]
        if found.returncode == 0 and owners:
            return owners[0].split(":")[0]
    raise AssertionError(f"no package ships {path}")


def dpkg_root(directory, status=""):
    """A directory tree with an empty dpkg database (or the given status file) and nothing else."""
    admin = os.path.join(directory.path, "var", "lib", "dpkg")
    for sub in ("info", "updates", "triggers"):
        os.makedirs(os.path.join(admin, sub))
    for name, content in (("status", status), ("available", "")):
        with open(os.path.join(admin, name), "w", encoding="utf-8") as database:
            database.write(content)
    return directory.path


def dpkg(root, *args):
    return subprocess.run(["dpkg", "--root", root, *FORCE_NOT_ROOT, *args], capture_output=True, text=True,
                          timeout=120)


def installed_root(directory):
    """A clean tree holding the dependencies' status records and the package, installed by dpkg."""
    records = command(["dpkg-query", "--status", *dependencies()])
    root = dpkg_root(directory, records)
    installed = dpkg(root, "--install", package())
    check_equal(installed.returncode, 0, f"dpkg --install: {installed.stdout}{installed.stderr}")
    return root


@case
def the_control_file_names_the_package_version_and_architecture():
    check_equal(field("Package"), "mqpasswd")
    check_equal(field("Version"), f"{project_version()}-1")
    check_equal(field("Architecture"), command(["dpkg", "--print-architecture"]).strip())
    check(field("Maintainer") and field("Description").startswith("manage Mosquitto"), "Maintainer, Description")
    check("mosquitto_passwd" not in command(["dpkg-deb", "--contents", package()]),
          "the alias would collide with the mosquitto package's own file")


@case
def the_debian_changelog_names_this_version_and_the_maintainer():
    with TempDir() as tree:
        command(["dpkg-deb", "--extract", package(), tree.path])
        with gzip.open(tree.file("usr/share/doc/mqpasswd/changelog.Debian.gz"), "rt") as changelog:
            text = changelog.read()
    check(text.startswith(f"mqpasswd ({field('Version')}) "), f"bump packaging/changelog.Debian: {text[:60]!r}")
    check(f" -- {field('Maintainer')}  " in text, "the changelog's signature is the Maintainer")


@case
def depends_names_the_package_of_every_shared_library_the_binary_loads():
    declared = dependencies()
    with TempDir() as tree:
        command(["dpkg-deb", "--extract", package(), tree.path])
        binary = tree.file("usr/bin/mqpasswd")
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", command(["readelf", "-d", binary]))
        check(needed, "no NEEDED entries found")
        loaded = command(["ldd", binary])
        resolved = dict(re.findall(r"^\s*(\S+) => (\S+)", loaded, re.MULTILINE))
        # The dynamic loader is listed by its path alone: "/lib64/ld-linux-x86-64.so.2 (0x...)".
        resolved.update({os.path.basename(path): path for path in re.findall(r"^\s*(/\S+) \(", loaded, re.MULTILINE)})
        for library in needed:
            check(library in resolved, f"{library} does not resolve: {resolved}")
            owner_package = owning_package(resolved[library])
            check(owner_package in declared, f"{library} comes from {owner_package}, not in Depends {declared}")
        # libcrypto is not NEEDED: the binary loads it by soname when first needed
        # (src/core/crypto/libcrypto.hpp), so Depends must name its package all the same.
        with open(binary, "rb") as handle:
            sonames = set(re.findall(rb"libcrypto\.so\.[0-9]+", handle.read()))
        check_equal(len(sonames), 1, f"the libcrypto soname in the binary: {sonames}")
        soname = sonames.pop().decode()
        cache = re.search(rf"^\s*{re.escape(soname)} \(([^)]*)\) => (\S+)$", command(["ldconfig", "-p"]), re.MULTILINE)
        check(cache is not None, f"{soname} is not in the loader's cache")
        check_equal(owning_package(cache.group(2)) in declared, True, f"{soname}'s package in Depends {declared}")
        check_equal(declared[owning_package(cache.group(2))], "3.0.0", "libcrypto's minimum version")
    check_equal(sorted(declared), sorted(["libc6", *LIBRARIES]), "Depends")


@case
def dpkg_refuses_to_configure_it_where_the_dependencies_are_missing():
    with TempDir() as directory:
        result = dpkg(dpkg_root(directory), "--install", package())
        check(result.returncode != 0, "configured without its dependencies")
        for name in dependencies():
            check(f"depends on {name}" in result.stderr, f"{name} not named: {result.stderr}")


@case
def installed_with_dpkg_into_a_clean_tree_it_works_from_there():
    with TempDir() as directory, TempDir() as work:
        root = installed_root(directory)
        check("install ok installed" in dpkg(root, "--status", "mqpasswd").stdout, "dpkg's record")
        files = dpkg(root, "--listfiles", "mqpasswd").stdout.split()
        for path in ("/usr/bin/mqpasswd", "/usr/share/man/man1/mqpasswd.1.gz",
                     "/usr/share/bash-completion/completions/mqpasswd", "/usr/share/zsh/vendor-completions/_mqpasswd",
                     "/usr/share/doc/mqpasswd/copyright"):
            check(path in files, f"{path} in the package")
            check(os.path.isfile(root + path), f"{path} installed")
        mqpasswd = root + "/usr/bin/mqpasswd"
        check(run(["--version"], program=mqpasswd).out.startswith("mqpasswd "), "--version")
        pwfile = work.file("passwd")
        check_equal(run(["set", "--create", "-q", pwfile, "alice", "--stdin"], stdin="pw\n", program=mqpasswd).code, 0)
        check_equal(run(["verify", pwfile, "alice", "--stdin"], stdin="pw\n", program=mqpasswd).code, 0)
        check_equal(run(["verify", pwfile, "alice", "--stdin"], stdin="no\n", program=mqpasswd).code, 3)
        check(run(["list", pwfile], program=mqpasswd).out.startswith("alice "), "list")
        # Debian's real tool adds a user to the file the packaged binary wrote, and it reads that one.
        check_equal(run(["-b", pwfile, "bob", "pw2"], program="mosquitto_passwd").code, 0)
        check_equal(run(["verify", pwfile, "bob", "--stdin"], stdin="pw2\n", program=mqpasswd).code, 0)
        # A real broker lets alice in with her password only (as root, the new file went to mosquitto).
        with Broker(work.path, pwfile) as broker:
            check_equal(broker.publish("alice", "pw")[0], 0, "alice with her password")
            check(broker.publish("alice", "no")[0] != 0, "alice with a wrong password")
        manual = re.sub(".\b", "", command(["mandoc", "-Tascii", root + "/usr/share/man/man1/mqpasswd.1.gz"]))
        check("MOSQUITTO_PASSWD COMPATIBILITY" in manual, "the man page renders")
        check_equal(bash_completion_loaded(root + "/usr/share"), "complete -F _mqpasswd mqpasswd",
                    "bash-completion loads it by name")
        zsh_path = command(["zsh", "-fc", "print -l $fpath"]).split()
        check("/usr/share/zsh/vendor-completions" in zsh_path, f"Debian's zsh searches there: {zsh_path}")


@case
def dpkg_removes_every_file_it_installed():
    with TempDir() as directory:
        root = installed_root(directory)
        files = [path for path in dpkg(root, "--listfiles", "mqpasswd").stdout.split()
                 if os.path.isfile(root + path)]
        check(files, "nothing installed")
        removed = dpkg(root, "--purge", "mqpasswd")
        check_equal(removed.returncode, 0, removed.stderr)
        check_equal([path for path in files if os.path.lexists(root + path)], [], "left behind")


def debian_mirror():
    """The Debian archive this machine's apt uses (deb822 or one-line sources), for debootstrap."""
    for path in ("/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"):
        if os.path.exists(path):
            with open(path, encoding="utf-8") as sources:
                found = re.search(r"^(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(\S+/debian)/?\s", sources.read(),
                                  re.MULTILINE)
            if found:
                return found.group(1)
    return "http://deb.debian.org/debian"


@case
def apt_resolves_it_on_an_empty_system_from_this_releases_archive_alone():
    # apt's own solver, given a system with nothing installed: every dependency, and theirs, must
    # come from this release's archive (or its security updates) for the package to install there.
    if not any(name.endswith("_Packages") for name in os.listdir("/var/lib/apt/lists")):
        command(["apt-get", "update", "-qq"])  # a machine that installed everything long ago
    with TempDir() as state:
        empty = state.write("status", "")
        plan = command(["apt-get", "install", "--simulate", "-o", f"Dir::State::status={empty}", package()])
    installs = dict(re.findall(r"^Inst (\S+) \((.*)\)$", plan, re.MULTILINE))
    check("mqpasswd" in installs, plan)
    for name in dependencies():
        check(name in installs, f"{name} is not installed along with mqpasswd: {plan}")
    for name, origin in installs.items():
        check(name == "mqpasswd" or re.search(rf"\bDebian(-Security)?:{SUITE}\b", origin),
              f"{name} from {origin}")


def apt_installs_it_on_a_fresh_debian_and_fetches_its_dependencies():
    # A minimal system of this release built by debootstrap from the archive: no libssl3(t64), no
    # libargon2-1. apt must resolve the package's Depends from the archive, and the binary must work there.
    check_equal(os.geteuid(), 0, "debootstrap and chroot need root (CI runs as root)")
    with TempDir() as fresh:
        command(["debootstrap", "--variant=minbase", CODENAME, fresh.path, debian_mirror()])
        for library in LIBRARIES:
            arch = command(["dpkg", "--print-architecture"]).strip()
            check(not os.path.exists(fresh.file(f"var/lib/dpkg/info/{library}:{arch}.list")),
                  f"{library} is already in the minimal system")
        command(["cp", package(), fresh.file("tmp/mqpasswd.deb")])
        installed = command(["chroot", fresh.path, "apt-get", "install", "-y", "-q", "/tmp/mqpasswd.deb"],
                            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        for library in LIBRARIES:
            check(f"Setting up {library}:" in installed, f"apt did not install {library}: {installed}")
        smoke = ("printf 'pw\\n' | mqpasswd set --create -q /tmp/passwd alice --stdin && "
                 "printf 'pw\\n' | mqpasswd verify -q /tmp/passwd alice --stdin && "
                 "! printf 'no\\n' | mqpasswd verify -q /tmp/passwd alice --stdin && "
                 "mqpasswd --version && test -f /usr/share/man/man1/mqpasswd.1.gz")
        output = command(["chroot", fresh.path, "sh", "-c", smoke])
        check(output.startswith("mqpasswd "), output)


# A minute and a download of the base system: run by scripts/test-fresh-debian, not by the suite.
if os.environ.get("MQPASSWD_TEST_FRESH_DEBIAN") == "1":
    case(apt_installs_it_on_a_fresh_debian_and_fetches_its_dependencies)


run_cases()
