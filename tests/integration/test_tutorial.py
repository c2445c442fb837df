"""The tutorial new users follow, end to end, on a copy of Debian's own /etc/mosquitto: create the
password file, enable it with a listener, start the broker once, and a third-party client library
(Debian's python3-paho-mqtt) logs in over the network port with the right password and is refused
with a wrong one or none; a user added later with --reload logs in with no restart.

Usage: test_tutorial.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

from harness import TempDir, broker_dir, case, check, check_equal, free_port, run, run_cases, wait_until_listening

try:
    import paho.mqtt.client as mqtt
except ImportError:  # a Python of its own (pyenv) next to Debian's, which holds the package
    sys.path.append("/usr/lib/python3/dist-packages")
    import paho.mqtt.client as mqtt

DEBIAN_CONF = "/etc/mosquitto/mosquitto.conf"
ACCEPTED, NOT_AUTHORISED = 0, 5  # MQTT 3.1.1 CONNACK return codes


def paho_connect(port, user=None, password=None):
    """The CONNACK code paho gets from the broker on 127.0.0.1:`port` (paho 1.6 and 2.x)."""
    if hasattr(mqtt, "CallbackAPIVersion"):
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, client_id=f"tutorial-{os.getpid()}")
    else:
        client = mqtt.Client(client_id=f"tutorial-{os.getpid()}")
    if user is not None:
        client.username_pw_set(user, password)
    answer = {}
    client.on_connect = lambda _client, _userdata, _flags, code: answer.setdefault("code", code)
    client.connect("127.0.0.1", port, keepalive=10)
    deadline = time.monotonic() + 10
    while "code" not in answer and time.monotonic() < deadline:
        client.loop(timeout=0.2)
    client.disconnect()
    return answer.get("code")


def debian_etc(directory):
    """Debian's mosquitto.conf with its paths (conf.d, pid file, persistence, log) moved into
    `directory`, in directories the broker's account may write, as the package makes them."""
    with open(DEBIAN_CONF) as handle:
        text = handle.read()
    os.mkdir(directory.file("conf.d"))
    for name in ("run", "lib", "log"):
        broker_dir(directory, name)
    for old, new in (("/etc/mosquitto/conf.d", directory.file("conf.d")),
                     ("/run/mosquitto/mosquitto.pid", directory.file("run/mosquitto.pid")),
                     ("/var/lib/mosquitto/", directory.file("lib") + "/"),
                     ("/var/log/mosquitto/mosquitto.log", directory.file("log/mosquitto.log"))):
        check(old in text, f"Debian's mosquitto.conf names {old}")
        text = text.replace(old, new)
    return directory.write("mosquitto.conf", text)


class StartedBroker:
    """`mosquitto -c CONF`, as the service starts it, until the block ends (stopped by its PID)."""

    def __init__(self, conf, port, log):
        self.conf, self.port, self.log = conf, port, log

    def __enter__(self):
        self.process = subprocess.Popen([shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", self.conf],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_listening(self.process, self.port, self.log_text)
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)

    def log_text(self):
        return open(self.log).read() if os.path.exists(self.log) else "(no log)"


@case
def the_tutorial_on_debians_configuration_lets_devices_log_in_with_passwords_only():
    with TempDir() as directory:
        conf = debian_etc(directory)
        pwfile = directory.file("passwd")
        created = run(["set", "--create", pwfile, "alice", "--stdin"], stdin="alice-pw\n")
        check_equal(created.code, 0, repr(created))
        port = free_port()
        enabled = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous", "--listener",
                       str(port), "--bind", "127.0.0.1", "--fix-permissions"])
        check_equal(enabled.code, 0, repr(enabled))
        check("restart the broker to apply" in enabled.out, enabled.out)
        checked = run(["check", pwfile, "--conf", conf])
        check_equal(checked.code, 0, repr(checked))
        with StartedBroker(conf, port, directory.file("log/mosquitto.log")) as broker:
            check_equal(paho_connect(port, "alice", "alice-pw"), ACCEPTED, f"alice; log: {broker.log_text()}")
            check_equal(paho_connect(port, "alice", "wrong"), NOT_AUTHORISED, "a wrong password")
            check_equal(paho_connect(port), NOT_AUTHORISED, "no credentials")
            pid = broker.process.pid
            if re.search(r"^pid_file ", directory.read("mosquitto.conf"), re.MULTILINE):
                added = run(["set", pwfile, "bob", "--stdin", "--reload", "--conf", conf], stdin="bob-pw\n")
            else:  # Debian 13's and sid's configuration leave the pid to systemd, which cannot run here
                added = run(["set", pwfile, "bob", "--stdin"], stdin="bob-pw\n")
                check_equal(added.code, 0, repr(added))
                added = run(["broker", "reload", "--conf", conf, "--pid", str(pid)])
            check_equal(added.code, 0, repr(added))
            check(f"reloaded: SIGHUP to mosquitto pid {pid}" in added.out, added.out)
            deadline = time.monotonic() + 10
            while paho_connect(port, "bob", "bob-pw") != ACCEPTED and time.monotonic() < deadline:
                time.sleep(0.1)  # SIGHUP is handled at the broker's next loop
            check_equal(paho_connect(port, "bob", "bob-pw"), ACCEPTED, f"bob after --reload; {broker.log_text()}")
            check_equal(broker.process.pid, pid, "the same broker process: no restart")


run_cases()
