#!/usr/bin/env bash
# ADR 47's spike, outside the workspace: kafkajs 2.2.4 (with patches/kafkajs+2.2.4.patch applied) against
# @platformatic/kafka 1.35.0 as a forwarder (consume -> produce -> commit) on the broker at 127.0.0.1:9092.
# Usage: copy this folder to a scratch directory, then `PERCH_DIR=<the Perch checkout> bash run.sh` (Node >= 20.19,
# the broker running). One JSON line per forwarder run, and the broker's CPU per trickle run.
set -euo pipefail
perch="${PERCH_DIR:?set PERCH_DIR to the Perch checkout (for patches/)}"
cd "$(dirname "$0")"
if [ ! -d node_modules ]; then
  npm init -y >/dev/null
  npm install --no-audit --no-fund @platformatic/kafka@1.35.0 kafkajs@2.2.4 >/dev/null
  patch -p1 -s < "$perch/patches/kafkajs+2.2.4.patch"
fi
broker=$(pgrep -f kafka.Kafka | head -1)
ticks() { awk '{print $14+$15}' "/proc/$broker/stat"; }
for client in kafkajs platformatic kafkajs platformatic; do
  run="trickle-$client-$(date +%s)"
  node setup.cjs "$run" 0
  if [ "$client" = kafkajs ]; then node fwd-kafkajs.cjs "$run" 10000 & else node fwd-platformatic.mjs "$run" 10000 & fi
  sleep 3; before=$(ticks)
  node feed.cjs "$run" 10000 2000; wait
  echo "{\"phase\":\"trickle\",\"client\":\"$client\",\"brokerCpuMs\":$(( ($(ticks) - before) * 10 ))}"
done
for client in kafkajs platformatic; do
  run="bulk-$client-$(date +%s)"
  node setup.cjs "$run" 20000
  if [ "$client" = kafkajs ]; then node fwd-kafkajs.cjs "$run" 20000; else node fwd-platformatic.mjs "$run" 20000; fi
done
