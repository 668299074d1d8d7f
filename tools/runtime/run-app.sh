#!/bin/sh
# Starts one distributed Perch app (dist/apps/<app>) with the runtime settings of app-runtime.env beside this script.
# Run from the repository (or image) root: sh tools/runtime/run-app.sh gateway
set -eu
app=${1:?usage: run-app.sh <ingestor|classifier|router|gateway>}
set -a
. "$(dirname "$0")/app-runtime.env"
set +a
exec node "dist/apps/$app/src/main.js"
