"""The student's loop through a real terminal: `grade` spawned in a pty by pexpect, on the tiny
fixture challenge, with progress kept in a state folder of the test's own."""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pexpect
import pytest

REPO = Path(__file__).resolve().parents[2]
GRADE = Path(sys.executable).parent / "grade"
TINY_HOME = REPO / "tests" / "fixtures" / "home"
UNLOCKED = REPO / "tests" / "fixtures" / "submissions" / "unlocked" / "tally.py"
REFERENCE = TINY_HOME / "solutions" / "tiny" / "reference" / "tally.py"
GRADING_TIMEOUT = 120

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
CLEAR_SCREEN = "\x1b[2J"


def plain(raw: str) -> str:
    """The text with every escape sequence and carriage return removed."""
    return _ANSI.sub("", raw).replace("\r\n", "\n").replace("\r", "\n")


class Terminal:
    """One spawned `grade` in a 50 x 160 terminal; `screen` is what followed the last clear."""

    def __init__(self, args: Sequence[str], *, cwd: Path, env: dict[str, str], timeout: float) -> None:
        self.args = tuple(args)
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            str(GRADE), list(self.args), cwd=str(cwd), env=env, dimensions=(50, 160),
            encoding="utf-8", codec_errors="replace", timeout=timeout,
        )
        self.child.logfile_read = self.log

    @property
    def raw(self) -> str:
        return self.log.getvalue()

    @property
    def screen(self) -> str:
        return plain(self.raw.rsplit(CLEAR_SCREEN, 1)[-1])

    def expect(self, pattern: str) -> None:
        try:
            self.child.expect(pattern)
        except (pexpect.EOF, pexpect.TIMEOUT) as exc:
            self.child.close(force=True)
            raise AssertionError(
                f"`grade {' '.join(self.args)}` never printed {pattern!r} ({type(exc).__name__}); "
                f"it printed:\n{plain(self.raw)}"
            ) from None

    def finish(self) -> int | None:
        """Wait for the end; the exit status (None if a signal ended it)."""
        try:
            self.child.expect(pexpect.EOF)
        except pexpect.TIMEOUT:
            self.child.close(force=True)
            raise AssertionError(f"`grade {' '.join(self.args)}` did not finish; it printed:\n{plain(self.raw)}") from None
        self.child.close()
        return self.child.exitstatus

    def describe(self) -> str:
        return f"`grade {' '.join(self.args)}` printed:\n{plain(self.raw)}"


Spawn = Callable[..., Terminal]


@pytest.fixture
def state_home(tmp_path: Path) -> Path:
    """A private XDG_STATE_HOME: progress written by these tests never reaches the user's."""
    path = tmp_path / "state"
    path.mkdir()
    return path


@pytest.fixture
def spawn(state_home: Path) -> Iterator[Spawn]:
    """Start `grade ARGS...` in a pty in `cwd`, on GRADE_HOME (the tiny fixture unless `home`)."""
    terminals: list[Terminal] = []

    def start(*args: str | Path, cwd: Path, home: Path = TINY_HOME, timeout: float = GRADING_TIMEOUT) -> Terminal:
        assert GRADE.is_file(), f"{GRADE} is missing: install the project into this venv (pip install -e .)"
        env = dict(os.environ)
        for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES"):
            env.pop(name, None)
        env.update(
            GRADE_HOME=str(home), XDG_STATE_HOME=str(state_home),
            TERM="xterm-256color", COLUMNS="160", LINES="50", PYTHONUNBUFFERED="1",
        )
        terminal = Terminal([str(arg) for arg in args], cwd=cwd, env=env, timeout=timeout)
        terminals.append(terminal)
        return terminal

    yield start
    for terminal in terminals:
        if terminal.child.isalive():
            terminal.child.close(force=True)


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
