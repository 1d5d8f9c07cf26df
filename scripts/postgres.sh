# shellcheck shell=bash
# Sourced by scripts/test.sh: starts a throwaway PostgreSQL on loopback for the database tests and
# exports BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING, which Backstage's
# TestDatabases reads. Installs Debian's postgresql when no server is on the machine.

start_test_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
    echo "setup: installing Debian's postgresql" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  local major
  major=$(basename "$(dirname "$bin")")
  PG_TEST_DIR=$(mktemp -d /tmp/job-assistant-pg.XXXXXX)
  local as=()
  if [[ $(id -u) -eq 0 ]]; then
    # PostgreSQL refuses to run as root.
    chown postgres "$PG_TEST_DIR"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  PG_TEST_PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  "${as[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_TEST_PORT -k $PG_TEST_DIR -c fsync=off" start >/dev/null
  PG_TEST_STOP=("${as[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -m fast stop)
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$PG_TEST_PORT"
  echo "setup: PostgreSQL $major on 127.0.0.1:$PG_TEST_PORT" >&2
}

stop_test_postgres() {
  if [[ -n "${PG_TEST_DIR:-}" ]]; then
    "${PG_TEST_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
  fi
}
