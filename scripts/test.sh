#!/usr/bin/env bash
# npm test: everything — set-up, build, unit + replay tests, then the integration tests against a
# freshly started lab (torn down at the end). The integration files run in two lanes at once,
# each on its own three lab hosts and its own Temporal namespace (the lab's Temporal), taking the
# next file from one queue, longest first. Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
npm run -s build || exit 1

results=$(mktemp -d)
status=0
npx mocha --config .mocharc.unit.json 2>&1 | tee "$results/unit.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# Longest first, so the two lanes finish close together; files not listed follow in name order.
longest_first=(faults app prune audit-history proxy upgrade accessory injection team build deploy setup server lock hooks)
# `npm run demo` deploys to the lab's first two hosts, whatever the lane: lane 1 owns them.
lane1_only=(demo)
integration_files() {
  local name f
  for name in "${longest_first[@]}"; do
    f="dist/test/integration/$name.test.js"
    [ -f "$f" ] && echo "$f"
  done
  for f in dist/test/integration/*.test.js; do
    name=$(basename "$f" .test.js)
    [[ " ${longest_first[*]} " == *" $name "* ]] || echo "$f"
  done
}

# lane N: takes files from the queue (a file is claimed by mkdir, which is atomic) until none is left.
lane() {
  local n=$1 namespace=$2 from=$3 f claim failed=0
  while read -r f; do
    ((n > 1)) && [[ " ${lane1_only[*]} " == *" $(basename "$f" .test.js) "* ]] && continue
    claim="$results/claims/$(basename "$f")"
    mkdir "$claim" 2>/dev/null || continue
    SEXTANT_TEST_HOSTS_FROM=$from SEXTANT_TEST_HOSTS_COUNT=3 SEXTANT_TEMPORAL_NAMESPACE=$namespace \
      npx mocha --config .mocharc.integration.json "$f" >"$results/lane$n-$(basename "$f").txt" 2>&1 || failed=1
    cat "$results/lane$n-$(basename "$f").txt"
  done < <(integration_files)
  return $failed
}

if [ "${SEXTANT_SKIP_LAB:-}" != 1 ]; then
  trap 'bash test/lab/down.sh >/dev/null 2>&1 || true' EXIT
  lanes=${SEXTANT_TEST_LANES:-2}
  namespaces=(default)
  for ((i = 2; i <= lanes; i++)); do namespaces+=("sextant-lane$i"); done
  if bash test/lab/up.sh --hosts "$((3 * lanes))" --namespaces "$(IFS=,; echo "${namespaces[*]}")"; then
    mkdir -p "$results/claims"
    pids=()
    for ((i = 1; i <= lanes; i++)); do
      lane "$i" "${namespaces[$((i - 1))]}" "$((3 * (i - 1)))" &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    cat "$results"/lane*.txt >"$results/integration.txt"
    rm -f "$results"/lane*.txt
  else
    echo "lab:up failed: integration tests not run" >&2
    status=1
  fi
fi

count() { grep -hoE "^ +[0-9]+ $1" "$results"/*.txt 2>/dev/null | awk '{s+=$1} END {print s+0}'; }
echo "tests: $(count passing) passed, $(count failing) failed, $(count pending) skipped"
rm -rf "$results"
exit $status
