"""What runs on a Dask worker: the check that it can grade a batch, and one grading.

A worker grades with its own install: its free-threaded runtime (`grade setup`), its
bubblewrap sandbox and its own copy of the challenge, whose hidden suite must be the very one
the batch's parent has (`suite_version`). `SuiteCheck`, the plugin the batch registers, checks
all three when it is registered and on every worker that joins later; a worker that passes
offers the batch's resource (`resource_name`), one unit a thread, and the batch's tasks ask
for it, so a worker that fails never takes one: it logs why, and the parent reads why
(`verdict_of`). The task, `grade_files`, gets the submission's staged files as bytes, grades
them in a private folder and returns the `Result`; the parent journals it.

Every temporary folder of a worker process (its gradings' copies and workspaces) lives under
one root named for its pid (`worker_temp_root`): a worker killed mid-grading cannot clean up,
so the next worker set up on the machine removes the roots of workers no longer running.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from distributed import Worker, WorkerPlugin

import grader
from grader.catalog import Challenge, Limits, load_challenge
from grader.errors import GradeError
from grader.grading import grade_submission
from grader.runtime import Runtime, find_runtime
from grader.sandbox import SandboxLevel, detect_sandbox
from grader.scoring import Result

logger = logging.getLogger("grader.batch.worker")

# A verdict is (kind, detail): plain values, so a parent can read one from a worker whatever
# their versions of this module.
USABLE, REFUSED, MISMATCH = "usable", "refused", "mismatch"
Verdict = tuple[str, str]

TEMP_ROOT_PREFIX = "grade-worker-"

# The statement does not grade: fixing a typo in it must not stop a batch.
UNGRADED_FILES = {"README.md"}


def suite_version(challenge: Challenge) -> str:
    """The grader's version and every file of the challenge that grading reads (hidden tests,
    challenge.toml, static checks, support files), by path and content."""
    digest = hashlib.sha256(f"grade {grader.__version__}".encode())
    for path in sorted(challenge.root.rglob("*")):
        relative = path.relative_to(challenge.root)
        if (not path.is_file() or relative.as_posix() in UNGRADED_FILES
                or "__pycache__" in relative.parts or path.suffix == ".pyc"):
            continue
        digest.update(f"\0{relative.as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def resource_name(challenge_id: str, version: str) -> str:
    """The resource a worker fit for this suite offers, and the batch's tasks ask for."""
    return f"grade-{challenge_id}-{version}"


@functools.cache
def worker_runtime() -> Runtime:
    """The runtime `grade setup` left on this machine: found once a worker process, never built
    here (a worker that lacks it refuses work instead of provisioning in the middle of a batch)."""
    return find_runtime(create_venv=False)


def check_worker(challenge_id: str, version: str) -> Verdict:
    """Whether this machine can grade the batch, and if not, why (one line)."""
    try:
        runtime = worker_runtime()
    except GradeError:
        return REFUSED, "no free-threaded runtime here: run `grade setup` on this machine"
    if not runtime.gil_disabled:
        return REFUSED, f"{runtime.base_executable} runs with the GIL on: run `grade setup` for a free-threaded one"
    if detect_sandbox() is not SandboxLevel.BUBBLEWRAP:
        return REFUSED, "no bubblewrap sandbox here (limits only): run `grade setup`, or allow user namespaces"
    try:
        challenge = load_challenge(challenge_id)
    except GradeError as exc:
        return REFUSED, f"its install cannot grade {challenge_id}: {exc}"
    theirs = suite_version(challenge)
    if theirs != version:
        return MISMATCH, theirs
    return USABLE, f"Python {runtime.version} at {runtime.base_executable}"


class SuiteCheck(WorkerPlugin):
    """Registered by the batch: checks each worker, now and as it joins, and makes the fit ones
    offer the batch's resource."""

    idempotent = False  # registered again, it checks again: an install may have changed

    def __init__(self, challenge_id: str, version: str) -> None:
        self.challenge_id = challenge_id
        self.version = version
        self.verdict: Verdict | None = None

    @property
    def name(self) -> str:
        return resource_name(self.challenge_id, self.version)

    async def setup(self, worker: Worker) -> None:
        worker_temp_root()
        # Probing interpreters and bubblewrap runs processes: off the worker's event loop.
        self.verdict = await asyncio.to_thread(check_worker, self.challenge_id, self.version)
        kind, detail = self.verdict
        if kind == USABLE:
            await worker.set_resources(**{self.name: worker.state.nthreads})
            logger.info("grade: ready to grade %s (%s)", self.challenge_id, detail)
        elif kind == MISMATCH:
            logger.warning("grade: refusing %s: this install's hidden suite is version %s, the batch's is %s",
                           self.challenge_id, detail, self.version)
        else:
            logger.warning("grade: refusing %s: %s", self.challenge_id, detail)


def verdict_of(plugin_name: str, dask_worker: Worker) -> Verdict | None:
    """Run by the parent on each worker (`Client.run`): the plugin's verdict, None if not yet."""
    plugin = dask_worker.plugins.get(plugin_name)
    return getattr(plugin, "verdict", None)


def grade_files(files: dict[str, bytes], *, challenge_id: str, limits: Limits, seed: int | None) -> Result:
    """The task: the staged copy written to a private folder, graded on this worker's install
    with the parent's limits."""
    challenge = replace(load_challenge(challenge_id), limits=limits)
    with tempfile.TemporaryDirectory(prefix="task-", dir=worker_temp_root()) as private:
        folder = Path(private) / "submission"
        folder.mkdir()
        for name, content in files.items():
            relative = PurePosixPath(name)
            if relative.is_absolute() or ".." in relative.parts:
                continue  # the parent's staging never sends one: refuse it all the same
            target = folder.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        return grade_submission(submission=folder, challenge=challenge, runtime=worker_runtime(), seed=seed)


@functools.cache
def worker_temp_root() -> Path:
    """This worker process's one temporary root, made the default for everything it creates
    (the grading's own scratch included); the roots of dead workers are removed first."""
    base = Path(tempfile.gettempdir())
    for root in base.glob(f"{TEMP_ROOT_PREFIX}*"):
        pid = root.name.removeprefix(TEMP_ROOT_PREFIX)
        if pid.isdigit() and not _running(int(pid)) and root.is_dir() and not root.is_symlink():
            shutil.rmtree(root, ignore_errors=True)
    root = base / f"{TEMP_ROOT_PREFIX}{os.getpid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    tempfile.tempdir = str(root)  # a worker process grades and nothing else: all its temp goes here
    return root


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: theirs to clean
    return True
