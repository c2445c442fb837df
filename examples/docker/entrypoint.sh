#!/bin/sh
# Builds the broker's password file from secrets, then runs the given command.
#   MQTT_USERS_FILE        the users (e.g. a Docker secret); the file then holds exactly these
#                          users (--prune), plus MQTT_USERNAME
#   MQTT_USERS_FORMAT      lines (user:password, the default), csv, jsonl or json: --prune
#                          removes users, so the format is stated, never guessed
#   MQTT_USERNAME + MQTT_PASSWORD   one more user, from the environment (the value is read by
#                          mqpasswd from its environment, never from argv)
#   PASSWORD_FILE          where to write (default /mosquitto/config/passwd)
#   PASSWORD_FILE_OWNER    uid:gid for a new file (default: the broker's 1883:1883)
#   MOSQUITTO_BROKER_VERSION  2.0 (default) or 2.1: which broker reads the file
set -eu

pwfile=${PASSWORD_FILE:-/mosquitto/config/passwd}
broker=${MOSQUITTO_BROKER_VERSION:-2.0}
owner=${PASSWORD_FILE_OWNER:-1883:1883}

common="--create --broker-version $broker --owner ${owner%%:*} --group ${owner#*:}"

if [ -n "${MQTT_USERS_FILE:-}" ]; then
    # shellcheck disable=SC2086 # $common is a list of options
    mqpasswd import $common --prune --format "${MQTT_USERS_FORMAT:-lines}" "$pwfile" "$MQTT_USERS_FILE"
fi
if [ -n "${MQTT_USERNAME:-}" ]; then
    # shellcheck disable=SC2086
    mqpasswd set $common "$pwfile" "$MQTT_USERNAME" --password-env MQTT_PASSWORD
fi
unset MQTT_PASSWORD

exec "$@"
