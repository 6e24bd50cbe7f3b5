#!/usr/bin/env bash
# npm test: everything — set-up, build, unit + replay tests, then the integration tests
# against a freshly started lab (torn down at the end). Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
npm run -s build || exit 1

results=$(mktemp -d)
status=0
npx mocha --config .mocharc.unit.json 2>&1 | tee "$results/unit.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

if [ "${SEXTANT_SKIP_LAB:-}" != 1 ]; then
  trap 'bash test/lab/down.sh >/dev/null 2>&1 || true' EXIT
  if bash test/lab/up.sh --hosts "${SEXTANT_LAB_HOSTS:-3}"; then
    npx mocha --config .mocharc.integration.json 'dist/test/integration/**/*.test.js' 2>&1 | tee "$results/integration.txt"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  else
    echo "lab:up failed: integration tests not run" >&2
    status=1
  fi
fi

count() { grep -hoE "^ +[0-9]+ $1" "$results"/*.txt 2>/dev/null | awk '{s+=$1} END {print s+0}'; }
echo "tests: $(count passing) passed, $(count failing) failed, $(count pending) skipped"
rm -rf "$results"
exit $status
