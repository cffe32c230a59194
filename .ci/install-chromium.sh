#!/usr/bin/env bash
# Headless Chromium for tests/test_publish.py::test_html_renders_in_headless_chromium.
# Call before the tests in CI (Debian/Ubuntu runner with root or sudo rights).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
command -v chromium || ($SUDO apt-get update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
