"""The broker-version cache (src/broker/broker_cache.hpp): `mosquitto -h` runs once for a program
file, not on every run; a replaced or rewritten program is asked again; --dry-run writes no cache;
and as root, a cache path the broker's account could write or swap is never believed, nor written
through. The stand-in broker counts how often it was asked."""
import os
import pwd
import shutil
import stat
import subprocess

from harness import AS_BROKER, INSTALLED_2_1, TempDir, case, check, check_equal, needs_root, run, run_cases


def counting_broker(directory, version="2.0.11", name="mosquitto"):
    count = directory.file(name + ".asked")
    program = directory.write(name, f"#!/bin/sh\necho asked >> {count}\necho 'mosquitto version {version}'\n",
                              mode=0o755)
    return program, count


def times_asked(count):
    if not os.path.exists(count):
        return 0
    with open(count) as handle:
        return len(handle.read().splitlines())


def record(program, version):
    """The record mqpasswd keeps for `program` as it is now, as broker_cache_unix.cpp writes it."""
    info = os.stat(program)

    def timestamp(ns):
        return f"{ns // 10**9}.{ns % 10**9:09d}"

    return (f"mqpasswd broker-version 1\nprogram {program}\ndevice {info.st_dev}\ninode {info.st_ino}\n"
            f"size {info.st_size}\nmodified {timestamp(info.st_mtime_ns)}\nchanged {timestamp(info.st_ctime_ns)}\n"
            f"version {version}\n")


def read(path):
    with open(path) as handle:
        return handle.read()


def set_user(directory, env, user, *extra):
    """`set` into the directory's password file; the result and the version the target came from."""
    result = run(["set", directory.file("pw"), user, "--stdin", "--create", *extra], stdin="pw\n", env=env)
    check_equal(result.code, 0, repr(result))
    return result


def check_target(result, version, program):
    check(f"for mosquitto {version} at {program}" in result.out, f"not written for {version}: {result!r}")


def private_directory(path, mode=0o700):
    os.mkdir(path)
    os.chmod(path, mode)
    return path


@case
def a_remembered_answer_spares_the_program_until_the_program_changes():
    with TempDir() as directory:
        cache = private_directory(directory.file("cache"))
        program, count = counting_broker(directory)
        env = {"MQPASSWD_MOSQUITTO": program, "MQPASSWD_CACHE_HOME": cache}
        check_target(set_user(directory, env, "u1"), "2.0.11", program)
        check_equal(times_asked(count), 1, "the first run asks")
        cache_file = os.path.join(cache, "mqpasswd", "broker-version")
        check_equal(read(cache_file), record(program, "2.0.11"), "the record")
        check_equal(stat.S_IMODE(os.stat(os.path.dirname(cache_file)).st_mode), 0o700, "the cache directory's mode")
        check_equal(stat.S_IMODE(os.stat(cache_file).st_mode), 0o600, "the cache file's mode")
        check_equal(os.listdir(os.path.dirname(cache_file)), ["broker-version"], "no temp file left")
        check_target(set_user(directory, env, "u2"), "2.0.11", program)
        check_equal(times_asked(count), 1, "the second run is answered from the cache")
        # A package upgrade: a new file renamed over the old one (another inode).
        new = directory.write("mosquitto.new", read(program).replace("2.0.11", "2.1.2"), mode=0o755)
        os.rename(new, program)
        check_target(set_user(directory, env, "u3"), "2.1.2", program)
        check_equal(times_asked(count), 2, "a replaced program is asked again")
        # Rewritten in place, same size, mtime put back: only the ctime (which no user can set) tells.
        before = os.stat(program)
        with open(program, "r+") as handle:
            handle.write(read(program).replace("2.1.2", "2.1.3"))
        os.utime(program, ns=(before.st_atime_ns, before.st_mtime_ns))
        after = os.stat(program)
        check_equal((after.st_ino, after.st_size, after.st_mtime_ns), (before.st_ino, before.st_size,
                                                                        before.st_mtime_ns), "only ctime changed")
        check_target(set_user(directory, env, "u4"), "2.1.3", program)
        check_equal(times_asked(count), 3, "a program rewritten in place is asked again")
        check_target(set_user(directory, env, "u5"), "2.1.3", program)
        check_equal(times_asked(count), 3, "and its new answer is remembered")


@case
def a_dry_run_writes_no_cache_but_reads_one():
    with TempDir() as directory:
        cache = private_directory(directory.file("cache"))
        program, count = counting_broker(directory)
        env = {"MQPASSWD_MOSQUITTO": program, "MQPASSWD_CACHE_HOME": cache}
        pwfile = directory.write("pw", "alice:plain\n", mode=0o600)
        for args in (["set", pwfile, "u", "--stdin", "--dry-run"], ["upgrade", pwfile, "--dry-run"]):
            result = run(args, stdin="pw\n", env=env)
            check_equal(result.code, 0, repr(result))
            check("dry run: nothing was written" in result.out, repr(result))
            check_equal(os.listdir(cache), [], f"{args[0]} --dry-run wrote in the cache home")
        check_equal(times_asked(count), 2, "each dry run asked the broker")
        check_equal(read(pwfile), "alice:plain\n", "the password file")
        # The control: the same command for real fills the cache, and a dry run then reads it.
        check_target(set_user(directory, env, "u"), "2.0.11", program)
        check_equal(os.listdir(cache), ["mqpasswd"], "a real run writes the cache")
        result = run(["set", pwfile, "v", "--stdin", "--dry-run"], stdin="pw\n", env=env)
        check_target(result, "2.0.11", program)
        check_equal(times_asked(count), 3, "a dry run reads the cache")


@case
def the_cache_is_var_cache_for_root_and_home_cache_for_a_user():
    if not needs_root("the system's cache directory"):
        return
    system = "/var/cache/mqpasswd"
    existed = os.path.exists(system)
    with TempDir() as directory:
        try:
            set_user(directory, {"MQPASSWD_CACHE_HOME": ""}, "u")
            info = os.lstat(os.path.join(system, "broker-version"))
            check(stat.S_ISREG(info.st_mode) and info.st_uid == 0 and stat.S_IMODE(info.st_mode) == 0o600,
                  f"root's cache file: {info}")
            if not existed:
                check_equal(stat.S_IMODE(os.stat(system).st_mode), 0o700, "a new /var/cache/mqpasswd's mode")
            check("\nversion 2." in read(os.path.join(system, "broker-version")), "the installed broker's version")
        finally:
            if not existed:
                shutil.rmtree(system, ignore_errors=True)
        nobody = pwd.getpwnam("nobody")
        home = private_directory(directory.file("home"))
        os.chown(home, nobody.pw_uid, nobody.pw_gid)
        env = {"MQPASSWD_CACHE_HOME": "", "XDG_CACHE_HOME": "", "HOME": home}
        result = run(["set", os.path.join(home, "pw"), "u", "--stdin", "--create"], stdin="pw\n", env=env,
                     as_nobody=True)
        check_equal(result.code, 0, repr(result))
        info = os.lstat(os.path.join(home, ".cache", "mqpasswd", "broker-version"))
        check(info.st_uid == nobody.pw_uid and stat.S_IMODE(info.st_mode) == 0o600, f"nobody's cache file: {info}")
        check_equal(stat.S_IMODE(os.stat(os.path.join(home, ".cache")).st_mode), 0o700, "a new ~/.cache's mode")


def as_broker_account(script, *args, stdin=""):
    subprocess.run(AS_BROKER + ["sh", "-c", script, "sh", *args], input=stdin, text=True, check=True, timeout=30)


def broker_group_writable(path, mode=0o770):
    os.chown(path, 0, pwd.getpwnam("mosquitto").pw_gid)
    os.chmod(path, mode)


# Each attack: given the directory, the cache home, the program and the lie (a valid record saying
# 2.1.2 for the 2.0.11 program), it lays the trap and returns the path that must be left as it is.
def attacker_made_the_cache_directory(directory, home, program, lie):
    os.chmod(home, 0o1777)  # a shared sticky directory, as /tmp: allowed above the cache, not as it
    as_broker_account('mkdir -m 700 "$1/mqpasswd" && umask 077 && cat > "$1/mqpasswd/broker-version"', home,
                      stdin=lie)
    return os.path.join(home, "mqpasswd", "broker-version")


def attacker_wrote_into_a_cache_directory_it_can_write(directory, home, program, lie):
    broker_group_writable(private_directory(os.path.join(home, "mqpasswd")))
    as_broker_account('umask 077 && cat > "$1/mqpasswd/broker-version"', home, stdin=lie)
    return os.path.join(home, "mqpasswd", "broker-version")


def attacker_swapped_root_directories_in_a_cache_home_it_can_write(directory, home, program, lie):
    # Both directories are root's, both records too: a writable parent alone lets the broker's
    # account put an old, wrong one in place (a rename within a directory needs no more).
    for name, content in (("mqpasswd", record(program, "2.0.11")), ("stale", lie)):
        private_directory(os.path.join(home, name))
        with open(os.path.join(home, name, "broker-version"), "w") as handle:
            handle.write(content)
        os.chmod(os.path.join(home, name, "broker-version"), 0o600)
    broker_group_writable(home)
    as_broker_account('mv "$1/mqpasswd" "$1/old" && mv "$1/stale" "$1/mqpasswd"', home)
    return os.path.join(home, "mqpasswd", "broker-version")


def a_link_in_place_of_the_cache_file(directory, home, program, lie):
    target = directory.write("elsewhere", lie, mode=0o600)
    private_directory(os.path.join(home, "mqpasswd"))
    os.symlink(target, os.path.join(home, "mqpasswd", "broker-version"))
    return target


def a_fifo_in_place_of_the_cache_file(directory, home, program, lie):
    private_directory(os.path.join(home, "mqpasswd"))
    os.mkfifo(os.path.join(home, "mqpasswd", "broker-version"), 0o600)
    return None


def attacker_owns_the_cache_home(directory, home, program, lie):
    os.chown(home, pwd.getpwnam("mosquitto").pw_uid, pwd.getpwnam("mosquitto").pw_gid)
    return None


ATTACKS = (attacker_made_the_cache_directory, attacker_wrote_into_a_cache_directory_it_can_write,
           attacker_swapped_root_directories_in_a_cache_home_it_can_write, a_link_in_place_of_the_cache_file,
           a_fifo_in_place_of_the_cache_file, attacker_owns_the_cache_home)


@case
def as_root_a_cache_another_user_could_write_or_swap_is_ignored():
    if not needs_root("the broker's account as the attacker"):
        return
    with TempDir() as directory:  # the control: the lie, where only root could have put it, is believed
        program, count = counting_broker(directory)
        home = private_directory(directory.file("cache"))
        private_directory(os.path.join(home, "mqpasswd"))
        with open(os.path.join(home, "mqpasswd", "broker-version"), "w") as handle:
            handle.write(record(program, "2.1.2"))
        os.chmod(os.path.join(home, "mqpasswd", "broker-version"), 0o600)
        check_target(set_user(directory, {"MQPASSWD_MOSQUITTO": program, "MQPASSWD_CACHE_HOME": home}, "u"),
                     "2.1.2", program)
        check_equal(times_asked(count), 0, "the control: a trusted record is believed")
    for attack in ATTACKS:
        with TempDir() as directory:
            program, count = counting_broker(directory)
            home = private_directory(directory.file("cache"), 0o755)
            lie = record(program, "2.1.2")
            kept = attack(directory, home, program, lie)
            kept_before = read(kept) if kept else None
            listing = sorted(os.listdir(home))
            env = {"MQPASSWD_MOSQUITTO": program, "MQPASSWD_CACHE_HOME": home}
            result = run(["set", directory.file("pw"), "u", "--stdin", "--create"], stdin="pw\n", env=env,
                         timeout=20)
            check_equal(result.code, 0, f"{attack.__name__}: {result!r}")
            check_target(result, "2.0.11", program)
            check_equal(times_asked(count), 1, f"{attack.__name__}: the broker was asked")
            if kept:
                check_equal(read(kept), kept_before, f"{attack.__name__}: written through")
            if attack is a_link_in_place_of_the_cache_file:
                # root's own directory: the link itself is replaced by the answer, never followed
                cache_file = os.path.join(home, "mqpasswd", "broker-version")
                check(not os.path.islink(cache_file), "the link is still there")
                check_equal(read(cache_file), record(program, "2.0.11"), "the new record")
            elif attack is not a_fifo_in_place_of_the_cache_file:
                check_equal(sorted(os.listdir(home)), listing, f"{attack.__name__}: the cache home changed")


run_cases()
