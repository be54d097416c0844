#!/usr/bin/env bash
# Starts, stops and reports the local services on 127.0.0.1: PostgreSQL, Redis, Solr 9 and a
# mail-keeping SMTP server. Usage: services.sh start|stop|status
# `start` also creates the roles, databases and Solr cores that dev.ini and test.ini name.
set -euo pipefail
source "$(dirname "$0")/config.sh"
mkdir -p "$RUN" "$LOG" "$MAILDIR"

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
# A service another checkout of the project started on the same port is reused.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {  # wait_for NAME SECONDS COMMAND...
  local name=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "$name did not come up in ${seconds}s (logs in $LOG)"
}
as_postgres() { runuser -u postgres -- "$@"; }
psql_super() { as_postgres "$PG_BIN/psql" -h "$PGDATA" -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }

start_postgres() {
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    log "Initialising PostgreSQL cluster in $PGDATA"
    install -d -o postgres -g postgres -m 700 "$PGDATA"
    as_postgres "$PG_BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  fi
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    log "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -w -l "$PGDATA/server.log" start \
        -o "-p $PG_PORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" >/dev/null
  fi
  # Roles and databases for dev and test: CKAN's, and the DataStore's with a read-only role.
  psql_super -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ckan_default') THEN
    CREATE ROLE ckan_default LOGIN PASSWORD '$DB_PASSWORD';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'datastore_default') THEN
    CREATE ROLE datastore_default LOGIN PASSWORD '$DB_PASSWORD';
  END IF;
END \$\$;
SQL
  local db
  for db in ckan_dev ckan_test datastore_dev datastore_test; do
    [ "$(psql_super -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" = 1 ] \
      || psql_super -d postgres -c "CREATE DATABASE $db OWNER ckan_default ENCODING 'UTF8'"
  done
}

start_redis() {
  pid_alive "$RUN/redis.pid" || port_open "$REDIS_PORT" && return 0
  log "Starting Redis on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$VAR/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$VAR/redis" --save "" --appendonly no \
      --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$LOG/redis.log"
  wait_for Redis 10 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
}

solr_core() {  # solr_core NAME: a core whose schema is the one of the installed ckan package
  local core="$VAR/solr/$1"
  mkdir -p "$core/conf"
  cp "$ROOT/services/solr/conf/solrconfig.xml" "$core/conf/"
  "$VENV/bin/python" - "$core/conf/schema.xml" <<'PY'
import shutil, sys, importlib.resources
shutil.copy(importlib.resources.files("ckan") / "config/solr/schema.xml", sys.argv[1])
PY
  touch "$core/conf/protwords.txt" "$core/conf/synonyms.txt" "$core/conf/stopwords.txt"
  echo "name=$1" > "$core/core.properties"
}

start_solr() {
  pid_alive "$RUN/solr.pid" || port_open "$SOLR_PORT" && return 0
  log "Starting Solr $SOLR_VERSION on 127.0.0.1:$SOLR_PORT"
  [ -f "$SOLR_CACHE/classes/GovernanceSolr.class" ] || die "Solr jars missing: run scripts/install.sh"
  mkdir -p "$VAR/solr"
  cp "$ROOT/services/solr/conf/solr.xml" "$VAR/solr/"
  solr_core ckan       # dev
  solr_core ckan_test  # tests
  rm -f "$RUN/solr.pid"
  nohup java -Xms256m -Xmx768m -Dhost=127.0.0.1 -Djetty.host=127.0.0.1 \
      -Dsolr.log.dir="$LOG" -Dlog4j2.configurationFile="$ROOT/services/solr/conf/log4j2.xml" \
      -cp "$SOLR_CACHE/classes:$SOLR_CACHE/lib/*" \
      GovernanceSolr "$VAR/solr" "$SOLR_PORT" "$RUN/solr.pid" > "$LOG/solr.out" 2>&1 &
  wait_for Solr 90 test -s "$RUN/solr.pid"
  wait_for "Solr core ckan_test" 30 curl -sf "http://127.0.0.1:$SOLR_PORT/solr/ckan_test/admin/ping"
}

start_smtp() {
  pid_alive "$RUN/smtp.pid" && return 0
  # Not reused: the tests read the mail folder of this checkout.
  port_open "$SMTP_PORT" && die "port $SMTP_PORT is taken (another checkout's SMTP sink? \`make stop\` there)"
  log "Starting SMTP sink on 127.0.0.1:$SMTP_PORT (mail kept in $MAILDIR)"
  nohup "$VENV/bin/python" "$ROOT/services/smtp_sink.py" --port "$SMTP_PORT" --maildir "$MAILDIR" \
      > "$LOG/smtp.log" 2>&1 &
  echo $! > "$RUN/smtp.pid"
  wait_for SMTP 10 port_open "$SMTP_PORT"
}

stop_pidfile() {  # stop_pidfile NAME
  if pid_alive "$RUN/$1.pid"; then
    log "Stopping $1"
    kill "$(cat "$RUN/$1.pid")"
  fi
  rm -f "$RUN/$1.pid"
}

case "${1:-}" in
  start)
    start_postgres; start_redis; start_solr; start_smtp ;;
  stop)
    for name in ckan worker smtp solr redis; do stop_pidfile "$name"; done
    if [ -f "$PGDATA/PG_VERSION" ] && as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      log "Stopping PostgreSQL"
      as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null
    fi ;;
  status)
    as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1 && echo "postgres: up (127.0.0.1:$PG_PORT)" || echo "postgres: down"
    for name in redis solr smtp ckan worker; do
      pid_alive "$RUN/$name.pid" && echo "$name: up (pid $(cat "$RUN/$name.pid"))" || echo "$name: down"
    done ;;
  *) die "usage: $0 start|stop|status" ;;
esac
