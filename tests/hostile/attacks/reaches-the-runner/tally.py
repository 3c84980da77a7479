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


# Reaches into the grader's child for the fresh-interpreter runner's permit and command line,
# to start processes with them. Prints "ESCAPED: ..." for anything that should have been
# refused and was not.
import os as _os
import subprocess as _subprocess
import threading as _threading
from pathlib import Path as _Path

from grade_child.guard import spawn_permit as _permit
from grade_child.interpreter import spawnable_for as _spawnable_for

_submission = _Path(__file__).resolve().parent
_env = {key: value for key, value in _os.environ.items() if not key.startswith("PYTEST_")}
_prefix = list(_spawnable_for(_submission.parent, _env).prefix)
_inside = (
    "import os\n"
    "try:\n"
    "    os.system('echo ESCAPED: os.system in the fresh interpreter')\n"
    "    print('ESCAPED: os.system returned in the fresh interpreter')\n"
    "except PermissionError:\n"
    "    print('inside: refused')\n"
)
_command = [*_prefix, str(_submission), "20", _inside]


def _start(argv, env=_env):
    return _subprocess.run(argv, capture_output=True, text=True, timeout=30, env=env,
                           cwd=str(_submission), check=False)


def _must_be_refused(label, argv, env=_env):
    try:
        _start(argv, env)
    except PermissionError:
        print(f"{label}: refused")
    else:
        print(f"ESCAPED: {label}")


with _permit():
    _other = _threading.Thread(target=_must_be_refused, args=("another thread", _command))
    _other.start()
    _other.join()
    _must_be_refused("another command", ["/bin/sh", "-c", "echo ESCAPED: sh"])
    _must_be_refused("a wider workspace", [*_prefix[:-1], "/", *_command[len(_prefix):]])
    _must_be_refused("another environment", _command, {**_env, "LD_PRELOAD": "/tmp/x.so"})
    try:
        _done = _start(_command)  # granted only where the challenge allows the runner
        print("runner: started")
        print(_done.stdout, end="")
    except PermissionError:
        print("runner: refused")
    _must_be_refused("a second start", _command)
print("checked")
