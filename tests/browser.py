"""Headless Chromium for the HTML report's browser test: skipped, with the reason, on a machine
without it (a newcomer's `make test`); required where LKIP_REQUIRE_CHROMIUM=1 (CI, .ci/run)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
REQUIRE_ENV = "LKIP_REQUIRE_CHROMIUM"


def find_chromium() -> str | None:
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def chromium_or_skip() -> str:
    browser = find_chromium()
    if browser:
        return browser
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"Chromium is missing and {REQUIRE_ENV}=1: run .ci/install-chromium.sh before the tests")
    pytest.skip(f"Chromium not installed (install it, e.g. .ci/install-chromium.sh, to run this test; "
                f"CI sets {REQUIRE_ENV}=1 and fails instead)")
