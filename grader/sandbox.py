"""Sandbox stage: build a fresh workspace and run one child process under limits -> `ChildRun`.

The workspace holds a copy of the submission (regular files only: symlinks are not followed),
the challenge's support files over it, a copy of the hidden tests and the child launcher. The
child runs in bubblewrap where it works (read-only system, private /tmp, no network, own pid
namespace, dies with its parent) and under rlimits and a pids cgroup always (`grader.confine`).
Its records arrive on a pipe of their own; its stdout and stderr are drained and capped, so a
flood costs the grader no more than the cap. This stage never interprets records: it only
carries them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from grader.catalog import Challenge, Limits, project_root
from grader.confine import PidsCgroup, apply_limits, kill_group
from grader.runtime import cache_dir
from grader.starter import MARKER

# The child is a folder, copied whole into each workspace; the launcher is its entry point.
CHILD_DIR = Path(__file__).parent / "child"
CHILD_LAUNCHER = CHILD_DIR / "grade_child" / "__main__.py"
SKIPPED_NAMES = {".git", "__pycache__", MARKER, ".mypy_cache", ".pytest_cache", ".venv"}
NATIVE_SUFFIXES = {".so", ".pyd", ".dylib", ".dll"}
MAX_SUBMISSION_BYTES = 8 * 1024 * 1024
MAX_RECORD_BYTES = 256 * 1024
MAX_RECORDS = 20_000


class SandboxLevel(StrEnum):
    BUBBLEWRAP = "bubblewrap"
    LIMITS_ONLY = "limits only"


@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path
    submission: Path
    tests: Path
    launcher: Path
    skipped: tuple[str, ...]
    replaced: tuple[str, ...] = ()  # the submission's files that a support file of the same name replaced


@dataclass(frozen=True, slots=True)
class ChildRun:
    """What one child process left behind: its records, how it ended, what it printed."""

    records: tuple[dict, ...]
    exit_code: int | None
    timed_out: bool
    output: str
    output_truncated: bool
    duration_s: float
    spawned_at: float = 0.0  # time.monotonic() once the process was started, for the breakdown


@functools.cache
def detect_sandbox() -> SandboxLevel:
    """bubblewrap if it can start a namespace here (it cannot inside another sandbox)."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return SandboxLevel.LIMITS_ONLY
    try:
        done = subprocess.run(
            [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
             "--unshare-all", "--die-with-parent", "--new-session", "true"],
            capture_output=True, timeout=10, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return SandboxLevel.LIMITS_ONLY
    return SandboxLevel.BUBBLEWRAP if done.returncode == 0 else SandboxLevel.LIMITS_ONLY


def ensure_bubblewrap(log: Callable[[str], None] = print) -> None:
    """Install Debian's bubblewrap where the grader may (root, apt); otherwise say so."""
    if shutil.which("bwrap"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        log("bubblewrap is not installed: submissions will run with limits only "
            "(install the 'bubblewrap' package for isolation)")
        return
    log("installing bubblewrap")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "bubblewrap"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log(f"could not install bubblewrap ({done.stderr.strip()[-200:]}): limits only")
            return
    detect_sandbox.cache_clear()


def build_workspace(
    *, submission: Path, challenge: Challenge, into: Path, child: Path = CHILD_DIR
) -> Workspace:
    """Copy the submission's regular files, the hidden tests and the child (`child`: the
    package's folder, or `compiled_child`'s copy of it with bytecode) into a fresh folder."""
    root = into
    submission_copy = root / "submission"
    tests_copy = root / "tests"
    child_dir = root / "child"
    submission_copy.mkdir(parents=True)
    skipped = _copy_submission(submission, submission_copy)
    replaced = _install_support(challenge, submission_copy)
    keep_bytecode = child != CHILD_DIR  # the source tree's own __pycache__ may be stale
    shutil.copytree(child, child_dir, ignore=None if keep_bytecode else shutil.ignore_patterns("__pycache__"))
    workspace = Workspace(
        root=root,
        submission=submission_copy,
        tests=tests_copy,
        launcher=child_dir / CHILD_LAUNCHER.relative_to(CHILD_DIR),
        skipped=tuple(skipped),
        replaced=replaced,
    )
    refresh_tests(workspace, challenge)
    return workspace


def compiled_child(python: Path) -> Path:
    """The child package compiled by `python`, kept in the cache per source and interpreter:
    the child runs with -B in a fresh workspace, so without this it compiled itself (about
    25 ms) in every grading. Falls back to the package's own folder if it cannot compile."""
    digest = hashlib.sha256(str(python).encode())
    for path in sorted(CHILD_DIR.rglob("*.py")):
        digest.update(str(path.relative_to(CHILD_DIR)).encode())
        digest.update(path.read_bytes())
    target = cache_dir() / "child" / digest.hexdigest()[:16]
    if target.is_dir():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".child-", dir=target.parent) as staging:
            copy = Path(staging) / "child"
            # copy2 keeps the sources' times, which the bytecode records and is checked against
            shutil.copytree(CHILD_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
            done = subprocess.run([str(python), "-I", "-m", "compileall", "-q", str(copy)],
                                  capture_output=True, timeout=60, check=False)
            if done.returncode == 0:
                copy.rename(target)  # whole or not at all; a concurrent grading may win the race
    except (OSError, subprocess.SubprocessError):
        pass
    return target if target.is_dir() else CHILD_DIR


def _install_support(challenge: Challenge, target: Path) -> tuple[str, ...]:
    """Copy the challenge's support files over the submission's: the suite relies on the
    grader's copy (an instrumented driver, say), whatever the student shipped by that name."""
    replaced = []
    for path in challenge.support_files:
        relative = path.relative_to(challenge.support_dir)
        destination = target / relative
        if destination.exists() or destination.is_symlink():
            if not _same_file_contents(destination, path):
                replaced.append(str(relative))  # a copy `grade start` gave is no news to the student
            if destination.is_dir() and not destination.is_symlink():
                shutil.rmtree(destination)
            else:
                destination.unlink()
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    return tuple(replaced)


def _same_file_contents(one: Path, other: Path) -> bool:
    return one.is_file() and not one.is_symlink() and one.read_bytes() == other.read_bytes()


def refresh_tests(workspace: Workspace, challenge: Challenge) -> None:
    """A fresh copy of the hidden suite: the child deletes its copy once it has collected it."""
    shutil.rmtree(workspace.tests, ignore_errors=True)
    shutil.copytree(challenge.tests_dir, workspace.tests, ignore=shutil.ignore_patterns("__pycache__"))


def _copy_submission(source: Path, target: Path) -> list[str]:
    """Copy regular files only; a symlink could point at the hidden tests or anywhere else."""
    skipped: list[str] = []
    total = 0
    files = [source] if source.is_file() else sorted(source.rglob("*"))
    base = source.parent if source.is_file() else source
    for path in files:
        relative = path.relative_to(base)
        if any(part in SKIPPED_NAMES for part in relative.parts):
            continue
        if path.is_symlink():
            skipped.append(f"{relative} (a symlink: not followed)")
            continue
        if path.is_dir():
            continue
        if not path.is_file():
            skipped.append(f"{relative} (not a regular file)")
            continue
        if path.suffix in NATIVE_SUFFIXES or ".so." in path.name:
            skipped.append(f"{relative} (native code is not accepted)")
            continue
        size = path.stat().st_size
        if total + size > MAX_SUBMISSION_BYTES:
            skipped.append(f"{relative} (over the {MAX_SUBMISSION_BYTES // 2**20} MB submission limit)")
            continue
        total += size
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    return skipped


def run_child(
    *,
    command: Sequence[str],
    workspace: Workspace,
    limits: Limits,
    level: SandboxLevel,
    timeout_s: float,
    readable: Sequence[Path] = (),
    on_record: Callable[[dict], None] = lambda _: None,
) -> ChildRun:
    """Run `command` (the launcher's argv, `{fd}` standing for the records descriptor).

    `readable`: folders the child may read besides the system's (the interpreter's prefixes).
    """
    read_fd, write_fd = os.pipe()
    argv = [part.replace("{fd}", str(write_fd)) for part in command]
    if level is SandboxLevel.BUBBLEWRAP:
        argv = _bubblewrap_argv(workspace, readable) + argv
    started = time.monotonic()
    cgroup = PidsCgroup.create(limits.processes)
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=workspace.root,
            env=_child_environment(workspace),
            pass_fds=(write_fd,),
            start_new_session=True,
            preexec_fn=functools.partial(apply_limits, limits, cgroup),
        )
    except BaseException:
        if cgroup:
            cgroup.kill_all()
        raise
    finally:
        os.close(write_fd)
    spawned_at = time.monotonic()
    records: list[dict] = []
    record_reader = threading.Thread(
        target=_read_records, args=(read_fd, records, on_record), daemon=True
    )
    output = _CappedOutput(limits.output_kb * 1024)
    output_reader = threading.Thread(target=output.drain, args=(process.stdout,), daemon=True)
    record_reader.start()
    output_reader.start()
    timed_out = False
    try:
        process.wait(timeout=max(0.1, timeout_s))
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        kill_group(process)
        if cgroup:
            cgroup.kill_all()
        process.wait()  # reap it even when interrupted, so no zombie is left
    record_reader.join(timeout=5)
    output_reader.join(timeout=5)
    return ChildRun(
        records=tuple(records),
        exit_code=None if timed_out else process.returncode,
        timed_out=timed_out,
        output=output.text(),
        output_truncated=output.truncated,
        duration_s=time.monotonic() - started,
        spawned_at=spawned_at,
    )


# The system the child may read: the interpreter's own folders are added per runtime. Not
# `/` as a whole: other checkouts of the grader, home folders and the like stay out of sight.
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")


def _bubblewrap_argv(workspace: Workspace, readable: Sequence[Path]) -> list[str]:
    root = str(workspace.root)
    argv = ["bwrap"]
    for system_dir in SYSTEM_DIRS:
        argv += ["--ro-bind-try", system_dir, system_dir]
    for folder in readable:
        argv += ["--ro-bind", str(folder), str(folder)]
    argv += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    # The grader's own challenges, should they live under a folder bound above.
    for path in (project_root() / "challenges", project_root() / "solutions"):
        if path.is_dir() and any(str(path).startswith(f"{folder}/") for folder in (*SYSTEM_DIRS, *map(str, readable))):
            argv += ["--tmpfs", str(path)]
    argv += [
        "--bind", root, root,
        "--chdir", root,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--",
    ]
    return argv


def _child_environment(workspace: Workspace) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(workspace.root),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "TMPDIR": "/tmp",
    }


def _read_records(fd: int, records: list[dict], on_record: Callable[[dict], None]) -> None:
    with os.fdopen(fd, "rb") as stream:
        for line in stream:
            if len(records) >= MAX_RECORDS:
                continue  # keep draining so the child never blocks on a full pipe
            if len(line) > MAX_RECORD_BYTES:
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(record, dict):
                records.append(record)
                on_record(record)


class _CappedOutput:
    """Keeps the first `cap` bytes of a stream and drains the rest unread."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.kept = bytearray()
        self.truncated = False

    def drain(self, stream) -> None:  # type: ignore[no-untyped-def]
        while chunk := stream.read1(65536):
            room = self.cap - len(self.kept)
            if room > 0:
                self.kept += chunk[:room]
            if len(chunk) > room:
                self.truncated = True

    def text(self) -> str:
        return self.kept.decode("utf-8", errors="replace")
