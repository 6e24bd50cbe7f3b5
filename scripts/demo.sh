#!/usr/bin/env bash
# npm run demo: install what is needed, start a lab of 2 hosts, deploy the example app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run -s build
bash test/lab/up.sh --hosts "${SEXTANT_DEMO_HOSTS:-2}"
node dist/test/support/demo.js
