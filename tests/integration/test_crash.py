"""SIGKILL at random instants while mqpasswd rewrites a large file: the file is always exactly the
old content or the new one, never anything in between, and a temp file left by a killed writer is
removed by the next one.

Each run imports a few new users into a 50,000-user file and is killed. Two runs in three are
killed after a random delay drawn across the time a whole run takes (measured first), so the kills
land before, during and after the write; every third run is killed a random instant after its temp
file appears, within the time the write was seen to take, so kills land during the write however
short a share of the run it is on this machine's disk. After each kill the file must be byte for
byte what it was, or that plus exactly the run's users, each with a hash that verifies (checked
here with hashlib, independently of mqpasswd).
Runs: MQPASSWD_CRASH_RUNS (default 200).
Usage: test_crash.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import base64
import hashlib
import os
import random
import signal
import subprocess
import time

from harness import MQPASSWD, TempDir, case, check, check_equal, run, run_cases

HASH = "$7$101$AAECAwQFBgcICQoL$Xr99N9ym9ys8TWxis5ajETJq6EVYzmc6nb8t3pUYnPBbCAbICS4xejTltonXWCtJNBvA+By+TXUqU6qCblO00w=="
USERS_PER_RUN = 3
RUNS = int(os.environ.get("MQPASSWD_CRASH_RUNS", "200"))


def verifies(hash_text, password):
    """Checks a $7$ hash with Python's own PBKDF2: mqpasswd is not its own judge here."""
    _, kind, iterations, salt, digest = hash_text.split("$")
    check_equal(kind, "7", "hash kind")
    derived = hashlib.pbkdf2_hmac("sha512", password.encode(), base64.b64decode(salt), int(iterations), 64)
    return derived == base64.b64decode(digest)


def run_users(number):
    return [(f"run{number}user{k}", f"pw-{number}-{k}") for k in range(USERS_PER_RUN)]


def import_command(pwfile, source):
    return [MQPASSWD, "import", "-q", "--broker-version", "2.0", "--iterations", "101", pwfile, source]


def temp_files(directory):
    return [name for name in directory.entries() if name.startswith(".pw.mqpasswd-")]


def wait_for_new_temp_file(directory, stale_before, process):
    """Polls until a temp file other than the stale ones exists; False if the process ended first."""
    while process.poll() is None:
        if set(temp_files(directory)) - set(stale_before):
            return True
        time.sleep(0.0002)  # the write takes milliseconds; spinning would slow the writer on 2 cores
    return False


def measure_run(content):
    """Seconds a whole run takes and seconds from its temp file appearing to its rename, seen from
    outside: the longest of a few runs on a copy of the file, so the file under test is untouched."""
    wholes, windows = [], []
    with TempDir() as directory:
        pwfile = directory.write("pw", content, mode=0o600)
        for number in range(3):
            source = directory.write("users", f"window{number}:pw\n")
            started = time.monotonic()
            process = subprocess.Popen(import_command(pwfile, source), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            if wait_for_new_temp_file(directory, [], process):
                appeared = time.monotonic()
                while temp_files(directory) and process.poll() is None:
                    time.sleep(0.0002)
                windows.append(time.monotonic() - appeared)
            process.wait()
            wholes.append(time.monotonic() - started)
    check(windows, "the temp file was never seen while a run wrote")
    return max(wholes), max(windows)


def check_old_or_new(old, new, users):
    """Returns 'old' or 'new'; fails on anything else."""
    if new == old:
        return "old"
    check(new.startswith(old), "the old content is not kept byte for byte")
    added = new[len(old):].decode().splitlines()
    check_equal(len(added), len(users), "lines added")
    for line, (user, password) in zip(added, users):
        name, hash_text = line.split(":", 1)
        check_equal(name, user, "added user")
        check(verifies(hash_text, password), f"the hash of {user} does not verify")
    return "new"


@case
def sigkill_at_random_instants_leaves_old_or_new_and_the_next_run_cleans_up():
    rng = random.Random(7)
    with TempDir() as directory:
        content = "".join(f"user{i}:{HASH}\n" for i in range(50_000))
        pwfile = directory.write("pw", content, mode=0o600)
        source = directory.file("users")
        check_equal(run(import_command(pwfile, directory.write("warmup", "warm:up\n"))[1:]).code, 0, "warm-up")
        whole_run, write_window = measure_run(content)
        outcomes = {"old": 0, "new": 0}
        killed_with_temp = 0
        for number in range(RUNS):
            users = run_users(number)
            with open(source, "w") as handle:
                handle.writelines(f"{user}:{password}\n" for user, password in users)
            with open(pwfile, "rb") as handle:
                old = handle.read()
            stale_before = temp_files(directory)
            process = subprocess.Popen(import_command(pwfile, source), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            if number % 3 == 2 and wait_for_new_temp_file(directory, stale_before, process):
                time.sleep(rng.uniform(0, write_window))
            else:
                time.sleep(rng.uniform(0, whole_run * 1.2))
            process.send_signal(signal.SIGKILL)
            process.wait()
            with open(pwfile, "rb") as handle:
                new = handle.read()
            outcome = check_old_or_new(old, new, users)
            outcomes[outcome] += 1
            check_equal(os.stat(pwfile).st_mode & 0o777, 0o600, "mode")
            left = temp_files(directory)
            check(len(left) <= 1, f"more than one temp file: {left}")
            if left and left != stale_before:
                killed_with_temp += 1
            if outcome == "new" or process.returncode == 0:
                # A writer that got as far as its rename had cleaned up before it wrote.
                check(not (set(stale_before) & set(left)), f"a stale temp file survived a write: {left}")
        # The kills must have landed everywhere, or this test proves nothing. (A short run, as in
        # the sanitizer pass, may miss the after-the-rename window by chance; 200 runs cannot.)
        if RUNS >= 100:
            check(outcomes["old"] > 0 and outcomes["new"] > 0, f"outcomes {outcomes}")
            check(killed_with_temp > 0, "no kill landed while the temp file existed")
        print(f"     {RUNS} kills: {outcomes['old']} old, {outcomes['new']} new, "
              f"{killed_with_temp} during the write (temp file left); "
              f"whole run {whole_run * 1000:.0f} ms, write {write_window * 1000:.1f} ms")
        # One run to the end: every stale temp file is gone, the file is whole.
        check_equal(run(["import", "-q", "--broker-version", "2.0", pwfile, directory.write("last", "last:pw\n")]).code,
                    0, "last import")
        check_equal(temp_files(directory), [], "temp files after a complete run")
        listing = run(["list", pwfile])
        check_equal((listing.code, listing.err), (0, ""), "list of the final file")
        check_equal(len(listing.out.splitlines()), 50_000 + 2 + USERS_PER_RUN * outcomes["new"], "users")


run_cases()
