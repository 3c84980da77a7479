"""Pages opened in a real headless Chromium (Debian's `chromium`, which `make test` installs):
the reports' tests load what they wrote as a user's browser would, offline."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed: run `make test-deps`")


def chromium(page: Path, profile: Path, *mode: str) -> subprocess.CompletedProcess[str]:
    """Open `page` from disk with no network service; `mode` is e.g. --dump-dom or --screenshot=PATH."""
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--window-size=1200,1600", *mode, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )


def png_size(shot: Path) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
