#!/bin/sh
# Starts one distributed Perch app (dist/apps/<app>) with the runtime settings of app-runtime.env beside this script.
# Run from the repository (or image) root: sh tools/runtime/run-app.sh gateway
set -eu
app=${1:?usage: run-app.sh <ingestor|classifier|router|gateway>}
case "$app" in
  ingestor | classifier | router | gateway) ;;
  *) echo "run-app.sh: unknown app '$app' (ingestor, classifier, router or gateway)" >&2; exit 2 ;;
esac
# The operator's node flags (a heap cap sized to the container) replace the file's per-app defaults.
operator_options=${PERCH_NODE_OPTIONS-}
set -a
. "$(dirname "$0")/app-runtime.env"
set +a
upper=$(printf '%s' "$app" | tr '[:lower:]' '[:upper:]')
eval "app_options=\${NODE_OPTIONS_$upper-}"
NODE_OPTIONS="${NODE_OPTIONS-} ${operator_options:-$app_options}"
export NODE_OPTIONS
exec node "dist/apps/$app/src/main.js"
