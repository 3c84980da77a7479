"""Plain pytest with the grader's fixtures: the baseline `grade submit` is measured against.

A hidden suite gets the same `submission`, `fresh_submission`, `stress` and `fresh_interpreter`
the grader's child gives it (the child's own classes, imported from grader/child), and nothing
else: no sandbox, no collection in a parent, no static checks, no scoring, no guard, no records.

    PYTHONPATH=bench/plain:grader/child PLAIN_SUBMISSION=solutions/ID/reference PLAIN_MODULE=NAME \
        PYTHON -m pytest -p plain_fixtures -q -p no:cacheprovider challenges/ID/tests

Configured by environment variables (the challenge's defaults are the caller's to pass):

    PLAIN_SUBMISSION    folder holding the student's module (required)
    PLAIN_MODULE        the module's name, without .py (required)
    PLAIN_THREADS       stress.threads (default 8)
    PLAIN_ROUNDS        stress.rounds (default 100)
    PLAIN_SEED          the run's seed (default 1)
    PLAIN_LATENCY       on | off: off sets stress.latencies = (0.0,), no injected latency (default on)
    PLAIN_REPEAT        run each selected test N times, as parameters repeat0..repeatN-1 (default 1:
                        node ids are then exactly the grader's)
    PLAIN_TEST_TIMEOUT  the per-test seconds stress and fresh_interpreter see as time left (default 30);
                        nothing ends a test that overruns it
    PLAIN_ALLOW         fresh-interpreter, where the challenge's [sandbox] allow has it
    PLAIN_SUPPORT       optional: a folder of the challenge's support files (challenges/ID/support);
                        the submission and these files are then copied into one temporary folder,
                        as the grader's workspace holds them

Runs on the free-threaded runtime and on a GIL CPython 3.12+ with pytest installed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from grade_child.interpreter import FRESH_INTERPRETER, FreshInterpreter, spawnable_for
from grade_child.plugin import NOT_ALLOWED
from grade_child.stress import Stress
from grade_child.submission import Submission


def _setting(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise pytest.UsageError(f"plain_fixtures: set {name} (see bench/plain/plain_fixtures.py)")
    return value


def _number(name: str, default: str, kind: Callable[[str], float | int] = int) -> float | int:
    text = _setting(name, default)
    try:
        return kind(text)
    except ValueError:
        raise pytest.UsageError(f"plain_fixtures: {name}={text!r} is not a number") from None


class _Plain:
    """The session's state: the submission, one Stress, the current test's deadline."""

    def __init__(self) -> None:
        self.timeout = float(_number("PLAIN_TEST_TIMEOUT", "30", float))
        self.repeat = int(_number("PLAIN_REPEAT", "1"))
        latency = _setting("PLAIN_LATENCY", "on")
        if latency not in ("on", "off"):
            raise pytest.UsageError(f"plain_fixtures: PLAIN_LATENCY={latency!r}: use on or off")
        allowed = [part for part in _setting("PLAIN_ALLOW", "").split(",") if part]
        unknown = [part for part in allowed if part != FRESH_INTERPRETER]
        if unknown:
            raise pytest.UsageError(f"plain_fixtures: PLAIN_ALLOW has {unknown}: only {FRESH_INTERPRETER}")
        submission = Path(_setting("PLAIN_SUBMISSION")).resolve()
        if not submission.is_dir():
            raise pytest.UsageError(f"plain_fixtures: PLAIN_SUBMISSION={submission} is not a folder")
        self._scratch: Path | None = None
        support = os.environ.get("PLAIN_SUPPORT")
        if support:
            self._scratch = Path(tempfile.mkdtemp(prefix="plain-"))
            folder = self._scratch / "submission"
            shutil.copytree(submission, folder, ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copytree(Path(support), folder, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
            submission = folder
        self.submission = Submission(submission, _setting("PLAIN_MODULE"))
        self.deadline: float | None = None
        self.stress = Stress(
            threads=int(_number("PLAIN_THREADS", "8")),
            rounds=int(_number("PLAIN_ROUNDS", "100")),
            seed=int(_number("PLAIN_SEED", "1")),
            time_left=self.time_left,
        )
        if latency == "off":
            self.stress.latencies = (0.0,)
        # The fresh interpreter's guard lets it write in the submission's parent folder and /tmp.
        self.spawnable = (
            spawnable_for(submission.parent, dict(os.environ)) if FRESH_INTERPRETER in allowed else None
        )

    def time_left(self) -> float:
        deadline = self.deadline
        return self.timeout if deadline is None else deadline - time.monotonic()

    def remove_scratch(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


_plain: _Plain | None = None


def _state() -> _Plain:
    assert _plain is not None, "plain_fixtures was not configured"
    return _plain


def pytest_configure(config: pytest.Config) -> None:
    global _plain
    _plain = _Plain()
    sys.path.insert(0, str(_plain.submission.directory))


def pytest_unconfigure(config: pytest.Config) -> None:
    if _plain is not None:
        _plain.remove_scratch()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Import the submission once, where the grader's child does: after collection."""
    _state().submission.load()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    repeat = _state().repeat
    if repeat > 1:
        metafunc.fixturenames.append("_plain_repeat")
        metafunc.parametrize("_plain_repeat", range(repeat), indirect=True,
                             ids=[f"repeat{index}" for index in range(repeat)])


@pytest.fixture
def _plain_repeat(request: pytest.FixtureRequest) -> int:
    return int(getattr(request, "param", 0))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item) -> None:
    _state().deadline = time.monotonic() + _state().timeout


def pytest_runtest_logfinish(nodeid: str) -> None:
    _state().deadline = None


@pytest.fixture
def submission() -> ModuleType:
    state = _state().submission
    if state.module is None:
        pytest.fail(state.error or "the submission could not be imported", pytrace=False)
    return state.module


@pytest.fixture
def fresh_submission() -> Callable[[], ModuleType]:
    state = _state().submission
    if state.module is None:
        pytest.fail(state.error or "the submission could not be imported", pytrace=False)
    return state.fresh


@pytest.fixture
def stress(request: pytest.FixtureRequest) -> Stress:
    _state().stress.begin_test(request.node.nodeid)
    return _state().stress


@pytest.fixture
def fresh_interpreter() -> FreshInterpreter:
    state = _state()
    if state.spawnable is None:
        pytest.fail(NOT_ALLOWED, pytrace=False)
    return FreshInterpreter(
        spawnable=state.spawnable, submission=state.submission.directory, time_left=state.time_left,
    )
