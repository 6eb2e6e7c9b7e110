#!/bin/bash
# Runs once, when the PostgreSQL data volume is empty (docker-entrypoint-initdb.d):
# one role and one database per service; each role owns its database and nothing else.
set -euo pipefail

create() {
    local name=$1 password=$2
    if [ -z "$password" ]; then
        echo "init-databases: no password for $name (set it in .env)" >&2
        exit 1
    fi
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
         -v name="$name" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

create dossier "${DOSSIER_DB_PASSWORD:-}"
create partner_gateway "${PARTNER_GATEWAY_DB_PASSWORD:-}"
create attestation "${ATTESTATION_DB_PASSWORD:-}"
create notification "${NOTIFICATION_DB_PASSWORD:-}"
create documents "${DOCUMENTS_DB_PASSWORD:-}"
