#!/usr/bin/env bash
# A local PostgreSQL server for the store tests (tests/test_store.py), on Debian without systemd.
#
# Installs postgresql with apt-get when missing, starts the newest cluster with pg_ctlcluster (it runs
# the server as the postgres user), creates a login role and a database, and sets KEHOACH_TEST_PG_URL.
#   source .ci/postgres.sh            # exports KEHOACH_TEST_PG_URL into the calling shell
#   eval "$(.ci/postgres.sh)"         # the same from a subshell: stdout is one `export …` line
# Must run as root. Settings: KEHOACH_PG_USER, KEHOACH_PG_PASSWORD, KEHOACH_PG_DB (defaults kehoach,
# kehoach, kehoach_test). Diagnostics go to stderr; the function never exits the calling shell.

_kehoach_pg_log() { echo "postgres.sh: $*" >&2; }

_kehoach_pg_start() {
    local user="${KEHOACH_PG_USER:-kehoach}" password="${KEHOACH_PG_PASSWORD:-kehoach}"
    local db="${KEHOACH_PG_DB:-kehoach_test}" ver port status

    if [ "$(id -u)" != "0" ]; then
        _kehoach_pg_log "must run as root"; return 1
    fi
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        _kehoach_pg_log "installing postgresql"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2 || { _kehoach_pg_log "apt-get failed"; return 1; }
    fi

    ver="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    if ! pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" {found = 1} END {exit !found}'; then
        _kehoach_pg_log "creating cluster $ver/main"
        pg_createcluster "$ver" main >&2 || { _kehoach_pg_log "pg_createcluster failed"; return 1; }
    fi
    # The socket directory lives on a tmpfs that a fresh container does not have.
    install -d -o postgres -g postgres -m 2775 /var/run/postgresql

    status="$(pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" {print $4}')"
    if [ "$status" != "online" ]; then
        _kehoach_pg_log "starting cluster $ver/main"
        pg_ctlcluster "$ver" main start >&2 || { _kehoach_pg_log "pg_ctlcluster start failed"; return 1; }
    fi
    port="$(pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" {print $3}')"

    local i
    for i in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p "$port" && break
        sleep 1
    done
    pg_isready -q -h 127.0.0.1 -p "$port" || { _kehoach_pg_log "server not ready on port $port"; return 1; }

    _kehoach_psql() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"; }
    if [ "$(_kehoach_psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != "1" ]; then
        _kehoach_psql -c "CREATE ROLE \"$user\" LOGIN PASSWORD '$password'" >&2 || return 1
    else
        _kehoach_psql -c "ALTER ROLE \"$user\" LOGIN PASSWORD '$password'" >&2 || return 1
    fi
    if [ "$(_kehoach_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
        _kehoach_psql -c "CREATE DATABASE \"$db\" OWNER \"$user\" ENCODING 'UTF8' TEMPLATE template0" >&2 || return 1
    fi
    unset -f _kehoach_psql

    export KEHOACH_TEST_PG_URL="postgresql://$user:$password@127.0.0.1:$port/$db"
    _kehoach_pg_log "ready: $KEHOACH_TEST_PG_URL"
    echo "export KEHOACH_TEST_PG_URL=$KEHOACH_TEST_PG_URL"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    _kehoach_pg_start >/dev/null   # sourced: export into the caller, keep its stdout clean
else
    _kehoach_pg_start || exit 1
fi
