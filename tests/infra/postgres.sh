#!/usr/bin/env bash
# Makes a local PostgreSQL server available for the tests, idempotently: installs Debian's package when it
# is missing, starts the cluster without systemd, and creates the test role. Prints the connection string
# the tests read from PROPOSALS_TEST_POSTGRES.
set -euo pipefail

role=proposals_test
password=proposals_test

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing postgresql from Debian's packages" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  pg_ctlcluster "$version" main start
fi

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 1
done
pg_isready -q -h 127.0.0.1

su postgres -c "psql -q -v ON_ERROR_STOP=1" >/dev/null 2>&1 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password';
  END IF;
END
\$\$;
-- Dropping a test database WITH (FORCE) ends its sessions, which needs this role.
GRANT pg_signal_backend TO $role;
SQL

echo "Host=127.0.0.1;Port=5432;Username=$role;Password=$password;Database=postgres"
