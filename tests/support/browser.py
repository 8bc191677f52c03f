"""Headless Chromium for the browser tests (the report, the published docs)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    configured = os.environ.get("VLPIPE_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium")


CHROMIUM = _chromium()  # read at import, before any test points VLPIPE_CHROMIUM elsewhere


def need_chromium() -> str:
    """Chromium's path, or the test is skipped with the reason."""
    if CHROMIUM is None:
        pytest.skip("no Chromium: set VLPIPE_CHROMIUM or put `chromium` on the PATH")
    return CHROMIUM
