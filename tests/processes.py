"""The processes on this machine that a test can blame for something left behind, read from /proc.

A plain module, not a conftest, so that every test folder imports the same one.
"""

from __future__ import annotations

import os
from pathlib import Path


def processes_holding(text: str, *, where: str = "environ") -> list[str]:
    """Every other process whose environment (`where="environ"`) or command line (`"cmdline"`)
    holds `text`, each as `PID: command line`. A child's HOME is its workspace, and a batch's
    gradings inherit its TMPDIR, so a folder in the environment finds what a test started."""
    assert where in ("environ", "cmdline"), where
    needle = text.encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            if needle in Path(f"/proc/{entry}/{where}").read_bytes():
                command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
                found.append(f"{entry}: {command.decode(errors='replace').strip()}")
        except OSError:
            continue
    return found
