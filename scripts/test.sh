#!/usr/bin/env bash
# `make test` after install and services: migrate the test databases, then run every test.
# Arguments go to pytest (e.g. scripts/test.sh tests/test_leaks.py -x).
set -euo pipefail
source "$(dirname "$0")/config.sh"
ckan_env test
cd "$ROOT"
CKAN=("$VENV/bin/ckan" -c "$ROOT/test.ini")
"${CKAN[@]}" db upgrade >/dev/null
"${CKAN[@]}" db upgrade -p activity >/dev/null
"${CKAN[@]}" db upgrade -p governance >/dev/null
"${CKAN[@]}" datastore set-permissions | "$ROOT/scripts/psql-super.sh" datastore_test >/dev/null
exec "$VENV/bin/pytest" "$@"
