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


_hoard = []
while True:
    _hoard.append(bytes(1024 ** 3))
