"""Scripted provisioning you can trust: nothing removed by accident, every answer machine-readable,
a dry run that is dry. Every refusal is checked to leave the password file byte-identical (sha256).

Usage: test_provisioning.py PATH/TO/mqpasswd [CASE-SUBSTRING]
"""
import hashlib
import json
import os
import time

from harness import ReloadableBroker, TempDir, case, check, check_equal, new_password_file, run, run_cases

MARK = "Pr0vision-Secret"  # every password below contains it; no output may
USERS = "# managed\nalice:$7$101$c2FsdHNhbHRzYWx0$" + "A" * 86 + "==\nbob:$7$101$c2FsdHNhbHRzYWx0$" + "B" * 86 + "==\n"


def digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def check_no_secret(result):
    check(MARK not in result.out + result.err, f"a password leaked: {result!r}")


def one_json_object(result, what=""):
    """stdout holds exactly one JSON object (and nothing else)."""
    try:
        value = json.loads(result.out)
    except ValueError as error:
        raise AssertionError(f"stdout is not one JSON document {what}: {result!r}") from error
    check(isinstance(value, dict), f"not a JSON object {what}: {result.out!r}")
    return value


def check_refused(directory, pwfile, args, code, message, stdin=None, what=""):
    """The command fails with `code` and one stderr line containing `message`; the file is untouched."""
    before = digest(pwfile)
    result = run(args, stdin=stdin)
    check_equal(result.code, code, f"exit code {what} {result!r}")
    lines = result.err.splitlines()
    check_equal(len(lines), 1, f"one line on stderr {what}: {result.err!r}")
    check(message in lines[0], f"{message!r} not in {lines[0]!r} {what}")
    check_equal(digest(pwfile), before, f"file bytes after a refusal {what}")
    check_equal(directory.entries().count(os.path.basename(pwfile)), 1, "the file is still there")
    check_no_secret(result)
    return result


@case
def prune_never_runs_on_an_empty_source_in_any_format():
    with TempDir() as directory:
        pwfile = directory.write("pw", USERS, mode=0o600)
        empties = {"lines": ["", "\n\n", "# only a comment\n"], "csv": ["", "username,password\n", "\ufeff\r\n"],
                   "jsonl": ["", "\n  \n"], "json": ["[]", " [ ]\n", ""]}
        for form, sources in empties.items():
            for source in sources:
                for extra in (["--prune"], [], ["--prune", "--skip-invalid"]):
                    what = f"{form} {source!r} {extra}"
                    check_refused(directory, pwfile, ["import", pwfile, "-", f"--format={form}"] + extra, 1,
                                  "no records to import", stdin=source, what=what)
                    result = run(["import", pwfile, "-", f"--format={form}", "--json"] + extra, stdin=source)
                    report = one_json_object(result, what)
                    check_equal((report["exit_code"], "no records to import" in report["error"]), (1, True), what)
        # Every record invalid, with --skip-invalid: nothing valid to import is also no records.
        check_refused(directory, pwfile, ["import", pwfile, "-", "--format=lines", "--prune", "--skip-invalid"], 1,
                      "no valid records to import (2 skipped)", stdin="nocolon\n:empty-name\n")


@case
def a_format_is_never_guessed_without_certainty():
    with TempDir() as directory:
        pwfile = directory.write("pw", USERS, mode=0o600)
        array = json.dumps([{"username": "k1", "password": MARK}])  # what `jq -c` prints for an array
        check_refused(directory, pwfile, ["import", pwfile, "-", "--prune"], 2, "never runs on a guessed format",
                      stdin=array + "\n")
        check_refused(directory, pwfile, ["import", pwfile, "-"], 1, "this looks like a JSON array; use --format=json",
                      stdin=array + "\n")
        check_refused(directory, pwfile, ["import", pwfile, "-"], 1, "looks like a header",
                      stdin=f"username:password\ncarol:{MARK}\n")
        utf16 = directory.write("users-utf16.csv", "\ufeffusername,password\ncarol,x\n".encode("utf-16-le"))
        check_refused(directory, pwfile, ["import", pwfile, utf16, "--format=csv"], 1, "this is UTF-16 text")
        check_refused(directory, pwfile, ["import", pwfile, "-"], 1, "only the lines format has comments",
                      stdin=f"# exported\nusername,password\ncarol,{MARK}\n")
        # A password file given as the source (swapped arguments): its hashes would become passwords.
        check_refused(directory, pwfile, ["import", pwfile, pwfile, "--format=lines"], 1,
                      "the password is a Mosquitto password hash; is this a password file?")
        for spaced in (f"dave: {USERS.splitlines()[1].split(':', 1)[1]}\n", f"dave:{USERS.splitlines()[1].split(':', 1)[1]}\t\n"):
            check_refused(directory, pwfile, ["import", pwfile, "-", "--format=lines"], 1, "Mosquitto password hash",
                          stdin=spaced)
        check_refused(directory, pwfile, ["set", pwfile, "dave", "--stdin"], 1, "Mosquitto password hash",
                      stdin=USERS.splitlines()[1].split(":", 1)[1] + "\n")
        csv_hash = run(["import", pwfile, "-", "--format=csv"],
                       stdin=f"username,password,hash\ndave,{MARK},{MARK}\n")  # columns shifted by one
        check(csv_hash.code == 1 and MARK not in csv_hash.err, f"a hash field's value is never quoted: {csv_hash!r}")
        for headerless in (f"carol,{MARK}\n", f'"carol","{MARK}"\n', f"a,b:{MARK}\n"):
            check_refused(directory, pwfile, ["import", pwfile, "-"], 1, "use --format", stdin=headerless,
                          what=headerless)
        # --prune needs the format stated even for a source that would have been guessed right.
        check_refused(directory, pwfile, ["import", pwfile, "-", "--prune"], 2, "give --format",
                      stdin=f"alice:{MARK}\n")
        # Stated, the same array is read as what it is.
        result = run(["import", pwfile, "-", "--format=json", "--json"], stdin=array)
        check_equal(result.code, 0, repr(result))
        check_equal(one_json_object(result)["added"], ["k1"], "the array's user")
        check("[{" not in directory.read("pw"), "a user named after JSON syntax")


@case
def prune_keeps_every_user_the_source_names_even_in_a_skipped_record():
    with TempDir() as directory:
        pwfile = directory.write("pw", USERS + "carol:$7$101$c2FsdHNhbHRzYWx0$" + "C" * 86 + "==\n", mode=0o600)
        result = run(["import", pwfile, "-", "--format=csv", "--prune", "--skip-invalid", "--json"],
                     stdin=f"username,password\nalice,{MARK}\nbob,\n")
        check_equal(result.code, 0, repr(result))
        report = one_json_object(result)
        check_equal(report["removed"], ["carol"], "only the user the source does not name")
        text = run(["import", pwfile, "-", "--format=csv", "--prune", "--dry-run"], stdin=f"username,password\nalice,{MARK}\n")
        check(f"{pwfile}: would be removed: 'bob'\n" in text.out, f"the text names whom prune removes: {text.out}")
        check_equal([(s["line"], s.get("user")) for s in report["skipped"]], [(3, "bob")], "bob skipped, named")
        check("bob:$7$101$c2FsdHNhbHRzYWx0$BBBB" in directory.read("pw"), "bob's line kept as it was")
        # A skipped record that names nobody readable could be anyone: prune refuses altogether.
        pwfile = directory.write("pw2", USERS, mode=0o600)
        check_refused(directory, pwfile, ["import", pwfile, "-", "--format=lines", "--prune", "--skip-invalid"], 1,
                      "standard input:2: not pruning", stdin=f"alice:{MARK}\nbob-without-colon\n")
        check_refused(directory, pwfile, ["import", pwfile, "-", "--format=jsonl", "--prune", "--skip-invalid"], 1,
                      "not pruning", stdin=f'{{"username":"alice","password":"{MARK}"}}\n{{"username":\n')
        # A name the broker would read as another (it trims blanks, stops at a NUL): alice may be meant.
        for spelling in ("alice ", " alice", "alice\t", "alice\r", "alice\x00x"):
            check_refused(directory, pwfile, ["import", pwfile, "-", "--format=lines", "--prune", "--skip-invalid"],
                          1, "not pruning", stdin=f"{spelling}:{MARK}\nbob:{MARK}\n", what=repr(spelling))


@case
def what_is_reported_is_what_was_written_user_by_user():
    with TempDir() as directory:
        pwfile = directory.write("pw", "", mode=0o600)
        source = f"username,password,hash\nalice,{MARK}-a,sha512\nbob,{MARK}-b,\n"
        result = run(["import", pwfile, "-", "--format=csv", "--json", "--broker-version", "2.0"], stdin=source)
        check_equal(result.code, 0, repr(result))
        report = one_json_object(result)
        written = {user["user"]: user["hash"]["algorithm"] for user in report["users"]}
        check_equal(written, {"alice": "sha512", "bob": "sha512-pbkdf2"}, "per user, in JSON")
        content = dict(line.split(":", 1) for line in directory.read("pw").splitlines())
        check(content["alice"].startswith("$6$") and content["bob"].startswith("$7$"), content)
        check("with sha512, a single salted SHA-512 that is fast to brute-force" in result.err, result.err)
        check_equal(report["warnings"], [w[len("mqpasswd: warning: "):] for w in result.err.splitlines()],
                    "the warnings in JSON are the ones on stderr")
        text = run(["import", pwfile, "-", "--format=csv", "--broker-version", "2.0"],
                   stdin=source.replace("-a,", "-a2,").replace("-b,", "-b2,"))
        check_equal(text.code, 0, repr(text))
        check(f"{pwfile}: written with sha512, 12-byte salt: 'alice'\n" in text.out, text.out)
        check_no_secret(text)
        weak = run(["set", pwfile, "carol", "--stdin", "--hash", "sha512"], stdin=f"{MARK}\n")
        check(weak.out.startswith(f"{pwfile}: carol added (sha512"), weak.out)
        check("'carol' with sha512" in weak.err, weak.err)


@case
def every_json_answer_is_one_object_on_failure_too():
    with TempDir() as directory:
        pwfile = directory.write("pw", USERS, mode=0o600)
        missing = directory.file("missing")
        failures = [
            (["delete", pwfile, "nobody-here", "--json"], None, 4, "no such user 'nobody-here'"),
            (["set", pwfile, "dave", "--stdin", "--json"], "\n", 1, "empty"),
            (["verify", pwfile, "nobody-here", "--stdin", "--json"], "x\n", 4, "no such user"),
            (["list", missing, "--json"], None, 1, missing),
            (["check", missing, "--json"], None, 1, missing),
            (["upgrade", missing, "--json"], None, 1, missing),
            (["import", pwfile, "-", "--json", "--format=xml"], "", 2, "--format must be"),
            (["--json", "set", pwfile], None, 2, ""),
            (["--json", "sett", pwfile], None, 2, "unknown command 'sett'"),
            (["set", pwfile, "dave", "--generate", "--json"], None, 2, "passwords never appear in JSON"),
            (["broker", "reload", "--conf", missing, "--json"], None, 1, missing),
            (["broker", "enable", "--conf", missing, "--pwfile", pwfile, "--json"], None, 1, missing),
        ]
        for args, stdin, code, message in failures:
            before = digest(pwfile)
            result = run(args, stdin=stdin)
            check_equal(result.code, code, f"{args} {result!r}")
            report = one_json_object(result, str(args))
            check_equal(report["exit_code"], code, f"exit_code in JSON {args}")
            check(message in report["error"], f"{message!r} not in {report['error']!r}")
            check_equal(len(result.err.splitlines()), 1, f"one line on stderr too {args}: {result.err!r}")
            check_equal(digest(pwfile), before, f"file after {args}")
        ok = run(["verify", pwfile, "alice", "--stdin", "--json"], stdin="wrong\n")
        check_equal((ok.code, one_json_object(ok)["match"]), (3, False), "a mismatch is an answer, not an error")
        # Every object carries the exit code, success or not, so a script can branch on it alone.
        check_equal(one_json_object(ok)["exit_code"], 3, "verify mismatch")
        flagged = run(["check", pwfile, "--json"])
        check_equal((flagged.code, one_json_object(flagged)["exit_code"]), (1, 1), "check with findings")
        for args in (["list", pwfile, "--json"], ["delete", pwfile, "nobody", "--missing-ok", "--json"]):
            check_equal(one_json_object(run(args))["exit_code"], 0, f"{args}")


@case
def generate_prints_the_password_alone_on_stdout():
    with TempDir() as directory:
        pwfile = directory.write("pw", USERS, mode=0o600)
        result = run(["set", pwfile, "robot", "--generate=24"])
        check_equal(result.code, 0, repr(result))
        check_equal(len(result.out), 25, f"PW=$(...) gets the password alone: {result.out!r}")
        check(f"{pwfile}: robot added" in result.err, result.err)
        check_equal(run(["verify", pwfile, "robot", "--stdin"], stdin=result.out).code, 0, "that is the password")
        quiet = run(["set", pwfile, "robot2", "--generate", "-q"])
        check_equal((quiet.code, len(quiet.out), quiet.err), (0, 21, ""), "quiet: the password only")


@case
def dry_run_changes_nothing_anywhere():
    with TempDir() as directory:
        pwfile = new_password_file(directory)  # owned by the broker's user, who must read it
        with ReloadableBroker(directory, pwfile) as broker:
            # A user written without a reload: the running broker does not know her yet.
            check_equal(run(["set", pwfile, "carol", "--stdin", "-q"], stdin="carol-pw\n").code, 0)
            broker.check_refuses("carol", "carol-pw")
            reloads_before = broker.log_text().count("Reloading config")
            for args in (["--dry-run", "broker", "reload", "--conf", broker.config],
                         ["broker", "reload", "--conf", broker.config, "--dry-run", "--pid", str(broker.process.pid)],
                         ["set", pwfile, "dave", "--stdin", "--dry-run", "--reload", "--conf", broker.config],
                         ["delete", pwfile, "alice", "--dry-run", "--reload", "--conf", broker.config]):
                before = digest(pwfile)
                result = run(args, stdin="dave-pw\n")
                check_equal(result.code, 0, f"{args} {result!r}")
                check("would reload" in result.out, f"says what it would do: {result.out!r}")
                check_equal(digest(pwfile), before, f"file after {args}")
            time.sleep(0.5)  # a SIGHUP would have been logged by now
            check_equal(broker.log_text().count("Reloading config"), reloads_before, "no SIGHUP reached the broker")
            broker.check_refuses("carol", "carol-pw")
            # A dry run predicts the failure a real run would meet, and still signals nothing.
            missing_conf = directory.file("missing.conf")
            predicted = run(["set", pwfile, "dave", "--stdin", "--dry-run", "--reload", "--conf", missing_conf],
                            stdin="dave-pw\n")
            check_equal(predicted.code, 1, repr(predicted))
            check(f"{missing_conf}: no such file; nothing was written" in predicted.err, predicted.err)
            report = one_json_object(run(["broker", "reload", "--conf", broker.config, "--dry-run", "--json"]))
            check_equal((report["reloaded"], report["dry_run"]), (False, True), "JSON of a dry reload")
            check_equal(broker.process.pid, broker.process.pid, "same broker")
            # And the real thing, for contrast: now carol gets in.
            real = run(["broker", "reload", "--conf", broker.config])
            check_equal(real.code, 0, repr(real))
            check(real.out.startswith("reloaded: SIGHUP"), real.out)
            broker.check_accepts("carol", "carol-pw")
            check(broker.log_text().count("Reloading config") > reloads_before, "the log shows a real reload")


@case
def an_option_value_after_a_space_is_never_misread():
    with TempDir() as directory:
        pwfile = directory.write("pw", USERS, mode=0o600)
        conf = directory.write("mosquitto.conf", f"password_file {pwfile}\n")
        check_refused(directory, pwfile, ["delete", pwfile, "alice", "--missing-ok", "--reload", conf], 2,
                      "--reload takes no value")
        check_refused(directory, pwfile, ["import", pwfile, "--reload", conf], 2, "--reload takes no value", stdin="")
        check_refused(directory, pwfile, ["set", pwfile, "u", "--stdin", f"--reload={conf}"], 2,
                      "name the configuration with --conf CONF", stdin="pw\n")
        check_refused(directory, pwfile, ["set", pwfile, "--generate", "32"], 2, "--generate=32")
        # Wherever the word after --reload would land: the -b password, or the password file itself.
        check_refused(directory, pwfile, ["set", "-b", pwfile, "alice", "--reload", conf], 2,
                      "--reload takes no value")
        check_refused(directory, conf, ["set", "--reload", conf, "-b", pwfile, "alice"], 2, "--reload takes no value")
        check_refused(directory, pwfile, ["delete", "--reload", "--conf=", pwfile, "alice"], 2,
                      "--conf is given an empty value")
        # An option that needs a value never takes the next option as it: `--conf --dry-run` would
        # make the change for real.
        for args in (["set", pwfile, "dave", "--stdin", "--reload", "--conf", "--dry-run"],
                     ["delete", pwfile, "alice", "--reload", "--conf", "--dry-run"],
                     ["set", pwfile, "dave", "--password-file", "--stdin"],
                     ["import", pwfile, "-", "--prune", "--format", "--dry-run"]):
            check_refused(directory, pwfile, args, 2, "needs a value, and '--", stdin="x\n", what=str(args))
        for args in (["--dry-run=no", "delete", pwfile, "alice"], ["delete", pwfile, "alice", "--json=1"]):
            check_refused(directory, pwfile, args, 2, "takes no value", what=str(args))
        # A --reload that cannot work is known before writing.
        other = directory.write("other.conf", "password_file /somewhere/else\n")
        check_refused(directory, pwfile, ["delete", pwfile, "alice", "--reload", "--conf", other], 1,
                      "nothing was written")
        check_refused(directory, pwfile, ["delete", pwfile, "alice", "--create"], 2, "--create does nothing for delete")
        check_refused(directory, pwfile, ["list", pwfile, "--broker-version", "3"], 2, "does nothing for list")
        check_refused(directory, pwfile, ["check", pwfile, "--broker-version", "3"], 2, "must be 2.0, 2.1 or auto")


@case
def a_failed_reload_says_how_to_finish_and_json_tells_the_truth():
    with TempDir() as directory:
        pwfile = new_password_file(directory)
        conf = directory.write("mosquitto.conf", f"password_file {pwfile}\npid_file {directory.file('gone.pid')}\n")
        result = run(["set", pwfile, "erin", "--stdin", "--reload", "--conf", conf, "--json"], stdin="erin-pw\n")
        check_equal(result.code, 1, repr(result))
        report = one_json_object(result)
        check_equal((report["changed"], report["written"], report["added"]), (True, True, ["erin"]), "the write")
        check_equal((report["reload"]["reloaded"], report["exit_code"]), (False, 1), "the reload")
        check("no running broker found" in report["reload"]["problem"], report["reload"])
        line = result.err.strip()
        check(line.startswith(f"mqpasswd: {pwfile} was written, but the broker was not reloaded: "), line)
        check_equal(line.count(pwfile), 1 + line.count(f"password_file {pwfile}"), f"the file named once: {line}")
        check(line.endswith(f"once that is fixed, run: mqpasswd broker reload --conf {conf}"), line)
        again = run(["set", pwfile, "erin", "--stdin", "--reload", "--conf", conf], stdin="erin-pw\n")
        check_equal(again.code, 0, repr(again))
        check("not reloaded: nothing was written (mqpasswd broker reload reloads it anyway)" in again.out, again.out)


@case
def spreadsheet_and_jq_output_is_accepted():
    with TempDir() as directory:
        pwfile = directory.write("pw", "", mode=0o600)
        sources = [
            ("csv", f"\ufeffUsername,Password,email\r\nalice,{MARK}-1,a@example.org\r\n"),
            ("csv", f'username;password\nbob;"{MARK}\n2"\n'),
            ("jsonl", json.dumps({"username": "carol", "password": f"{MARK}-3", "note": 7}, indent=2) + "\n"),
            ("json", json.dumps([{"username": "dave", "password": f"{MARK}-4", "tags": ["x"]}], indent=2)),
        ]
        for form, source in sources:
            result = run(["import", pwfile, "-", f"--format={form}", "-q"], stdin=source)
            check_equal(result.code, 0, f"{form} {result!r}")
            check_no_secret(result)
        for user, password in (("alice", f"{MARK}-1"), ("carol", f"{MARK}-3"), ("dave", f"{MARK}-4")):
            check_equal(run(["verify", pwfile, user, "--stdin"], stdin=password + "\n").code, 0, user)
        # A record spanning lines does not shift the line numbers after it.
        check_refused(directory, pwfile, ["import", pwfile, "-", "--format=csv"], 1, "standard input:4:",
                      stdin=f'username,password\nerin,"{MARK}\nmore"\n:{MARK}\n')
        check_refused(directory, pwfile, ["import", pwfile, "-", "--format=jsonl"], 1,
                      "standard input:1: field 'password' must be a string, not a number",
                      stdin='{"username": "x", "password": 12345}\n')


@case
def the_command_line_answers_a_person():
    with TempDir() as directory:
        pwfile = directory.write("pw", USERS, mode=0o600)
        nothing = run([])
        check_equal(nothing.code, 2, repr(nothing))
        check("a command is required: set, delete" in nothing.err, nothing.err)
        check_equal(run(["help"]).code, 0)
        check("--password-env" in run(["help", "set"]).out, "help COMMAND")
        check("did you mean 'delete'" in run(["delet", pwfile, "x"]).err, "a misspelt command")
        long_name = "n" * 70000
        result = check_refused(directory, pwfile, ["delete", pwfile, long_name], 4, "no such user 'nnnn")
        check(len(result.err) < 300, f"a 70 KB name is not echoed whole ({len(result.err)} bytes)")
        result = run(["set", pwfile, "frank", "--stdin", "--dry-run"], stdin="frank-pw\n")
        check(f"--- {pwfile}\n+++ {pwfile} (dry run)\n" in result.out, result.out)
        new = run(["set", directory.file("new"), "frank", "--stdin", "--dry-run", "--create"], stdin="frank-pw\n")
        check(f"--- /dev/null\n+++ {directory.file('new')} (dry run)\n" in new.out, new.out)
        check("new" not in directory.entries(), "a dry run created the file")


run_cases()
