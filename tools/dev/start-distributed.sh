#!/usr/bin/env bash
# Runs the distributed stack on this machine: Kafka (from the Maven jars), the X simulator and the four apps as
# separate processes, on the local Redis and PostgreSQL. Ctrl-C stops everything it started.
# Override any variable (KAFKA_BROKERS, REDIS_URL, DATABASE_URL, X_SIM_RATE, …) from the environment.
set -euo pipefail
cd "$(dirname "$0")/../.."

export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
# A local development Redis often persists nothing; the apps refuse such a Redis unless told that losing its state
# on a restart is acceptable, as it is here. Set REDIS_ALLOW_EPHEMERAL=false to get the production check.
export REDIS_ALLOW_EPHEMERAL="${REDIS_ALLOW_EPHEMERAL:-true}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export X_API_BASE_URL="${X_API_BASE_URL:-http://127.0.0.1:4010}"
export X_APP_BEARER="${X_APP_BEARER:-perch-app-bearer}"
export X_BRAND_TOKENS="${X_BRAND_TOKENS:-acme_support=acme-support-user-token}"
# Secrets are fresh for each run unless given: none ships with the repository (agents sign in again after a restart).
random_secret() { node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("hex"))'; }
export GATEWAY_TOKEN_SECRET="${GATEWAY_TOKEN_SECRET:-$(random_secret)}"
default_agents='[{"id":"alice","password":"alice","capacity":2,"brands":["acme_support"]},{"id":"bob","password":"bob","brands":["acme_support"]},{"id":"dana","password":"dana","role":"admin","brands":["*"]}]'
export GATEWAY_AGENTS="${GATEWAY_AGENTS:-$default_agents}"
export X_SIM_RATE="${X_SIM_RATE:-0.2}"
export X_SIM_DM_SHARE="${X_SIM_DM_SHARE:-0.15}"
# DMs through the Account Activity webhook: the simulator calls the ingestor back on its /webhooks/x.
export X_CONSUMER_SECRET="${X_CONSUMER_SECRET:-$(random_secret)}"
export X_SIM_CONSUMER_SECRET="$X_CONSUMER_SECRET"
export X_WEBHOOK_URL="${X_WEBHOOK_URL:-http://127.0.0.1:3101/webhooks/x}"
mkdir -p tmp/distributed-logs

if [[ "$KAFKA_BROKERS" == "127.0.0.1:9092" ]]; then bash tools/kafka/start.sh; fi

# The X simulator below starts empty on every run, so each run gets a namespace of its own: a previous run's queued
# interactions would be offered again and point at tweets this X never had (replies refused as "deleted"). The
# previous runs' dev-* namespaces (topics, Redis keys, schemas) are removed first. A PERCH_NAMESPACE you set is kept.
if [[ -z "${PERCH_NAMESPACE:-}" ]]; then
  export PERCH_NAMESPACE="dev-$(date +%s)"
  node dist/libs/testing/src/cli/remove-namespaces.cli.js dev- --keep "$PERCH_NAMESPACE"
fi
echo "  namespace $PERCH_NAMESPACE"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

start() {
  local name=$1 port=$2 internal=$(($2 + 1000)) log=${3:-$1}
  # Each app's /metrics (and the gateway's /api/docs) is on its internal port, never on the agents' one.
  # run-app.sh: the apps' runtime settings (tools/runtime/app-runtime.env), as in the image.
  HTTP_PORT=$port INTERNAL_HTTP_PORT=$internal sh tools/runtime/run-app.sh "$name" > "tmp/distributed-logs/$log.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do
    if curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; then echo "  $name up on :$port (metrics: http://127.0.0.1:$internal/metrics)"; return; fi
    sleep 0.2
  done
  echo "$name did not start; see tmp/distributed-logs/$name.log" >&2
  exit 1
}

X_SIM_PORT=4010 node dist/apps/x-simulator/src/main.js > tmp/distributed-logs/x-simulator.log 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do curl -fs http://127.0.0.1:4010/admin/stats >/dev/null 2>&1 && break; sleep 0.2; done
echo "  x-simulator up on :4010"
start router 3103
start classifier 3102
# GATEWAY_WORKERS=N (default 0): the gateway as an edge on :3000 beside N workers on :3200… (ADR 43). Workers sign no
# one in, so they get neither the token secret nor the agents.
gateway_workers=${GATEWAY_WORKERS:-0}
if [[ "$gateway_workers" -gt 0 ]]; then
  for i in $(seq 1 "$gateway_workers"); do
    GATEWAY_ROLE=worker GATEWAY_TOKEN_SECRET= GATEWAY_AGENTS= start gateway $((3199 + i)) "gateway-worker-$i"
  done
  GATEWAY_ROLE=edge start gateway 3000
else
  start gateway 3000
fi
start ingestor 3101

echo
echo "Perch is running (distributed mode). Agent desktop: http://localhost:3000 (alice / alice). Logs: tmp/distributed-logs/"
echo "API docs: http://localhost:4000/api/docs (the gateway's internal port)"
wait
