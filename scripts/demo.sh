#!/usr/bin/env bash
# npm run demo: install what is needed, start a lab of 2 hosts (or keep the larger lab that is
# up), deploy the example app. SEXTANT_DEMO_HOSTS=N deploys to N hosts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run -s build
if [[ -n "${SEXTANT_DEMO_HOSTS:-}" ]]; then bash test/lab/up.sh --hosts "$SEXTANT_DEMO_HOSTS"; else bash test/lab/up.sh; fi
node dist/test/support/demo.js
