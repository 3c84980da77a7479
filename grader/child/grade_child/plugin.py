"""The pytest plugin: a record per test, the per-test time limit, and the fixtures hidden suites
use (`submission`, `fresh_submission`, `stress`, `fresh_interpreter`).

The student's output goes straight to the parent, which caps it; pytest's own report is of no
use here. A test's record is written once, after its teardown, with the first phase that did
not pass.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import pytest

from grade_child.guard import Guard
from grade_child.interpreter import FRESH_INTERPRETER, FreshInterpreter, spawnable_for
from grade_child.records import RecordWriter
from grade_child.stress import Stress
from grade_child.submission import Submission, student_location

MESSAGE_LIMIT = 600
TIMEOUT_EXIT = 124
NOT_ALLOWED = (
    "the fresh_interpreter fixture is not allowed for this challenge: its author must add "
    f'allow = ["{FRESH_INTERPRETER}"] under [sandbox] in challenge.toml'
)


def gil_enabled() -> bool:
    probe = getattr(sys, "_is_gil_enabled", None)
    return True if probe is None else bool(probe())


class _Reporting:
    """What both runs do: give the student the real stdout, report a suite that fails to collect."""

    def __init__(self, writer: RecordWriter, *, real_stdout: Any) -> None:
        self.writer = writer
        self.real_stdout = real_stdout

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        sys.stdout = self.real_stdout

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.writer.write(
                event="collect_error", nodeid=report.nodeid, message=trim(report.longreprtext)
            )


class CollectPlugin(_Reporting):
    """Collection only, without the student's code: the suite's test ids."""

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.writer.write(event="collected", nodeids=[item.nodeid for item in items])


class GradePlugin(_Reporting):
    """Streams a record per test and enforces the per-test time limit."""

    def __init__(
        self,
        writer: RecordWriter,
        options: argparse.Namespace,
        *,
        real_stdout: Any,
        clock: dict[str, float] | None = None,
    ) -> None:
        super().__init__(writer, real_stdout=real_stdout)
        self.options = options
        self._clock = dict(clock or {})
        self._workspace = Path(options.tests).parent
        self._submission = Submission(Path(options.submission), options.module)
        self._stress = Stress(
            threads=options.threads, rounds=options.rounds, seed=options.seed,
            time_left=self._test_time_left,
        )
        # The environment the parent gave, taken before pytest or the student changes it.
        self._spawnable = (
            spawnable_for(self._workspace, dict(os.environ))
            if FRESH_INTERPRETER in options.allow else None
        )
        self._current: str | None = None
        self._deadline: float | None = None
        self._watch_lock = threading.Lock()
        self._phases: dict[str, pytest.TestReport] = {}
        self._guard: Guard | None = None

    # -- session ---------------------------------------------------------------------------

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._clock["collected"] = time.monotonic()
        gil_at_start = gil_enabled()
        # The suite is in memory now: off the disk before the student's code can read it.
        # Only when asked: the parent passes --hide-tests for its private copy, never for
        # a challenge's own folder. (The folder stays: pytest returns to it at the end.)
        for entry in Path(self.options.tests).iterdir() if self.options.hide_tests else ():
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        self._guard = Guard(self.writer, workspace=self._workspace, spawnable=self._spawnable)
        self._guard.install()
        sys.path.insert(0, str(self._submission.directory))
        self._start_watchdog()
        self._current, self._deadline = "<import>", time.monotonic() + self.options.test_timeout
        self._submission.load()
        self._current, self._deadline = None, None
        self._clock["imported"] = time.monotonic()
        self.writer.write(
            event="session",
            gil_enabled_at_start=gil_at_start,
            gil_enabled_after_import=gil_enabled(),
            import_error=self._submission.error,
            python=sys.version.split()[0],
            executable=sys.executable,
            clock=self._clock,
        )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        changed = self._guard.changed() if self._guard else []
        self.writer.write(event="end", gil_enabled=gil_enabled(), changed=changed)
        # Every record is written. What pytest does after this (a terminal summary nobody
        # reads, five full garbage collections looking for unraisable exceptions: 50-130 ms
        # on two cores) tells the parent nothing, and the student waits for it.
        end_process(int(exitstatus))

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
                outcome: str = report.outcome
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
                os._exit(TIMEOUT_EXIT)

    # -- fixtures: the author's API --------------------------------------------------------

    @pytest.fixture
    def submission(self) -> ModuleType:
        """The student's module as imported once for the session; the test fails with the
        import error if it did not import."""
        if self._submission.module is None:
            pytest.fail(self._submission.error or "the submission could not be imported", pytrace=False)
        return self._submission.module

    @pytest.fixture
    def fresh_submission(self) -> Callable[[], ModuleType]:
        """A factory that executes the student's source again on each call: new classes, new
        class-level state, new metaclass registries."""
        if self._submission.module is None:
            pytest.fail(self._submission.error or "the submission could not be imported", pytrace=False)
        return self._submission.fresh

    @pytest.fixture
    def stress(self, request: pytest.FixtureRequest) -> Stress:
        """Threads or tasks released together, with latency seeded by the run and the test."""
        self._stress.begin_test(request.node.nodeid)
        return self._stress

    @pytest.fixture
    def fresh_interpreter(self) -> FreshInterpreter:
        """Snippets in a new, guarded interpreter, where the challenge allows it; elsewhere the
        test fails with a message for the challenge's author."""
        if self._spawnable is None:
            pytest.fail(NOT_ALLOWED, pytrace=False)
        return FreshInterpreter(
            spawnable=self._spawnable, submission=self._submission.directory,
            time_left=self._test_time_left,
        )


def end_process(code: int) -> NoReturn:
    """End without running the submission's exit handlers or waiting for its threads. Every
    record is written by now; what a submission does at exit is for `fresh_interpreter` to
    check, in a process of its own, where a hang costs one test and not the wall clock."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # a stream the submission closed or replaced: nothing left to keep
            pass
    os._exit(code)


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
