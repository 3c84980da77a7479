"""The `stress` fixture: code under test started together, many rounds, injected latency.

Threads wait on one barrier, and tasks on one event, so they reach the code under test
together. The switch interval is lowered while they run so a GIL build also interleaves them
as often as it can. Latency is cycled over rounds (1, 2, 4 ms) and jittered by the run's seed
and the test, so a check-then-act race shows in every run and any run can be replayed.
Every wait is bounded by the test's time left: a deadlock fails the test with a message
before the watchdog has to end the process.
"""

from __future__ import annotations

import asyncio
import queue
import random
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


class Stress:
    """What a hidden suite gets as `stress`.

    `threads` and `rounds` come from the challenge's `[stress]` table: `run` and `run_async`
    start `threads` workers unless told otherwise; `rounds` is how many rounds a test is
    expected to repeat (the test's own loop: nothing here repeats by itself).
    """

    def __init__(
        self, *, threads: int, rounds: int, seed: int, time_left: Callable[[], float]
    ) -> None:
        self.threads = threads
        self.rounds = rounds
        self.seed = seed
        self._time_left = time_left
        self._random = random.Random(seed)
        self.latencies: tuple[float, ...] = (0.001, 0.002, 0.004)
        self._crew: _Crew | None = None

    def begin_test(self, nodeid: str) -> None:
        """Seed from the run's seed and the test: a test's latencies do not depend on which
        tests ran before it, so a rerun of the tests left after a timeout replays them too."""
        self._random = random.Random(f"{self.seed}:{nodeid}")

    @property
    def join_timeout(self) -> float:
        """How long a run may wait for its workers: the test's time left, less a second."""
        return max(0.5, self._time_left() - 1.0)

    def latency(self, round_index: int) -> float:
        """Seconds to sleep inside the critical section in this round (about 1, 2 or 4 ms)."""
        base = self.latencies[round_index % len(self.latencies)]
        return base * (1.0 + self._random.random() * 0.25)

    async def async_latency(self, round_index: int) -> float:
        """Sleep this round's latency on the running event loop; return the seconds slept."""
        seconds = self.latency(round_index)
        await asyncio.sleep(seconds)
        return seconds

    def run(self, work: Callable[[int], T], threads: int | None = None) -> list[T]:
        """Run work(i) for i in range(threads) on threads released together by a barrier.

        Returns the results in index order. Fails the test naming the first thread's
        exception (and how many others failed), or saying the threads deadlocked.
        """
        count = threads or self.threads
        if self._crew is None or self._crew.size != count:
            self._crew = _Crew(count)
        timeout = self.join_timeout
        job = _Job(work, count, timeout)
        with _short_switch_interval():
            finished = self._crew.perform(job)
        if not finished:
            self._crew = None  # some of its threads are stuck in the student's code
        _fail_on_errors("thread", job.errors)
        if not finished:
            raise AssertionError(f"threads still running after {timeout:.1f} s: possible deadlock")
        if job.start.broken:
            raise AssertionError("the threads could not all be started together")
        return job.results

    def run_async(
        self, make_coroutine: Callable[[int], Awaitable[T]], tasks: int | None = None
    ) -> list[T]:
        """Await make_coroutine(i) for i in range(tasks) as tasks released together.

        Each call runs on a new event loop, so state bound to an earlier loop (an asyncio.Lock
        kept from one `asyncio.run` to the next) fails as it would in the student's program.
        Returns the results in index order. Fails the test naming the first task's exception,
        or saying the tasks deadlocked or something blocked the loop.
        """
        count = tasks or self.threads
        timeout = self.join_timeout
        job = _AsyncJob(make_coroutine, count, timeout)
        loop_thread = threading.Thread(target=job.run, name="grade-stress-loop", daemon=True)
        with _short_switch_interval():
            loop_thread.start()
            loop_thread.join(timeout + 0.5)
        if loop_thread.is_alive():
            raise AssertionError(
                f"the event loop was still busy after {timeout:.1f} s: a task blocks it "
                "(a blocking call or a lock that is never released inside a coroutine?)"
            )
        if job.stuck:
            raise AssertionError(
                f"{job.stuck} of {count} tasks still waiting after {timeout:.1f} s: possible deadlock"
            )
        _fail_on_errors("task", job.errors)
        return job.results


@contextmanager
def _short_switch_interval() -> Iterator[None]:
    """The switch interval at a microsecond while workers run, then as it was."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _fail_on_errors(worker: str, errors: list[tuple[int, BaseException]]) -> None:
    """The first failure, as it happened, and how many more there were."""
    if not errors:
        return
    index, first = errors[0]
    others = f" (and {len(errors) - 1} more {worker}s failed)" if len(errors) > 1 else ""
    raise AssertionError(f"{worker} {index} raised {type(first).__name__}: {first}{others}") from first


class _Job:
    """One round: every worker waits on `start`, runs the work, then counts itself done."""

    # Once a worker has raised, the round has failed: the others get this long to finish, so
    # that one thread's error does not leave the test waiting for threads it left blocked.
    GRACE_AFTER_ERROR = 1.0

    def __init__(self, work: Callable[[int], Any], size: int, timeout: float) -> None:
        self.work = work
        self.timeout = timeout
        self.start = threading.Barrier(size)
        self.results: list[Any] = [None] * size
        self.errors: list[tuple[int, BaseException]] = []
        self._pending = size
        self._first_error_at: float | None = None
        self._deadline = 0.0
        self._changed = threading.Condition()

    def run(self, index: int) -> None:
        try:
            self.start.wait(timeout=self.timeout)
            self.results[index] = self.work(index)
        except threading.BrokenBarrierError:
            pass
        except BaseException as exc:  # the student's code may raise anything; report it
            with self._changed:
                self.errors.append((index, exc))
                if self._first_error_at is None:
                    self._first_error_at = time.monotonic()
                    self.start.abort()  # workers not yet released need not start at all
        with self._changed:
            self._pending -= 1
            self._changed.notify_all()

    def wait(self) -> bool:
        """True once every worker is done; False if some were still running at the timeout,
        or a short grace after the first error."""

        def settled() -> bool:
            if self._pending == 0:
                return True
            if self._first_error_at is None:
                return False
            return time.monotonic() >= self._first_error_at + self.GRACE_AFTER_ERROR

        with self._changed:
            while not settled():
                if not self._changed.wait(timeout=0.05) and time.monotonic() > self._deadline:
                    break
            return self._pending == 0

    def begin(self) -> None:
        self._deadline = time.monotonic() + self.timeout


class _Crew:
    """Worker threads kept between rounds: starting 32 fresh threads costs ~13 ms a round on
    two cores, which dwarfs the race being provoked. Waiting on a barrier, kept threads are
    released together exactly as fresh ones would be."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._inboxes: list[queue.SimpleQueue[_Job]] = [queue.SimpleQueue() for _ in range(size)]
        for index in range(size):
            threading.Thread(
                target=self._serve, args=(index,), name=f"grade-stress-{index}", daemon=True
            ).start()

    def _serve(self, index: int) -> None:
        while True:
            self._inboxes[index].get().run(index)

    def perform(self, job: _Job) -> bool:
        """Hand the job to every worker; False if they did not all finish in time."""
        job.begin()
        for inbox in self._inboxes:
            inbox.put(job)
        return job.wait()


class _AsyncJob:
    """One round of tasks on a loop of its own, run on a thread of its own: a task that blocks
    the loop then costs that thread, not the test's ability to report it."""

    def __init__(self, make: Callable[[int], Awaitable[Any]], size: int, timeout: float) -> None:
        self.make = make
        self.size = size
        self.timeout = timeout
        self.results: list[Any] = [None] * size
        self.errors: list[tuple[int, BaseException]] = []
        self.stuck = 0

    def run(self) -> None:
        with asyncio.Runner() as runner:
            runner.run(self._release_together())

    async def _release_together(self) -> None:
        release = asyncio.Event()
        tasks = [asyncio.create_task(self._one(index, release)) for index in range(self.size)]
        await asyncio.sleep(0)  # each task's first step runs before this resumes: all wait
        release.set()
        _, pending = await asyncio.wait(tasks, timeout=self.timeout)
        self.stuck = len(pending)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=0.5)

    async def _one(self, index: int, release: asyncio.Event) -> None:
        await release.wait()
        try:
            self.results[index] = await self.make(index)
        except BaseException as exc:  # even SystemExit or a cancellation: report, not unwind the loop
            self.errors.append((index, exc))
