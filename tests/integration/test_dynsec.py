"""mqpasswd dynsec export / import against the real dynamic-security plugin: users keep their
passwords, mosquitto_ctrl still reads and edits the file, refusals leave every file as it was.

Usage: test_dynsec.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import hashlib
import json
import os
import pwd
import shutil
import subprocess

from harness import (INSTALLED_2_1, Broker, TempDir, broker_dir, case, check, check_equal, check_error,
                     needs_root, run, run_cases)

def find_plugin():
    """Debian's plugin: in the multiarch lib directory (2.0) or its mosquitto/ subdirectory (2.1)."""
    import glob
    for pattern in ("/usr/lib/*/mosquitto/mosquitto_dynamic_security.so", "/usr/lib/*/mosquitto_dynamic_security.so",
                    "/usr/lib/mosquitto/mosquitto_dynamic_security.so"):
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    raise AssertionError("no mosquitto_dynamic_security.so installed (Debian's mosquitto package ships it)")


PLUGIN = find_plugin()
ADMIN, ADMIN_PW = "admin", "Adm1n-Secret"
# name -> password; the pwfile holds 2.0's own hashes (mosquitto_passwd: 101 iterations) and mqpasswd's (1000)
USERS = {"alice": "Al1ce-Secret", "bob": "B0b-Secret", "carol": "C4rol-Secret"}


class DynsecBroker(Broker):
    """A real mosquitto whose only authentication is the dynamic-security plugin reading `dynsec`."""

    def __init__(self, directory, dynsec):
        super().__init__(directory, "/nonexistent")
        with open(self.config, "w") as handle:
            handle.write(f"listener {self.port} 127.0.0.1\nallow_anonymous false\npersistence false\n"
                         f"plugin {PLUGIN}\nplugin_opt_config_file {dynsec}\n")

    def ctrl(self, *command):
        """mosquitto_ctrl over $CONTROL/dynamic-security/v1 as the admin client: (exit code, stdout)."""
        completed = subprocess.run(["mosquitto_ctrl", "-h", "127.0.0.1", "-p", str(self.port), "-u", ADMIN, "-P",
                                    ADMIN_PW, "dynsec"] + list(command), capture_output=True, text=True, timeout=30)
        return completed.returncode, completed.stdout


def pwfile_with_users(directory):
    """alice and bob hashed by Debian's mosquitto_passwd 2.0 (101 iterations, 12-byte salt: what both
    plugins read), carol by mqpasswd, and a comment. Where the installed tool is 2.1's (64-byte
    salts, which a 2.0 plugin drops), mqpasswd writes alice and bob with 2.0's parameters instead."""
    path = directory.file("pw")
    if INSTALLED_2_1:
        for user in ("alice", "bob"):
            result = run(["set", "--create", path, user, "--stdin", "--broker-version", "2.0", "--iterations", "101"],
                         stdin=USERS[user] + "\n")
            check_equal(result.code, 0, result.err)
    else:
        subprocess.run(["mosquitto_passwd", "-c", "-b", path, "alice", USERS["alice"]], check=True, timeout=30)
        subprocess.run(["mosquitto_passwd", "-b", path, "bob", USERS["bob"]], check=True, timeout=30)
    with open(path, "a") as handle:
        handle.write("# devices\n")
    result = run(["set", path, "carol", "--stdin", "--broker-version", "2.0"], stdin=USERS["carol"] + "\n")
    check_equal(result.code, 0, result.err)
    return path


def dynsec_file(directory):
    """A file made by mosquitto_ctrl itself (an admin client and role), the broker's own, 0600, in
    a directory of the broker's user (the plugin saves its changes there)."""
    path = os.path.join(broker_dir(directory), "dynamic-security.json")
    subprocess.run(["mosquitto_ctrl", "dynsec", "init", path, ADMIN, ADMIN_PW], check=True, capture_output=True,
                   timeout=30)
    if os.geteuid() == 0:
        account = pwd.getpwnam("mosquitto")
        os.chown(path, account.pw_uid, account.pw_gid)
    os.chmod(path, 0o600)
    return path


def hashes(pwfile):
    with open(pwfile) as handle:
        return dict(line.rstrip("\n").split(":", 1) for line in handle if ":" in line and not line.startswith("#"))


def state(path):
    info = os.lstat(path)
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest(), info.st_ino, info.st_mtime_ns, info.st_uid, info.st_mode


def load(path):
    with open(path) as handle:
        return json.load(handle)


def check_no_hash(result, pwfile):
    for value in hashes(pwfile).values():
        for part in value.split("$")[3:]:
            check(part not in result.out + result.err, f"a hash leaked: {result!r}")


@case
def migrated_users_log_in_with_their_passwords_and_mosquitto_ctrl_still_edits_the_file():
    with TempDir() as directory:
        pwfile = pwfile_with_users(directory)
        dynsec = dynsec_file(directory)
        before = load(dynsec)
        owner = os.stat(dynsec)
        version = "2.1" if INSTALLED_2_1 else "2.0"  # the form the installed plugin reads and saves
        result = run(["dynsec", "export", pwfile, dynsec, "--broker-version", version])
        check_equal(result.code, 0, result.err)
        check_equal(result.out.splitlines()[:3], [f"{dynsec}: {user} added" for user in USERS], "report")
        after = load(dynsec)
        check_equal(after["roles"], before["roles"], "roles kept")
        check_equal(after["defaultACLAccess"], before["defaultACLAccess"], "default access kept")
        check_equal(after["clients"][0], before["clients"][0], "the admin client kept")
        info = os.stat(dynsec)
        check_equal((info.st_uid, info.st_gid, info.st_mode & 0o7777), (owner.st_uid, owner.st_gid, 0o600), "owner")
        with DynsecBroker(directory.path, dynsec) as broker:
            for user, password in USERS.items():
                broker.check_accepts(user, password)
            broker.check_refuses("alice", USERS["bob"])
            broker.check_refuses("carol", "wrong")
            code, listed = broker.ctrl("listClients")
            check_equal((code, sorted(listed.split())), (0, sorted([ADMIN] + list(USERS))), "listClients")
            check_equal(broker.ctrl("createRole", "devices")[0], 0, "createRole")
            check_equal(broker.ctrl("addClientRole", "alice", "devices")[0], 0, "addClientRole")
            check_equal(broker.ctrl("setClientPassword", "bob", "B0b-New")[0], 0, "setClientPassword")
            broker.check_accepts("bob", "B0b-New")
        saved = load(dynsec)  # what the plugin itself wrote over our file
        alice = [client for client in saved["clients"] if client["username"] == "alice"][0]
        check_equal(alice["roles"], [{"rolename": "devices"}], "the plugin's own edit")
        again = run(["dynsec", "export", pwfile, dynsec, "--broker-version", version, "--json"])
        check_equal(again.code, 0, again.err)
        report = json.loads(again.out)
        check_equal((report["unchanged"], report["updated"]), (2, ["bob"]), "re-export over the plugin's file")
        with DynsecBroker(directory.path, dynsec) as broker:
            broker.check_accepts("bob", USERS["bob"])
            broker.check_accepts("alice", USERS["alice"])


@case
def export_then_import_gives_back_the_same_hashes_in_both_forms():
    with TempDir() as directory:
        pwfile = pwfile_with_users(directory)
        long_salt = run(["set", pwfile, "dave", "--stdin", "--broker-version", "2.1"], stdin="D4ve-Secret\n")
        check_equal(long_salt.code, 0, long_salt.err)
        for version, users in (("2.0", list(USERS)), ("2.1", list(USERS) + ["dave"])):
            dynsec = directory.file(f"dynsec-{version}.json")
            flags = ["--broker-version", version, "--create"]
            result = run(["dynsec", "export", pwfile, dynsec, "--skip-unconvertible"] + flags)
            check_equal(result.code, 0, result.err)
            clients = {client["username"]: client for client in load(dynsec)["clients"]}
            check_equal(sorted(clients), sorted(users), f"clients for {version}")
            key = "encoded_password" if version == "2.1" else "password"
            check(all(key in client for client in clients.values()), f"{version} form: {clients}")
            back = directory.file(f"back-{version}")
            result = run(["dynsec", "import", dynsec, back] + flags)
            check_equal(result.code, 0, result.err)
            original = hashes(pwfile)
            check_equal(hashes(back), {user: original[user] for user in users}, f"round trip {version}")


@case
def dry_run_writes_nothing_anywhere_and_shows_no_hash():
    with TempDir() as directory:
        pwfile = pwfile_with_users(directory)
        dynsec = dynsec_file(directory)
        before = state(dynsec)
        entries = sorted(os.listdir(os.path.dirname(dynsec)))
        result = run(["dynsec", "export", pwfile, dynsec, "--dry-run", "--json", "--broker-version", "2.0"])
        check_equal(result.code, 0, result.err)
        report = json.loads(result.out)
        check_equal((report["dry_run"], report["written"], report["added"]), (True, False, list(USERS)), "report")
        check("+            \"password\": \"(hidden)\"," in report["diff"], report["diff"])  # tabs shown as 4 spaces
        check_no_hash(result, pwfile)
        check_equal(state(dynsec), before, "dynsec file untouched")
        check_equal(sorted(os.listdir(os.path.dirname(dynsec))), entries, "nothing created beside it")
        new = directory.file("new.json")
        result = run(["dynsec", "export", pwfile, new, "--dry-run", "--create"])
        check_equal(result.code, 0, result.err)
        check(not os.path.exists(new), "a dry run created the file")
        pw_before = state(pwfile)
        result = run(["dynsec", "import", dynsec, pwfile, "--dry-run"])
        check_equal(result.code, 0, result.err)
        check(f"{pwfile}: admin would be added" in result.out, result.out)
        check_equal(state(pwfile), pw_before, "pwfile untouched")


@case
def a_6_hash_carries_over_to_a_2_1_plugin_and_is_refused_for_2_0():
    # Mosquitto 2.1's plugin reads any password-file hash in encoded_password, $6$ included (seen
    # with 2.1.2); 2.0's keeps PBKDF2 triples only.
    with TempDir() as directory:
        pwfile = directory.file("pw")
        check_equal(run(["set", "--create", pwfile, "six", "--stdin", "--hash", "sha512", "--broker-version", "2.0"],
                        stdin="S1x-Secret\n").code, 0, "set")
        dynsec = dynsec_file(directory)
        check_error(run(["dynsec", "export", pwfile, dynsec, "--broker-version", "2.0"]), 1,
                    f"{pwfile}:1: cannot carry over user 'six': a $6$ hash")
        result = run(["dynsec", "export", pwfile, dynsec, "--broker-version", "2.1", "--json"])
        check_equal(result.code, 0, result.err)
        client = [entry for entry in load(dynsec)["clients"] if entry["username"] == "six"][0]
        check_equal(client["encoded_password"], hashes(pwfile)["six"], "carried as it is")
        if INSTALLED_2_1:
            with DynsecBroker(directory.path, dynsec) as broker:
                broker.check_accepts("six", "S1x-Secret")
                broker.check_refuses("six", "S1x-Wrong")


@case
def an_unconvertible_line_refuses_naming_file_line_and_user_or_is_listed_when_skipped():
    with TempDir() as directory:
        pwfile = pwfile_with_users(directory)
        six = run(["set", pwfile, "six", "--stdin", "--hash", "sha512"], stdin="S1x-Secret\n")
        check_equal(six.code, 0, six.err)
        with open(pwfile, "a") as handle:
            handle.write("plain:Pl4in-Secret\n")
        dynsec = dynsec_file(directory)
        before = state(dynsec)
        result = run(["dynsec", "export", pwfile, dynsec, "--broker-version", "2.0"])
        check_error(result, 1, f"{pwfile}:5: cannot carry over user 'six': a $6$ hash")
        check("(and 1 more); nothing was written (--skip-unconvertible" in result.err, result.err)
        check("Pl4in-Secret" not in result.err, "a password in a message")
        check_equal(state(dynsec), before, "dynsec file untouched")
        result = run(["dynsec", "export", pwfile, dynsec, "--broker-version", "2.0", "--skip-unconvertible",
                      "--json"])
        check_equal(result.code, 0, result.err)
        report = json.loads(result.out)
        check_equal([(entry["line"], entry["user"]) for entry in report["skipped"]], [(5, "six"), (6, "plain")],
                    "skipped")
        check_equal(report["added"], list(USERS), "the others carried over")
        check(f"{pwfile}:6: skipped: user 'plain': a plain-text password" in result.err, result.err)
        check("Pl4in-Secret" not in result.out + result.err, "a password in the output")
        # import: a client without a password refuses too (the pwfile is left as it was)
        data = load(dynsec)
        data["clients"].append({"username": "nopass", "roles": []})
        with open(dynsec, "w") as handle:
            json.dump(data, handle)
        target = directory.file("back")
        result = run(["dynsec", "import", dynsec, target, "--create"])
        check_error(result, 1, f"{dynsec}: cannot carry over user 'nopass': it has no password")
        check(not os.path.exists(target), "import wrote a file after refusing")


@case
def a_symlinked_or_attacker_controlled_dynsec_path_is_refused():
    if not needs_root("attacker-owned dynsec paths"):
        return
    with TempDir() as directory:
        pwfile = pwfile_with_users(directory)
        dynsec = dynsec_file(directory)
        before = state(dynsec)
        link = directory.file("link.json")
        os.symlink(dynsec, link)
        result = run(["dynsec", "export", pwfile, link])
        check_error(result, 1, f"{link}: ")
        check_equal(state(dynsec), before, "the link's target untouched")
        nobody = pwd.getpwnam("nobody")
        evil = directory.file("evil")
        os.mkdir(evil, 0o755)
        os.chown(evil, nobody.pw_uid, nobody.pw_gid)
        planted = os.path.join(evil, "dynsec.json")
        shutil.copy(dynsec, planted)  # root's (or the broker's) file, in a directory nobody controls
        planted_before = state(planted)
        result = run(["dynsec", "export", pwfile, planted])
        check_error(result, 1, "nobody")
        check_equal(state(planted), planted_before, "file in nobody's directory untouched")
        result = run(["dynsec", "import", planted, directory.file("back"), "--create"])
        check_error(result, 1, "nobody")
        # the password file read by export follows the same rule
        os.symlink(pwfile, os.path.join(evil, "pw"))
        result = run(["dynsec", "export", os.path.join(evil, "pw"), dynsec])
        check_error(result, 1, "nobody")
        check_equal(state(dynsec), before, "dynsec file untouched")


@case
def auto_detects_the_installed_broker_form():
    with TempDir() as directory:
        pwfile = pwfile_with_users(directory)
        dynsec = directory.file("auto.json")
        result = run(["dynsec", "export", pwfile, dynsec, "--create", "--json"])
        check_equal(result.code, 0, result.err)
        report = json.loads(result.out)
        form = "2.1 form (encoded_password)" if INSTALLED_2_1 else "2.0 form (password, salt, iterations)"
        check(form in report["note"] and "mosquitto 2." in report["note"], report["note"])


run_cases()
