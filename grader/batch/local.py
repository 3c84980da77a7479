"""Grading on this machine: each submission graded by `grade_submission` on one of the batch's
threads, `jobs` at a time (each grading already runs in child processes of its own).

A stop kills the gradings under way, found in /proc as this process's children started since
the batch began; they are graded again on --resume.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from grader.batch.plan import Submission
from grader.batch.staging import Staged
from grader.catalog import Challenge
from grader.grading import grade_submission
from grader.runtime import Runtime
from grader.scoring import Result


def default_jobs() -> int:
    """One grading per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class LocalGrading:
    """The `Grading` of grader.batch.scheduler on this machine's cores."""

    def __init__(self, *, challenge: Challenge, runtime: Runtime, seed: int | None, jobs: int | None = None) -> None:
        self._challenge = challenge
        self._runtime = runtime
        self._seed = seed
        self._since = _clock_ticks()
        self.slots = jobs or default_jobs()

    def grade(self, submission: Submission, staged: Staged) -> Result:
        return grade_submission(submission=staged.folder, challenge=self._challenge, runtime=self._runtime,
                                seed=self._seed)

    def stop(self) -> None:
        _kill_children_since(self._since)


def _clock_ticks() -> int:
    """Now, in the unit /proc/PID/stat gives a process's start time."""
    try:
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except OSError:
        return 0
    return int(uptime * os.sysconf("SC_CLK_TCK"))


def _kill_children_since(since: int) -> None:
    """Kill this process's children started since the batch began (sandboxed test runs, type
    checks) and their process groups. Each grading then ends at once, as if timed out."""
    me = os.getpid()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return
    for name in entries:
        if not name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        ppid, group, started = int(fields[1]), int(fields[2]), int(fields[19])
        if ppid != me or started < since:
            continue
        pid = int(name)
        try:
            if group == pid:
                os.killpg(pid, signal.SIGKILL)
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    time.sleep(0.05)
