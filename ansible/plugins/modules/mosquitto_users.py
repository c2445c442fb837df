#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, the mqpasswd authors
# BSD 3-Clause License (see LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: mosquitto_users
short_description: Set many users of a Mosquitto password file in one atomic write, optionally exactly these
version_added: "0.1.0"
description:
  - Gives every user of C(users) its password in one locked, atomic write, by running
    C(mqpasswd import --format=jsonl --json) on the managed host; with C(prune=true) the file then
    holds exactly these users (C(mqpasswd import --prune)).
  - The records travel to mqpasswd as JSON Lines on its standard input (a pipe), never in its
    command line, its environment or a temporary file.
  - Users whose password already verifies against a hash as strong as the one mqpasswd would write
    are left byte for byte, so a second identical run writes nothing and reports C(changed=false);
    C(changed) is mqpasswd's own verdict.
  - An empty C(users) list with C(prune=true) would remove every user. Like mqpasswd, which never
    prunes to an empty source, the module refuses it unless C(allow_empty_prune=true), which then
    removes every user with C(mqpasswd delete).
  - Check mode runs C(mqpasswd --dry-run) (nothing written, chowned or signalled); diff mode shows
    mqpasswd's unified diff of the file with every hash masked.
author: mqpasswd contributors
requirements:
  - mqpasswd on the managed host (in C(PATH), or named by C(mqpasswd))
options:
  path:
    description: The password file.
    type: path
    required: true
    aliases: [dest]
  users:
    description:
      - The users and their passwords.
      - mqpasswd reads them as JSON Lines, so an error about C(standard input:N) is about the Nth user.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The username.
        type: str
        required: true
        aliases: [username]
      password:
        description:
          - The password. A YAML integer or float is converted to its string form as Python
            writes it (quote passwords such as C(0123) or C(1.50), which YAML reads as numbers).
        type: raw
        required: true
      hash:
        description: This user's hash, over the module's C(hash).
        type: str
        choices: [sha512-pbkdf2, sha512, argon2id]
  prune:
    description: Also remove every user that C(users) does not name, so the file holds exactly C(users).
    type: bool
    default: false
  allow_empty_prune:
    description:
      - With C(prune=true) and an empty C(users), remove every user instead of failing. Without it
        an empty list (a missing vault variable, a typo in a filter) never empties the file.
    type: bool
    default: false
  hash:
    description:
      - The hash to write (C(mqpasswd --hash)); mqpasswd's default is C(sha512-pbkdf2).
      - C(argon2id) needs a Mosquitto 2.1 broker built with libargon2.
    type: str
    choices: [sha512-pbkdf2, sha512, argon2id]
  iterations:
    description: PBKDF2 iterations (C(mqpasswd --iterations)); mqpasswd's default is 1000.
    type: int
  broker_version:
    description:
      - The broker that reads the file (C(mqpasswd --broker-version)); C(auto) asks the installed
        C(mosquitto).
    type: str
    choices: [auto, "2.0", "2.1"]
    default: auto
  jobs:
    description: Hashing threads (C(mqpasswd import --jobs)); mqpasswd's default is one per CPU.
    type: int
  create:
    description:
      - Create the file when it is missing (C(mqpasswd --create)) with mode 0600, owned by the
        broker's user C(mosquitto) when run as root. With C(false) a missing file is an error.
    type: bool
    default: true
  owner:
    description: Owner of the file (a new one is created with it; an existing one is chowned).
    type: str
  group:
    description: Group of the file, as C(owner).
    type: str
  mode:
    description: Mode of the file, as in M(ansible.builtin.file) (quote octal modes, C("0640")).
    type: raw
  mqpasswd:
    description: The mqpasswd program on the managed host; a name without a slash is looked up in C(PATH).
    type: str
    default: mqpasswd
attributes:
  check_mode:
    description: Runs mqpasswd with C(--dry-run), which writes, chowns and signals nothing.
    support: full
  diff_mode:
    description: The unified diff mqpasswd prints for a dry run, every hash masked.
    support: full
  platform:
    description: Linux and other POSIX hosts mqpasswd runs on.
    platforms: posix
notes:
  - An empty C(users) without C(prune) changes nothing.
  - A user named twice, an invalid username or an empty password fails the task with mqpasswd's
    message, and the file is left as it was.
seealso:
  - module: mqpasswd.mosquitto.mosquitto_user
  - module: mqpasswd.mosquitto.mosquitto_broker
'''

EXAMPLES = r'''
- name: The file holds exactly the users of the vault
  mqpasswd.mosquitto.mosquitto_users:
    path: /etc/mosquitto/passwd
    users: "{{ mqtt_users }}"   # [{name: sensor1, password: ...}, ...]
    prune: true
  register: mqtt_users_result

- name: Reload the broker only when its file changed
  mqpasswd.mosquitto.mosquitto_broker:
    state: reloaded
  when: mqtt_users_result is changed

- name: Add these users, keep the others, a stronger hash for one
  mqpasswd.mosquitto.mosquitto_users:
    path: /etc/mosquitto/passwd
    users:
      - name: sensor1
        password: "{{ vault_sensor1 }}"
      - name: admin
        password: "{{ vault_admin }}"
        hash: sha512-pbkdf2
    iterations: 2000

- name: Decommission the whole site (an empty list with prune needs saying so)
  mqpasswd.mosquitto.mosquitto_users:
    path: /etc/mosquitto/passwd
    users: []
    prune: true
    allow_empty_prune: true
'''

RETURN = r'''
added:
  description: Users added (or that would be).
  returned: always
  type: list
  elements: str
  sample: [sensor1]
updated:
  description: Users whose password changed.
  returned: always
  type: list
  elements: str
  sample: []
rehashed:
  description: Users whose password matched a weaker hash, now rewritten with the target hash.
  returned: always
  type: list
  elements: str
  sample: []
removed:
  description: Users removed by C(prune).
  returned: always
  type: list
  elements: str
  sample: [old-sensor]
unchanged:
  description: How many users were left byte for byte.
  returned: always
  type: int
  sample: 250
created:
  description: Whether the file was (or would be) created.
  returned: always
  type: bool
  sample: false
path:
  description: The password file.
  returned: always
  type: str
  sample: /etc/mosquitto/passwd
report:
  description: mqpasswd's whole C(--json) report (no passwords or hashes in it); empty when mqpasswd was not run.
  returned: always
  type: dict
  sample: {"file": "/etc/mosquitto/passwd", "changed": false, "unchanged": 250}
'''

import json

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.mqpasswd.mosquitto.plugins.module_utils import mqpasswd


def records(module):
    """The users as mqpasswd's JSON records; a user named twice is refused here, with its name."""
    seen = set()
    out = []
    for index, user in enumerate(module.params['users']):
        name = user['name']
        if name in seen:
            module.fail_json(msg="users[%d]: user '%s' given twice" % (index, name))
        seen.add(name)
        what = "users[%d] (%s): password" % (index, name)
        record = dict(username=name, password=mqpasswd.password_text(module, user['password'], what))
        if user.get('hash'):
            record['hash'] = user['hash']
        out.append(record)
    return out


def import_users(module, path, users):
    params = module.params

    def command(dry_run):
        args = ['import', '--format=jsonl'] + mqpasswd.global_args(module, dry_run) + mqpasswd.create_args(module, path)
        if params['prune']:
            args.append('--prune')
        if params.get('jobs') is not None:
            args += ['--jobs', str(params['jobs'])]
        return args + ['--', path, '-']
    # JSON Lines, one user a line, so that mqpasswd's "standard input:N" is the Nth user.
    return mqpasswd.run_write(module, command, data='\n'.join(json.dumps(user) for user in users))


def remove_everyone(module, path):
    """prune with an empty list, allowed: every user goes, with one `mqpasswd delete`."""
    names = mqpasswd.users_in(module, path)
    if not names:
        return {}, None

    def command(dry_run):
        return ['delete', '--json', '--missing-ok'] + (['--dry-run'] if dry_run else []) + ['--', path] + names
    return mqpasswd.run_write(module, command)


def main():
    argument_spec = dict(
        users=dict(type='list', elements='dict', required=True, options=dict(
            name=dict(type='str', required=True, aliases=['username']),
            password=dict(type='raw', required=True, no_log=True),
            hash=dict(type='str', choices=['sha512-pbkdf2', 'sha512', 'argon2id']),
        )),
        prune=dict(type='bool', default=False),
        allow_empty_prune=dict(type='bool', default=False),
        jobs=dict(type='int'),
    )
    argument_spec.update(mqpasswd.PWFILE_ARGS)
    argument_spec.update(mqpasswd.COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    path = module.params['path']
    users = records(module)
    if users:
        report, diff = import_users(module, path, users)
    elif not module.params['prune']:
        report, diff = {}, None
    elif not module.params['allow_empty_prune']:
        module.fail_json(msg="users is empty and prune is true: that would remove every user of %s, so nothing "
                             "was done (mqpasswd import refuses an empty source too); set allow_empty_prune: true "
                             "if the file should really hold no users" % path)
    else:
        report, diff = remove_everyone(module, path)
    diffs = [diff] if diff else []
    changed = mqpasswd.apply_file_attributes(module, path, bool(report.get('changed')), diffs)
    result = dict(changed=changed, path=path, created=bool(report.get('created')), report=report,
                  unchanged=report.get('unchanged', 0))
    for key in ('added', 'updated', 'rehashed', 'removed'):
        result[key] = report.get(key, [])
    if diffs and module._diff:
        result['diff'] = diffs if len(diffs) > 1 else diffs[0]
    module.exit_json(**result)


if __name__ == '__main__':
    main()
