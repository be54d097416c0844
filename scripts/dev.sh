#!/usr/bin/env bash
# `make dev` after install and services: migrate, load demo content, serve CKAN and a worker.
set -euo pipefail
source "$(dirname "$0")/config.sh"
ckan_env dev
CKAN=("$VENV/bin/ckan" -c "$ROOT/dev.ini")
cd "$ROOT"

log "Migrating the database (CKAN, activity, governance) and DataStore permissions"
"${CKAN[@]}" db upgrade >/dev/null 2>&1 || "${CKAN[@]}" db upgrade
"${CKAN[@]}" db upgrade -p activity >/dev/null 2>&1
"${CKAN[@]}" db upgrade -p governance >/dev/null 2>&1 || "${CKAN[@]}" db upgrade -p governance
"${CKAN[@]}" datastore set-permissions 2>/dev/null | "$ROOT/scripts/psql-super.sh" datastore_dev >/dev/null 2>&1

log "Loading demo content"
"$VENV/bin/python" "$ROOT/scripts/demo_data.py" "$ROOT/dev.ini" > "$VAR/demo-logins.txt" 2> "$LOG/demo.log" \
  || { tail -n 20 "$LOG/demo.log"; die "demo content failed"; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if ! pid_alive "$RUN/ckan.pid"; then
  log "Serving CKAN on http://127.0.0.1:$CKAN_PORT (log: $LOG/ckan.log)"
  nohup "${CKAN[@]}" run -H 127.0.0.1 -p "$CKAN_PORT" --disable-reloader --threaded \
      > "$LOG/ckan.log" 2>&1 &
  echo $! > "$RUN/ckan.pid"
fi
if ! pid_alive "$RUN/worker.pid"; then
  log "Starting a jobs worker (log: $LOG/worker.log)"
  nohup "${CKAN[@]}" jobs worker > "$LOG/worker.log" 2>&1 &
  echo $! > "$RUN/worker.pid"
fi
for _ in $(seq 150); do
  curl -sf "http://127.0.0.1:$CKAN_PORT/api/3/action/status_show" >/dev/null && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$CKAN_PORT/api/3/action/status_show" >/dev/null \
  || die "CKAN did not answer; see $LOG/ckan.log"

cat <<TXT

  ckanext-governance demo portal: http://127.0.0.1:$CKAN_PORT
$(cat "$VAR/demo-logins.txt")

  Mail sent by the portal lands in $MAILDIR.   Stop everything: make stop
TXT
