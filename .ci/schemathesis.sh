#!/usr/bin/env bash
# Property-based API tests: starts the local server, then runs schemathesis
# with every check against every operation of its OpenAPI document, sending
# the local admin key. Exits non-zero when schemathesis finds a failure.
#
#   bash .ci/schemathesis.sh
#
# PORT (a free one by default) and MAX_EXAMPLES (50 per operation) can be
# set from the environment; reports go to artifacts/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.32.5
MAX_EXAMPLES="${MAX_EXAMPLES:-50}"
REPORTS=artifacts/schemathesis
# The first run on a machine may build FerretDB, which takes a while.
START_TIMEOUT_SECONDS=300

if [ "$(.venv/bin/st --version 2>/dev/null || true)" != "st, version $VERSION" ]; then
  echo "installing schemathesis $VERSION into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check \
    "schemathesis==$VERSION"
fi

if [ -z "${PORT:-}" ]; then
  PORT="$(node -e "const s = require('node:net').createServer();
    s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")"
fi

mkdir -p "$REPORTS"
LOG="$REPORTS/server.log"
BASE="http://127.0.0.1:$PORT"

# Job control gives the server its own process group, so stopping it also
# stops tsx's child process and the embedded database.
set -m
PORT="$PORT" npx tsx local/server.ts >"$LOG" 2>&1 &
SERVER=$!
set +m

stop_server() {
  if kill -0 "$SERVER" 2>/dev/null; then
    kill -TERM -- "-$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
}
trap stop_server EXIT

KEY=""
for _ in $(seq "$START_TIMEOUT_SECONDS"); do
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "the local server stopped while starting:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  KEY="$(sed -n 's/^Admin API key (local only): //p' "$LOG")"
  if [ -n "$KEY" ] && curl -fsS -o /dev/null "$BASE/openapi.json"; then
    break
  fi
  sleep 1
done

if [ -z "$KEY" ]; then
  echo "the local server printed no admin key within ${START_TIMEOUT_SECONDS}s:" >&2
  cat "$LOG" >&2
  exit 1
fi

echo "schemathesis $VERSION against $BASE ($MAX_EXAMPLES examples per operation)"

# Schemathesis leaves out the operation that serves the document unless a
# filter names it; this filter names every operation, that one included.
.venv/bin/st run "$BASE/openapi.json" \
  --include-path-regex '^/' \
  --checks all \
  --header "Authorization: Bearer $KEY" \
  --max-examples "$MAX_EXAMPLES" \
  --report junit \
  --report-junit-path "$REPORTS/junit.xml" \
  --no-color
