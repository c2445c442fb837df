#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, the mqpasswd authors
# BSD 3-Clause License (see LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: mosquitto_user
short_description: Add, change or remove one user of a Mosquitto password file
version_added: "0.1.0"
description:
  - Makes one user of a Mosquitto C(password_file) present with a password, or absent, by running
    C(mqpasswd set) or C(mqpasswd delete) with C(--json) on the managed host.
  - Idempotent with salted hashes, since mqpasswd verifies the password against the stored hash first and
    writes nothing when it matches a hash as strong as the one it would write, so C(changed) is
    mqpasswd's own verdict, not a guess.
  - The password reaches mqpasswd on its standard input (C(--stdin)), never in its command line or
    environment. Every write is mqpasswd's (locked, atomic, comments and other lines kept).
  - Check mode runs C(mqpasswd --dry-run), which writes nothing and reports what would change; diff
    mode shows mqpasswd's unified diff of the file with every hash masked.
  - This module does not reload the broker; register its result and run
    M(mqpasswd.mosquitto.mosquitto_broker) with C(state=reloaded)
    when it changed.
author: mqpasswd contributors
requirements:
  - mqpasswd on the managed host (in C(PATH), or named by C(mqpasswd))
options:
  path:
    description: The password file.
    type: path
    required: true
    aliases: [dest]
  name:
    description: The username.
    type: str
    required: true
    aliases: [user]
  password:
    description:
      - The password. Required with C(state=present).
      - A YAML integer or float is converted to its string form as Python writes it (C(1234) is
        C("1234"); C(1.50) is C("1.5") and C(0123) is C("83") because YAML reads them so, so quote
        such passwords). A boolean, a list or a map is refused, as is a line break.
    type: raw
  state:
    description: Whether the user is in the file.
    type: str
    choices: [present, absent]
    default: present
  update_password:
    description:
      - C(always) makes the stored password match C(password) (rewriting nothing when it already does).
      - C(on_create) only adds a missing user and never changes an existing user's password.
    type: str
    choices: [always, on_create]
    default: always
  hash:
    description:
      - The hash to write (C(mqpasswd --hash)); mqpasswd's default is C(sha512-pbkdf2).
      - C(argon2id) needs a Mosquitto 2.1 broker built with libargon2.
    type: str
    choices: [sha512-pbkdf2, sha512, argon2id]
  iterations:
    description:
      - PBKDF2 iterations (C(mqpasswd --iterations)); mqpasswd's default is 1000. The broker pays
        this on every client login. A stored hash with fewer iterations is rehashed.
    type: int
  broker_version:
    description:
      - The broker that reads the file (C(mqpasswd --broker-version)); C(auto) asks the installed
        C(mosquitto). A 2.0 broker reads only 12-byte salts and no argon2id.
    type: str
    choices: [auto, "2.0", "2.1"]
    default: auto
  create:
    description:
      - Create the file when it is missing (C(mqpasswd --create)) with mode 0600, owned by the broker's
        user C(mosquitto) when run as root. With C(false) a missing file is an error.
    type: bool
    default: true
  owner:
    description:
      - Owner of the file. A new file is created with it (C(mqpasswd --owner)); an existing one is
        chowned. mqpasswd keeps the owner on every later write.
    type: str
  group:
    description: Group of the file, as C(owner).
    type: str
  mode:
    description:
      - Mode of the file, as in M(ansible.builtin.file) (quote octal modes, C("0640")). A new file is
        created 0600 and then changed to this mode.
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
  - A missing file with C(state=absent) is not an error and changes nothing.
seealso:
  - module: mqpasswd.mosquitto.mosquitto_users
  - module: mqpasswd.mosquitto.mosquitto_broker
'''

EXAMPLES = r'''
- name: Sensor 1 can log in
  mqpasswd.mosquitto.mosquitto_user:
    path: /etc/mosquitto/passwd
    name: sensor1
    password: "{{ vault_sensor1_password }}"
  register: sensor1

- name: The broker re-reads the file when it changed
  mqpasswd.mosquitto.mosquitto_broker:
    state: reloaded
  when: sensor1 is changed

- name: A device's first password only; it changes it itself later
  mqpasswd.mosquitto.mosquitto_user:
    path: /etc/mosquitto/passwd
    name: robot
    password: "{{ initial_password }}"
    update_password: on_create

- name: A decommissioned device is gone
  mqpasswd.mosquitto.mosquitto_user:
    path: /etc/mosquitto/passwd
    name: sensor9
    state: absent

- name: A broker on another host with Debian 12's Mosquitto 2.0, a stronger hash and a group
  mqpasswd.mosquitto.mosquitto_user:
    path: /srv/mqtt/passwd
    name: dashboard
    password: "{{ vault_dashboard_password }}"
    broker_version: "2.0"
    iterations: 10000
    owner: mosquitto
    group: mqtt-admins
    mode: "0640"
'''

RETURN = r'''
action:
  description: What mqpasswd did to the user (or would do, in check mode).
  returned: always
  type: str
  sample: added
  choices: [added, updated, rehashed, unchanged, removed, missing]
created:
  description: Whether the file was (or would be) created.
  returned: always
  type: bool
  sample: false
hash:
  description: The algorithm and parameters of the hash written for the user; never the hash itself.
  returned: when a hash was (or would be) written
  type: dict
  sample: {"algorithm": "sha512-pbkdf2", "iterations": 1000, "salt_length": 12}
path:
  description: The password file.
  returned: always
  type: str
  sample: /etc/mosquitto/passwd
name:
  description: The username.
  returned: always
  type: str
  sample: sensor1
report:
  description: mqpasswd's whole C(--json) report (no passwords or hashes in it); empty when mqpasswd was not run.
  returned: always
  type: dict
  sample: {"file": "/etc/mosquitto/passwd", "changed": true, "written": true, "added": ["sensor1"]}
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.mqpasswd.mosquitto.plugins.module_utils import mqpasswd


def user_action(report, name):
    for entry in report.get('users') or []:
        if entry.get('user') == name:
            return entry.get('action'), entry.get('hash')
    return 'unchanged', None


def ensure_present(module, path, name):
    password = mqpasswd.password_text(module, module.params['password'], 'password')
    if module.params['update_password'] == 'on_create' and name in mqpasswd.users_in(module, path):
        return {}, None

    def command(dry_run):
        return (['set'] + mqpasswd.global_args(module, dry_run) + mqpasswd.create_args(module, path)
                + ['--stdin', '--', path, name])
    return mqpasswd.run_write(module, command, data=password)


def ensure_absent(module, path, name):
    if not os.path.lexists(path):
        return {}, None

    def command(dry_run):
        return ['delete', '--json', '--missing-ok'] + (['--dry-run'] if dry_run else []) + ['--', path, name]
    return mqpasswd.run_write(module, command)


def main():
    argument_spec = dict(
        name=dict(type='str', required=True, aliases=['user']),
        password=dict(type='raw', no_log=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        update_password=dict(type='str', default='always', choices=['always', 'on_create'], no_log=False),
    )
    argument_spec.update(mqpasswd.PWFILE_ARGS)
    argument_spec.update(mqpasswd.COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[('state', 'present', ['password'])])
    path, name = module.params['path'], module.params['name']
    if module.params['state'] == 'present':
        report, diff = ensure_present(module, path, name)
    else:
        report, diff = ensure_absent(module, path, name)
    action, written_hash = user_action(report, name)
    if not report and module.params['state'] == 'absent':
        action = 'missing'
    diffs = [diff] if diff else []
    changed = mqpasswd.apply_file_attributes(module, path, bool(report.get('changed')), diffs)
    result = dict(changed=changed, path=path, name=name, action=action, created=bool(report.get('created')),
                  report=report)
    if written_hash:
        result['hash'] = written_hash
    if diffs and module._diff:
        result['diff'] = diffs if len(diffs) > 1 else diffs[0]
    module.exit_json(**result)


if __name__ == '__main__':
    main()
