#!/usr/bin/env bash
# Stops the broker started by start.sh (pid file tools/kafka/kafka.pid). Idempotent.
# Data stays in tools/kafka/data; `rm -rf tools/kafka/data` after stopping for a clean slate.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# KAFKA_DATA_DIR names a second broker's folder (see start.sh); without it, the default broker.
PID_FILE="${KAFKA_DATA_DIR:+${KAFKA_DATA_DIR}/kafka.pid}"
PID_FILE="${PID_FILE:-${DIR}/kafka.pid}"

if [[ ! -f "$PID_FILE" ]]; then
  echo "stop.sh: no pid file, nothing to stop"
  exit 0
fi
PID="$(cat "$PID_FILE")"
# Only signal the process if it is still our broker: pids get reused.
if [[ -z "$PID" ]] || ! kill -0 "$PID" 2>/dev/null || ! tr '\0' ' ' <"/proc/${PID}/cmdline" 2>/dev/null | grep -q 'kafka.Kafka'; then
  echo "stop.sh: broker (pid ${PID:-?}) is not running"
  rm -f "$PID_FILE"
  exit 0
fi

echo "stop.sh: stopping Kafka (pid ${PID})"
kill -TERM "$PID"
# A controlled shutdown takes a few seconds; give it 30 s before forcing.
for _ in $(seq 1 60); do
  kill -0 "$PID" 2>/dev/null || { rm -f "$PID_FILE"; echo "stop.sh: stopped"; exit 0; }
  sleep 0.5
done
echo "stop.sh: broker did not stop within 30 s, killing it" >&2
kill -KILL "$PID" 2>/dev/null || true
rm -f "$PID_FILE"
