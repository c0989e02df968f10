#!/usr/bin/env bash
# Runs a command against secretstage-server --database on a throwaway PostgreSQL 15 cluster
# (tests/rotation/pg_cluster.py), with the environment tests/clients/with_server.sh gives: the
# real clients' stories then check the database mode answers as the in-memory server does.
#
#   tests/database/with_server.sh SERVER COMMAND [ARG]...
#
# Exits with COMMAND's status, or 1 if the server does not start or does not exit with 0 on
# SIGTERM. The cluster's password reaches the server in PGPASSWORD only.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -z ${PG_CLUSTER_PASSWORD_FILE:-} ]]; then
  exec /usr/bin/python3 "$here/../rotation/pg_cluster.py" -- bash "${BASH_SOURCE[0]}" "$@"
fi
server=$1
shift
PGPASSWORD=$(head -n 1 "$PG_CLUSTER_PASSWORD_FILE")
export PGPASSWORD
export STORY_DATABASE="postgresql://$PGUSER@$PGHOST:$PGPORT/$PGDATABASE"
# The database mode does not replicate (docs/durability.md): the stories check its refusal instead.
export STORY_NO_REPLICATION=1
exec bash "$here/../clients/with_server.sh" "$server" "$@"
