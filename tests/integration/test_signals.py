"""SIGINT/SIGTERM while the new file is being written: the temp file goes, the original stays.

A large file makes the write window long enough to hit: the test watches the directory for
mqpasswd's temp file and signals the moment it appears.
Usage: test_signals.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import hashlib
import os
import signal
import subprocess

from harness import MQPASSWD, TempDir, case, check, check_equal, run, run_cases

HASH = "$7$101$AAECAwQFBgcICQoL$Xr99N9ym9ys8TWxis5ajETJq6EVYzmc6nb8t3pUYnPBbCAbICS4xejTltonXWCtJNBvA+By+TXUqU6qCblO00w=="


def big_file(directory, users=400_000):
    body = "".join(f"user{i}:{HASH}\n" for i in range(users))
    return directory.write("pw", body, mode=0o600)


def digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def signal_during_write(directory, pwfile, signal_number):
    """Starts a set, signals it once its temp file exists; returns (exit code, whether it was caught)."""
    process = subprocess.Popen([MQPASSWD, "set", pwfile, "newuser", "--stdin", "-q"], stdin=subprocess.PIPE)
    process.stdin.write(b"pw\n")
    process.stdin.close()
    caught = False
    while process.poll() is None:
        if any(name.startswith(".pw.mqpasswd-") for name in os.listdir(directory.path)):
            os.kill(process.pid, signal_number)
            caught = True
            break
    return process.wait(timeout=60), caught


def check_interrupted_write_leaves_no_trace(signal_number):
    with TempDir() as directory:
        pwfile = big_file(directory)
        original = digest(pwfile)
        for attempt in range(5):
            code, caught = signal_during_write(directory, pwfile, signal_number)
            if caught and code == -signal_number:
                break
            # The rename beat the signal: the file is the new one; start again from the old.
            pwfile = big_file(directory)
        check(caught and code == -signal_number, "never caught mqpasswd while it wrote")
        check_equal(directory.entries(), ["pw"], "temp file removed")
        check_equal(digest(pwfile), original, "original untouched")
        check_equal(run(["verify", pwfile, "user7", "--stdin"], stdin="secret\n").code, 0, "still valid")


@case
def sigterm_during_the_write_removes_the_temp_file():
    check_interrupted_write_leaves_no_trace(signal.SIGTERM)


@case
def sigint_during_the_write_removes_the_temp_file():
    check_interrupted_write_leaves_no_trace(signal.SIGINT)


run_cases()
