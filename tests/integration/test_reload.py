"""check and the broker hook against a real, running mosquitto: users added or deleted with
--reload take effect with no restart (same PID); a file that would hurt the broker is refused.

Usage: test_reload.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import json
import os
import time

from harness import ReloadableBroker, TempDir, new_password_file, case, check, check_equal, check_error, run, run_cases


@case
def set_and_delete_with_reload_take_effect_without_a_restart():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        with ReloadableBroker(directory, pwfile) as broker:
            pid = broker.process.pid
            broker.check_refuses("carol", "carol-pw")
            result = run(["set", pwfile, "carol", "--stdin", "--reload", "--conf", broker.config], stdin="carol-pw\n")
            check_equal(result.code, 0, repr(result))
            check(f"reloaded: SIGHUP to mosquitto pid {pid} (pid_file {broker.pid_file})\n" in result.out, result.out)
            broker.check_accepts("carol", "carol-pw")
            result = run(["delete", pwfile, "carol", "--reload", "--conf", broker.config, "-q"])
            check_equal(result.code, 0, repr(result))
            broker.check_refuses("carol", "carol-pw")
            broker.check_accepts("alice", "alice-pw")
            imported = run(["import", pwfile, "-", "--reload", "--conf", broker.config, "-q"], stdin="dave:dave-pw\n")
            check_equal(imported.code, 0, repr(imported))
            broker.check_accepts("dave", "dave-pw")
            with open(pwfile, "a") as handle:
                handle.write("erin:erin-plain\n")  # plain text: refused by check, so hash it first
            upgraded = run(["upgrade", pwfile, "--reload", "--conf", broker.config, "-q"])
            check_equal(upgraded.code, 0, repr(upgraded))
            broker.check_accepts("erin", "erin-plain")
            check_equal(broker.process.pid, pid, "same broker process")
            check(broker.process.poll() is None, "the broker is still running")


@case
def broker_reload_refuses_a_file_that_would_hurt_the_broker():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        with ReloadableBroker(directory, pwfile) as broker:
            with open(pwfile) as handle:
                line = handle.read()
            with open(pwfile, "a") as handle:
                handle.write(line)  # alice twice: a 2.1 broker would stop
            result = run(["broker", "reload", "--conf", broker.config])
            check_error(result, 1, f"{pwfile}:2: not reloading the broker: duplicate user 'alice'")
            check(broker.process.poll() is None, "the broker is still running")
            broker.check_accepts("alice", "alice-pw")
            check("Reloading config" not in broker.log_text(), "the broker was signalled")


@case
def broker_reload_finds_the_broker_or_says_why_not():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        with ReloadableBroker(directory, pwfile) as broker:
            by_pid = run(["broker", "reload", "--conf", broker.config, "--pid", str(broker.process.pid), "--json"])
            check_equal(by_pid.code, 0, repr(by_pid))
            check_equal(json.loads(by_pid.out)["how"], f"SIGHUP to mosquitto pid {broker.process.pid} (--pid)", "how")
            check_error(run(["broker", "reload", "--conf", broker.config, "--pid", str(os.getpid())]), 1,
                        f"process {os.getpid()} (--pid) is not the mosquitto broker")
            deadline = time.monotonic() + 5
            while "Reloading config" not in broker.log_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            check("Reloading config" in broker.log_text(), "the broker logged the reload")
        # The broker has stopped: its pid file is gone with it.
        stale = directory.write("stale.conf", f"password_file {pwfile}\npid_file {directory.file('none.pid')}\n")
        result = run(["broker", "reload", "--conf", stale])
        check_equal(result.code, 1, repr(result))
        check("no running broker found" in result.err, result.err)
        elsewhere = directory.write("other.conf", "password_file /etc/somewhere-else\n")
        # A --reload that cannot work (CONF does not use the file) is known before the write: refused.
        before = open(pwfile).read()
        result = run(["set", pwfile, "erin", "--stdin", "--reload", "--conf", elsewhere], stdin="e\n")
        check_error(result, 1, f"{pwfile}: {elsewhere}: not reloading the broker: it does not use {pwfile}; nothing "
                               "was written")
        check_equal(open(pwfile).read(), before, "the file")


@case
def the_compat_front_reloads_when_asked_through_the_environment():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        with ReloadableBroker(directory, pwfile) as broker:
            result = run(["compat", "-b", pwfile, "frank", "frank-pw"], env={"MQPASSWD_RELOAD": broker.config})
            check_equal((result.code, result.out), (0, "Adding password for user frank\n"), repr(result))
            broker.check_accepts("frank", "frank-pw")


@case
def check_reports_what_the_broker_would_choke_on():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        conf = directory.write("m.conf", f"listener 1883\npassword_file {pwfile}\n")
        clean = run(["check", pwfile, "--conf", conf])
        check_equal((clean.code, clean.out), (0, f"{pwfile}: no problems found\n"), repr(clean))
        with open(pwfile, "a") as handle:
            handle.write("bob:plain\n")
        report = json.loads(run(["check", pwfile, "--json"]).out)
        check_equal((report["clean"], report["errors"]), (False, 1), "json")
        check_equal(report["findings"][0]["line"], 2, "line")
        if os.geteuid() == 0:
            os.chown(pwfile, 0, 0)
            os.chmod(pwfile, 0o600)
            text = run(["check", pwfile]).out
            check("error: the broker's user mosquitto cannot read it: chown mosquitto:mosquitto" in text, text)


run_cases()
