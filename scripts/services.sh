# Sourced by ./dev test: installs (if missing) and starts the servers the test suite needs, and
# exports where they are. Everything is private to this run: a throw-away PostgreSQL cluster on a
# free loopback port, removed again by stop_services.

_pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

_apt_install() {
  if [ "$(id -u)" != "0" ]; then
    echo "services: cannot install $* without root; dependent tests will skip" >&2
    return 1
  fi
  if [ -z "${_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && _APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_postgres() {
  [ -n "$(_pg_bin)" ] || _apt_install postgresql || return 0
  local bin; bin="$(_pg_bin)"
  PG_DIR="$(mktemp -d /tmp/orderbot-pg.XXXXXX)"
  local port; port="$(_free_port)"
  local run=()
  if [ "$(id -u)" = "0" ]; then
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" --auth=trust -U postgres >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  export ORDERBOT_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "services: PostgreSQL on 127.0.0.1:$port"
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  local bin; bin="$(_pg_bin)"
  local run=()
  [ "$(id -u)" = "0" ] && run=(runuser -u postgres --)
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}

ensure_chromium() {
  # Browser tests drive Debian's Chromium through Playwright; never a downloaded browser build.
  if ! command -v chromium >/dev/null 2>&1; then
    # The emoji font only makes screenshots readable; the tests do not depend on it.
    _apt_install chromium fonts-noto-color-emoji || _apt_install chromium || return 0
  fi
  echo "services: $(chromium --version 2>/dev/null | head -n 1)"
}

start_services() {
  start_postgres
  ensure_chromium
}

stop_services() {
  stop_postgres
}
