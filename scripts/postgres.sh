#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL cluster on 127.0.0.1 for the test suite.
#   scripts/postgres.sh start   -> prints the DATABASE_URL to use
#   scripts/postgres.sh stop
set -euo pipefail
PGPORT="${PGPORT:-54329}"
PGDATA="${PGDATA_DIR:-/tmp/gcmhub-pgdata}"
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then RUN_AS=(runuser -u postgres --); fi
case "${1:-start}" in
start)
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
        mkdir -p "$PGDATA"
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDATA"
        "${RUN_AS[@]}" "$BIN/initdb" -D "$PGDATA" -U gcmhub --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGDATA'
fsync = off
synchronous_commit = off
full_page_writes = off
jit = off
shared_buffers = 256MB
CONF
    fi
    if ! "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
        "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w start >/dev/null
    fi
    "$BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U gcmhub gcmhub 2>/dev/null || true
    echo "postgres://gcmhub@127.0.0.1:$PGPORT/gcmhub"
    ;;
stop)
    "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    ;;
*)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
