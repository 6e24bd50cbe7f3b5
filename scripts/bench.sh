#!/usr/bin/env bash
# npm run bench: set up, build, bring up (or reuse) a lab of at least 30 hosts, measure, and
# write BENCHMARKS.md. The lab stays up for another run; `npm run lab:down` removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run -s build
need=$(node -e 'console.log(Math.max(...(process.env.SEXTANT_BENCH_HOSTS || "1,2,10,30").split(",").map(Number)))')
have=$(node -e 'try { console.log(require("./test/lab/lab.json").hosts.length) } catch { console.log(0) }')
bash test/lab/up.sh --hosts "$(( have > need ? have : need ))"
exec node dist/bench/run.js
