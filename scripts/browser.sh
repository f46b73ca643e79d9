#!/usr/bin/env bash
# What the browser tests need: Debian's Chromium and playwright-core (no browser download). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
# chromium, and a CJK font so Chinese/Japanese render in screenshots
if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-wqy-zenhei >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi
