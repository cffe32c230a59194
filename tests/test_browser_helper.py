"""The browser test's guard: a skip with the reason on a machine without Chromium, a failure in CI."""

from __future__ import annotations

import pytest

import browser


def test_missing_chromium_skips_with_reason(monkeypatch):
    monkeypatch.setattr(browser, "find_chromium", lambda: None)
    monkeypatch.delenv(browser.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium not installed"):
        browser.chromium_or_skip()


def test_missing_chromium_fails_when_required(monkeypatch):
    monkeypatch.setattr(browser, "find_chromium", lambda: None)
    monkeypatch.setenv(browser.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="install-chromium"):
        browser.chromium_or_skip()


def test_found_chromium_is_used(monkeypatch, tmp_path):
    exe = tmp_path / "chromium"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(browser.REQUIRE_ENV, "1")
    assert browser.chromium_or_skip() == str(exe)
