#!/usr/bin/env bash
# `scripts/with-postgres.sh COMMAND…`: run COMMAND with TEST_DATABASE_URL naming an empty database
# on a throwaway PostgreSQL server (Debian's, installed if missing), then stop the server and delete
# it, whether COMMAND passed, failed or was interrupted. With TEST_DATABASE_URL already set, the
# server it names is used instead and nothing is started.
#
# COMMAND also gets TEST_POSTGRES_RESTART: a command that restarts that server as an operator
# would (`pg_ctl stop -m fast`, which ends open sessions, then `pg_ctl start`), for tests of a
# database outage; `"$TEST_POSTGRES_RESTART" SECONDS` stays down SECONDS in between.
set -euo pipefail

if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  exec "$@"
fi

newest_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bindir=$(newest_bindir)
if [[ ! -x "$bindir/initdb" ]]; then
  if [[ $(id -u) != 0 ]]; then
    echo "with-postgres: PostgreSQL is not installed; run as root or: apt-get install postgresql" >&2
    exit 1
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
  bindir=$(newest_bindir)
fi

cluster=$(mktemp -d -t shop-postgres.XXXXXX)
# PostgreSQL refuses to run as root: root hands the cluster to the postgres user.
if [[ $(id -u) == 0 ]]; then
  chown postgres: "$cluster"
  as_owner() { (cd "$cluster" && runuser -u postgres -- "$@"); }
else
  as_owner() { "$@"; }
fi

cleanup() {
  as_owner "$bindir/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$cluster"
}
trap cleanup EXIT
# Ctrl-C or a kill still goes through cleanup, with the usual exit status.
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

as_owner "$bindir/initdb" -D "$cluster/data" -U postgres --auth=trust --encoding=UTF8 \
  --no-locale --no-sync --no-instructions >"$cluster/initdb.log" \
  || { cat "$cluster/initdb.log" >&2; exit 1; }
# Only loopback and a socket inside the cluster; durability is worth nothing in a throwaway server.
as_owner tee -a "$cluster/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$cluster'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
as_owner "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w start >/dev/null \
  || { cat "$cluster/server.log" >&2; exit 1; }
as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres shop_test

# The restart command, written out with this cluster's paths. cleanup's `pg_ctl stop` stops the
# server whichever start made it: pg_ctl reads its pid from the data directory.
if [[ $(id -u) == 0 ]]; then owner="runuser -u postgres --"; else owner=""; fi
cat >"$cluster/restart" <<SCRIPT
#!/usr/bin/env bash
set -euo pipefail
cd "$cluster"
$owner "$bindir/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null
sleep "\${1:-0}"
$owner "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w start >/dev/null
SCRIPT
chmod 755 "$cluster/restart"
export TEST_POSTGRES_RESTART="$cluster/restart"

export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/shop_test"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $TEST_DATABASE_URL"
"$@"
