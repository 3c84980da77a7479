"""A pytest plugin loaded beside bench/plain's `plain_fixtures`: what the catch bench reads back.

    -p catch_probe    with CATCH_PROBE_OUT=FILE (JSON lines, appended)

- after collection, one line per test: its node id, file and every fixture it uses (the closure,
  so a test reaching `stress` through a conftest fixture counts as a stress test);
- after each test, one line with whether it failed (in setup, call or teardown), the first line
  of its failure, and how many times it released threads (`stress.run` / `stress.run_async`
  calls): a stress round each, as far as the test's own loop goes.

It runs in the interpreter under test (GIL or free-threaded), beside grade_child's `Stress`.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

import pytest
from grade_child.stress import Stress

_releases: Counter[str] = Counter()
_current = [""]


def _write(record: dict[str, Any]) -> None:
    with open(os.environ["CATCH_PROBE_OUT"], "a", encoding="utf-8") as stream:
        stream.write(json.dumps(record) + "\n")


def _counted(name: str) -> None:
    original = getattr(Stress, name)

    def wrapper(self: Stress, *args: Any, **kwargs: Any) -> Any:
        _releases[_current[0]] += 1
        return original(self, *args, **kwargs)

    setattr(Stress, name, wrapper)


_counted("run")
_counted("run_async")


def pytest_collection_finish(session: pytest.Session) -> None:
    for item in session.items:
        _write({
            "event": "collected",
            "nodeid": item.nodeid,
            "file": item.location[0],
            "fixtures": sorted(getattr(item, "fixturenames", ())),
        })


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _current[0] = item.nodeid
    _failures.pop(item.nodeid, None)
    _skipped.discard(item.nodeid)


_failures: dict[str, str] = {}  # node id -> the first failure's message, setup, call or teardown
_skipped: set[str] = set()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.add(report.nodeid)
    elif report.failed and report.nodeid not in _failures:
        crash = getattr(report.longrepr, "reprcrash", None)
        message = (crash.message if crash is not None else str(report.longrepr)).strip()
        _failures[report.nodeid] = message.splitlines()[0][:300] if message else f"failed in {report.when}"


def pytest_runtest_logfinish(nodeid: str) -> None:
    """One line per execution; a skipped test was no round and is left out."""
    if nodeid in _skipped:
        return
    _write({
        "event": "outcome",
        "nodeid": nodeid,
        "failed": nodeid in _failures,
        "message": _failures.get(nodeid, ""),
        "releases": _releases.pop(nodeid, 0),
    })
