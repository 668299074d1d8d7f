#!/usr/bin/env bash
# The whole test suite, as CI runs it: static checks, then the three tiers.
# Integration and e2e tiers need Kafka, Redis and PostgreSQL: KAFKA_BROKERS, REDIS_URL and
# DATABASE_URL are used when set; otherwise the jest global setup starts containers (Docker).
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NODE_ENV=test
mkdir -p tmp/test-results
rm -f tmp/test-results/*.json

step() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }

step "lint (ESLint with Nx module boundaries)"
npx nx run-many -t lint --output-style=stream-without-prefixes --skip-nx-cache
step "typecheck (strict TypeScript, every project and test)"
npx tsc -p tsconfig.json --noEmit
step "build"
npm run build --silent

status=0
step "unit tier (*.spec.ts)"
npx jest -c jest.config.js --json --outputFile=tmp/test-results/unit.json || status=1
step "desktop SPA unit tests (Vitest: apps/agent-desktop/src/app/**/*.spec.ts)"
npx vitest run -c apps/agent-desktop/vite.config.mts --reporter=default --reporter=json --outputFile.json="$PWD/tmp/test-results/desktop.json" || status=1
step "integration tier (*.integration-spec.ts, real Kafka, Redis, PostgreSQL)"
npx jest -c jest.integration.config.js --json --outputFile=tmp/test-results/integration.json || status=1
step "end-to-end tier (*.e2e-spec.ts)"
npx jest -c jest.e2e.config.js --json --outputFile=tmp/test-results/e2e.json || status=1

node tools/test/summarize.js tmp/test-results || status=1
exit $status
