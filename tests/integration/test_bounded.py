"""Hostile or mistaken input costs bounded memory and time (issue 14 item 8): the real binary's
peak RSS and run time on huge configurations, each run under an address-space cap and a timeout
so that a regression fails the test instead of the machine. The old code took 3.1 GiB for a
20,000-line `broker enable --dry-run` (an n x m diff table) and 3.0 GiB to read a 40 MB conf.

Usage: test_bounded.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import os
import signal
import subprocess
import tempfile
import time

from harness import MQPASSWD, Result, TempDir, new_password_file, case, check, check_equal, check_error, run_cases

MIB = 1024 * 1024
# A sanitizer build reserves terabytes of address space and keeps freed memory in quarantine:
# only the outcome is checked there; the plain build's pass measures.
with open(MQPASSWD, "rb") as binary:
    SANITIZED = b"__asan_init" in binary.read()
# Each RSS limit below is at least twice the fixed code's measured peak (RSS does not grow with
# load) and far below the old code's gigabytes; the cap makes a regression fail fast, with
# "out of memory", instead of taking the machine's memory.
ADDRESS_SPACE_CAP = 1024 * MIB
TIME_LIMIT = 60 if SANITIZED else 10  # seconds: the fixed code takes well under one on 2 busy cores


def measured(args):
    """Runs mqpasswd; returns its Result, its own peak RSS in MiB and the seconds it took."""
    cap = [] if SANITIZED else ["prlimit", f"--as={ADDRESS_SPACE_CAP}", "--"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        # A plain fork, not subprocess's vfork: exec records the old address space's peak as the
        # child's, and after vfork that is this Python's whole-life peak. A fork starts from
        # this process's current size instead, a few MiB as long as no test text is held whole.
        pid = os.fork()
        if pid == 0:
            try:
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                os.execvp((cap + [MQPASSWD])[0], cap + [MQPASSWD] + args)
            finally:
                os._exit(127)
        status, usage = wait_at_most(pid, started, args)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        result = Result(subprocess.CompletedProcess(args, os.waitstatus_to_exitcode(status),
                                                    out.read().decode(errors="replace"),
                                                    err.read().decode(errors="replace")))
    rss = usage.ru_maxrss / 1024  # KiB on Linux
    print(f"     {' '.join(args[:2])}: {rss:.1f} MiB peak RSS, {seconds:.2f}s", flush=True)
    return result, rss, seconds


def wait_at_most(pid, started, args):
    """The child's exit status and its own rusage (wait4: RUSAGE_CHILDREN would be the largest
    child so far), or a failure after TIME_LIMIT seconds."""
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        if time.monotonic() - started > TIME_LIMIT:
            os.kill(pid, signal.SIGKILL)
            os.wait4(pid, 0)
            raise AssertionError(f"{args[:2]} still running after {TIME_LIMIT}s")
        time.sleep(0.01)


def check_bounded(rss, limit_mib, what):
    if not SANITIZED:
        check(rss < limit_mib, f"{what}: peak RSS {rss:.1f} MiB, limit {limit_mib} MiB")


def write_lines(path, line, count):
    """Written in blocks: the text held whole would count in the next child's RSS (see measured)."""
    block = 10000
    with open(path, "w") as handle:
        for start in range(0, count, block):
            handle.write(line * min(block, count - start))
    return path


def enable_dry_run(conf, pwfile):
    # The 2.0 form (password_file) on every broker: what is measured is the planning, not the form.
    return ["broker", "enable", "--dry-run", "--fix-permissions", "--broker-version", "2.0", "--conf", conf, "--pwfile",
            pwfile]


@case
def enable_dry_run_of_a_20000_line_conf_is_fast_and_small():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        conf = directory.file("big.conf")
        with open(conf, "w") as handle:
            for i in range(20000):
                handle.write(f"# comment {i}\n" if i % 2 else f"log_type opt{i}\n")
        result, rss, _ = measured(enable_dry_run(conf, pwfile))
        check_equal(result.code, 0, repr(result)[:500])
        check(f"+password_file {pwfile}\n" in result.out and "dry run: nothing was written" in result.out,
              result.out[-500:])
        check(len(result.out) < 4096, "the diff shows the change, not the file")
        check_bounded(rss, 64, "20,000-line enable --dry-run")


@case
def the_largest_accepted_configuration_costs_memory_in_proportion():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        # 99,000 lines of 160 bytes: 15.1 MiB, under both the 16 MiB and the 100,000-line limits.
        conf = write_lines(directory.file("edge.conf"), "# " + "x" * 157 + "\n", 99000)
        result, rss, _ = measured(enable_dry_run(conf, pwfile))
        check_equal(result.code, 0, repr(result)[:500])
        check(f"+password_file {pwfile}\n" in result.out, result.out[-500:])
        check_bounded(rss, 256, "a 15 MiB enable --dry-run")


@case
def reload_refuses_a_40_mb_conf_without_reading_it():
    with TempDir() as directory:
        conf = write_lines(directory.file("huge.conf"), "a b\n", 10_000_000)
        result, rss, _ = measured(["broker", "reload", "--conf", conf])
        check_error(result, 1, f"{conf}: is over 16 MiB, larger than any mosquitto.conf; refusing to read it")
        check_bounded(rss, 32, "40 MB reload")


@case
def three_hundred_thousand_short_lines_are_refused_at_the_line_limit():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        conf = write_lines(directory.file("many.conf"), "a b\n", 300_000)
        expected = (f"{conf}:100001: more than 100000 lines of configuration (include_dir files count); "
                    "refusing to read more")
        for args in (["broker", "reload", "--conf", conf], enable_dry_run(conf, pwfile)):
            result, rss, _ = measured(args)
            check_error(result, 1, expected, args[1])
            check_bounded(rss, 64, f"300,000 lines, {args[1]}")


@case
def an_import_of_256_mib_of_newlines_and_one_record_costs_about_the_source():
    """The source is held whole (at most 1 GiB, wiped after), but nothing is sized by its lines: the
    old parser reserved a record and a map slot per line, 2.7 GiB here."""
    if SANITIZED:
        return  # 256 MiB through ASan's shadow memory proves nothing more, slowly
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        source = directory.file("newlines")
        with open(source, "w") as handle:
            for _ in range(256):
                handle.write("\n" * MIB)
            handle.write("bob:a-password\n")
        result, rss, _ = measured(["import", pwfile, source, "--format=lines", "-q"])
        check_equal(result.code, 0, repr(result)[:500])
        check_bounded(rss, 600, "256 MiB of newlines")


@case
def a_line_of_1_mib_is_refused_with_its_file_and_line():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        conf = directory.write("long.conf", "listener 1883\nuser " + "x" * MIB + "\n")
        for args in (["broker", "reload", "--conf", conf], enable_dry_run(conf, pwfile)):
            result, rss, _ = measured(args)
            check_error(result, 1, f"{conf}:2: line is over 64 KiB, longer than any mosquitto.conf line; refusing it",
                        args[1])
            check_bounded(rss, 32, f"1 MiB line, {args[1]}")


run_cases()
