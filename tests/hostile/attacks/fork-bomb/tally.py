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


import os as _os

for _ in range(64):  # bounded: 2**64 would be a real bomb without the guard
    if _os.fork() == 0:
        _os._exit(0)
