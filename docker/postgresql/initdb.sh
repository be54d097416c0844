#!/bin/bash
# First start of the db container (postgres image, /docker-entrypoint-initdb.d): CKAN's role and
# database, and the DataStore's database with its read-only role. The DataStore's permissions
# (`ckan datastore set-permissions`) are granted by the ckan image's `migrate` role.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set ckan_user="${CKAN_DB_USER:-ckan_default}" --set ckan_password="${CKAN_DB_PASSWORD:?}" \
  --set ckan_db="${CKAN_DB:-ckan_default}" --set datastore_db="${DATASTORE_DB:-datastore_default}" \
  --set readonly_user="${DATASTORE_READONLY_USER:-datastore_default}" \
  --set readonly_password="${DATASTORE_READONLY_PASSWORD:?}" <<'SQL'
CREATE ROLE :"ckan_user" LOGIN PASSWORD :'ckan_password';
CREATE DATABASE :"ckan_db" OWNER :"ckan_user" ENCODING 'UTF8';
CREATE ROLE :"readonly_user" LOGIN PASSWORD :'readonly_password';
CREATE DATABASE :"datastore_db" OWNER :"ckan_user" ENCODING 'UTF8';
SQL
