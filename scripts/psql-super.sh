#!/usr/bin/env bash
# Runs SQL from stdin as the PostgreSQL superuser on database $1 (e.g. the DataStore's
# permission script from `ckan datastore set-permissions`); further arguments go to psql.
set -euo pipefail
source "$(dirname "$0")/config.sh"
exec runuser -u postgres -- "$PG_BIN/psql" -h "$PGDATA" -p "$PG_PORT" -v ON_ERROR_STOP=1 -q -d "$1" "${@:2}"
