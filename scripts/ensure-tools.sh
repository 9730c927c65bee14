#!/usr/bin/env bash
# `npm test` runs this first. Some tests publish through another broker client to prove that Postline continues
# a foreign trace: kcat for Kafka (mosquitto_pub and rabbitmqctl come with the machine's broker packages).
# The trace viewer's page is tested in headless Chromium (Debian's chromium, driven by playwright-core).
# A fresh machine lacks kcat and chromium: install them from Debian's packages, or fail naming what is missing.
set -euo pipefail
missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v mosquitto_pub >/dev/null 2>&1 || missing+=(mosquitto-clients)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "ensure-tools: installing ${missing[*]} (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "ensure-tools: the foreign-client and browser tests need: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
