#!/usr/bin/env bash
# `npm test` runs this first. The native Kafka client (@confluentinc/kafka-javascript) compiles during
# `npm ci`; built by a plain `npm ci` it targets the Node that ran npm (the system's), not the project's Node 24.
# When it does not load under the project's Node, rebuild it with scripts/native-env.sh (or install it, if the
# optional install failed for want of the system libraries).
set -euo pipefail
cd "$(dirname "$0")/.."
loads() { node_modules/.bin/node -e 'require("@confluentinc/kafka-javascript")' >/dev/null 2>&1; }
loads && exit 0
mkdir -p .cache
echo "ensure-native: building @confluentinc/kafka-javascript for Node $(node_modules/.bin/node --version) (about a minute)"
# shellcheck source=scripts/native-env.sh
source scripts/native-env.sh
if [ -d node_modules/@confluentinc/kafka-javascript ]; then
  npm rebuild --build-from-source @confluentinc/kafka-javascript >.cache/native-build.log 2>&1 || true
else
  npm install --no-audit --no-fund >.cache/native-build.log 2>&1 || true
fi
if loads; then echo "ensure-native: ok"; exit 0; fi
echo "ensure-native: @confluentinc/kafka-javascript still does not load; see .cache/native-build.log" >&2
exit 1
