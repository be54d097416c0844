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
