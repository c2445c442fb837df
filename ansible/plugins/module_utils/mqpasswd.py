# -*- coding: utf-8 -*-
# Copyright: (c) 2026, the mqpasswd authors
# BSD 3-Clause License (see LICENSE)
"""What the mqpasswd.mosquitto modules share: running mqpasswd with --json, reading its verdict,
passing its one-line error on, and the file attributes Ansible manages after mqpasswd wrote."""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess

# The options every module has, for its argument_spec.
COMMON_ARGS = dict(
    mqpasswd=dict(type='str', default='mqpasswd'),
)
# The options of the modules that write a password file.
PWFILE_ARGS = dict(
    path=dict(type='path', required=True, aliases=['dest']),
    create=dict(type='bool', default=True),
    hash=dict(type='str', choices=['sha512-pbkdf2', 'sha512', 'argon2id']),
    iterations=dict(type='int'),
    broker_version=dict(type='str', default='auto', choices=['auto', '2.0', '2.1']),
    owner=dict(type='str'),
    group=dict(type='str'),
    mode=dict(type='raw'),
)


def password_text(module, value, what):
    """A password as the string mqpasswd gets: YAML integers and floats in their string form (as
    str() writes them: 0123 in YAML is the integer 83, 1.50 the float 1.5; quote to keep them);
    booleans, lists and maps are refused, as are line breaks (mqpasswd reads one line)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        module.fail_json(msg="%s must be a string (a YAML %s was given; quote it)" % (what, type(value).__name__))
    text = value if isinstance(value, str) else str(value)
    if text == '':
        module.fail_json(msg="%s is empty" % what)
    if '\n' in text or '\r' in text:
        module.fail_json(msg="%s holds a line break: mqpasswd reads one line" % what)
    return text


def program(module):
    """The mqpasswd to run: the `mqpasswd` option, looked up in PATH when it has no slash."""
    name = module.params['mqpasswd']
    if '/' in name:
        if not os.access(name, os.X_OK):
            module.fail_json(msg="mqpasswd: %s is not an executable file" % name)
        return name
    return module.get_bin_path(name, required=True)


def global_args(module, dry_run):
    """--json, --dry-run and the hash options of a write, as the module's parameters ask."""
    args = ['--json']
    if dry_run:
        args.append('--dry-run')
    params = module.params
    if params.get('hash'):
        args += ['--hash', params['hash']]
    if params.get('iterations') is not None:
        args += ['--iterations', str(params['iterations'])]
    if params.get('broker_version') and params['broker_version'] != 'auto':
        args += ['--broker-version', params['broker_version']]
    return args


def one_line_error(stderr, report):
    """mqpasswd's own one-line message: the last line of its stderr that is not a warning."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if not line.startswith('mqpasswd: warning:')]
    if errors:
        return errors[-1]
    if report.get('error'):
        return 'mqpasswd: %s' % report['error']
    return lines[-1] if lines else ''


def execute(module, argv, data):
    """(exit code, stdout, stderr) of argv, `data` and a newline on its stdin (else /dev/null).
    Not module.run_command: it writes stdin itself and fails the task with "Broken pipe" when
    mqpasswd exits before reading it (a refused username exits at once); communicate() does not."""
    try:
        completed = subprocess.run(argv, input=None if data is None else data + '\n',
                                   stdin=subprocess.DEVNULL if data is None else None, capture_output=True,
                                   encoding='utf-8', errors='surrogateescape', close_fds=True, check=False)
    except OSError as error:
        module.fail_json(msg='mqpasswd: cannot run %s: %s' % (argv[0], error))
    return completed.returncode, completed.stdout, completed.stderr


def run(module, args, data=None, warn=True):
    """Runs mqpasswd ARGS (with `data` and a newline on its stdin) and returns its JSON report.
    The data travels on a pipe, never in argv or the environment. A failure (non-zero exit, an
    "error" in the report) fails the task with mqpasswd's one-line message, its exit code and its
    report; `changed` then says whether mqpasswd wrote anyway (a file written, its --reload failed)."""
    argv = [program(module)] + args
    rc, out, err = execute(module, argv, data)
    try:
        report = json.loads(out) if out.strip() else {}
    except ValueError:
        report = {}
    if not isinstance(report, dict):
        report = {}
    if rc != 0 or 'error' in report:
        message = one_line_error(err, report) or 'mqpasswd exited with status %d and no message' % rc
        module.fail_json(msg=message, rc=rc, exit_code=report.get('exit_code', rc), report=report,
                         changed=bool(report.get('written')))
    if not report:
        module.fail_json(msg='mqpasswd: %s printed no JSON report (is it mqpasswd?)' % argv[0], rc=rc)
    if warn:
        for warning in report.get('warnings') or []:
            module.warn('mqpasswd: %s' % warning)
    return report


def create_args(module, path):
    """--create (and --owner/--group for the new file) when the file is missing and may be made."""
    if os.path.lexists(path) or not module.params['create']:
        return []
    args = ['--create']
    if module.params.get('owner'):
        args += ['--owner', module.params['owner']]
    if module.params.get('group'):
        args += ['--group', module.params['group']]
    return args


def apply_file_attributes(module, path, changed, diffs):
    """owner/group/mode on the file mqpasswd wrote (mqpasswd keeps them on every later write).
    In check mode on a file that does not exist yet there is nothing to compare: mqpasswd would
    create it with --owner/--group, and mode would follow."""
    params = module.params
    if not (params.get('owner') or params.get('group') or params.get('mode') is not None):
        return changed
    if not os.path.lexists(path):
        return changed or (module.check_mode and params.get('mode') is not None)
    diff = {'before': {'path': path}, 'after': {'path': path}}
    changed = module.set_fs_attributes_if_different(module.load_file_common_arguments(params, path=path), changed,
                                                   diff)
    if diff['before'] != diff['after']:
        diffs.append(diff)
    return changed


def prepared_diff(report):
    """mqpasswd's masked unified diff (what --dry-run prints) as an Ansible diff, or None."""
    text = report.get('diff')
    return {'prepared': text} if text else None


def run_write(module, command_args, data=None):
    """A write as check and diff mode ask: in check mode only mqpasswd's --dry-run (which writes,
    chowns and signals nothing and reports what would change); in diff mode a --dry-run first for
    the masked diff, then the write. Returns (report, Ansible diff or None)."""
    if module.check_mode:
        report = run(module, command_args(True), data)
        return report, prepared_diff(report)
    preview = run(module, command_args(True), data, warn=False) if module._diff else {}
    report = run(module, command_args(False), data)
    return report, prepared_diff(preview) if report.get('changed') else None


def users_in(module, path):
    """The usernames of the password file, from `mqpasswd list --json`; none when it is missing."""
    if not os.path.lexists(path):
        return []
    return [entry['user'] for entry in run(module, ['list', '--json', '--', path]).get('users', [])]
