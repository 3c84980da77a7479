"""The student's loop through a real terminal: `grade` spawned in a pty by pexpect, on the tiny
fixture challenge, with progress kept in a state folder of the test's own."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_paths import SUBMISSIONS, TINY_HOME
from grade_pty import GradeSession, GradeTerminals, Spawn

UNLOCKED = SUBMISSIONS / "unlocked" / "tally.py"
GRADING_TIMEOUT = 120


@pytest.fixture
def state_home(tmp_path: Path) -> Path:
    """A private XDG_STATE_HOME: progress written by these tests never reaches the user's."""
    path = tmp_path / "state"
    path.mkdir()
    return path


@pytest.fixture
def spawn(state_home: Path) -> Iterator[Spawn]:
    """Start `grade ARGS...` in a pty in `cwd`, on GRADE_HOME (the tiny fixture unless `home`)."""
    with GradeTerminals({"XDG_STATE_HOME": str(state_home)}) as terminals:

        def start(*args: str | Path, cwd: Path, home: Path = TINY_HOME, timeout: float = GRADING_TIMEOUT) -> GradeSession:
            return terminals.spawn(*args, cwd=cwd, timeout=timeout, env={"GRADE_HOME": str(home)})

        yield start


@pytest.fixture
def unlocked_folder(tmp_path: Path) -> Path:
    """A submission folder holding the fixture's racy tally.py (7 of 10 points)."""
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copyfile(UNLOCKED, folder / "tally.py")
    return folder


@pytest.fixture
def two_challenge_home(tmp_path: Path) -> Path:
    """The tiny fixture twice over, as `tiny` and `tiny-again`, so there is a next challenge."""
    home = tmp_path / "home"
    for part in ("challenges", "solutions", "starter"):
        shutil.copytree(TINY_HOME / part / "tiny", home / part / "tiny")
        shutil.copytree(TINY_HOME / part / "tiny", home / part / "tiny-again")
    return home
