#!/usr/bin/env bash
# Vigía's two commands for a fresh Debian machine (Python 3.11+):
#
#   ./dev.sh demo   set everything up (the field app in pwa/ built with npm), then serve the demo (embedded
#                   SQLite + SpatiaLite, demo data) at http://127.0.0.1:8000
#   ./dev.sh test   set everything up, then run the whole test suite on PostgreSQL + PostGIS and on
#                   SQLite + SpatiaLite, with a real Redis for background jobs (the tests start their own
#                   PostgreSQL and Redis on free ports and stop them at the end), then the date-sensitive
#                   tests again at chosen days (a weekend, a holiday, 29 February, ...)
#
# Also: ./dev.sh install-system [--test]  (only the system packages; used by .ci/run)
#       ./dev.sh dates                   (only the date-sensitive tests at the chosen days; docs/testing.md)
#       ./dev.sh lock [--upgrade]        (re-pin the Python packages in requirements/test.lock; docs/testing.md)
#       ./dev.sh messages                (extract the message codes, update the catalogues; docs/translating.md)
#       ./dev.sh mutants [--resume|--report]  (mutation testing outside CI, niced, SQLite only; docs/testing.md)
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
LOCK=requirements/test.lock  # every Python package, pinned with hashes: ./dev.sh lock (docs/testing.md)
PIP_TOOLS="pip-tools==7.6.2"  # what ./dev.sh lock runs

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
  install_node
  if [ "$with_test" = "--test" ]; then
    install_test_services
    # The browser tests (tests/pwa) drive Debian's Chromium through Playwright; Playwright cannot download its own.
    command -v apt-get >/dev/null 2>&1 && apt_install chromium
    [ -x /usr/bin/chromium ] || die "Chromium is missing: install it with 'sudo apt-get install chromium' and run this again."
    # Two `vigia serve` behind a real reverse proxy (tests/deploy): Debian's HAProxy, started by the test itself.
    command -v apt-get >/dev/null 2>&1 && apt_install haproxy
    [ -x /usr/sbin/haproxy ] || die "HAProxy is missing: install it with 'sudo apt-get install haproxy' and run this again."
  fi
}

install_node() {
  # The field app (pwa/) is built with Node.js and npm; the system's packages when they are missing.
  [ -f pwa/package.json ] || return 0
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 && apt_install nodejs npm
  fi
  command -v npm >/dev/null 2>&1 \
    || die "the field app needs Node.js and npm: install them (sudo apt-get install nodejs npm) and run this again."
}

build_app() {
  # npm ci + npm run build in pwa/ (docs/deployment.md), skipped when pwa/dist is newer than every source file.
  [ -f pwa/package.json ] || return 0
  local stamp=pwa/dist/.vigia-built
  if [ -f "$stamp" ] && [ -z "$(find pwa \( -path pwa/node_modules -o -path pwa/dist \) -prune -o -type f \
        -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  say "building the field app (npm ci && npm run build in pwa/)"
  (cd pwa && npm ci --no-audit --no-fund --loglevel=error && npm run build) \
    || die "the field app did not build (see above)."
  touch "$stamp"
}

# The newest PostgreSQL whose server (initdb) is installed; a client-only /usr/lib/postgresql/<v> does not count.
pg_version() {
  ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sed 's#^/usr/lib/postgresql/##; s#/bin/initdb$##' | sort -V | tail -n 1
}

install_test_services() {
  # Only the packages: the tests start their own PostgreSQL cluster and Redis on free ports in temporary folders
  # (tests/services.py), so nothing here starts a service or creates a role.
  [ -n "$(pg_version)" ] || apt_install postgresql
  local version; version=$(pg_version)
  [ -n "$version" ] || die "the PostgreSQL server is not installed: install postgresql and run this again."
  apt_install "postgresql-${version}-postgis-3" redis-server
}

install_python() {
  local python; python=$(find_python)
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtualenv in $VENV"
    "$python" -m venv "$VENV" || die "could not create a virtualenv: install python3-venv (sudo apt-get install python3-venv)."
  fi
  local stamp="$VENV/.installed" digest
  digest=$(cat pyproject.toml "$LOCK" requirements/ner-model.txt | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
    say "installing Vigía and its Python packages (the versions pinned in $LOCK)"
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    "$VENV/bin/python" -m pip install -q --require-hashes -r "$LOCK" \
      || die "pip could not install the packages pinned in $LOCK (see above)."
    "$VENV/bin/python" -m pip install -q --no-deps --require-hashes -r requirements/ner-model.txt \
      || die "pip could not install the Spanish names model pinned in requirements/ner-model.txt (see above)."
    "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e . \
      || die "pip could not install Vigía itself (see above)."
    lock_covers_pyproject || die "$LOCK lacks what pyproject.toml asks for (above): run ./dev.sh lock."
    echo "$digest" > "$stamp"
  fi
  compile_messages
}

compile_messages() {
  # The catalogues' .po files compiled to the .mo files Vigía reads (the wheel's build does the same: setup.py).
  "$VENV/bin/pybabel" -q compile -d server/locales -D vigia || die "a message catalogue does not compile (above)."
}

update_messages() {
  # The codes marked in the code extracted to the template, and every language's catalogue brought up to it:
  # new codes arrive empty for the translators, codes gone from the code leave (docs/translating.md).
  # Run through this checkout's Python (cwd first on sys.path), so the extraction reads this worktree's code: the
  # API document's texts are extracted by building the document (server/docs_texts.py).
  "$VENV/bin/python" -c 'from babel.messages.frontend import main; main()' -q extract -F babel.cfg -o server/locales/vigia.pot --no-wrap --no-location --sort-output \
    --project=Vigía --version=0.1 --copyright-holder="Vigía's contributors" server
  "$VENV/bin/pybabel" -q update -i server/locales/vigia.pot -d server/locales -D vigia --no-wrap \
    --no-fuzzy-matching --ignore-obsolete
  # The API document's English goes from the code into the English catalogue; a changed English marks the other
  # languages' texts of that entry fuzzy, to review (docs/translating.md, "The API reference").
  "$VENV/bin/python" -m server.docs_texts
  # Babel stamps the extraction time in every catalogue's header: a constant instead, so that two branches that
  # both update the catalogues differ only in their messages.
  sed -i 's/^"POT-Creation-Date: .*\\n"$/"POT-Creation-Date: 2026-01-01 00:00+0000\\n"/' \
    server/locales/vigia.pot server/locales/*/LC_MESSAGES/vigia.po
  compile_messages
}

lock_covers_pyproject() {
  # A dependency added to pyproject.toml but not to the lock would otherwise show up later as an ImportError.
  "$VENV/bin/python" - "$LOCK" <<'EOF'
import importlib.metadata, re, sys
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

with open(sys.argv[1], encoding="utf-8") as lock:
    pinned = {canonicalize_name(name): version for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", lock.read(), re.M)}
problems = []
for line in importlib.metadata.requires("vigia") or []:
    requirement = Requirement(line)
    if requirement.marker and not requirement.marker.evaluate({"extra": "test"}):
        continue
    version = pinned.get(canonicalize_name(requirement.name))
    if version is None:
        problems.append(f"{requirement.name} is not in the lock")
    elif not requirement.specifier.contains(version, prereleases=True):
        problems.append(f"{requirement.name} {version} is in the lock; pyproject.toml asks for {requirement.specifier}")
for problem in problems:
    print(f"dev.sh: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
}

make_lock() {
  # Resolved by Python 3.11, the oldest Vigía supports, so that the lock installs there (and on newer ones).
  local python
  python=$(command -v python3.11) \
    || die "./dev.sh lock resolves with Python 3.11, the oldest Vigía supports: install python3.11 and run this again."
  LOCK_TOOLS=$(mktemp -d)
  trap 'rm -rf "$LOCK_TOOLS"' EXIT
  "$python" -m venv "$LOCK_TOOLS" && "$LOCK_TOOLS/bin/python" -m pip install -q "$PIP_TOOLS" \
    || die "could not install $PIP_TOOLS in a temporary virtualenv."
  mkdir -p "$(dirname "$LOCK")"
  say "pinning the Python packages in $LOCK"
  # pip-compile keeps the pins that still satisfy pyproject.toml; --upgrade (or --upgrade-package NAME) moves them.
  CUSTOM_COMPILE_COMMAND="./dev.sh lock" "$LOCK_TOOLS/bin/pip-compile" --quiet --generate-hashes --allow-unsafe \
    --all-build-deps --extra test --strip-extras --no-emit-index-url --no-emit-find-links \
    --output-file "$LOCK" "$@" pyproject.toml
}

# The days the date-sensitive tests (marked `calendar`, see tests/clock.py) run on again after the whole suite:
# a weekday, a Saturday, the Sunday after a Friday deadline and before a Monday holiday (Constitución), a
# national holiday, 31 December, 29 February, and a year from today (docs/testing.md).
calendar_days() {
  echo 2027-03-10 2027-01-09 2027-01-31 2027-09-16 2026-12-31 2028-02-29
  "$VENV/bin/python" -c 'import datetime as d; t = d.date.today(); print((t + d.timedelta(days=365)).isoformat())'
}

DAYS_DIR=
run_on_days() {
  # Two runs at a time (one per core); each keeps its output, shown in full when it fails.
  DAYS_DIR=$(mktemp -d)
  local status=0 running=0 day calendar_paths
  read -r -a calendar_paths <<<"$("$VENV/bin/python" -c 'from tests.clock import CALENDAR_PATHS; print(*CALENDAR_PATHS)')"
  for day in $(calendar_days); do
    if [ "$running" -ge 2 ]; then wait -n || status=1; running=$((running - 1)); fi
    say "the date-sensitive tests as of $day"
    # Each run its own --basetemp: two pytest processes pruning the shared /tmp/pytest-of-<user> race.
    # Only the folders that hold them are collected (tests/clock.py, CALENDAR_PATHS), not the whole suite.
    VIGIA_TEST_TODAY="$day" VIGIA_TEST_BACKENDS=spatialite "$VENV/bin/python" -m pytest -m calendar -q \
      -p no:cacheprovider --basetemp "$DAYS_DIR/tmp-$day" "${calendar_paths[@]}" >"$DAYS_DIR/$day.log" 2>&1 &
    running=$((running + 1))
  done
  while [ "$running" -gt 0 ]; do wait -n || status=1; running=$((running - 1)); done
  for log in "$DAYS_DIR"/*.log; do
    day=$(basename "$log" .log)
    if grep -qE '[0-9]+ (failed|errors?)' <(tail -n 1 "$log") || ! tail -n 1 "$log" | grep -q ' passed'; then
      printf '\n==> the date-sensitive tests as of %s FAILED:\n' "$day" >&2
      cat "$log" >&2
      status=1
    else
      printf 'as of %s: %s\n' "$day" "$(tail -n 1 "$log")"
    fi
  done
  return "$status"
}

summarise() {
  # One closing line for the whole command: the suite plus the runs at chosen days.
  local passed=0 failed=0 n log
  for log in "$1" "$DAYS_DIR"/*.log; do
    [ -f "$log" ] || continue
    n=$(tail -n 1 "$log" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true); passed=$((passed + ${n:-0}))
    n=$(tail -n 1 "$log" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || true); failed=$((failed + ${n:-0}))
    n=$(tail -n 1 "$log" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+' || true); failed=$((failed + ${n:-0}))
  done
  rm -rf "$DAYS_DIR"
  echo "total: $passed passed, $failed failed"
}

case "${1:-}" in
  demo)
    install_system
    install_python
    build_app
    say "preparing the embedded database (var/vigia.db) and the demo data"
    "$VENV/bin/vigia" migrate
    "$VENV/bin/vigia" load-fixtures
    say "Vigía at http://127.0.0.1:8000 (API page: http://127.0.0.1:8000/docs); demo accounts in README.md. Ctrl-C stops it."
    exec "$VENV/bin/vigia" serve --host 127.0.0.1 --port 8000
    ;;
  test)
    install_system --test
    install_python
    build_app
    shift
    # Playwright drives /usr/bin/chromium (tests/pwa/conftest.py); a browsers path of its own would send it looking
    # for a downloaded browser instead.
    unset PLAYWRIGHT_BROWSERS_PATH
    set +e
    suite_log=$(mktemp)
    # The whole suite: two processes; the tests of one module on one database run in one of them, the longest
    # units handed out first (tests/conftest.py groups and orders them; docs/testing.md, "The suite's time").
    parallel=(); [ $# -eq 0 ] && parallel=(-n 2 --dist loadgroup --no-loadscope-reorder)
    "$VENV/bin/python" -m pytest "${parallel[@]}" "$@" 2>&1 | tee "$suite_log"
    status=${PIPESTATUS[0]}
    set -e
    if [ "$status" = 5 ]; then die "pytest collected no tests."; fi
    if [ $# -eq 0 ]; then
      # The whole suite ran at today's date; the date-sensitive tests run again at chosen days.
      days_status=0
      run_on_days || days_status=$?
      summarise "$suite_log"
      [ "$status" = 0 ] && status=$days_status
    fi
    rm -f "$suite_log"
    exit "$status"
    ;;
  dates)
    install_system --test
    install_python
    status=0
    run_on_days || status=$?
    summarise /dev/null
    exit "$status"
    ;;
  install-system)
    install_system "${2:-}"
    ;;
  mutants)
    install_system
    install_python
    shift
    exec nice -n 10 "$VENV/bin/python" -m tests.mutation "$@"
    ;;
  messages)
    install_python
    update_messages
    say "catalogues updated: translate the empty entries in server/locales/*/LC_MESSAGES/vigia.po (docs/translating.md)"
    ;;
  lock)
    shift
    make_lock "$@"
    ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
