"""Files replaced whole or not at all: a crash or a kill mid-write never leaves a torn file.

The new content goes to a temporary file beside the target, is fsynced, then renamed over it
(a rename within a folder is atomic). Used by the batch's outputs, the student's progress and
the runner's cache of collected suites.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def write_atomically(path: Path, write: Callable[[IO[str]], object], *, mode: int = 0o644) -> None:
    """Call `write` on a UTF-8 text stream that becomes `path` (with `mode`) once it returns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def fsync_folder(folder: Path) -> None:
    """Make a file just created in `folder` survive a crash: its entry is in the folder's data."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
