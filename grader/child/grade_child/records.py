"""The record writer: one JSON object per line on a descriptor the parent opened for it.

Never stdout, which the submission can print to. A lock keeps lines whole when threads (the
watchdog, a test, the guard) write at once.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any


class RecordWriter:
    """Writes each record as one line, whole, however many threads write."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()

    def write(self, **record: Any) -> None:
        line = (json.dumps(record, default=str) + "\n").encode()
        with self._lock:
            view = memoryview(line)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
