"""The Ansible collection (ansible/, mqpasswd.mosquitto) and the fleet playbook of examples/ansible,
run by Debian's ansible-core against three "hosts" of this machine (ansible_connection=local), each
with its own directory, mosquitto.conf and real broker on its own loopback port.

Usage: test_ansible.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

from harness import (INSTALLED_2_1, MQPASSWD, SOURCE_ROOT, ReloadableBroker, Result, TempDir, case, check,
                     check_equal, run, run_cases)

COLLECTION = os.path.join(SOURCE_ROOT, "ansible")
SITE = os.path.join(SOURCE_ROOT, "examples", "ansible", "site.yml")
PLAIN = os.path.join(SOURCE_ROOT, "examples", "ansible", "mosquitto-users.yml")
MODULES = ("mosquitto_user", "mosquitto_users", "mosquitto_broker")
MARK = "Ans1bleSecret"  # every string password below contains it; no output may
NUMBER = 80473119       # a password given as a YAML integer
USERS = [("sensor1", f"{MARK}-s1"), ("dashboard", f"{MARK}-dash"), ("pump7", NUMBER)]
# How a first run applies `broker enable`: a 2.0 broker reloads its password_file; for 2.1 mqpasswd
# writes the password-file plugin (global_plugin + plugin_opt_password_file), which a reload does
# not load, so site.yml restarts that broker instead (and never runs the reload).
FIRST_RELOADS, FIRST_RESTARTS = (0, 1) if INSTALLED_2_1 else (1, 0)


if not shutil.which("ansible-playbook"):
    print("FAIL ansible-playbook not found: install Debian's ansible-core (scripts/install-deps)")
    raise SystemExit(1)


def ansible_python():
    """The interpreter ansible-core runs on (its scripts' #! line): modules run there too, whatever
    python3 comes first in PATH."""
    with open(shutil.which("ansible-playbook"), encoding="utf-8") as script:
        first = script.readline()
    return first[2:].strip().split()[0] if first.startswith("#!") else "/usr/bin/python3"


class Ansible:
    """ansible-core with a private HOME, temp dirs, configuration and collections path in `directory`,
    the collection as a symlink there, and the mqpasswd under test first in PATH."""

    def __init__(self, directory):
        self.directory = directory
        home = directory.file("home")
        os.mkdir(home, 0o700)
        collections = directory.file("collections")
        os.makedirs(os.path.join(collections, "ansible_collections", "mqpasswd"))
        os.symlink(COLLECTION, os.path.join(collections, "ansible_collections", "mqpasswd", "mosquitto"))
        config = directory.write("ansible.cfg", "[defaults]\n", mode=0o600)
        self.env = dict(os.environ, HOME=home, ANSIBLE_CONFIG=config, ANSIBLE_COLLECTIONS_PATH=collections,
                        ANSIBLE_LOCAL_TEMP=os.path.join(home, "local-tmp"),
                        ANSIBLE_REMOTE_TEMP=os.path.join(home, "remote-tmp"),
                        ANSIBLE_PYTHON_INTERPRETER=ansible_python(), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                        ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_LOCALHOST_WARNING="0",
                        ANSIBLE_INVENTORY_UNPARSED_WARNING="0", ANSIBLE_DEPRECATION_WARNINGS="0",
                        ANSIBLE_SYSTEM_WARNINGS="0", ANSIBLE_STDOUT_CALLBACK="default",
                        PATH=os.path.dirname(os.path.abspath(MQPASSWD)) + os.pathsep + os.environ["PATH"])
        self.env.pop("ANSIBLE_VAULT_PASSWORD_FILE", None)

    def command(self, program, *args, timeout=120, watch=None):
        """Runs an ansible program with no stdin (as CI does); `watch` sees the run while it lasts."""
        process = subprocess.Popen([shutil.which(program)] + list(args), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env,
                                   cwd=self.directory.path)
        if watch:
            watch.start()
        try:
            out, err = process.communicate(timeout=timeout)
        finally:
            if watch:
                watch.stop()
        return Result(subprocess.CompletedProcess(process.args, process.returncode, out, err))

    def playbook(self, inventory, playbook, *args, **kwargs):
        return self.command("ansible-playbook", "-i", inventory, playbook, *args, **kwargs)

    def module(self, inventory, pattern, name, arguments, *args):
        """One module on `pattern` (ad hoc), its arguments as JSON (numbers stay numbers)."""
        return self.command("ansible", "-i", inventory, pattern, "-m", f"mqpasswd.mosquitto.{name}",
                            "-a", json.dumps(arguments), *args)


def recap(result):
    """{host: {"ok": N, "changed": N, "failed": N, ...}} from the PLAY RECAP of a run."""
    hosts = {}
    for line in result.out.split("PLAY RECAP", 1)[-1].splitlines():
        match = re.match(r"(\S+)\s+:\s+(.*)$", line)
        if match:
            hosts[match.group(1)] = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(2))}
    check(hosts, f"no PLAY RECAP: {result!r}")
    return hosts


def failures(result):
    """The results of the failed tasks: {host: result dict}, from `fatal: [host]: FAILED! => {...}`
    (and `host | FAILED! => {` for ad hoc runs, whose JSON spans lines)."""
    found = {}
    for match in re.finditer(r"^fatal: \[([^\]]+)\]: FAILED! => (\{.*\})$", result.out, re.M):
        found[match.group(1)] = json.loads(match.group(2))
    for match in re.finditer(r"^(\S+) \| FAILED! => (\{.*?^\})$", result.out, re.M | re.S):
        found[match.group(1)] = json.loads(match.group(2))
    return found


def fingerprint(path):
    """(sha256, inode, mtime) of a file, or None when it does not exist."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest(), info.st_ino, info.st_mtime_ns


def system_state():
    """This machine's own password file and configuration, the playbooks' defaults: a default that
    won over the inventory would write there."""
    return [fingerprint(path) for path in ("/etc/mosquitto/passwd", "/etc/mosquitto/mosquitto.conf")]


# A host's mosquitto_restart_command, as a service manager would do it: stops the broker by the
# PID recorded in RECORD, starts it again on the same configuration (so the same port and
# pid_file), its output appended to the same log, waits until it listens, and records the new PID
# (and one line in RESTARTS).
RESTART_SCRIPT = """#!{python}
import os, signal, socket, subprocess, sys, time
RECORD, RESTARTS, CONF, LOG, PORT, PID_FILE = {args!r}
def gone(pid):
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
old = int(open(RECORD).read())
os.kill(old, signal.SIGTERM)
deadline = time.monotonic() + 10
while not gone(old):
    if time.monotonic() > deadline:
        sys.exit("mosquitto %d did not stop" % old)
    time.sleep(0.05)
with open(LOG, "a") as log:
    new = subprocess.Popen([{mosquitto!r}, "-c", CONF], stdin=subprocess.DEVNULL, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True).pid
deadline = time.monotonic() + 10
while True:
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=0.2):
            pass
        if open(PID_FILE).read().strip() == str(new):
            break
    except OSError:
        pass
    if time.monotonic() > deadline or gone(new):
        sys.exit("mosquitto did not start again: see " + LOG)
    time.sleep(0.05)
with open(RECORD + ".new", "w") as record:
    record.write(str(new))
os.rename(RECORD + ".new", RECORD)
with open(RESTARTS, "a") as restarts:
    restarts.write("%d -> %d\\n" % (old, new))
"""


class Host:
    """One "host" of the fleet: its own directory, mosquitto.conf (a listener on a free loopback
    port, a pid_file, no password file yet) and broker, started here and stopped by PID; its
    mosquitto_restart_command restarts that broker (stop by PID, start again, the new PID recorded)."""

    def __init__(self, name):
        self.name = name
        self.directory = TempDir()
        self.pwfile = self.directory.file("passwd")
        self.broker = ReloadableBroker(self.directory, self.pwfile, config=lambda port, pid_file: (
            f"listener {port} 127.0.0.1\npersistence false\npid_file {pid_file}\n"))
        self.conf = self.broker.config
        self.broker.__enter__()
        self.pid = self.broker.process.pid
        with open(self.broker.pid_file) as handle:
            check_equal(int(handle.read()), self.pid, f"{name}: the broker's pid_file")
        self.record = self.directory.write("broker.pid", str(self.pid))
        self.restarts_log = self.directory.file("restarts")
        self.restart_command = self.directory.write("restart-broker", RESTART_SCRIPT.format(
            python=sys.executable, mosquitto=shutil.which("mosquitto") or "/usr/sbin/mosquitto",
            args=(self.record, self.restarts_log, self.conf, self.broker.log, self.broker.port,
                  self.broker.pid_file)), mode=0o755)

    def inventory_line(self):
        return (f"{self.name} ansible_connection=local mosquitto_conf={self.conf} mosquitto_pwfile={self.pwfile} "
                f"mosquitto_become=false mosquitto_restart_command={self.restart_command}")

    def current_pid(self):
        with open(self.record) as handle:
            return int(handle.read())

    def restart(self):
        """What an administrator does after `broker enable` asks for a restart."""
        completed = subprocess.run([self.restart_command], capture_output=True, text=True, timeout=60)
        check_equal(completed.returncode, 0, f"{self.name}: restart: {completed.stderr}")

    def restarts(self):
        try:
            with open(self.restarts_log) as handle:
                return len(handle.read().splitlines())
        except FileNotFoundError:
            return 0

    def running(self):
        pid = self.current_pid()
        if pid == self.broker.process.pid:
            return self.broker.process.poll() is None
        self.broker.process.poll()  # reaps the broker a restart stopped
        try:
            with open(f"/proc/{pid}/stat") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    def reloads(self):
        return self.broker.log_text().count("Reloading config")

    def wait_for_reloads(self, count, restarts=None):
        """`count` reloads in the broker's log (over restarts: they append to it), and `restarts`
        restarts (the first run's, FIRST_RESTARTS, unless said)."""
        deadline = time.monotonic() + 10
        while self.reloads() < count:
            check(time.monotonic() < deadline, f"{self.name}: {self.reloads()} reloads, expected {count}")
            time.sleep(0.05)
        time.sleep(0.1)  # the reload is logged before the password file is read again
        check_equal(self.reloads(), count, f"{self.name}: reloads")
        check_equal(self.restarts(), FIRST_RESTARTS if restarts is None else restarts, f"{self.name}: restarts")
        check(self.running(), f"{self.name}: the broker stopped: {self.broker.log_text()}")

    def state(self):
        return fingerprint(self.pwfile), fingerprint(self.conf)

    def close(self):
        pid = self.current_pid()
        if pid != self.broker.process.pid and self.running():  # a restarted broker, not our child
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while self.running() and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.running():
                os.kill(pid, signal.SIGKILL)
        self.broker.__exit__(None, None, None)
        self.directory.__exit__(None, None, None)


class Fleet:
    """Three hosts, an inventory of them, and ansible-core set up in a directory of its own."""

    def __init__(self, count=3):
        self.system = system_state()
        self.control = TempDir()
        self.hosts = []
        try:
            for index in range(count):
                self.hosts.append(Host(f"broker{index + 1}"))
        except BaseException:
            self.__exit__()
            raise
        self.inventory = self.control.write("inventory.ini", "[brokers]\n" + "".join(
            host.inventory_line() + "\n" for host in self.hosts), mode=0o600)
        self.ansible = Ansible(self.control)

    def users_file(self, users, name="users.yml"):
        """A vars file of mqtt_users, as a vault would give them (YAML: integers stay integers)."""
        lines = ["mqtt_users:\n"]
        for user, password in users:
            value = password if isinstance(password, int) else json.dumps(password)
            lines.append(f"  - name: {user}\n    password: {value}\n")
        return self.control.write(name, "".join(lines), mode=0o600)

    def site(self, users, *args, **kwargs):
        return self.ansible.playbook(self.inventory, SITE, "-e", "@" + self.users_file(users), *args, **kwargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for host in self.hosts:
            host.close()
        self.control.__exit__(None, None, None)
        check_equal(system_state(), self.system, "the system's own Mosquitto files after the case")


def check_ran(result, what):
    check_equal(result.code, 0, f"{what}: {result!r}")
    for host, counts in recap(result).items():
        check_equal((counts.get("failed"), counts.get("unreachable")), (0, 0), f"{what}: {host}")


def check_logins(host, users, refused=()):
    for user, password in users:
        host.broker.check_accepts(user, str(password))
        host.broker.check_refuses(user, str(password) + "x")
    for user, password in refused:
        host.broker.check_refuses(user, str(password))


def check_no_secret(text, what):
    check(MARK not in text, f"a password leaked in {what}")
    check(str(NUMBER) not in text, f"the integer password leaked in {what}")


@case
def the_fleet_playbook_adds_users_everywhere_and_reloads_only_what_changed():
    with Fleet() as fleet:
        for host in fleet.hosts:  # no password file yet: nobody logs in
            check_logins(host, [], refused=USERS)
        first = fleet.site(USERS)
        check_ran(first, "first run")
        for host in fleet.hosts:
            check_equal(recap(first)[host.name]["changed"], 3,
                        f"{host.name}: file, conf, {'restart' if INSTALLED_2_1 else 'reload'}: {recap(first)}")
            host.wait_for_reloads(FIRST_RELOADS)
            check_equal(host.current_pid() != host.pid, INSTALLED_2_1, f"{host.name}: a new broker process")
            check_logins(host, USERS)
            info = os.stat(host.pwfile)
            check_equal(info.st_mode & 0o777, 0o600, f"{host.name}: mode of the new file")
            lines = open(host.conf).read().splitlines()
            if INSTALLED_2_1:
                check("plugin_opt_password_file " + host.pwfile in lines and any(
                    line.startswith("global_plugin ") and line.endswith("/mosquitto_password_file.so")
                    for line in lines), f"{host.name}: conf: {lines}")
            else:
                check("password_file " + host.pwfile in lines, f"{host.name}: conf: {lines}")
        if INSTALLED_2_1:  # the reload a 2.1 broker would refuse never ran; the restart replaced it
            check("TASK [Reload the brokers whose users or configuration changed]" in first.out, first.out)
            section = first.out.split("TASK [Reload the brokers", 1)[1].split("TASK [", 1)[0]
            check(all(f"skipping: [{host.name}]" in section for host in fleet.hosts), first.out)
        check_no_secret(first.out + first.err, "the first run")

        before = [host.state() for host in fleet.hosts]
        second = fleet.site(USERS)
        check_ran(second, "second run")
        check_equal({name: counts["changed"] for name, counts in recap(second).items()},
                    {host.name: 0 for host in fleet.hosts}, "second run: changed")
        check_equal([host.state() for host in fleet.hosts], before, "second run: files untouched")
        time.sleep(0.2)
        check_equal([host.reloads() for host in fleet.hosts], [FIRST_RELOADS] * 3, "second run: no reload")

        # Out of band, one broker's file loses a user: only that broker is rewritten and reloaded.
        check_equal(run(["delete", "-q", fleet.hosts[1].pwfile, "pump7"]).code, 0)
        drifted = [host.state() for host in fleet.hosts]
        third = fleet.site(USERS)
        check_ran(third, "third run")
        changes = {name: counts["changed"] for name, counts in recap(third).items()}
        check_equal((changes["broker1"], changes["broker3"]), (0, 0), f"third run: {changes}")
        check_equal(changes["broker2"], 2, f"third run: the file and the reload: {changes}")
        fleet.hosts[1].wait_for_reloads(FIRST_RELOADS + 1)
        check_equal([fleet.hosts[0].reloads(), fleet.hosts[2].reloads()], [FIRST_RELOADS] * 2, "third run: the others")
        check_equal((fleet.hosts[0].state(), fleet.hosts[2].state()), (drifted[0], drifted[2]), "others untouched")
        check_logins(fleet.hosts[1], USERS)


@case
def check_mode_shows_masked_diffs_and_changes_nothing():
    with Fleet() as fleet:
        fresh = [host.state() for host in fleet.hosts]
        planned = fleet.site(USERS, "--check", "--diff")
        check_ran(planned, "check mode on a fresh fleet")
        check_equal([host.state() for host in fleet.hosts], fresh, "check mode created or edited something")
        check("+sensor1:$7$********" in planned.out, planned.out)
        check_no_secret(planned.out + planned.err, "check mode")

        check_ran(fleet.site(USERS), "the real run")
        for host in fleet.hosts:
            host.wait_for_reloads(FIRST_RELOADS)
        before = [host.state() for host in fleet.hosts]
        changed_users = [("sensor1", f"{MARK}-s1-new"), ("dashboard", f"{MARK}-dash"), ("newbie", f"{MARK}-n")]
        planned = fleet.site(changed_users, "--check", "--diff")
        check_ran(planned, "check mode")
        for host in fleet.hosts:
            check(recap(planned)[host.name]["changed"] >= 2, f"{host.name}: would change and reload: {recap(planned)}")
        for line in ("-sensor1:$7$********", "+sensor1:$7$********", "+newbie:$7$********", "-pump7:$7$********"):
            check(line in planned.out, f"{line!r} not in the diff: {planned.out}")
        check_no_secret(planned.out + planned.err, "check mode")
        time.sleep(0.2)
        check_equal([host.state() for host in fleet.hosts], before, "check mode wrote")
        check_equal([host.reloads() for host in fleet.hosts], [FIRST_RELOADS] * 3, "check mode signalled a broker")
        for host in fleet.hosts:
            check_logins(host, USERS, refused=[changed_users[0], changed_users[2]])

        applied = fleet.site(changed_users, "--diff")  # the same diff, applied
        check_ran(applied, "the change")
        check("+newbie:$7$********" in applied.out, applied.out)
        for host in fleet.hosts:
            host.wait_for_reloads(FIRST_RELOADS + 1)
            check_logins(host, changed_users, refused=[USERS[0], USERS[2]])


@case
def a_restart_is_run_when_needed_or_refused_clearly_and_never_replaced_by_a_reload():
    with Fleet(count=2) as fleet:
        no_way = ["-e", json.dumps({"mosquitto_restart_command": "", "mosquitto_service": ""})]
        first = fleet.site(USERS, *no_way)
        if INSTALLED_2_1:  # the plugin needs a restart, and nothing says how: a clear failure, no reload
            check(first.code != 0, f"a needed restart with no way to restart: {first!r}")
            failed = failures(first)
            for host in fleet.hosts:
                message = failed.get(host.name, {}).get("msg", "")
                check("\n" not in message and "must be restarted, not reloaded" in message
                      and "mosquitto_restart_command" in message and host.conf in message, f"{host.name}: {first.out}")
                check_equal((host.reloads(), host.restarts(), host.current_pid()), (0, 0, host.pid),
                            f"{host.name}: reloads, restarts, pid")
                check_logins(host, [], refused=USERS)  # the running broker still has no password file
            # Once a restart is configured, forcing it applies what the failed run wrote.
            forced = fleet.site(USERS, "-e", "mosquitto_force_restart=true")
        else:  # a 2.0 broker reloads its password_file: no restart asked for, none needed
            forced = first
        check_ran(forced, "a run that applies the configuration")
        for host in fleet.hosts:
            host.wait_for_reloads(FIRST_RELOADS)
            check_logins(host, USERS)
        check_no_secret(first.out + first.err + forced.out + forced.err, "the restart runs")

        # A forced restart, planned: nothing is stopped, the plan says it would restart.
        planned = fleet.site(USERS, "--check", "-e", "mosquitto_force_restart=true")
        check_ran(planned, "a forced restart in check mode")
        for host in fleet.hosts:
            check_equal(recap(planned)[host.name]["changed"], 1, f"{host.name}: would restart: {recap(planned)}")
            check_equal(host.restarts(), FIRST_RESTARTS, f"{host.name}: check mode restarted")
        check("would run " + fleet.hosts[0].restart_command in planned.out, planned.out)

        # Without a way to restart, a forced restart fails before anything is stopped, on 2.0 too.
        refused = fleet.site(USERS, "-e", "mosquitto_force_restart=true", *no_way)
        check(refused.code != 0, f"a forced restart with no way to restart: {refused!r}")
        check("must be restarted, not reloaded" in failures(refused)["broker1"]["msg"], refused.out)
        for host in fleet.hosts:
            host.wait_for_reloads(FIRST_RELOADS)

        # Forced with the host's restart command: a new broker process, the users still log in.
        before = [host.current_pid() for host in fleet.hosts]
        restarted = fleet.site(USERS, "-e", "mosquitto_force_restart=true")
        check_ran(restarted, "a forced restart")
        for host, pid in zip(fleet.hosts, before):
            check_equal(recap(restarted)[host.name]["changed"], 1, f"{host.name}: the restart: {recap(restarted)}")
            host.wait_for_reloads(FIRST_RELOADS, restarts=FIRST_RESTARTS + 1)
            check(host.current_pid() != pid, f"{host.name}: the same broker process")
            check_logins(host, USERS)


PER_USER = """
- hosts: brokers
  gather_facts: false
  tasks:
    - name: one user, as asked
      mqpasswd.mosquitto.mosquitto_user:
        path: "{{ mosquitto_pwfile }}"
        name: "{{ user }}"
        password: "{{ password | default(omit) }}"
        state: "{{ state }}"
        update_password: "{{ update | default('always') }}"
      register: user_result
    - name: reload when it changed
      mqpasswd.mosquitto.mosquitto_broker:
        state: reloaded
        conf: "{{ mosquitto_conf }}"
      when: user_result is changed
"""


@case
def state_absent_removes_and_the_single_user_module_is_idempotent():
    with Fleet() as fleet:
        check_ran(fleet.site(USERS), "provisioning")
        for host in fleet.hosts:
            host.wait_for_reloads(FIRST_RELOADS)
        playbook = fleet.control.write("user.yml", PER_USER, mode=0o600)

        def per_user(*extra):
            return fleet.ansible.playbook(fleet.inventory, playbook, *extra)
        removed = per_user("-e", "user=dashboard state=absent")
        check_ran(removed, "state: absent")
        for host in fleet.hosts:
            check_equal(recap(removed)[host.name]["changed"], 2, f"{host.name}: removed and reloaded")
            host.wait_for_reloads(FIRST_RELOADS + 1)
            check_logins(host, [USERS[0], USERS[2]], refused=[USERS[1]])
        again = per_user("-e", "user=dashboard state=absent")
        check_ran(again, "state: absent again")
        check_equal({counts["changed"] for counts in recap(again).values()}, {0}, "absent twice")

        # A YAML integer given to the single-user module; then on_create never changes it.
        added = per_user("-e", '{"user": "meter", "password": 1234567, "state": "present"}')
        check_ran(added, "an integer password")
        for host in fleet.hosts:
            host.wait_for_reloads(FIRST_RELOADS + 2)
            host.broker.check_accepts("meter", "1234567")
        kept = per_user("-e", '{"user": "meter", "password": "other", "state": "present", "update": "on_create"}')
        check_ran(kept, "update_password: on_create")
        check_equal({counts["changed"] for counts in recap(kept).values()}, {0}, "on_create changed a password")
        changed = per_user("-e", '{"user": "meter", "password": 7654321, "state": "present"}')
        check_ran(changed, "update_password: always")
        for host in fleet.hosts:
            check_equal(recap(changed)[host.name]["changed"], 2, f"{host.name}: changed and reloaded")
            host.wait_for_reloads(FIRST_RELOADS + 3)
            host.broker.check_accepts("meter", "7654321")
            host.broker.check_refuses("meter", "1234567")
        for host in fleet.hosts:
            os.unlink(host.pwfile)
        missing = per_user("-e", "user=dashboard state=absent")
        check_ran(missing, "state: absent on a missing file")
        check_equal({counts["changed"] for counts in recap(missing).values()}, {0}, "a missing file")
        check(all(not os.path.exists(host.pwfile) for host in fleet.hosts), "absent created the file")


class ProcessWatch:
    """Reads every process's command line and environment while a run lasts, and keeps what
    holds one of `secrets`."""

    def __init__(self, secrets):
        self.secrets = [secret.encode() for secret in secrets]
        self.seen = []
        self.looked = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=10)

    def _watch(self):
        own = str(os.getpid())
        while not self._stop.is_set():
            for pid in os.listdir("/proc"):
                if not pid.isdigit() or pid == own:
                    continue
                for part in ("cmdline", "environ"):
                    try:
                        with open(f"/proc/{pid}/{part}", "rb") as handle:
                            data = handle.read()
                    except OSError:
                        continue
                    self.looked += 1
                    if any(secret in data for secret in self.secrets):
                        self.seen.append((pid, part, data[:200]))


def mqpasswd_spy(directory):
    """A `mqpasswd` first in PATH that appends its argv and environment to a log, then execs the
    real one (stdin and all): what every mqpasswd the modules start was given, however short-lived."""
    wrapper_dir = directory.file("spy")
    os.mkdir(wrapper_dir)
    log = directory.file("spy.log")
    wrapper = os.path.join(wrapper_dir, "mqpasswd")
    with open(wrapper, "w") as handle:
        handle.write(f"#!/bin/sh\n{{ echo '-- argv'; printf '%s\\n' \"$@\"; echo '-- environ'; env; }} >> '{log}'\n"
                     f"exec '{os.path.abspath(MQPASSWD)}' \"$@\"\n")
    os.chmod(wrapper, 0o755)
    return wrapper_dir, log


@case
def passwords_never_reach_the_output_verbose_output_or_the_process_list():
    with Fleet(count=1) as fleet:
        # The watch sees what it is meant to: a process with a secret in its command line.
        control = ProcessWatch([MARK])
        control.start()
        subprocess.run(["sh", "-c", "sleep 0.5", f"{MARK}-control"], check=True)
        control.stop()
        check(control.seen, "the process watch missed a secret in a command line")

        spy_dir, spy_log = mqpasswd_spy(fleet.control)
        fleet.ansible.env["PATH"] = spy_dir + os.pathsep + fleet.ansible.env["PATH"]
        # ansible-core 2.21 and later add a module's arguments (`invocation`) to its result, which
        # -vvv shows, only when asked: asked, so that their masking is checked on every version.
        fleet.ansible.env["ANSIBLE_INJECT_INVOCATION"] = "1"
        watch = ProcessWatch([MARK, str(NUMBER)])
        result = fleet.site(USERS, "-vvv", "--diff", watch=watch)
        check_ran(result, "-vvv")
        check(watch.looked > 100, f"the process list was read {watch.looked} times")
        check_equal(watch.seen, [], "a password in a command line or an environment")
        with open(spy_log, encoding="utf-8") as handle:
            spied = handle.read()
        check(spied.count("-- argv\nimport\n") == 2, f"the dry run for the diff, then the import: {spied[:300]}")
        check_no_secret(spied, "mqpasswd's argv or environment")
        # The mask: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER, or $REDACTED$ from ansible-core 2.19 on.
        masked = re.findall(r'"password": "(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER|\$REDACTED\$)"', result.out)
        check("mosquitto_users" in result.out and len(masked) >= len(USERS),
              f"-vvv shows the module's arguments, masked: {masked}")
        check_no_secret(result.out + result.err, "-vvv output")
        fleet.hosts[0].wait_for_reloads(FIRST_RELOADS)
        check_logins(fleet.hosts[0], USERS)


@case
def the_collection_free_playbook_imports_and_reloads_without_systemd():
    with Fleet(count=2) as fleet:
        users = fleet.control.write("plain.yml", "mqtt_users:\n" + "".join(
            f"  - {{username: {user}, password: \"{password}\"}}\n" for user, password in USERS), mode=0o600)

        def plain(*extra):
            return fleet.ansible.playbook(fleet.inventory, PLAIN, "-e", "@" + users, "-e", "mosquitto_become=false",
                                          *extra)
        # The broker must already use the file: this playbook only imports and reloads. For 2.1
        # `broker enable` configures the password-file plugin and says the broker needs a restart
        # (a reload loads no plugin, and `broker reload` would refuse): done as an administrator would.
        for host in fleet.hosts:
            host.directory.write("passwd", "", mode=0o600)
            enabled = run(["broker", "enable", "--json", "--conf", host.conf, "--pwfile", host.pwfile,
                           "--fix-permissions"])
            check_equal(enabled.code, 0, repr(enabled))
            check_equal(json.loads(enabled.out).get("restart_needed"), INSTALLED_2_1, f"{host.name}: {enabled.out}")
            if INSTALLED_2_1:
                host.restart()
            check_equal(host.restarts(), FIRST_RESTARTS, f"{host.name}: restarts")
        first = plain()
        check_ran(first, "first run")
        for host in fleet.hosts:
            check_equal(recap(first)[host.name]["changed"], 2, f"{host.name}: imported and reloaded")
            host.wait_for_reloads(1)
            check_logins(host, USERS)
        second = plain()
        check_ran(second, "second run")
        check_equal({counts["changed"] for counts in recap(second).values()}, {0}, "second run")
        check_equal([host.reloads() for host in fleet.hosts], [1, 1], "second run: no reload")
        check_no_secret(first.out + first.err + second.out + second.err, "the plain playbook")


def check_one_line_failure(result, host, message_part, what):
    check(result.code != 0, f"{what}: the run succeeded: {result!r}")
    failed = failures(result)
    check(host in failed, f"{what}: no failure of {host}: {result.out}")
    message = failed[host]["msg"]
    check("\n" not in message and message_part in message, f"{what}: {message!r}")
    return failed[host]


@case
def errors_come_back_as_mqpasswd_one_line_message_and_touch_nothing():
    with Fleet(count=1) as fleet:
        host = fleet.hosts[0]
        check_ran(fleet.site(USERS), "provisioning")
        host.wait_for_reloads(FIRST_RELOADS)
        before = host.state()
        ansible = fleet.ansible
        bad_name = ansible.module(fleet.inventory, "broker1", "mosquitto_user",
                                  {"path": host.pwfile, "name": "bad:name", "password": f"{MARK}-x"})
        failed = check_one_line_failure(bad_name, "broker1", "mqpasswd: username must not contain ':'", "bad name")
        check_equal(failed.get("exit_code"), 2, "mqpasswd's exit code")
        check_no_secret(bad_name.out + bad_name.err, "a failure")

        twice = ansible.module(fleet.inventory, "broker1", "mosquitto_users", {"path": host.pwfile, "users": [
            {"name": "new", "password": f"{MARK}-1"}, {"name": "bad\tname", "password": f"{MARK}-2"}]})
        check_one_line_failure(twice, "broker1", "mqpasswd: standard input:2: username must not contain control",
                               "an invalid user among valid ones")
        check_no_secret(twice.out + twice.err, "a failed import")

        # mqpasswd refuses the options before it reads a byte of the 200 KB on its stdin: its
        # message, not the module's "Broken pipe".
        many = fleet.control.write("many.json", json.dumps({"many": [
            {"name": f"user{i}", "password": f"{MARK}-{i:040d}"} for i in range(3000)]}), mode=0o600)
        refused = ansible.module(fleet.inventory, "broker1", "mosquitto_users",
                                 {"path": host.pwfile, "users": "{{ many }}", "iterations": 0}, "-e", "@" + many)
        check_one_line_failure(refused, "broker1", "mqpasswd: --iterations must be from 1", "stdin never read")
        check_no_secret(refused.out + refused.err, "a failure with many users")

        missing = ansible.module(fleet.inventory, "broker1", "mosquitto_user",
                                 {"path": host.directory.file("nope"), "name": "a", "password": "b", "create": False})
        check_one_line_failure(missing, "broker1", "no such file (use --create", "create: false")

        empty = ansible.module(fleet.inventory, "broker1", "mosquitto_users",
                               {"path": host.pwfile, "users": [], "prune": True})
        check_one_line_failure(empty, "broker1", "would remove every user", "an empty list with prune")
        check_equal(host.state(), before, "the file after the failures")

        boolean = ansible.module(fleet.inventory, "broker1", "mosquitto_users",
                                 {"path": host.pwfile, "users": [{"name": "a", "password": True}]})
        check_one_line_failure(boolean, "broker1", "password must be a string (a YAML bool", "a boolean password")

        no_broker_conf = host.directory.write("other.conf", f"listener 1 127.0.0.1\npassword_file {host.pwfile}\n")
        reload = ansible.module(fleet.inventory, "broker1", "mosquitto_broker",
                                {"state": "reloaded", "conf": no_broker_conf})
        check_one_line_failure(reload, "broker1", "mqpasswd: " + no_broker_conf + ": no running broker found",
                               "no broker")
        check_equal(host.reloads(), FIRST_RELOADS, "a broker was signalled")

        explicit = ansible.module(fleet.inventory, "broker1", "mosquitto_user", {
            "path": host.pwfile, "name": "sensor1", "password": USERS[0][1], "mqpasswd": os.path.abspath(MQPASSWD)})
        check(explicit.code == 0 and "broker1 | SUCCESS" in explicit.out, f"an explicit mqpasswd: {explicit!r}")
        nowhere = ansible.module(fleet.inventory, "broker1", "mosquitto_user", {
            "path": host.pwfile, "name": "sensor1", "password": USERS[0][1], "mqpasswd": host.directory.file("no-such")})
        check_one_line_failure(nowhere, "broker1", "no-such is not an executable file", "no such mqpasswd")
        check_equal(host.state(), before, "the file after the failures")

        # JSON numbers reach the module as numbers, as YAML ones do: each is its string form.
        numbers = ansible.module(fleet.inventory, "broker1", "mosquitto_users", {"path": host.pwfile, "users": [
            {"name": "counter", "password": 4242424242}, {"name": "ratio", "password": 3.25}]})
        check_equal(numbers.code, 0, repr(numbers))
        for user, password in (("counter", "4242424242"), ("ratio", "3.25")):
            check_equal(run(["verify", host.pwfile, user, "--stdin"], stdin=password + "\n").code, 0, user)

        emptied = ansible.module(fleet.inventory, "broker1", "mosquitto_users",
                                 {"path": host.pwfile, "users": [], "prune": True, "allow_empty_prune": True})
        check_equal(emptied.code, 0, repr(emptied))
        check_equal(open(host.pwfile).read(), "", "allow_empty_prune empties the file")


@case
def ansible_doc_renders_every_module():
    with TempDir() as directory:
        ansible = Ansible(directory)
        for module in MODULES:
            for args in (["-M", os.path.join(COLLECTION, "plugins", "modules"), module],
                         [f"mqpasswd.mosquitto.{module}"]):
                shown = ansible.command("ansible-doc", *args)
                check_equal((shown.code, shown.err), (0, ""), f"ansible-doc {args}")
                for section in ("OPTIONS", "EXAMPLES:", "RETURN VALUES:", "= path" if module != "mosquitto_broker"
                                else "- conf"):
                    check(section in shown.out, f"{module}: no {section!r} in {shown.out[:400]}")
        # Each module's EXAMPLES, as the tasks of a play, is a valid playbook for ansible-core.
        plays = []
        for module in MODULES:
            shown = json.loads(ansible.command("ansible-doc", "--json", f"mqpasswd.mosquitto.{module}").out)
            examples = shown[f"mqpasswd.mosquitto.{module}"]["examples"]
            check(f"mqpasswd.mosquitto.{module}:" in examples, f"{module}: its EXAMPLES do not use it")
            plays.append("- hosts: all\n  gather_facts: false\n  tasks:\n" + "".join(
                f"    {line}\n" if line.strip() else "\n" for line in examples.splitlines()))
        playbook = directory.write("examples.yml", "".join(plays))
        syntax = ansible.command("ansible-playbook", "--syntax-check", "-i", "localhost,", playbook)
        check_equal(syntax.code, 0, f"EXAMPLES: {syntax!r}")
        listing = ansible.command("ansible-doc", "-l", "mqpasswd.mosquitto")
        check_equal(sorted(line.split()[0] for line in listing.out.splitlines() if line.strip()),
                    [f"mqpasswd.mosquitto.{module}" for module in sorted(MODULES)], "ansible-doc -l")


run_cases()
