# Shared settings for the project's scripts: where things live and which loopback ports the
# local services use. Every value can be overridden from the environment.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
VAR="${GOVERNANCE_VAR:-$ROOT/var}"
RUN="$VAR/run"
LOG="$VAR/log"
CACHE="${GOVERNANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ckanext-governance}"

SOLR_VERSION=9.10.1
SOLR_CACHE="$CACHE/solr-$SOLR_VERSION"
SOLR_PORT="${SOLR_PORT:-58983}"
# PostgreSQL refuses to run as root and needs every parent folder of its data directory to be
# reachable by the postgres user, so its cluster lives under postgres's own home.
PG_PORT="${PG_PORT:-55432}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
PGDATA="${GOVERNANCE_PGDATA:-/var/lib/postgresql/ckanext-governance-$PG_PORT}"
REDIS_PORT="${REDIS_PORT:-56379}"
SMTP_PORT="${SMTP_PORT:-58025}"
MAILDIR="$VAR/mail"
CKAN_PORT="${CKAN_PORT:-5000}"

# The password of the local dev/test roles; the services listen on 127.0.0.1 only.
DB_PASSWORD=pass

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# CKAN reads these variables over its ini files (ckan/config/environment.py), so dev.ini and
# test.ini follow the ports above: a second checkout with other ports gets its own stack.
ckan_env() {  # ckan_env dev|test
  local db_suffix=$1 solr_core=ckan redis_db=0
  [ "$1" = test ] && { solr_core=ckan_test; redis_db=1; }
  export CKAN_SQLALCHEMY_URL="postgresql://ckan_default:$DB_PASSWORD@127.0.0.1:$PG_PORT/ckan_$db_suffix"
  export CKAN_DATASTORE_WRITE_URL="postgresql://ckan_default:$DB_PASSWORD@127.0.0.1:$PG_PORT/datastore_$db_suffix"
  export CKAN_DATASTORE_READ_URL="postgresql://datastore_default:$DB_PASSWORD@127.0.0.1:$PG_PORT/datastore_$db_suffix"
  export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/$solr_core"
  export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/$redis_db"
  export CKAN_SMTP_SERVER="127.0.0.1:$SMTP_PORT"
  [ "$1" = dev ] && export CKAN_SITE_URL="http://127.0.0.1:$CKAN_PORT"
  return 0
}
