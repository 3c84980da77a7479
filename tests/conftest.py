"""Shared fixtures: the real runtime, the real challenges, and a small fixture challenge."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_paths import TINY_HOME
from grader.catalog import Challenge, load_challenge
from grader.runtime import Runtime, find_runtime

collect_ignore = ["fixtures", "hostile/attacks"]


@pytest.fixture(scope="session")
def runtime() -> Runtime:
    """The free-threaded runtime `make setup` provisioned: the grader's real target."""
    found = find_runtime()
    assert found.gil_disabled, f"{found.base_executable} is not free-threaded: run `make setup`"
    return found


@pytest.fixture
def tiny_home(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GRADE_HOME", str(TINY_HOME))
    return TINY_HOME


@pytest.fixture
def tiny(tiny_home: Path) -> Challenge:
    return load_challenge("tiny")


@pytest.fixture
def tiny_reference(tiny_home: Path) -> Path:
    return tiny_home / "solutions" / "tiny" / "reference"
