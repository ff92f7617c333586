"""Headless Chromium for browser tests: Debian's build driven by Playwright, never a download.

Missing Playwright or Chromium skips the test with a printed reason, except with CI=true, where
it fails: CI installs both (scripts/services.sh and the dev extra).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:
    sync_playwright = None  # type: ignore[assignment]
else:
    # Generous ceilings for a busy machine (two suites side by side on 2 cores): every wait is on a
    # condition, so a passing test is no slower for it; only a failing one takes longer to say so.
    expect.set_options(timeout=30_000)

BROWSER_TIMEOUT_MS = 30_000
"""Playwright's action/locator timeout for the browser tests' pages (its default is 30 s too)."""

CHROMIUM = os.environ.get("SANDBOX_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> None:
    reason = None
    if sync_playwright is None:
        reason = "playwright is not installed (.venv/bin/pip install playwright)"
    elif not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests need {reason}; CI=true makes this a failure", pytrace=False)
    print(f"SKIP: {reason}")
    pytest.skip(reason)


def launched_chromium() -> Iterator[Any]:
    """For a fixture: ``yield from launched_chromium()``."""
    require_browser()
    assert sync_playwright is not None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
