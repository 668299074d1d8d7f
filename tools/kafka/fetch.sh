#!/usr/bin/env bash
# Copies the Kafka broker jars (pom.xml) from Maven Central into tools/kafka/lib.
# Idempotent: skipped when lib/ already holds the kafka_2.13 jar of the version pinned in pom.xml.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$DIR"

VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml)"
if [[ -f "lib/kafka_2.13-${VERSION}.jar" && -f lib/.complete ]]; then
  exit 0
fi

command -v mvn >/dev/null || { echo "fetch.sh: mvn (Maven 3) is required to fetch the Kafka jars" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch.sh: java (17+) is required to run Kafka ${VERSION}" >&2; exit 1; }

echo "fetch.sh: fetching Apache Kafka ${VERSION} jars into ${DIR}/lib"
rm -rf lib.tmp
# Fetch into a temp dir and rename, so an interrupted fetch never looks complete.
mvn -B -q -Dstyle.color=never -f pom.xml dependency:copy-dependencies -DoutputDirectory="${DIR}/lib.tmp" -DincludeScope=runtime
touch lib.tmp/.complete
rm -rf lib
mv lib.tmp lib
