"""Grading a batch on a Dask `distributed` cluster: `grade batch ROOT -c ID --scheduler ADDRESS`.

Usage: start a scheduler (`dask scheduler`, which prints its address, e.g. tcp://10.0.0.5:8786)
and, on each machine where `grade` is installed and `grade setup` was run, `dask worker
tcp://10.0.0.5:8786 --nthreads K` (K gradings at once: about one per core). Then run
`grade batch ROOT -c ID --scheduler tcp://10.0.0.5:8786` (or `--scheduler scheduler.json`, the
file `dask scheduler --scheduler-file` writes) where ROOT is. Nothing else changes: this
process plans, stages each submission into a capped private copy, writes the one journal,
the feedback, gradebook and report, and `--resume` (on the cluster or locally) finishes a
batch that was stopped. `distributed` is the optional extra `grade[cluster]`.

What the workers do: the batch registers `SuiteCheck` (grader.batch.worker), which checks each
worker for the free-threaded runtime, bubblewrap, and the same hidden suite as here (the
grader's version and the challenge's files, `suite_version`). The batch says which workers
refused and why, and grades on the others; it stops with one line before grading anything
if the scheduler cannot be reached (CONNECT_TIMEOUT_S), has no workers (WORKERS_TIMEOUT_S),
none is fit, or one holds another version of the suite. Each submission's staged files
travel to a worker as bytes; the worker grades them with its own install and returns the
Result.

Exactly once: each submission is one Dask task, awaited by one of the batch's threads, whose
result is read once and journaled by this process alone; a result computed twice (its worker
lost after finishing) is still read once. A worker lost mid-grading has its task run again
elsewhere; a task whose workers all die under it is given up by the scheduler after its
`distributed.scheduler.allowed-failures` (3 by default: at most 4 tries) and journaled as
that student's `error` (set `DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES` where the scheduler
starts to change the bound). A scheduler lost mid-batch stops the batch like Ctrl-C: the
journal keeps what is done, and the batch exits 2 with the command that finishes it. Ctrl-C
cancels the tasks; one already grading on a worker runs to its end there (Dask does not
interrupt a running task) and its result is dropped.

From Python: `grading = open_cluster_grading(address, challenge=..., seed=...)`, then
`grade_batch(plan=..., challenge=..., out=..., grading=grading)`, then `grading.close()`;
`grading.check` says which workers were usable and which refused, and why.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import CancelledError
from dataclasses import dataclass
from pathlib import Path

from distributed import Client, Future, KilledWorker

from grader.batch.plan import Submission
from grader.batch.scheduler import GradingLost, NotGraded
from grader.batch.staging import Staged
from grader.batch.worker import MISMATCH, USABLE, SuiteCheck, grade_files, suite_version, verdict_of
from grader.catalog import Challenge
from grader.errors import GradeError
from grader.scoring import Result

CONNECT_TIMEOUT_S = 5
WORKERS_TIMEOUT_S = 5
# Submissions under way per worker thread: one grading, one staged and waiting, so no worker
# idles while this process stages the next.
SLOTS_PER_THREAD = 2
SLOTS_REFRESH_S = 2.0


class ClusterError(GradeError):
    """The cluster cannot grade this batch: unreachable, empty, unfit or on another suite."""


@dataclass(frozen=True, slots=True)
class ClusterCheck:
    """What the workers said when the batch registered its check."""

    usable: tuple[str, ...]                    # worker addresses
    refused: tuple[tuple[str, str], ...]       # (address, why)
    threads: int                               # of the usable workers


def open_cluster_grading(address: str, *, challenge: Challenge, seed: int | None) -> ClusterGrading:
    """Connected to the scheduler, the workers checked: the `Grading` of a batch on them.
    Close it when the batch is done."""
    client = connect(address)
    try:
        return ClusterGrading(client, address=address, challenge=challenge, seed=seed)
    except BaseException:
        client.close(timeout=CONNECT_TIMEOUT_S)
        raise


def connect(address: str, *, timeout_s: float = CONNECT_TIMEOUT_S) -> Client:
    """A client of the scheduler at ADDRESS (tcp://host:port), or named in a scheduler file."""
    scheduler_file = Path(address)
    use_file = "://" not in address and scheduler_file.is_file()
    try:
        if use_file:
            return Client(scheduler_file=str(scheduler_file), timeout=timeout_s, set_as_default=False)
        return Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} within {timeout_s:g} s ({detail}): "
            "start it with `dask scheduler`, or check the address"
        ) from None


class ClusterGrading:
    """The `Grading` of grader.batch.scheduler on a cluster's workers; checks them on creation."""

    def __init__(self, client: Client, *, address: str, challenge: Challenge, seed: int | None) -> None:
        self._client = client
        self._address = address
        self._challenge = challenge
        self._seed = seed
        self._plugin = SuiteCheck(challenge.id, suite_version(challenge))
        self.check = self._check_workers()
        self._slots = self.check.threads * SLOTS_PER_THREAD
        self._slots_read = time.monotonic()
        self._under_way: set[Future] = set()
        self._lock = threading.Lock()
        self._stopping = False

    def _check_workers(self) -> ClusterCheck:
        try:
            self._client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except TimeoutError:
            raise ClusterError(
                f"the Dask scheduler at {self._address} has no workers: start some with "
                f"`dask worker {self._address}` where `grade setup` was run"
            ) from None
        try:
            self._client.register_plugin(self._plugin, name=self._plugin.name)
            verdicts = self._client.run(verdict_of, self._plugin.name)
        except Exception as exc:  # noqa: BLE001 - a worker's own failure, reported on one line
            raise ClusterError(
                f"the workers could not run the grader's check ({type(exc).__name__}: {exc}): "
                "install the same grade on every worker"
            ) from None
        mismatched = [address for address, verdict in verdicts.items() if verdict and verdict[0] == MISMATCH]
        if mismatched:
            raise ClusterError(
                f"{len(mismatched)} worker(s) ({', '.join(sorted(mismatched)[:3])}) hold another version of "
                f"{self._challenge.id}'s hidden suite ({verdicts[mismatched[0]][1]}, here {self._plugin.version}): "
                "install the same grade and challenges on every worker"
            )
        usable = tuple(sorted(address for address, verdict in verdicts.items() if verdict and verdict[0] == USABLE))
        refused = tuple(sorted(
            (address, verdict[1]) for address, verdict in verdicts.items() if verdict and verdict[0] != USABLE
        ))
        if not usable:
            reasons = "; ".join(f"{address}: {why}" for address, why in refused) or "none answered the check"
            raise ClusterError(f"no worker of {self._address} can grade {self._challenge.id}: {reasons}")
        return ClusterCheck(usable=usable, refused=refused, threads=self._usable_threads() or len(usable))

    def _usable_threads(self) -> int:
        workers = self._client.scheduler_info(n_workers=-1).get("workers", {})
        return sum(
            int(worker.get("nthreads", 0)) for worker in workers.values()
            if worker.get("resources", {}).get(self._plugin.name, 0) > 0
        )

    @property
    def slots(self) -> int:
        """Twice the threads of the fit workers, read again every few seconds as workers come
        and go; a moment with none (a worker restarting) keeps the last count."""
        if time.monotonic() - self._slots_read > SLOTS_REFRESH_S and not self._stopping:
            self._slots_read = time.monotonic()
            try:
                threads = self._usable_threads()
            except Exception:  # noqa: BLE001 - the scheduler is away: a grading will say so
                threads = 0
            if threads:
                self._slots = threads * SLOTS_PER_THREAD
        return max(1, self._slots)

    def grade(self, submission: Submission, staged: Staged) -> Result:
        future = self._client.submit(
            grade_files, _read_files(staged.folder),
            challenge_id=self._challenge.id, limits=self._challenge.limits, seed=self._seed,
            key=f"grade-{submission.slug}-{uuid.uuid4().hex[:8]}",
            resources={self._plugin.name: 1}, pure=False,
        )
        with self._lock:
            self._under_way.add(future)
        try:
            result: Result = future.result()
            return result
        except KilledWorker as exc:
            tries = exc.allowed_failures + 1
            raise NotGraded(
                f"each worker that graded it died ({tries} {'try' if tries == 1 else 'tries'}, the scheduler's "
                "allowed-failures): not tried again"
            ) from None
        except CancelledError:
            if self._stopping:
                raise
            raise GradingLost(f"lost the Dask scheduler at {self._address}") from None
        finally:
            with self._lock:
                self._under_way.discard(future)
            future.release()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            under_way = list(self._under_way)
        if under_way:
            try:
                self._client.cancel(under_way)
            except Exception:  # noqa: BLE001 - the scheduler is away: nothing runs for us
                pass

    def close(self) -> None:
        self._client.close(timeout=CONNECT_TIMEOUT_S)


def _read_files(folder: Path) -> dict[str, bytes]:
    """The staged copy as bytes by relative path: capped by staging, so small enough to send."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()
    }
