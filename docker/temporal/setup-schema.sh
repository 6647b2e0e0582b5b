#!/bin/sh
# Creates (or upgrades) Temporal's PostgreSQL databases with the official admin tools' temporal-sql-tool: the main
# store and the visibility store, from the schema files the admin-tools image ships. Idempotent: an existing
# database is kept and only brought up to date.
set -eu
tool() {
  temporal-sql-tool --plugin postgres12 --ep "${POSTGRES_SEEDS}" -p "${DB_PORT:-5432}" -u "${POSTGRES_USER}" --pw "${POSTGRES_PWD}" "$@"
}
for db in temporal temporal_visibility; do
  case "$db" in
    temporal) dir=/etc/temporal/schema/postgresql/v12/temporal/versioned ;;
    *) dir=/etc/temporal/schema/postgresql/v12/visibility/versioned ;;
  esac
  tool --db "$db" create-database 2>/dev/null || echo "database $db exists"
  tool --db "$db" setup-schema -v 0.0 2>/dev/null || echo "schema of $db set up before"
  tool --db "$db" update-schema -d "$dir"
done
echo "Temporal schema ready"
