#!/usr/bin/env bash
# Installs what the project needs and is missing: Debian packages, the Python virtualenv with
# CKAN and the extension, and the Solr jars from Maven Central. Safe to run again: each step
# is skipped when its result is already there.
set -euo pipefail
source "$(dirname "$0")/config.sh"

debian_packages=(postgresql redis-server maven default-jdk-headless libpq-dev libmagic1 chromium chromium-driver)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# A JDK and Maven that came with the machine rather than from apt are fine too.
if command -v javac >/dev/null && command -v mvn >/dev/null; then
  missing=("${missing[@]/default-jdk-headless}"); missing=("${missing[@]/maven}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  log "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python: one virtualenv with pinned CKAN, the extension (editable) and the test tools.
stamp="$VENV/.governance-installed"
want="$(cat "$ROOT/requirements.txt" "$ROOT/dev-requirements.txt" "$ROOT/setup.py" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
if [ ! -x "$VENV/bin/python" ]; then
  log "Creating virtualenv $VENV"
  python3 -m venv "$VENV"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "Installing Python packages (log: $LOG/pip.log)"
  mkdir -p "$LOG"
  {
    "$VENV/bin/pip" install --upgrade pip wheel setuptools &&
    "$VENV/bin/pip" install -r "$ROOT/requirements.txt" -r "$ROOT/dev-requirements.txt" &&
    "$VENV/bin/pip" install --no-deps -e "$ROOT" &&
    "$VENV/bin/pip" check
  } > "$LOG/pip.log" 2>&1 || { tail -n 30 "$LOG/pip.log"; die "pip install failed"; }
  echo "$want" > "$stamp"
fi

# Translations: the .mo catalogs are built from the committed .po files.
for po in "$ROOT"/ckanext/governance/i18n/*/LC_MESSAGES/ckanext-governance.po; do
  [ -f "$po" ] || continue
  mo="${po%.po}.mo"
  [ "$mo" -nt "$po" ] || "$VENV/bin/pybabel" compile -i "$po" -o "$mo" >/dev/null 2>&1
done

# Solr: the embeddable Jetty runner and its dependencies from Maven Central, into a cache
# outside the work tree, plus our small launcher compiled against them.
if [ ! -f "$SOLR_CACHE/classes/GovernanceSolr.class" ] \
   || [ "$ROOT/services/solr/src/GovernanceSolr.java" -nt "$SOLR_CACHE/classes/GovernanceSolr.class" ]; then
  log "Fetching Solr $SOLR_VERSION jars into $SOLR_CACHE"
  mkdir -p "$SOLR_CACHE/lib" "$SOLR_CACHE/classes"
  mvn -q -B -f "$ROOT/services/solr/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$SOLR_CACHE/lib"
  javac -cp "$SOLR_CACHE/lib/*" -d "$SOLR_CACHE/classes" "$ROOT/services/solr/src/GovernanceSolr.java"
fi
