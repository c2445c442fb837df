"""broker enable: mosquitto.conf edits on Debian's real default configuration, per-listener
settings, conflicts and idempotency, compared with expected files; then a real broker that starts
anonymous and, after enable + reload, refuses anonymous clients and accepts a user added with
--reload, with no restart.

Usage: test_enable.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import json
import os
import pwd
import socket
import subprocess
import time

from harness import (INSTALLED_2_1, MQPASSWD, ReloadableBroker, Result, TempDir, case, check, check_equal, check_error,
                     free_port, installed_broker_version, needs_root, new_password_file, run, run_cases)

MARKER = "# Added by mqpasswd broker enable: clients log in with the users of this password file."
LISTENER_MARKER = "# Added by mqpasswd broker enable: a port clients log in on."
DEBIAN_CONF = "/etc/mosquitto/mosquitto.conf"
# Where a case is about where lines go, not about the form: the 2.0 form, and no 2.1 --test-config
# (whose verdict on the sketch configurations here, a certfile without its keyfile, is its own).
FORM_2_0 = ("--broker-version", "2.0")


def debian_default_copy(directory):
    """Debian's own /etc/mosquitto/mosquitto.conf, its conf.d in `directory`: (conf, conf_d, original)."""
    with open(DEBIAN_CONF) as handle:
        original = handle.read()
    check("include_dir /etc/mosquitto/conf.d" in original, "Debian's default has include_dir")
    check("\nlistener" not in original, "Debian's default has no listener")
    conf_d = directory.file("conf.d")
    os.mkdir(conf_d)
    original = original.replace("/etc/mosquitto/conf.d", conf_d)
    return directory.write("mosquitto.conf", original), conf_d, original


@case
def debians_default_is_local_only_so_no_anonymous_needs_a_listener():
    with TempDir() as directory:
        conf, conf_d, original = debian_default_copy(directory)
        pwfile = new_password_file(directory)
        refused = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous"])
        check_error(refused, 1, f"{conf} has no listener, so the broker runs in local only mode")
        check("add --listener PORT" in refused.err and "nothing was changed" in refused.err, refused.err)
        check_equal((directory.read("mosquitto.conf"), os.listdir(conf_d)), (original, []), "nothing written")
        checked = run(["check", pwfile, "--conf", conf])
        check_equal(checked.code, 1, repr(checked))
        check("local only mode" in checked.out, checked.out)
        # Without --no-anonymous the password file is set, and the user is told what it does not do.
        plain = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--broker-version", "2.0"])
        check_equal(plain.code, 0, repr(plain))
        check("warning: " + conf + " has no listener" in plain.err and "devices on the network" in plain.err,
              plain.err)
        check_equal(directory.read("conf.d/mqpasswd.conf"), f"{MARKER}\npassword_file {pwfile}\n", "the snippet")


@case
def a_dry_run_plans_against_a_password_file_not_made_yet_and_the_real_run_still_refuses():
    # Ansible's --check: the task that would create the file ran in check mode too.
    with TempDir() as directory:
        conf, conf_d, original = debian_default_copy(directory)
        pwfile = directory.file("not-yet")
        for version in ("2.0", "2.1"):
            args = ["broker", "enable", "--broker-version", version, "--conf", conf, "--pwfile", pwfile,
                    "--no-anonymous", "--listener", str(free_port()), "--bind", "127.0.0.1"]
            dry = run(args + ["--dry-run", "--json"])
            check_equal(dry.code, 0, f"{version}: {dry!r}")
            report = json.loads(dry.out)
            check(any(f"{pwfile} does not exist yet" in note and "a run without --dry-run refuses" in note
                      for note in report["notes"]), report)
            check_equal((report["changed"], report["dry_run"]), (True, True), f"{version}: the plan")
            check(f"+password_file {pwfile}" in report["diff"] or "mosquitto_password_file.so" in report["diff"],
                  report["diff"])
            text = run(args + ["--dry-run"])
            check("warning: " + pwfile + " does not exist yet" in text.err, text.err)
            check_equal((os.listdir(conf_d), os.path.exists(pwfile)), ([], False), "a dry run writes nothing")
            check_error(run(args), 1, "no such file (create it first", version)
            check_equal((directory.read("mosquitto.conf"), os.listdir(conf_d)), (original, []), "nothing changed")


@case
def debians_default_gets_a_snippet_in_conf_d_and_a_listener_at_the_end_once():
    with TempDir() as directory:
        conf, conf_d, original = debian_default_copy(directory)
        pwfile = new_password_file(directory)
        port = str(free_port())
        args = ["broker", "enable", "--broker-version", "2.0", "--conf", conf, "--pwfile", pwfile, "--no-anonymous",
                "--listener", port, "--bind", "127.0.0.1"]
        dry = run(args + ["--dry-run"])
        check_equal(dry.code, 0, repr(dry))
        check(f"+password_file {pwfile}" in dry.out and f"+listener {port} 127.0.0.1" in dry.out, dry.out)
        check("dry run: nothing was written" in dry.out, dry.out)
        check_equal(os.listdir(conf_d), [], "a dry run writes nothing")
        result = run(args)
        check_equal(result.code, 0, repr(result))
        check("restart the broker to apply (a reload cannot add a listener or load a plugin;" in result.out, result.out)
        check_equal(directory.read("conf.d/mqpasswd.conf"),
                    f"{MARKER}\npassword_file {pwfile}\nallow_anonymous false\n", "the snippet")
        check_equal(directory.read("mosquitto.conf"), f"{original}\n{LISTENER_MARKER}\nlistener {port} 127.0.0.1\n",
                    "the listener is the last line the broker reads")
        again = run(args)
        check_equal((again.code, again.out), (0, f"{conf}: already set up for this password file; nothing to "
                                                 "change\n"), "idempotent")
        check_equal(run(["check", pwfile, "--conf", conf, "-q"]).code, 0, "check is clean")
        check_error(run(args[:-2] + ["--bind", "two words"]), 2, "--bind takes one address")
        check_error(run(args[:-4] + ["--listener", "0"]), 2, "--listener takes a port from 1 to 65535, not '0'")


@case
def without_include_dir_the_file_is_edited_in_place_keeping_everything_else():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        original = "# my broker\nlistener 1883 127.0.0.1\n\n# be careful\nallow_anonymous true\nlog_type all"
        conf = directory.write("m.conf", original)
        result = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous", "--broker-version",
                      "2.0"])
        check_equal(result.code, 0, repr(result))
        check_equal(directory.read("m.conf"),
                    "# my broker\nlistener 1883 127.0.0.1\n\n# be careful\nallow_anonymous false\nlog_type all\n"
                    f"\n{MARKER}\npassword_file {pwfile}\n", "edited configuration")
        check(f"set {conf}:5: allow_anonymous false" in result.out, result.out)


@case
def per_listener_settings_go_into_each_listener_block():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        original = ("per_listener_settings true\n\nlistener 1883\nallow_anonymous true\n\n"
                    "listener 8883\ncertfile /etc/c.pem\n")
        conf = directory.write("m.conf", original)
        only = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--listener", "8883", *FORM_2_0])
        check_equal(only.code, 0, repr(only))
        check_equal(directory.read("m.conf"), original.replace("listener 8883\n", f"listener 8883\npassword_file "
                                                                                 f"{pwfile}\n"), "one listener")
        both = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous", *FORM_2_0])
        check_equal(both.code, 0, repr(both))
        check_equal(directory.read("m.conf"),
                    f"per_listener_settings true\n\nlistener 1883\npassword_file {pwfile}\nallow_anonymous false\n\n"
                    f"listener 8883\nallow_anonymous false\npassword_file {pwfile}\ncertfile /etc/c.pem\n", "both")
        added = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous", "--listener", "9999",
                     *FORM_2_0])
        check_equal(added.code, 0, repr(added))
        check(directory.read("m.conf").endswith(f"\n\n{MARKER}\nlistener 9999\npassword_file {pwfile}\n"
                                                "allow_anonymous false\n"), directory.read("m.conf"))
        check_error(run(["broker", "enable", "--conf", directory.write("n.conf", "per_listener_settings true\n"),
                         "--pwfile", pwfile]), 1, "no listener to give the password file to")


@case
def a_conflicting_password_file_is_refused_unless_replace():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        original = "listener 1883\npassword_file /etc/mosquitto/other\n"
        conf = directory.write("m.conf", original)
        check_error(run(["broker", "enable", "--conf", conf, "--pwfile", pwfile]), 1,
                    f"{conf}:2: already uses the password file /etc/mosquitto/other; --replace points it at")
        check_equal(directory.read("m.conf"), original, "unchanged")
        check_equal(run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--replace", "-q"]).code, 0)
        check_equal(directory.read("m.conf"), f"listener 1883\npassword_file {pwfile}\n", "replaced")
        plugin = directory.write("p.conf", "plugin_opt_password_file " + pwfile + "\n")
        check_equal(run(["broker", "enable", "--conf", plugin, "--pwfile", pwfile]).out,
                    f"{plugin}: already set up for this password file; nothing to change\n", "2.1's plugin form")
        check_error(run(["broker", "enable", "--conf", conf, "--pwfile", directory.file("missing")]), 1,
                    "no such file (create it first")


@case
def the_broker_user_must_be_able_to_read_the_file():
    if os.geteuid() != 0:
        print("     (skipped: needs root)")
        return
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        os.chown(pwfile, 0, 0)
        conf = directory.write("m.conf", "listener 1883\n")
        result = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile])
        check_equal(result.code, 1, repr(result))
        check("cannot read it: chown mosquitto:mosquitto" in result.err and "--fix-permissions" in result.err,
              result.err)
        check_equal(directory.read("m.conf"), "listener 1883\n", "the configuration is untouched by the refusal")
        fixed = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--fix-permissions"])
        check_equal(fixed.code, 0, repr(fixed))
        account = pwd.getpwnam("mosquitto")
        info = os.stat(pwfile)
        check_equal((info.st_uid, info.st_gid, info.st_mode & 0o777), (account.pw_uid, account.pw_gid, 0o600), "owner")


@case
def a_running_broker_goes_from_anonymous_to_passwords_without_a_restart():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        broker = ReloadableBroker(directory, pwfile, config=lambda port, pid_file: (  # no password file yet
            f"listener {port} 127.0.0.1\nallow_anonymous true\npid_file {pid_file}\npersistence false\n"))
        with broker:
            pid = broker.process.pid
            check_equal(publish_anonymous(broker), 0, "anonymous works before")
            # The form every 2.x broker re-reads on a reload; 2.1's plugin form needs a restart
            # (a_2_1_plugin_added_to_a_running_broker_asks_for_a_restart).
            enabled = run(["broker", "enable", "--conf", broker.config, "--pwfile", pwfile, "--no-anonymous",
                           "--broker-version", "2.0"])
            check_equal(enabled.code, 0, repr(enabled))
            reloaded = run(["broker", "reload", "--conf", broker.config])
            check_equal(reloaded.code, 0, repr(reloaded))
            check(publish_anonymous(broker) != 0, "anonymous still accepted after enable + reload")
            broker.check_accepts("alice", "alice-pw")
            added = run(["set", pwfile, "bob", "--stdin", "--reload", "--conf", broker.config, "-q"], stdin="bob-pw\n")
            check_equal(added.code, 0, repr(added))
            broker.check_accepts("bob", "bob-pw")
            broker.check_round_trip("bob", "bob-pw", "alice", "alice-pw")
            check_equal(broker.process.pid, pid, "same broker process")


@case
def a_second_password_file_added_by_hand_is_found_before_the_next_start_fails():
    # The tutorial's own step after enable: password_file added to mosquitto.conf by hand.
    with TempDir() as directory:
        conf, conf_d, original = debian_default_copy(directory)
        pwfile = new_password_file(directory)
        port = str(free_port())
        enabled = run(["broker", "enable", "--broker-version", "2.0", "--conf", conf, "--pwfile", pwfile,
                       "--listener", port, "--bind", "127.0.0.1", "-q"])
        check_equal(enabled.code, 0, repr(enabled))
        with open(conf, "a") as handle:
            handle.write(f"password_file {pwfile}\n")
        lines = directory.read("mosquitto.conf").count("\n")
        checked = run(["check", pwfile, "--conf", conf])
        reloaded = run(["broker", "reload", "--conf", conf, "--dry-run"])
        again = run(["broker", "enable", "--broker-version", "2.0", "--conf", conf, "--pwfile", pwfile])
        if INSTALLED_2_1:  # 2.1 uses the last password_file; the same file twice changes nothing
            check_equal(checked.code, 0, repr(checked))
            return
        # What check says, the real broker does: it stops while reading the configuration.
        broker = subprocess.run(["mosquitto", "-c", conf], capture_output=True, text=True, timeout=20)
        check("Duplicate password_file value in configuration" in broker.stderr + broker.stdout, repr(broker))
        check_equal(checked.code, 1, repr(checked))
        check(f"{conf}:{lines}: a second password_file (the first is at {conf_d}/mqpasswd.conf:2): a 2.0 broker "
              "refuses to start" in checked.out, checked.out)
        check_error(reloaded, 1, f"not reloading the broker: {conf}:{lines}: a second password_file")
        check_error(again, 1, "the configuration would not start")


@case
def enable_writes_all_of_its_files_or_none():
    if not needs_root("a read-only bind mount in a private mount namespace"):
        return
    with TempDir() as directory:
        # conf.d sorts before etc/, so the snippet is written first and the main file's write fails.
        conf_d = directory.file("a-conf.d")
        os.mkdir(conf_d)
        etc = directory.file("etc")
        os.mkdir(etc)
        original = f"listener {free_port()} 127.0.0.1\ninclude_dir {conf_d}\n"
        conf = os.path.join(etc, "mosquitto.conf")
        with open(conf, "w") as handle:
            handle.write(original)
        pwfile = new_password_file(directory)
        result = Result(subprocess.run(
            ["unshare", "-m", "--propagation", "unchanged", "sh", "-c", f'mount --bind -o ro "{etc}" "{etc}" && exec "$@"', "sh", MQPASSWD,
             "broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous", "--listener", str(free_port())],
            capture_output=True, text=True, timeout=60))
        check_error(result, 1, f"{conf}: cannot create a temporary file in its directory: Read-only file system; "
                               "the files written before were put back")
        check_equal((os.listdir(conf_d), directory.read("etc/mosquitto.conf")), ([], original), "nothing left changed")


@case
def a_2_1_broker_gets_its_password_file_plugin_where_one_is_installed():
    with TempDir() as directory:
        # A broker installed under a prefix of its own, with the plugin in Debian's multiarch place.
        os.makedirs(directory.file("prefix/sbin"))
        plugin_dir = directory.file("prefix/lib/x86_64-linux-gnu/mosquitto")
        os.makedirs(plugin_dir)
        program = directory.write("prefix/sbin/mosquitto", "#!/bin/sh\nexit 3\n", mode=0o755)
        plugin = directory.write("prefix/lib/x86_64-linux-gnu/mosquitto/mosquitto_password_file.so", "", mode=0o644)
        pwfile = new_password_file(directory)
        conf = directory.write("m.conf", "listener 1883\n")
        env = {"MQPASSWD_MOSQUITTO": program}
        result = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--broker-version", "2.1"], env=env)
        check_equal(result.code, 0, repr(result))
        check_equal(directory.read("m.conf"), f"listener 1883\n\n{MARKER}\nglobal_plugin {plugin}\n"
                                              f"plugin_opt_password_file {pwfile}\n", "2.1's plugin form")
        check_equal(run(["check", pwfile, "--conf", conf, "--broker-version", "2.1", "-q"]).code, 0, "check")
        os.remove(plugin)
        bare = directory.write("n.conf", "listener 1883\n")
        fallback = run(["broker", "enable", "--conf", bare, "--pwfile", pwfile, "--broker-version", "2.1"], env=env)
        check_equal(fallback.code, 0, repr(fallback))
        check("no mosquitto_password_file.so found beside the broker: writing password_file" in fallback.err,
              fallback.err)
        check(directory.read("n.conf").endswith(f"password_file {pwfile}\n"), directory.read("n.conf"))


@case
def a_reload_that_would_add_a_listener_is_refused_not_reported_done():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        broker = ReloadableBroker(directory, pwfile, config=lambda port, pid_file: (
            f"listener {port} 127.0.0.1\nallow_anonymous true\npid_file {pid_file}\npersistence false\n"))
        with broker:
            extra = str(free_port())
            enabled = run(["broker", "enable", "--conf", broker.config, "--pwfile", pwfile, "--no-anonymous",
                           "--listener", extra, "--bind", "127.0.0.1", "--broker-version", "2.0"])
            check_equal(enabled.code, 0, repr(enabled))
            check("restart the broker to apply" in enabled.out, enabled.out)
            for args in (["broker", "reload", "--conf", broker.config], ["broker", "reload", "--conf", broker.config,
                                                                          "--dry-run"]):
                refused = run(args)
                check_error(refused, 1, f"not reloading the broker: the configuration opens 127.0.0.1:{extra}, which "
                                        f"it does not listen on (mosquitto {broker.process.pid})")
                check("cannot add or remove a listener on a reload" in refused.err, refused.err)
            check_equal(publish_anonymous(broker), 0, "the broker was left as it was: no half reload")
            added = run(["set", pwfile, "bob", "--stdin", "--reload", "--conf", broker.config], stdin="bob-pw\n")
            check_equal(added.code, 1, repr(added))
            check("was written, but the broker was not reloaded" in added.err and
                  "cannot add or remove a listener" in added.err, repr(added))


@case
def a_2_1_plugin_added_to_a_running_broker_asks_for_a_restart():
    if not INSTALLED_2_1:
        print("     (needs a 2.1 broker, which loads the password-file plugin: not run)")
        return
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        broker = ReloadableBroker(directory, pwfile, config=lambda port, pid_file: (
            f"listener {port} 127.0.0.1\nallow_anonymous true\npid_file {pid_file}\npersistence false\n"))
        with broker:
            enabled = run(["broker", "enable", "--conf", broker.config, "--pwfile", pwfile, "--no-anonymous",
                           "--fix-permissions"])
            check_equal(enabled.code, 0, repr(enabled))
            check("global_plugin " in directory.read("mosquitto.conf"), directory.read("mosquitto.conf"))
            check("restart the broker to apply" in enabled.out, enabled.out)
            refused = run(["broker", "reload", "--conf", broker.config])
            check_error(refused, 1, "and a reload loads no plugin: restart it")
            check_equal(publish_anonymous(broker), 0, "the broker was left as it was")
        text = directory.read("mosquitto.conf")
        with TempDir() as elsewhere, ReloadableBroker(elsewhere, pwfile, config=lambda port, pid_file: text.replace(
                f"listener {broker.port} ", f"listener {port} ").replace(broker.pid_file, pid_file)) as restarted:
            check(publish_anonymous(restarted) != 0, "anonymous refused after the restart")
            restarted.check_accepts("alice", "alice-pw")
            added = run(["set", pwfile, "bob", "--stdin", "--reload", "--conf", restarted.config], stdin="bob-pw\n")
            check_equal(added.code, 0, repr(added))
            restarted.check_accepts("bob", "bob-pw")


@case
def a_real_broker_in_local_only_mode_is_what_check_and_enable_say_it_is():
    # Local only mode listens on port 1883 of the loopback interface: run only where that is free.
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 1883)) == 0:
            print("     (port 1883 is in use here: not run)")
            return
    with TempDir() as directory:
        conf, conf_d, original = debian_default_copy(directory)
        conf = directory.write("mosquitto.conf", "".join(
            line + "\n" for line in original.splitlines()
            if not line.startswith(("pid_file", "persistence", "log_dest"))) + "persistence false\n")
        pwfile = new_password_file(directory)
        enabled = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--fix-permissions",
                       "--broker-version", "2.0"])
        check_equal(enabled.code, 0, repr(enabled))
        check("local only mode" in enabled.err, enabled.err)
        with open(conf, "a") as handle:  # what the tutorial adds by hand, in the snippet's file
            handle.write("allow_anonymous false\n")
        checked = run(["check", pwfile, "--conf", conf])
        check_equal(checked.code, 1, repr(checked))
        check("local only mode" in checked.out, checked.out)
        log = directory.file("broker.log")
        with open(log, "w") as output:
            process = subprocess.Popen(["mosquitto", "-c", conf], stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and "running" not in directory.read("broker.log"):
                time.sleep(0.05)
            check("Starting in local only mode" in directory.read("broker.log"), directory.read("broker.log"))
            anonymous = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", "1883", "-t", "t", "-m", "x"],
                                       capture_output=True, timeout=20).returncode
            if installed_broker_version() == (2, 0, 11):
                check_equal(anonymous, 0, "2.0.11 lets a local anonymous client in despite allow_anonymous false")
            else:
                check(anonymous != 0, "this broker applies allow_anonymous false in local only mode")
        finally:
            process.terminate()
            process.wait(timeout=10)


@case
def options_before_the_first_listener_are_2_0s_default_listener_on_1883():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        # Under per_listener_settings, allow_anonymous before any listener opens 0.0.0.0:1883.
        original = "per_listener_settings true\nallow_anonymous true\nlistener 18881 127.0.0.1\n"
        conf = directory.write("m.conf", original)
        checked = run(["check", pwfile, "--conf", conf, "--broker-version", "2.0"])
        check("local only mode" not in checked.out, checked.out)
        enabled = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous",
                       "--broker-version", "2.0"])
        check_equal(enabled.code, 0, repr(enabled))
        check_equal(directory.read("m.conf"),
                    f"per_listener_settings true\nallow_anonymous false\npassword_file {pwfile}\n"
                    f"listener 18881 127.0.0.1\npassword_file {pwfile}\nallow_anonymous false\n",
                    "the default listener's scope is fixed too")
        # The deprecated `port` under per_listener_settings is a listener to give the file to.
        port_conf = directory.write("p.conf", "per_listener_settings true\nport 18846\n")
        enabled = run(["broker", "enable", "--conf", port_conf, "--pwfile", pwfile, "--no-anonymous",
                       "--listener", "18846", "--broker-version", "2.0"])
        check_equal(enabled.code, 0, repr(enabled))
        check_equal(directory.read("p.conf"), f"per_listener_settings true\nport 18846\npassword_file {pwfile}\n"
                                              "allow_anonymous false\n", "port's scope")
        again = run(["broker", "enable", "--conf", port_conf, "--pwfile", pwfile, "--no-anonymous",
                     "--listener", "18846", "--broker-version", "2.0"])
        check_equal((again.code, "nothing to change" in again.out), (0, True), repr(again))
        # A listener option alone opens it too: not local only mode.
        lone = directory.write("l.conf", f"max_connections 100\npassword_file {pwfile}\n")
        check("local only mode" not in run(["check", pwfile, "--conf", lone]).out, "max_connections")


@case
def ports_are_numbers_and_an_existing_listener_is_never_moved():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        original = "listener 9999 127.0.0.1\n"
        conf = directory.write("m.conf", original)
        same = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--listener", "09999",
                    "--broker-version", "2.0"])
        check_equal(same.code, 0, repr(same))
        check("listener 09999" not in directory.read("m.conf") and "restart" not in same.out, directory.read("m.conf"))
        moved = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--listener", "9999", "--bind",
                     "0.0.0.0", "--broker-version", "2.0"])
        check_error(moved, 1, f"something listens on port 9999 already ({conf}:1); --bind sets the address of a "
                              "listener --listener adds")
        check_error(run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--listener", "1", "--bind", "[::1]"]),
                    2, "--bind takes an IPv6 address without brackets")
        check_equal(directory.read("m.conf").startswith(original), True, "unchanged by the refusals")


@case
def a_line_the_broker_cannot_read_is_found_before_it_stops_a_start():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        for bad, name in (("listener\t18855\n", "listener\t18855"), ("  # an indented comment\n", "#"),
                          ("\tlistener 18855\n", "\tlistener")):
            conf = directory.write("m.conf", f"listener 18856\npassword_file {pwfile}\n{bad}")
            checked = run(["check", pwfile, "--conf", conf])
            check_equal(checked.code, 1, repr(checked))
            shown = name.replace("\t", "\\x09")  # printed as printable() shows a tab
            check(f"{conf}:3: the broker reads '{shown}' as an option's name and refuses to start" in checked.out,
                  checked.out)
            refused = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous",
                           "--broker-version", "2.0"])
            check_error(refused, 1, "the configuration would not start")
            broker = subprocess.run(["mosquitto", "-c", conf], capture_output=True, text=True, timeout=20)
            check("Unknown configuration variable" in broker.stdout + broker.stderr, repr(broker))


@case
def a_2_1_broker_is_asked_with_test_config_before_anything_is_written():
    if not INSTALLED_2_1:
        print("     (needs a 2.1 broker, which has --test-config: not run)")
        return
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        conf_d = directory.file("conf.d")
        os.mkdir(conf_d)
        directory.write("conf.d/other.conf", "max_inflight_messages 10\n")
        # A unix socket listener: --test-config unlinks its path, so the copy must not name the real one.
        socket_path = directory.write("live.sock", "stands for a live broker's socket\n")
        original = (f"listener {free_port()} 127.0.0.1\nlistener 0 {socket_path}\ninclude_dir {conf_d}\n"
                    "made_up_option 1\n")
        conf = directory.write("m.conf", original)
        refused = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous", "--dry-run"])
        check_error(refused, 1, "mosquitto --test-config, on the configuration as the edits would leave it: "
                                f"Error: Unknown configuration variable 'made_up_option' (at {conf}:4)")
        check(os.path.exists(socket_path), "--test-config removed the path of a unix socket listener")
        check_equal((directory.read("m.conf"), sorted(os.listdir(conf_d))), (original, ["other.conf"]), "unchanged")
        directory.write("conf.d/zz.conf", "made_up_option 2\n")
        refused = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous"])
        check(f"(at {conf_d}/zz.conf:1)" in refused.err, refused.err)
        os.remove(directory.file("conf.d/zz.conf"))
        conf = directory.write("m.conf", original.replace("made_up_option 1\n", ""))
        accepted = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous", "--fix-permissions"])
        check_equal(accepted.code, 0, repr(accepted))
        check_equal(sorted(os.listdir(conf_d)), ["mqpasswd.conf", "other.conf"], "the snippet, once accepted")


@case
def a_configuration_file_another_user_can_change_is_said_so():
    if not needs_root("a snippet the broker's account owns"):
        return
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        conf_d = directory.file("conf.d")
        os.mkdir(conf_d)
        snippet = directory.write("conf.d/mqpasswd.conf", "# mine\n")
        account = pwd.getpwnam("mosquitto")
        os.chown(snippet, account.pw_uid, account.pw_gid)
        conf = directory.write("m.conf", f"listener {free_port()} 127.0.0.1\ninclude_dir {conf_d}\n")
        result = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--broker-version", "2.0"])
        warning = f"{snippet} can be changed by uid {account.pw_uid}, its owner: whoever can write it decides"
        check(warning in result.err, repr(result))
        checked = run(["check", pwfile, "--conf", conf])
        check_equal(checked.code, 1, repr(checked))
        check(warning in checked.out, checked.out)


@case
def no_anonymous_also_turns_off_2_1s_listener_allow_anonymous():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        conf = directory.write("m.conf", "listener 18890 127.0.0.1\nlistener_allow_anonymous true\n")
        result = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous", "--broker-version",
                      "2.1", "--fix-permissions"])
        check_equal(result.code, 0, repr(result))
        text = directory.read("m.conf")
        check(text.startswith("listener 18890 127.0.0.1\nlistener_allow_anonymous false\n") and
              "\nallow_anonymous false\n" in text, text)


@case
def listeners_are_compared_by_address_and_unix_socket_too():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        socket_path = directory.file("run/mqtt.sock")
        broker = ReloadableBroker(directory, pwfile, config=lambda port, pid_file: (
            f"listener {port} 127.0.0.1\nlistener 0 {socket_path}\nallow_anonymous false\npassword_file {pwfile}\n"
            f"pid_file {pid_file}\npersistence false\n"))
        with broker:
            text = directory.read("mosquitto.conf")
            check_equal(run(["broker", "reload", "--conf", broker.config, "-q"]).code, 0, "unix socket: no change")
            for added, named in ((f"listener {broker.port} ::1\n", f"::1:{broker.port}"),
                                 (f"listener 0 {socket_path}.2\n", f"{socket_path}.2")):
                directory.write("mosquitto.conf", text + added)
                refused = run(["broker", "reload", "--conf", broker.config])
                check_error(refused, 1, f"not reloading the broker: the configuration opens {named}, which it does "
                                        "not listen on")
            directory.write("mosquitto.conf", text.replace(f"listener 0 {socket_path}\n", ""))
            check_error(run(["broker", "reload", "--conf", broker.config]), 1,
                        f"not reloading the broker: the configuration does not open {socket_path}, which it listens on")
            directory.write("mosquitto.conf", text)
            check_equal(run(["broker", "reload", "--conf", broker.config, "-q"]).code, 0, "back as it started")


def publish_anonymous(broker):
    return subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-t", "t", "-m", "x", "-q",
                           "1"], capture_output=True, timeout=20).returncode


run_cases()
