#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, the mqpasswd authors
# BSD 3-Clause License (see LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: mosquitto_broker
short_description: Make a Mosquitto broker use a password file, or make it re-read its password files
version_added: "0.1.0"
description:
  - With C(state=enabled), runs C(mqpasswd broker enable) on the managed host, which makes
    C(mosquitto.conf) check clients against C(pwfile) (a snippet in its C(include_dir), or lines
    at its end, or in each listener block under C(per_listener_settings)), optionally with
    C(allow_anonymous false). The configuration as edited is read back as the broker reads it
    before anything is written. Idempotent; C(changed) is mqpasswd's verdict.
  - With C(state=reloaded), runs C(mqpasswd broker reload), which checks every password file the
    configuration names, finds the running broker (C(pid), the C(pid_file) of the configuration,
    Debian's C(/run/mosquitto/mosquitto.pid), or the systemd unit) and sends it C(SIGHUP). It works
    on hosts without systemd. It always reports C(changed) when it signals (or would, in check
    mode), as M(ansible.builtin.service) does for C(reloaded), so run it only when something
    changed (a C(when) on the registered results of the other modules).
  - Check mode runs C(mqpasswd --dry-run), which writes nothing and signals nothing; for a reload it
    still checks the files and finds the broker, so a reload that would fail fails in check mode
    too. Diff mode shows mqpasswd's unified diff of the configuration.
author: mqpasswd contributors
requirements:
  - mqpasswd on the managed host (in C(PATH), or named by C(mqpasswd))
options:
  state:
    description:
      - C(enabled) makes the configuration use C(pwfile).
      - C(reloaded) makes the running broker re-read its configuration and password files.
    type: str
    choices: [enabled, reloaded]
    default: enabled
  conf:
    description: The broker's configuration.
    type: path
    default: /etc/mosquitto/mosquitto.conf
  pwfile:
    description: The password file the broker should use. Required with C(state=enabled).
    type: path
  no_anonymous:
    description: Also make C(allow_anonymous false) apply (C(--no-anonymous)).
    type: bool
    default: false
  replace:
    description: Repoint a C(password_file) that names another file instead of failing (C(--replace)).
    type: bool
    default: false
  listeners:
    description:
      - Ports clients log in on (C(--listener)); a listener is added for a port nothing listens on,
        after which the broker must be restarted once (returned as C(restart_needed)).
    type: list
    elements: int
    default: []
  bind:
    description: The address of a listener that C(listeners) adds (C(--bind)); default every interface.
    type: str
  fix_permissions:
    description: Give C(pwfile) to the broker's user when it cannot read it (C(--fix-permissions)).
    type: bool
    default: false
  pid:
    description: With C(state=reloaded), the broker's process id, over the configuration's C(pid_file).
    type: int
  broker_version:
    description: The broker (C(mqpasswd --broker-version)); C(auto) asks the installed C(mosquitto).
    type: str
    choices: [auto, "2.0", "2.1"]
    default: auto
  mqpasswd:
    description: The mqpasswd program on the managed host; a name without a slash is looked up in C(PATH).
    type: str
    default: mqpasswd
attributes:
  check_mode:
    description: Runs mqpasswd with C(--dry-run), which writes and signals nothing.
    support: full
  diff_mode:
    description: The unified diff of the configuration that mqpasswd prints for a dry run.
    support: full
  platform:
    description: Linux and other POSIX hosts mqpasswd runs on.
    platforms: posix
notes:
  - In check mode, a C(pwfile) that does not exist yet (an earlier task of the same run would create
    it) cannot be planned against, as C(mqpasswd broker enable) checks that the broker's user can
    read it; the module then reports a change with a warning.
  - Mosquitto cannot add a listener or load a plugin on a reload; C(mqpasswd broker reload) refuses
    such a reload and asks for a restart, and this module fails with that message. With
    C(state=enabled) for a Mosquitto 2.1 broker, the password file is given by 2.1's password-file
    plugin (C(global_plugin) and C(plugin_opt_password_file)), so the first C(enabled) change
    returns C(restart_needed=true); restart the broker then (e.g. with M(ansible.builtin.service)),
    do not reload it.
seealso:
  - module: mqpasswd.mosquitto.mosquitto_user
  - module: mqpasswd.mosquitto.mosquitto_users
'''

EXAMPLES = r'''
- name: The broker checks clients against the password file, and nobody gets in without one
  mqpasswd.mosquitto.mosquitto_broker:
    conf: /etc/mosquitto/mosquitto.conf
    pwfile: /etc/mosquitto/passwd
    no_anonymous: true
  register: mosquitto_conf

- name: The users
  mqpasswd.mosquitto.mosquitto_users:
    path: /etc/mosquitto/passwd
    users: "{{ mqtt_users }}"
    prune: true
  register: mosquitto_passwd

- name: The broker re-reads both, only when one of them changed and a reload can apply it
  mqpasswd.mosquitto.mosquitto_broker:
    state: reloaded
    conf: /etc/mosquitto/mosquitto.conf
  when: (mosquitto_conf is changed or mosquitto_passwd is changed) and not mosquitto_conf.restart_needed

# For Mosquitto 2.1 the password file is a plugin, which only a restart loads (as a new listener).
- name: The broker restarts instead when the configuration change needs it
  ansible.builtin.service:
    name: mosquitto
    state: restarted
  when: mosquitto_conf.restart_needed
'''

RETURN = r'''
actions:
  description: With C(state=enabled), what was (or would be) changed, one line each.
  returned: when state is enabled
  type: list
  elements: str
  sample: ["/etc/mosquitto/conf.d/mqpasswd.conf: password_file /etc/mosquitto/passwd"]
files:
  description: With C(state=enabled), the configuration files written (or that would be).
  returned: when state is enabled
  type: list
  elements: str
  sample: [/etc/mosquitto/conf.d/mqpasswd.conf]
notes:
  description: With C(state=enabled), mqpasswd's notes about the configuration.
  returned: when state is enabled
  type: list
  elements: str
  sample: []
restart_needed:
  description:
    - With C(state=enabled), whether the broker must be restarted (not reloaded) to apply the change
      (a listener added, or 2.1's password-file plugin configured); a reload would be refused.
  returned: when state is enabled
  type: bool
  sample: false
how:
  description: With C(state=reloaded), how the broker was (or would be) signalled.
  returned: when state is reloaded
  type: str
  sample: SIGHUP to mosquitto pid 812 (pid_file /run/mosquitto/mosquitto.pid)
reloaded:
  description: With C(state=reloaded), whether a signal was sent (false in check mode).
  returned: when state is reloaded
  type: bool
  sample: true
report:
  description: mqpasswd's whole C(--json) report.
  returned: always
  type: dict
  sample: {"reloaded": true, "how": "SIGHUP to mosquitto pid 812 (pid_file /run/mosquitto/mosquitto.pid)"}
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.mqpasswd.mosquitto.plugins.module_utils import mqpasswd


def version_args(module):
    version = module.params['broker_version']
    return ['--broker-version', version] if version != 'auto' else []


def enable(module):
    params = module.params
    if module.check_mode and not os.path.lexists(params['pwfile']):
        # A dry run of the whole play has not created the file an earlier task would create, and
        # `mqpasswd broker enable` checks the broker's user can read it: nothing to plan against.
        note = '%s does not exist yet: the configuration change cannot be planned before it does' % params['pwfile']
        module.warn(note)
        return dict(changed=True, conf=params['conf'], restart_needed=False, actions=[], files=[], notes=[note],
                    report={})

    def command(dry_run):
        args = ['broker', 'enable', '--json'] + (['--dry-run'] if dry_run else []) + version_args(module)
        args += ['--conf', params['conf'], '--pwfile', params['pwfile']]
        for flag in ('no_anonymous', 'replace', 'fix_permissions'):
            if params[flag]:
                args.append('--' + flag.replace('_', '-'))
        for port in params['listeners']:
            args += ['--listener', str(port)]
        if params.get('bind'):
            args += ['--bind', params['bind']]
        return args
    report, diff = mqpasswd.run_write(module, command)
    if report.get('restart_needed'):
        module.warn('%s: the broker must be restarted, not reloaded, to apply this change' % params['conf'])
    for note in report.get('notes') or []:
        module.warn('mqpasswd: %s' % note)
    result = dict(changed=bool(report.get('changed')), conf=params['conf'],
                  restart_needed=bool(report.get('restart_needed')),
                  actions=report.get('actions', []), files=report.get('files', []), notes=report.get('notes', []),
                  report=report)
    if diff and module._diff:
        result['diff'] = diff
    return result


def reload(module):
    params = module.params
    args = ['broker', 'reload', '--json'] + (['--dry-run'] if module.check_mode else []) + version_args(module)
    args += ['--conf', params['conf']]
    if params.get('pid') is not None:
        args += ['--pid', str(params['pid'])]
    report = mqpasswd.run(module, args)
    return dict(changed=True, conf=params['conf'], how=report.get('how', ''), reloaded=bool(report.get('reloaded')),
                report=report)


def main():
    argument_spec = dict(
        state=dict(type='str', default='enabled', choices=['enabled', 'reloaded']),
        conf=dict(type='path', default='/etc/mosquitto/mosquitto.conf'),
        pwfile=dict(type='path'),
        no_anonymous=dict(type='bool', default=False),
        replace=dict(type='bool', default=False),
        listeners=dict(type='list', elements='int', default=[]),
        bind=dict(type='str'),
        fix_permissions=dict(type='bool', default=False),
        pid=dict(type='int'),
        broker_version=dict(type='str', default='auto', choices=['auto', '2.0', '2.1']),
    )
    argument_spec.update(mqpasswd.COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[('state', 'enabled', ['pwfile'])])
    if module.params['state'] == 'enabled':
        if module.params.get('pid') is not None:
            module.fail_json(msg="pid applies to state=reloaded only")
        module.exit_json(**enable(module))
    module.exit_json(**reload(module))


if __name__ == '__main__':
    main()
