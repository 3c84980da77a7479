"""The `fresh_interpreter` fixture: a snippet in a new process of the runtime interpreter, to
check what happens at interpreter exit (atexit handlers, a pool shut down at exit).

Granted only when the challenge allows it (`[sandbox] allow = ["fresh-interpreter"]`). The new
process runs in the same sandbox, cgroup and rlimits as the test process and installs the same
audit hook before the snippet runs: a student who reaches this runner gets nothing they did
not have.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable

from grade_child.guard import Spawnable, install_audit_hook, spawn_permit

FRESH_INTERPRETER = "fresh-interpreter"  # the allowance that grants this runner
PACKAGE_PARENT = Path(__file__).resolve().parent.parent
OUTPUT_LIMIT = 256 * 1024
DEADLINE_EXIT = 124
DEADLINE_NOTE = "grade: the fresh interpreter ran out of time"
# Run with -c: `-I` leaves no folder of ours on sys.path, so the bootstrap puts the package's
# parent there, and `boot` guards the process before a line of the snippet runs.
BOOTSTRAP = (
    "import sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from grade_child.interpreter import boot\n"
    "boot(*sys.argv[2:])\n"
)


@dataclass(frozen=True, slots=True)
class FreshRun:
    """How a fresh interpreter ended and what it printed (each stream cut at 256 KB)."""

    returncode: int
    stdout: str
    stderr: str


def spawnable_for(workspace: Path, env: dict[str, str]) -> Spawnable:
    """The only command line the guard lets the runner start: this bootstrap, this workspace."""
    prefix = (sys.executable, "-I", "-B", "-c", BOOTSTRAP, str(PACKAGE_PARENT), str(workspace))
    return Spawnable(prefix=prefix, env=tuple(sorted(env.items())))


class FreshInterpreter:
    """What a hidden suite gets as `fresh_interpreter`."""

    def __init__(
        self, *, spawnable: Spawnable, submission: Path, time_left: Callable[[], float]
    ) -> None:
        self._spawnable = spawnable
        self._submission = submission
        self._time_left = time_left

    def run(self, code: str, timeout: float | None = None) -> FreshRun:
        """Run `code` as `__main__` in a new `python -I -B` of the runtime and wait for it to exit.

        The submission's folder is first on its sys.path (the student's module and the
        challenge's support files import) and is its working directory. The process has
        `timeout` seconds, at most the test's time left less a margin; if it has not exited by
        then, the test fails saying so. Starting processes, the network and the rest stay
        blocked inside it, as in the test.
        """
        limit = max(0.5, self._time_left() - 2.0)
        if timeout is not None:
            limit = max(0.1, min(limit, timeout))
        command = [*self._spawnable.prefix, str(self._submission), repr(limit), code]
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            with spawn_permit():
                process = subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                    cwd=str(self._submission), env=dict(self._spawnable.env),
                )
            try:
                returncode = process.wait(timeout=limit + 1.0)
            except subprocess.TimeoutExpired:
                returncode = None  # it could not even end itself; the sandbox ends it with us
            stdout, stderr = _read(out), _read(err)
        if returncode is None or (returncode == DEADLINE_EXIT and stderr.endswith(DEADLINE_NOTE + "\n")):
            raise AssertionError(
                f"the fresh interpreter had not exited after {limit:.1f} s (still running, or "
                "waiting at exit for a thread, a pool or an atexit handler)"
            )
        return FreshRun(returncode=returncode, stdout=stdout, stderr=stderr)


def _read(stream: IO[bytes]) -> str:
    stream.seek(0)
    data = stream.read(OUTPUT_LIMIT + 1)
    text = data[:OUTPUT_LIMIT].decode("utf-8", "replace")
    return text + "\n[cut at 256 KB]" if len(data) > OUTPUT_LIMIT else text


def boot(workspace: str, submission: str, seconds: str, code: str) -> None:
    """In the fresh process, before anything else: the guard, a deadline, then the snippet."""
    install_audit_hook(workspace=Path(workspace))
    threading.Thread(target=_end_after, args=(float(seconds),), name="grade-deadline",
                     daemon=True).start()
    sys.path.insert(0, submission)
    sys.argv[:] = ["-c"]
    main = vars(sys.modules["__main__"])
    exec(compile(code, "<fresh-interpreter>", "exec"), main)  # noqa: S102  (the author's snippet)


def _end_after(seconds: float) -> None:
    """End the process at its deadline, even while it waits in an atexit handler: the test
    process may not signal it (the guard blocks os.kill for everyone)."""
    time.sleep(seconds)
    os.write(2, f"\n{DEADLINE_NOTE}\n".encode())
    os._exit(DEADLINE_EXIT)
