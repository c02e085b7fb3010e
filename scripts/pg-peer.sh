#!/usr/bin/env bash
# Starts and stops the private PostgreSQL 15 cluster the benchmarks compare
# tagloop with (Debian's postgresql-15). The cluster listens on 127.0.0.1 only,
# trusts local connections, and runs as the `postgres` user when invoked as
# root (PostgreSQL refuses to run as root).
#
#   scripts/pg-peer.sh start DIR [PORT]   # init DIR if new, start; prints a libpq conninfo
#   scripts/pg-peer.sh stop DIR
#
# Settings give PostgreSQL a fair shot on this machine: 4 GB shared buffers
# (the whole 10M-row table and its indexes stay cached), parallel query with
# 2 workers per gather, SSD costs, and wal_level=minimal so a COPY into a
# table created in the same transaction skips the WAL (the bulk-load path).
set -euo pipefail

pg_bin=/usr/lib/postgresql/15/bin
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }
[ -x "$pg_bin/pg_ctl" ] || { echo "pg-peer: $pg_bin/pg_ctl missing (apt-get install postgresql-15)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local p
  for p in $(seq 55432 55532); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "pg-peer: no free port in 55432-55532" >&2; exit 1
}

case "$cmd" in
  start)
    port=${3:-$(free_port)}
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_pg "$pg_bin/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    cat > "$dir/postgresql.auto.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
shared_buffers = '4GB'
effective_cache_size = '16GB'
work_mem = '256MB'
maintenance_work_mem = '2GB'
max_worker_processes = 8
max_parallel_workers = 4
max_parallel_workers_per_gather = 2
max_parallel_maintenance_workers = 2
random_page_cost = 1.1
wal_level = minimal
max_wal_senders = 0
max_wal_size = '16GB'
checkpoint_timeout = '30min'
jit = ${TAGLOOP_PG_JIT:-on}
logging_collector = off
EOF
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/postgresql.auto.conf"
    if ! as_pg "$pg_bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 120 start >/dev/null; then
      echo "pg-peer: start failed; $dir/server.log:" >&2; tail -20 "$dir/server.log" >&2; exit 1
    fi
    echo "host=127.0.0.1 port=$port user=postgres dbname=postgres"
    ;;
  stop)
    if [ -f "$dir/postmaster.pid" ]; then
      as_pg "$pg_bin/pg_ctl" -D "$dir" -w -t 120 -m fast stop >/dev/null
    fi
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
