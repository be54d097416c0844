#!/bin/bash
# Start-up of the ckan image (docker-compose.yml). Writes $CKAN_INI from the image's ckan.ini
# and $CKAN_SECRET_KEY, waits for PostgreSQL, Solr and Redis, then runs one role:
#   migrate  CKAN's, the activity plugin's and the governance tables, DataStore permissions
#            (one-shot: web and worker start after it succeeded; run again after an upgrade)
#   web      CKAN under gunicorn ($GUNICORN_WORKERS processes, $GUNICORN_THREADS threads each)
#   worker   a CKAN jobs worker (RQ) on the shared Redis: check runs, mails
#   ...      anything else runs as a command with $CKAN_INI, e.g. `ckan governance audit verify`
set -euo pipefail

APP_DIR="${APP_DIR:-/srv/app}"
export CKAN_INI="${CKAN_INI:-$APP_DIR/ckan.ini}"

log() { printf '%s [entrypoint] %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

write_config() {
  [ -n "${CKAN_SECRET_KEY:-}" ] || die "CKAN_SECRET_KEY is not set (the same value for every container)"
  [ "${#CKAN_SECRET_KEY}" -ge 32 ] || die "CKAN_SECRET_KEY must have at least 32 characters"
  cp "$APP_DIR/ckan.ini.template" "$CKAN_INI"
  ckan config-tool "$CKAN_INI" "SECRET_KEY = $CKAN_SECRET_KEY" >/dev/null
  if [ -n "${CKAN__PLUGINS:-}" ]; then  # ckan-docker's variable, if an operator sets it
    case " $CKAN__PLUGINS " in
      " governance "*) ;;
      *) die "CKAN__PLUGINS must list governance first, got: $CKAN__PLUGINS" ;;
    esac
    ckan config-tool "$CKAN_INI" "ckan.plugins = $CKAN__PLUGINS" >/dev/null
  fi
}

wait_for() {  # wait_for NAME URL: until a TCP connection to the URL's host and port succeeds
  python - "$1" "$2" "${WAIT_SECONDS:-120}" <<'PY'
import socket, sys, time
from urllib.parse import urlsplit
name, url, seconds = sys.argv[1], urlsplit(sys.argv[2]), float(sys.argv[3])
port = url.port or {"postgresql": 5432, "redis": 6379, "http": 80, "https": 443}[url.scheme]
deadline = time.monotonic() + seconds
while True:
    try:
        socket.create_connection((url.hostname, port), timeout=2).close()
        break
    except OSError as error:
        if time.monotonic() > deadline:
            sys.exit(f"{name} at {url.hostname}:{port} did not answer in {seconds:.0f} s: {error}")
        time.sleep(1)
PY
}

wait_for_services() {
  wait_for PostgreSQL "${CKAN_SQLALCHEMY_URL:?CKAN_SQLALCHEMY_URL is not set}"
  wait_for Solr "${CKAN_SOLR_URL:?CKAN_SOLR_URL is not set}"
  wait_for Redis "${CKAN_REDIS_URL:?CKAN_REDIS_URL is not set}"
}

migrate() {
  log "migrating: CKAN core, activity, governance"
  ckan db upgrade
  ckan db upgrade -p activity
  ckan db upgrade -p governance
  [ -n "${CKAN_DATASTORE_ADMIN_URL:-}" ] \
    || die "CKAN_DATASTORE_ADMIN_URL is not set: DataStore permissions need a superuser connection"
  log "setting DataStore permissions (read-only role, no access to CKAN's tables)"
  ckan datastore set-permissions | psql --quiet --set ON_ERROR_STOP=1 "$CKAN_DATASTORE_ADMIN_URL" >/dev/null
  log "migrations done"
}

role="${1:-web}"
write_config
case "$role" in
  migrate)
    wait_for_services
    migrate
    ;;
  web)
    wait_for_services
    exec gunicorn --bind "0.0.0.0:${CKAN_PORT:-5000}" \
      --workers "${GUNICORN_WORKERS:-2}" --threads "${GUNICORN_THREADS:-4}" \
      --timeout "${GUNICORN_TIMEOUT:-120}" --max-requests 1000 --max-requests-jitter 100 \
      --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
      --access-logfile - --chdir "$APP_DIR" wsgi:application
    ;;
  worker)
    wait_for_services
    shift
    exec ckan jobs worker "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
