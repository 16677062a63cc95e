#!/usr/bin/env bash
# The system packages the test suite needs, installed only where missing:
#   Java 17+  DynamoDB Local (every integration and HTTP test)
#   Chromium  the docs page test (tests/http/docs-page.test.ts)
# Runs before `npm test` and in CI. Installs with apt-get where that is possible (root on
# Debian); anywhere else it says what to install and leaves the machine alone.
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} (needed by the tests)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
else
  echo "The tests need: ${missing[*]} (e.g. sudo apt-get install ${missing[*]}). Continuing without them." >&2
fi
