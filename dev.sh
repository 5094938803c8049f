#!/usr/bin/env bash
# Vigía's two commands for a fresh Debian machine (Python 3.11+):
#
#   ./dev.sh demo   set everything up, then serve the demo (embedded SQLite + SpatiaLite, demo data)
#                   at http://127.0.0.1:8000
#   ./dev.sh test   set everything up, then run the whole test suite on PostgreSQL + PostGIS and on
#                   SQLite + SpatiaLite, with a real Redis for background jobs
#
# Also: ./dev.sh install-system [--test]  (only the system packages and services; used by .ci/run)
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
TEST_PG_URL_DEFAULT="postgresql+psycopg://vigia:vigia@127.0.0.1:5432/postgres"
export VIGIA_TEST_POSTGRES_URL="${VIGIA_TEST_POSTGRES_URL:-$TEST_PG_URL_DEFAULT}"
export VIGIA_TEST_REDIS_URL="${VIGIA_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'dev.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1
  fi
}

APT_UPDATED=
apt_install() {
  # apt_install PACKAGE... : install the Debian packages that are missing, or say what to install.
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "please install ${missing[*]} with your system's package manager, then run this again."
  say "installing ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then
    as_root apt-get update -qq || die "could not run apt-get as root; install ${missing[*]} (sudo apt-get install ${missing[*]}) and run this again."
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "could not install ${missing[*]}; install them (sudo apt-get install ${missing[*]}) and run this again."
}

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  die "Vigía needs Python 3.11 or newer: install it (sudo apt-get install python3) and run this again."
}

install_system() {
  local with_test="${1:-}"
  if command -v apt-get >/dev/null 2>&1; then
    # mod_spatialite for the embedded database; venv support for Debian's own Python.
    apt_install libsqlite3-mod-spatialite
    local python; python=$(find_python)
    "$python" -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
  fi
  ldconfig -p 2>/dev/null | grep -q mod_spatialite || ls /usr/lib/*/mod_spatialite.so >/dev/null 2>&1 \
    || die "SpatiaLite is missing: install it with 'sudo apt-get install libsqlite3-mod-spatialite' and run this again."
  if [ "$with_test" = "--test" ]; then
    install_test_services
  fi
}

pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1; }

install_test_services() {
  [ -n "$(pg_version)" ] || apt_install postgresql
  local version; version=$(pg_version)
  apt_install "postgresql-${version}-postgis-3" redis-server
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "starting PostgreSQL ${version}"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
      || as_root pg_ctlcluster "$version" main start || die "PostgreSQL ${version} does not start; start it and run this again."
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL does not answer on 127.0.0.1:5432."
  if ! PGPASSWORD=vigia psql -h 127.0.0.1 -U vigia -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
    # A superuser for the tests (they create throwaway databases and the postgis extension).
    say "creating the PostgreSQL role 'vigia' for the tests"
    as_root runuser -u postgres -- psql -q -d postgres -c "CREATE ROLE vigia LOGIN SUPERUSER PASSWORD 'vigia'" \
      || die "could not create the PostgreSQL role vigia; create it (superuser, password vigia) or set VIGIA_TEST_POSTGRES_URL."
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "starting Redis"
    mkdir -p /tmp/vigia-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp/vigia-redis \
      --logfile /tmp/vigia-redis/redis.log >/dev/null
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || die "Redis does not answer on 127.0.0.1:6379."
}

install_python() {
  local python; python=$(find_python)
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtualenv in $VENV"
    "$python" -m venv "$VENV" || die "could not create a virtualenv: install python3-venv (sudo apt-get install python3-venv)."
  fi
  local stamp="$VENV/.installed" digest
  digest=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
    say "installing Vigía and its Python packages"
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    "$VENV/bin/python" -m pip install -q -e '.[test]' || die "pip could not install the Python packages (see above)."
    echo "$digest" > "$stamp"
  fi
}

case "${1:-}" in
  demo)
    install_system
    install_python
    say "preparing the embedded database (var/vigia.db) and the demo data"
    "$VENV/bin/vigia" migrate
    "$VENV/bin/vigia" load-fixtures
    say "Vigía at http://127.0.0.1:8000 (API page: http://127.0.0.1:8000/docs); demo accounts in README.md. Ctrl-C stops it."
    exec "$VENV/bin/vigia" serve --host 127.0.0.1 --port 8000
    ;;
  test)
    install_system --test
    install_python
    shift
    set +e
    "$VENV/bin/python" -m pytest "$@"
    status=$?
    set -e
    if [ "$status" = 5 ]; then die "pytest collected no tests."; fi
    exit "$status"
    ;;
  install-system)
    install_system "${2:-}"
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
