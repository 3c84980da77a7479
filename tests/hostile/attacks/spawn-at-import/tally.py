import threading


class Tally:
    def __init__(self) -> None:
        self._total = 0
        self._lock = threading.Lock()

    def add(self, n: int) -> int:
        with self._lock:
            self._total += n
            return self._total


def hang() -> None:
    pass


def crash() -> None:
    pass


# A process started from the submission itself: refused, whatever the challenge allows.
import os as _os
import subprocess as _subprocess

try:
    _subprocess.run(["/bin/sh", "-c", "echo ESCAPED: subprocess.run"], check=False)
    print("ESCAPED: subprocess.run returned")
except PermissionError:
    pass
_os.system("echo ESCAPED: os.system")  # refused too: the import fails here
