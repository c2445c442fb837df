"""check and the broker hook against a real, running mosquitto: users added or deleted with
--reload take effect with no restart (same PID); a file that would hurt the broker is refused.

Usage: test_reload.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import glob
import json
import os
import pwd
import re
import signal
import socket
import subprocess
import time

from harness import (ReloadableBroker, TempDir, broker_dir, case, check, check_equal, check_error, free_port, needs_root,
                     new_password_file, run, run_cases)

INIT_SCRIPT = "/etc/init.d/mosquitto"
SYSTEMD_UNIT = "/lib/systemd/system/mosquitto.service"


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


def daemon_setup(directory):
    """A configuration for a broker that runs in the background: (conf, pid file, port)."""
    pid_file = os.path.join(broker_dir(directory, "run"), "mosquitto.pid")
    port = free_port()
    pwfile = new_password_file(directory)
    conf = directory.write("mosquitto.conf", f"listener {port} 127.0.0.1\nallow_anonymous false\n"
                                             f"password_file {pwfile}\npid_file {pid_file}\npersistence false\n")
    return conf, pwfile, pid_file, port


def wait_for_daemon(pid_file, port):
    """The daemon's pid, once it listens and has written its pid file."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2), open(pid_file) as handle:
                text = handle.read().strip()
                if text:
                    return int(text)
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("the daemon did not start")


def stop_daemon(pid):
    """Stops the broker this test started, by its pid, once it is seen to be mosquitto."""
    try:
        program = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return  # gone already (or a zombie its parent is reaping)
    if os.path.basename(program) == "mosquitto":
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
            time.sleep(0.05)


def check_reload_reaches(conf, pwfile, pid_file, port, pid):
    added = run(["set", pwfile, "bob", "--stdin", "--reload", "--conf", conf], stdin="bob-pw\n")
    check_equal(added.code, 0, repr(added))
    check(f"reloaded: SIGHUP to mosquitto pid {pid} (pid_file {pid_file})" in added.out, added.out)
    check_accepted(port, "bob", "bob-pw")


def check_accepted(port, user, password):
    """mosquitto_pub as `user` is accepted, once the broker has handled the SIGHUP."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        published = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-u", user, "-P", password,
                                    "-t", "t", "-m", "x"], capture_output=True, timeout=20)
        if published.returncode == 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"{user} was not accepted after the reload: {published.stderr!r}")


@case
def a_broker_started_by_hand_as_a_daemon_is_reloaded_through_its_pid_file():
    with TempDir() as directory:
        conf, pwfile, pid_file, port = daemon_setup(directory)
        started = subprocess.run(["mosquitto", "-d", "-c", conf], capture_output=True, timeout=20)
        check_equal(started.returncode, 0, repr(started))
        pid = wait_for_daemon(pid_file, port)
        try:
            check_reload_reaches(conf, pwfile, pid_file, port, pid)
        finally:
            stop_daemon(pid)


@case
def a_broker_started_by_debians_init_script_is_reloaded_as_the_script_would():
    # Debian's own script, as shipped, pointed at this configuration. Debian 12's makes the pid file
    # itself (start-stop-daemon --make-pidfile, as root), so the configuration has no pid_file (the
    # broker, once it has dropped to its user, could not rewrite root's file) and mqpasswd finds the
    # broker by the script's file; Debian 13's and sid's leave it to the broker's pid_file.
    init_pid_file = "/run/mosquitto/mosquitto.pid"
    if not os.path.exists(INIT_SCRIPT) or not needs_root("the init script's /run/mosquitto"):
        return
    if os.path.exists(init_pid_file):
        print(f"     ({init_pid_file} exists: a broker of this system's may be running; not run)")
        return
    with open(INIT_SCRIPT) as handle:
        script = handle.read()
    check("/run/mosquitto" in script and "/etc/mosquitto/mosquitto.conf" in script, "the script's paths")
    makes_pid_file = "--make-pidfile" in script
    made_run_dir = not os.path.isdir("/run/mosquitto")
    if made_run_dir:  # as Debian's systemd unit makes it
        os.mkdir("/run/mosquitto", 0o740)
        os.chown("/run/mosquitto", pwd.getpwnam("mosquitto").pw_uid, 0)
    with TempDir() as directory:
        conf, pwfile, _, port = daemon_setup(directory)
        account = pwd.getpwnam("mosquitto")
        os.chown(pwfile, account.pw_uid, account.pw_gid)  # a script that starts it as mosquitto (--chuid)
        lines = [line for line in directory.read("mosquitto.conf").splitlines() if not line.startswith("pid_file")]
        if not makes_pid_file:
            lines.append(f"pid_file {init_pid_file}")
        conf = directory.write("mosquitto.conf", "".join(line + "\n" for line in lines))
        copy = directory.write("init-mosquitto", script.replace("/etc/mosquitto/mosquitto.conf", conf), mode=0o755)
        try:
            started = subprocess.run(["sh", copy, "start"], capture_output=True, text=True, timeout=30)
            check_equal(started.returncode, 0, repr(started))
            pid = wait_for_daemon(init_pid_file, port)
            try:
                added = run(["set", pwfile, "bob", "--stdin", "--reload", "--conf", conf], stdin="bob-pw\n")
                check_equal(added.code, 0, repr(added))
                how = "init script pid file" if makes_pid_file else "pid_file"
                check(f"reloaded: SIGHUP to mosquitto pid {pid} ({how} {init_pid_file})" in added.out, added.out)
                check_accepted(port, "bob", "bob-pw")
                scripted = subprocess.run(["sh", copy, "reload"], capture_output=True, text=True, timeout=30)
                check_equal(scripted.returncode, 0, f"the script's own reload: {scripted!r}")
                check(os.path.exists(f"/proc/{pid}"), "the broker runs on after the script's reload")
            finally:
                subprocess.run(["sh", copy, "stop"], capture_output=True, timeout=30)
                if os.path.exists(f"/proc/{pid}"):
                    stop_daemon(pid)
        finally:
            if os.path.exists(init_pid_file):
                os.remove(init_pid_file)
            if made_run_dir:
                os.rmdir("/run/mosquitto")


@case
def a_reload_that_would_load_a_plugin_is_refused_not_reported_done():
    plugins = glob.glob("/usr/lib/*/mosquitto_dynamic_security.so") + glob.glob(
        "/usr/lib/*/mosquitto/mosquitto_dynamic_security.so")
    if not plugins:
        print("     (no mosquitto_dynamic_security.so here: not run)")
        return
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        with ReloadableBroker(directory, pwfile) as broker:
            with open(broker.config, "a") as handle:
                handle.write(f"plugin {plugins[0]}\nplugin_opt_config_file {directory.file('dynsec.json')}\n")
            refused = run(["broker", "reload", "--conf", broker.config])
            line = directory.read("mosquitto.conf").count("\n") - 1
            check_error(refused, 1, f"{broker.config}:{line}: not reloading the broker: mosquitto {broker.process.pid} "
                                    f"has not loaded {plugins[0]}, and a reload loads no plugin: restart it")
            check(broker.process.poll() is None, "the broker runs on")


@case
def debians_systemd_unit_reloads_with_the_same_sighup():
    if not os.path.exists(SYSTEMD_UNIT):
        print("     (no mosquitto.service on this system: not run)")
        return
    with open(SYSTEMD_UNIT) as handle:
        unit = handle.read()
    # systemd cannot run as PID 1 here; what `systemctl reload mosquitto` runs is read from the unit.
    check(re.search(r"^ExecReload=/bin/kill -HUP \$MAINPID$", unit, re.MULTILINE), unit)
    check(re.search(r"^ExecStart=/usr/sbin/mosquitto -c /etc/mosquitto/mosquitto.conf$", unit, re.MULTILINE), unit)


run_cases()
