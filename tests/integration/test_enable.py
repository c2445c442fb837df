"""broker enable: mosquitto.conf edits on Debian's real default configuration, per-listener
settings, conflicts and idempotency, compared with expected files; then a real broker that starts
anonymous and, after enable + reload, refuses anonymous clients and accepts a user added with
--reload, with no restart.

Usage: test_enable.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import os
import pwd
import subprocess

from harness import ReloadableBroker, TempDir, new_password_file, case, check, check_equal, check_error, run, run_cases

MARKER = "# Added by mqpasswd broker enable: clients log in with the users of this password file."
DEBIAN_CONF = "/etc/mosquitto/mosquitto.conf"


@case
def debians_default_layout_gets_a_snippet_in_conf_d_once():
    with TempDir() as directory:
        with open(DEBIAN_CONF) as handle:
            original = handle.read()
        check("include_dir /etc/mosquitto/conf.d" in original, "Debian's default has include_dir")
        conf_d = directory.file("conf.d")
        os.mkdir(conf_d)
        conf = directory.write("mosquitto.conf", original.replace("/etc/mosquitto/conf.d", conf_d))
        pwfile = new_password_file(directory)
        dry = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous", "--dry-run"])
        check_equal(dry.code, 0, repr(dry))
        check(f"+password_file {pwfile}" in dry.out and "dry run: nothing was written" in dry.out, dry.out)
        check_equal(os.listdir(conf_d), [], "a dry run writes nothing")
        result = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous"])
        check_equal(result.code, 0, repr(result))
        check_equal(directory.read("conf.d/mqpasswd.conf"),
                    f"{MARKER}\npassword_file {pwfile}\nallow_anonymous false\n", "the snippet")
        check_equal(directory.read("mosquitto.conf"), original.replace("/etc/mosquitto/conf.d", conf_d),
                    "the main file is untouched")
        again = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous"])
        check_equal((again.code, again.out), (0, f"{conf}: already set up for this password file; nothing to "
                                                 "change\n"), "idempotent")


@case
def without_include_dir_the_file_is_edited_in_place_keeping_everything_else():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        original = "# my broker\nlistener 1883 127.0.0.1\n\n# be careful\nallow_anonymous true\nlog_type all"
        conf = directory.write("m.conf", original)
        result = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous"])
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
        check_error(run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--listener", "9999"]), 1,
                    "no listener on port 9999")
        check_equal(directory.read("m.conf"), original, "unchanged after an error")
        only = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--listener", "8883"])
        check_equal(only.code, 0, repr(only))
        check_equal(directory.read("m.conf"), original.replace("listener 8883\n", f"listener 8883\npassword_file "
                                                                                 f"{pwfile}\n"), "one listener")
        both = run(["broker", "enable", "--conf", conf, "--pwfile", pwfile, "--no-anonymous"])
        check_equal(both.code, 0, repr(both))
        check_equal(directory.read("m.conf"),
                    f"per_listener_settings true\n\nlistener 1883\npassword_file {pwfile}\nallow_anonymous false\n\n"
                    f"listener 8883\nallow_anonymous false\npassword_file {pwfile}\ncertfile /etc/c.pem\n", "both")
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
            enabled = run(["broker", "enable", "--conf", broker.config, "--pwfile", pwfile, "--no-anonymous"])
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


def publish_anonymous(broker):
    return subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-t", "t", "-m", "x", "-q",
                           "1"], capture_output=True, timeout=20).returncode


run_cases()
