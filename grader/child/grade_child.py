"""The grader's side inside the runtime: launch pytest on the hidden suite and stream records.

Runs under the free-threaded interpreter, in the sandbox, next to the student's code, so it
imports only the standard library and pytest. It never scores: it writes one JSON line per
event to a file descriptor of its own (never stdout, which the submission can print to), and
the parent decides what each line is worth.

Usage (the parent builds this command line):
    python -I grade_child.py --records-fd N --tests DIR --submission DIR --module NAME
           [--collect-only] [--threads N --rounds N --seed N --test-timeout S] [NODEID ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import queue
import random
import shutil
import sys
import threading
import time
import tokenize
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import pytest

MESSAGE_LIMIT = 600


class RecordWriter:
    """One JSON object per line on the records descriptor; a lock keeps lines whole."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()

    def write(self, **record: Any) -> None:
        line = (json.dumps(record, default=str) + "\n").encode()
        with self._lock:
            view = memoryview(line)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]


def gil_enabled() -> bool:
    probe = getattr(sys, "_is_gil_enabled", None)
    return True if probe is None else bool(probe())


# ---------------------------------------------------------------------------------------------
# Loading the student's module
# ---------------------------------------------------------------------------------------------


class Submission:
    """The student's module, loaded once for the session and anew on demand."""

    def __init__(self, directory: Path, module: str) -> None:
        self.directory = directory
        self.module_name = module
        self.path = directory / f"{module}.py"
        self.module: ModuleType | None = None
        self.error: str | None = None
        self._fresh_count = 0

    def load(self) -> None:
        if not self.path.is_file():
            others = sorted(path.name for path in self.directory.glob("*.py"))
            found = f" (it has {', '.join(others[:5])})" if others else " (it has no .py file)"
            self.error = f"{self.path.name} not found in the submission{found}"
            return
        self.error = unreadable_source(self.path)
        if self.error:
            return
        try:
            self.module = self._execute(self.module_name)
        except BaseException as exc:  # the student's import can raise anything, even SystemExit
            self.error = describe_import_error(exc, self.path)

    def fresh(self) -> ModuleType:
        """Execute the source again as a new module: new classes, new metaclass state."""
        self._fresh_count += 1
        return self._execute(f"{self.module_name}__fresh{self._fresh_count}")

    def _execute(self, name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(name, self.path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module


def unreadable_source(path: Path) -> str | None:
    """Why a file cannot be Python source at all, before the interpreter says it less clearly."""
    data = path.read_bytes()
    if b"\0" in data:
        return f"{path.name}: not Python source (a binary file: it contains null bytes)"
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        return f"{path.name}: not UTF-8 text (undecodable byte at line {line}); save it as UTF-8"
    return None


def describe_import_error(exc: BaseException, path: Path) -> str:
    if isinstance(exc, SyntaxError):
        return f"{path.name}: SyntaxError at line {exc.lineno}: {exc.msg}"
    if isinstance(exc, UnicodeDecodeError):
        return f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})"
    if isinstance(exc, ValueError) and "null bytes" in str(exc):
        return f"{path.name}: not Python source (it contains null bytes)"
    if isinstance(exc, SystemExit):
        return f"{path.name}: called sys.exit({exc.code!r}) while being imported"
    where = student_location(exc.__traceback__, path)
    return f"{path.name}{where}: {type(exc).__name__} while importing: {exc}"


def student_location(tb: Any, path: Path) -> str:
    """':LINE' of the deepest frame in the student's file, or '' if none."""
    line = ""
    for frame, lineno in traceback.walk_tb(tb):
        if Path(frame.f_code.co_filename) == path:
            line = f":{lineno}"
    return line


# ---------------------------------------------------------------------------------------------
# Stress helpers offered to hidden suites
# ---------------------------------------------------------------------------------------------


class Stress:
    """Barrier-started threads over many rounds, with injected latency.

    Threads wait on one barrier so they reach the code under test together; the switch interval
    is lowered while they run so a GIL build also interleaves them as often as it can. Latency is
    cycled over rounds (1, 2, 4 ms by default) and jittered by the run's seed, so a check-then-act
    race shows in every run and the run can be replayed.
    """

    def __init__(
        self, *, threads: int, rounds: int, seed: int, time_left: Callable[[], float]
    ) -> None:
        self.threads = threads
        self.rounds = rounds
        self.seed = seed
        self._time_left = time_left
        self._random = random.Random(seed)
        self.latencies = (0.001, 0.002, 0.004)
        self._crew: _Crew | None = None

    def begin_test(self, nodeid: str) -> None:
        """Seed from the run's seed and the test: a test's latencies do not depend on which
        tests ran before it, so a rerun of the tests left after a timeout replays them too."""
        self._random = random.Random(f"{self.seed}:{nodeid}")

    @property
    def join_timeout(self) -> float:
        """Wait for the threads while the test has time left, so a deadlock fails the test with
        a message before the watchdog has to end the process."""
        return max(0.5, self._time_left() - 1.0)

    def latency(self, round_index: int) -> float:
        base = self.latencies[round_index % len(self.latencies)]
        return base * (1.0 + self._random.random() * 0.25)

    def run(self, work: Callable[[int], Any], threads: int | None = None) -> list[Any]:
        """Run work(i) on `threads` threads released together; return results in index order."""
        count = threads or self.threads
        if self._crew is None or self._crew.size != count:
            self._crew = _Crew(count)
        timeout = self.join_timeout
        job = _Job(work, count, timeout)
        previous = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        try:
            finished = self._crew.perform(job)
        finally:
            sys.setswitchinterval(previous)
        if not finished:
            self._crew = None  # some of its threads are stuck in the student's code
            raise AssertionError(
                f"threads still running after {timeout:.1f} s: possible deadlock"
            )
        if job.errors:
            index, first = job.errors[0]
            others = f" (and {len(job.errors) - 1} more threads failed)" if len(job.errors) > 1 else ""
            raise AssertionError(
                f"thread {index} raised {type(first).__name__}: {first}{others}"
            ) from first
        if job.start.broken:
            raise AssertionError("the threads could not all be started together")
        return job.results


class _Job:
    """One round: every worker waits on `start`, runs the work, then meets the others at `done`."""

    def __init__(self, work: Callable[[int], Any], size: int, timeout: float) -> None:
        self.work = work
        self.timeout = timeout
        self.start = threading.Barrier(size)
        self.done = threading.Barrier(size + 1)
        self.results: list[Any] = [None] * size
        self.errors: list[tuple[int, BaseException]] = []

    def run(self, index: int) -> None:
        try:
            self.start.wait(timeout=self.timeout)
            self.results[index] = self.work(index)
        except threading.BrokenBarrierError:
            pass
        except BaseException as exc:  # the student's code may raise anything; report it
            self.errors.append((index, exc))
        try:
            self.done.wait(timeout=self.timeout)
        except threading.BrokenBarrierError:
            pass


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
        for inbox in self._inboxes:
            inbox.put(job)
        try:
            job.done.wait(timeout=job.timeout)
        except threading.BrokenBarrierError:
            return False
        return True


# ---------------------------------------------------------------------------------------------
# The guard: an audit hook and an integrity check
# ---------------------------------------------------------------------------------------------

# What a solution never needs. Blocked: the operation raises in the student's code.
BLOCKED_EVENTS = {
    "os.fork": "start processes",
    "os.forkpty": "start processes",
    "os.system": "start processes",
    "os.exec": "start processes",
    "os.posix_spawn": "start processes",
    "os.spawn": "start processes",
    "subprocess.Popen": "start processes",
    "pty.spawn": "start processes",
    "socket.connect": "open network connections",
    "socket.bind": "open network sockets",
    "socket.sendto": "send network packets",
    "ctypes.dlopen": "load native libraries",
    "os.kill": "send signals",
    "os.killpg": "send signals",
    "signal.pthread_kill": "send signals",
    "sys.addaudithook": "add audit hooks",
}
# Only a forgery needs these: blocked, and reported as tampering.
TAMPER_EVENTS = {
    "gc.get_objects": "walked the heap (gc.get_objects)",
    "gc.get_referrers": "walked the heap (gc.get_referrers)",
    "gc.get_referents": "walked the heap (gc.get_referents)",
}
WATCHED_MODULES = ("threading", "queue", "time", "json", "pluggy", "pytest",
                   "_pytest.runner", "_pytest.reports", "_pytest.main", "_pytest.python",
                   "_pytest.fixtures", "_pytest.skipping")
WATCHED_NAMES = {"os": ("write", "_exit", "fork"),
                 "sys": ("exit", "_is_gil_enabled", "setswitchinterval", "getswitchinterval")}


class GuardViolation(PermissionError):
    """Raised inside the student's code by the audit hook: a PermissionError, as the operating
    system would raise, so code that copes with one (the import system's bytecode cache, say)
    copes with this too."""


class Guard:
    """An audit hook installed before the submission is imported; `sys.addaudithook` hooks
    cannot be removed. Assigning to a class attribute raises no audit event, so it also
    snapshots what a forgery would patch (pytest's runner and reports, threading, the plugin)
    and compares after every test and before a timeout ends the process."""

    def __init__(self, writer: RecordWriter, *, workspace: Path) -> None:
        self._writer = writer
        self._workspace = str(workspace)
        self._snapshot = self._take_snapshot()
        self._reported: set[str] = set()

    def install(self) -> None:
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        if event in BLOCKED_EVENTS:
            raise GuardViolation(f"a submission may not {BLOCKED_EVENTS[event]} ({event})")
        if event in TAMPER_EVENTS:
            self._tamper(TAMPER_EVENTS[event])
            raise GuardViolation(f"a submission may not inspect the heap ({event})")
        if event == "open" and self._writes_outside(args):
            raise GuardViolation(f"a submission may not write outside its workspace ({args[0]})")

    def _writes_outside(self, args: tuple[Any, ...]) -> bool:
        path, mode, flags = (list(args) + [None, None, None])[:3]
        if not isinstance(path, (str, bytes)):
            return False
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        )
        if not writing:
            return False
        target = os.path.realpath(os.fsdecode(path))
        allowed = (self._workspace, "/tmp", "/dev/null")
        return not any(target == root or target.startswith(root + os.sep) for root in allowed)

    def _tamper(self, what: str) -> None:
        if what not in self._reported:
            self._reported.add(what)
            self._writer.write(event="tamper", what=what)

    @staticmethod
    def _take_snapshot() -> dict[str, object]:
        """The objects themselves, not their ids: held here, none can be freed and its id reused."""
        snapshot: dict[str, object] = {}
        for name in WATCHED_MODULES:
            module = sys.modules.get(name)
            if module is None:
                continue
            for attribute, value in list(vars(module).items()):
                if attribute.startswith("__"):
                    continue
                snapshot[f"{name}.{attribute}"] = value
                if isinstance(value, type) and value.__module__ == name:
                    for member, function in list(vars(value).items()):
                        if callable(function) and not member.startswith("__"):
                            snapshot[f"{name}.{attribute}.{member}"] = function
        for name, attributes in WATCHED_NAMES.items():
            module = sys.modules[name]
            for attribute in attributes:
                snapshot[f"{name}.{attribute}"] = getattr(module, attribute, None)
        for member, function in vars(GradePlugin).items():
            snapshot[f"GradePlugin.{member}"] = function
        snapshot["RecordWriter.write"] = RecordWriter.write
        return snapshot

    def changed(self) -> list[str]:
        now = self._take_snapshot()
        return sorted(name for name, value in self._snapshot.items() if now.get(name) is not value)

    def report_changes(self) -> None:
        for name in self.changed():
            self._tamper(f"changed during the run: {name}")


# ---------------------------------------------------------------------------------------------
# The pytest plugin
# ---------------------------------------------------------------------------------------------


class GradePlugin:
    """Streams a record per test and enforces the per-test time limit."""

    def __init__(
        self, writer: RecordWriter, options: argparse.Namespace, *, real_stdout: Any
    ) -> None:
        self.real_stdout = real_stdout
        self.writer = writer
        self.options = options
        self._submission = Submission(Path(options.submission), options.module)
        self._stress = Stress(
            threads=options.threads,
            rounds=options.rounds,
            seed=options.seed,
            time_left=self._test_time_left,
        )
        self._current: str | None = None
        self._deadline: float | None = None
        self._watch_lock = threading.Lock()
        self._phases: dict[str, pytest.TestReport] = {}
        self._guard: Guard | None = None

    # -- session ---------------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        sys.stdout = self.real_stdout

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.writer.write(
                event="collect_error", nodeid=report.nodeid, message=trim(report.longreprtext)
            )

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        if self.options.collect_only:
            self.writer.write(event="collected", nodeids=[item.nodeid for item in items])

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.options.collect_only:
            return
        gil_at_start = gil_enabled()
        # The suite is in memory now: off the disk before the student's code can read it.
        # Only when asked: the parent passes --hide-tests for its private copy, never for
        # a challenge's own folder. (The folder stays: pytest returns to it at the end.)
        for entry in Path(self.options.tests).iterdir() if self.options.hide_tests else ():
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        self._guard = Guard(self.writer, workspace=Path(self.options.tests).parent)
        self._guard.install()
        sys.path.insert(0, str(self._submission.directory))
        self._start_watchdog()
        self._current, self._deadline = "<import>", time.monotonic() + self.options.test_timeout
        self._submission.load()
        self._current, self._deadline = None, None
        self.writer.write(
            event="session",
            gil_enabled_at_start=gil_at_start,
            gil_enabled_after_import=gil_enabled(),
            import_error=self._submission.error,
            python=sys.version.split()[0],
            executable=sys.executable,
        )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.options.collect_only:
            changed = self._guard.changed() if self._guard else []
            self.writer.write(event="end", gil_enabled=gil_enabled(), changed=changed)

    # -- per test --------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> None:
        self.writer.write(event="start", nodeid=item.nodeid)
        with self._watch_lock:
            self._current = item.nodeid
            self._deadline = time.monotonic() + self.options.test_timeout

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Keep the first phase that did not pass (else the call's pass) until the test ends."""
        kept = self._phases.get(report.nodeid)
        if report.when == "call" and kept is None:
            self._phases[report.nodeid] = report
        elif (report.failed or report.skipped) and (kept is None or kept.passed):
            self._phases[report.nodeid] = report

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        with self._watch_lock:
            self._current, self._deadline = None, None
        report = self._phases.pop(nodeid, None)
        if report is not None:
            if report.when == "call" and not report.skipped:
                outcome = report.outcome
            else:
                outcome = "skipped" if report.skipped else "error"
            self.writer.write(
                event="test",
                nodeid=nodeid,
                outcome=outcome,
                duration=round(getattr(report, "duration", 0.0), 4),
                message=self._message(report) if outcome != "passed" else "",
            )
        if self._guard:
            self._guard.report_changes()

    def _test_time_left(self) -> float:
        with self._watch_lock:
            deadline = self._deadline
        return self.options.test_timeout if deadline is None else deadline - time.monotonic()

    def _message(self, report: pytest.TestReport) -> str:
        excinfo = getattr(report, "_grade_excinfo", None)
        if excinfo is None:
            return trim(report.longreprtext.strip().splitlines()[-1] if report.longreprtext else "")
        return trim(format_failure(excinfo, self._submission.path))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
        outcome = yield
        report = outcome.get_result()
        if call.excinfo is not None:
            report._grade_excinfo = call.excinfo.value

    # -- time limit ------------------------------------------------------------------------

    def _start_watchdog(self) -> None:
        threading.Thread(target=self._watch, name="grade-watchdog", daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(0.05)
            with self._watch_lock:
                current, deadline = self._current, self._deadline
            if current is not None and deadline is not None and time.monotonic() > deadline:
                if self._guard:
                    self._guard.report_changes()
                self.writer.write(
                    event="timeout", nodeid=current, limit=self.options.test_timeout
                )
                os._exit(124)

    # -- fixtures --------------------------------------------------------------------------

    @pytest.fixture
    def submission(self) -> ModuleType:
        """The student's module as imported once for the session."""
        if self._submission.module is None:
            pytest.fail(self._submission.error or "the submission could not be imported", pytrace=False)
        return self._submission.module

    @pytest.fixture
    def fresh_submission(self) -> Callable[[], ModuleType]:
        """A factory that executes the student's source again: new classes, new state."""
        if self._submission.module is None:
            pytest.fail(self._submission.error or "the submission could not be imported", pytrace=False)
        return self._submission.fresh

    @pytest.fixture
    def stress(self, request: pytest.FixtureRequest) -> Stress:
        """Barrier start, rounds and latency, seeded by the run and the test."""
        self._stress.begin_test(request.node.nodeid)
        return self._stress


def format_failure(exc: BaseException, student_file: Path) -> str:
    """A message for students: the assertion's own text, or the error and where in their file."""
    if isinstance(exc, AssertionError):
        text = str(exc).strip()
        first = text.split("\nassert ")[0].strip() if text else ""
        return first or "assertion failed"
    if isinstance(exc, pytest.fail.Exception):
        return str(exc)
    where = student_location(exc.__traceback__, student_file)
    prefix = f"{student_file.name}{where}: " if where else ""
    return f"{prefix}{type(exc).__name__}: {exc}"


def trim(text: str) -> str:
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def parse_options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="grade_child")
    parser.add_argument("--records-fd", type=int, required=True)
    parser.add_argument("--tests", required=True)
    parser.add_argument("--submission", default="")
    parser.add_argument("--module", default="")
    parser.add_argument("--collect-only", action="store_true")
    parser.add_argument("--hide-tests", action="store_true",
                        help="delete the suite's files once collected (the parent's private copy only)")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test-timeout", type=float, default=20.0)
    parser.add_argument("nodeids", nargs="*")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = parse_options(argv)
    writer = RecordWriter(options.records_fd)
    tests = Path(options.tests)
    targets = [str(tests / nodeid) for nodeid in options.nodeids] or [str(tests)]
    args = [
        # The student's output goes straight to the parent, which caps it.
        "-s",
        "-p", "no:cacheprovider",
        "-p", "no:randomly",
        "-p", "no:xdist",
        "--rootdir", str(tests),
        "-c", str(tests / "pytest.ini") if (tests / "pytest.ini").exists() else os.devnull,
        "--confcutdir", str(tests),
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
        *(["--collect-only"] if options.collect_only else []),
        *targets,
    ]
    os.chdir(tests)
    # pytest's terminal report is of no use here and would mix with the student's output:
    # its writer is bound to sys.stdout at configure time, so it gets /dev/null, and the
    # plugin gives the student the real stdout back once pytest is configured.
    plugin = GradePlugin(writer, options, real_stdout=sys.stdout)
    sys.stdout = open(os.devnull, "w")
    code = pytest.main(args, plugins=[plugin])
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
