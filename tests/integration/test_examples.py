"""The examples work as documented: the Docker entrypoint, run here without Docker.

Usage: test_examples.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import hashlib
import json
import os
import re
import subprocess

from harness import MQPASSWD, SOURCE_ROOT, TempDir, case, check, check_equal, run, run_cases

ENTRYPOINT = os.path.join(SOURCE_ROOT, "examples", "docker", "entrypoint.sh")
PLAYBOOK = os.path.join(SOURCE_ROOT, "examples", "ansible", "mosquitto-users.yml")


def playbook_argv(pwfile, check_mode=False):
    """The argv of the playbook's mqpasswd task, its Jinja expressions evaluated as Ansible would."""
    with open(PLAYBOOK, encoding="utf-8") as handle:
        text = handle.read()
    block = text.split("argv:", 1)[1].split("stdin:", 1)[0]
    argv = []
    for line in block.splitlines():
        match = re.match(r"\s+- (.*?)(?:\s+#.*)?$", line)
        if not match:
            continue
        item = match.group(1).strip('"')
        item = item.replace("{{ '--dry-run' if ansible_check_mode else '--quiet' }}",
                            "--dry-run" if check_mode else "--quiet")
        item = item.replace("{{ mosquitto_pwfile }}", pwfile)
        check("{{" not in item, f"an expression this test does not know: {item}")
        argv.append(item)
    check_equal(argv[0], "mqpasswd", "the task runs mqpasswd")
    check("stdin: \"{{ mqtt_users | to_json }}\"" in text, "the task sends mqtt_users as one JSON array")
    return argv[1:]


def entrypoint(directory, env, *command):
    full_env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(MQPASSWD)) + ":" + os.environ["PATH"],
                    PASSWORD_FILE=directory.file("passwd"), **env)
    return subprocess.run(["sh", ENTRYPOINT, *command], env=full_env, capture_output=True, text=True, timeout=60)


@case
def the_docker_entrypoint_builds_the_file_from_secrets_and_runs_the_command():
    with TempDir() as directory:
        users = directory.write("users.txt", "sensor1:s1-secret\nsensor2:s2-secret\n", mode=0o600)
        env = {"MQTT_USERS_FILE": users, "MQTT_USERNAME": "admin", "MQTT_PASSWORD": "admin-secret"}
        if os.geteuid() != 0:
            env["PASSWORD_FILE_OWNER"] = f"{os.getuid()}:{os.getgid()}"
        result = entrypoint(directory, env, "echo", "broker starts here")
        check_equal(result.returncode, 0, result.stderr)
        check(result.stdout.endswith("broker starts here\n"), result.stdout)
        check("secret" not in result.stdout + result.stderr, "a password in the output")
        pwfile = directory.file("passwd")
        for user, password in (("sensor1", "s1-secret"), ("sensor2", "s2-secret"), ("admin", "admin-secret")):
            check_equal(run(["verify", pwfile, user, "--stdin"], stdin=password + "\n").code, 0, user)
        info = os.stat(pwfile)
        check_equal(info.st_mode & 0o777, 0o600, "mode")
        if os.geteuid() == 0:
            check_equal((info.st_uid, info.st_gid), (1883, 1883), "the official image's broker uid/gid")
        # Declarative: a user dropped from the secret is gone after the next start.
        directory.write("users.txt", "sensor1:s1-secret\n", mode=0o600)
        check_equal(entrypoint(directory, env, "true").returncode, 0)
        check_equal(run(["verify", pwfile, "sensor2", "--stdin"], stdin="s2-secret\n").code, 4, "pruned")
        check_equal(run(["verify", pwfile, "admin", "--stdin"], stdin="admin-secret\n").code, 0, "admin kept")


@case
def the_entrypoint_fails_loudly_on_a_bad_secret():
    with TempDir() as directory:
        users = directory.write("users.txt", "sensor1:ok\nsensor2\n", mode=0o600)
        result = entrypoint(directory, {"MQTT_USERS_FILE": users, "PASSWORD_FILE_OWNER": "0:0"}, "echo", "started")
        check(result.returncode != 0, "the broker would start without its users")
        check_equal(result.stdout, "", "the command must not run")
        check(f"{users}:2: no ':' between username and password" in result.stderr, result.stderr)


@case
def the_ansible_task_syncs_the_users_and_refuses_an_empty_list():
    with TempDir() as directory:
        pwfile = directory.write("passwd", "", mode=0o600)
        users = [{"username": "sensor1", "password": "s1-secret"},
                 {"username": "dashboard", "password": "d-secret", "hash": "sha512-pbkdf2"}]
        first = run(playbook_argv(pwfile), stdin=json.dumps(users))
        check_equal(first.code, 0, repr(first))
        check_equal(json.loads(first.out)["changed"], True, "changed_when reads this")
        check_equal(json.loads(run(playbook_argv(pwfile), stdin=json.dumps(users)).out)["changed"], False,
                    "a second run is 'ok'")
        planned = run(playbook_argv(pwfile, check_mode=True), stdin=json.dumps(users[:1]))
        check_equal((planned.code, json.loads(planned.out)["removed"]), (0, ["dashboard"]), "check mode")
        with open(pwfile, "rb") as handle:
            before = hashlib.sha256(handle.read()).hexdigest()
        empty = run(playbook_argv(pwfile), stdin=json.dumps([]))
        check_equal(empty.code, 1, "an empty mqtt_users list must fail the task, not empty the file")
        report = json.loads(empty.out)
        check(report.get("changed", False) is False and "no records to import" in report["error"], report)
        with open(pwfile, "rb") as handle:
            check_equal(hashlib.sha256(handle.read()).hexdigest(), before, "file after an empty list")
        for user, password in (("sensor1", "s1-secret"), ("dashboard", "d-secret")):
            check_equal(run(["verify", pwfile, user, "--stdin"], stdin=password + "\n").code, 0, user)


run_cases()
