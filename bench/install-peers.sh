#!/usr/bin/env bash
# Installs the peer tools for bench/run.py into bench/.peers (git-ignored), using the system Chromium.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .peers
cd .peers
# Node 20: npm resolves lighthouse 12.x (13.x needs Node >= 22.19). No browser download.
PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 npm install --no-audit --no-fund lighthouse@12 pa11y-ci
