"""Confining one child process: rlimits, a pids cgroup, and killing all it started.

Used by the sandbox stage between fork and exec (`apply_limits`) and after the child ends
(`kill_group`, `PidsCgroup.kill_all`). These hold with or without bubblewrap.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from pathlib import Path

from grader.catalog import Limits


class PidsCgroup:
    """A pids cgroup per child: caps processes and threads (RLIMIT_NPROC does not bind root)
    and lets the parent kill every process the child left, even one that left its group."""

    ROOT = Path("/sys/fs/cgroup/pids")

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, limit: int) -> PidsCgroup | None:
        if not (cls.ROOT / "cgroup.procs").exists():
            return None
        parent = cls.ROOT / "grade"
        cls._remove_stale(parent)
        path = parent / f"{os.getpid()}-{time.monotonic_ns()}"
        try:
            path.mkdir(parents=True)
            (path / "pids.max").write_text(str(limit))
        except OSError:
            return None
        return cls(path)

    @staticmethod
    def _remove_stale(parent: Path) -> None:
        """Empty cgroups left by a grader that was killed (named after its pid, now gone)."""
        for folder in parent.glob("*-*") if parent.is_dir() else ():
            owner = folder.name.split("-", 1)[0]
            if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                try:
                    folder.rmdir()  # refused while it still holds a process
                except OSError:
                    pass

    def join(self) -> None:
        """Called in the child between fork and exec."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def kill_all(self) -> None:
        for _ in range(50):
            try:
                pids = [int(pid) for pid in (self.path / "cgroup.procs").read_text().split()]
            except OSError:
                return
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
        try:
            self.path.rmdir()
        except OSError:
            pass


def apply_limits(limits: Limits, cgroup: PidsCgroup | None) -> None:
    """Runs in the child between fork and exec; the limits hold for everything it starts."""
    if cgroup:
        cgroup.join()
    cpu = int(limits.wall_seconds) + 5
    settings = {
        resource.RLIMIT_CPU: (cpu, cpu + 5),
        resource.RLIMIT_AS: (limits.memory_mb * 2**20,) * 2,
        resource.RLIMIT_FSIZE: (limits.file_size_mb * 2**20,) * 2,
        resource.RLIMIT_NOFILE: (limits.open_files,) * 2,
        resource.RLIMIT_CORE: (0, 0),
        resource.RLIMIT_NPROC: (limits.processes,) * 2,
    }
    for kind, value in settings.items():
        try:
            resource.setrlimit(kind, value)
        except (ValueError, OSError):
            pass  # a limit the platform refuses; the others still apply


def kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
