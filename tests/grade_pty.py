"""The installed `grade` driven through a real pseudo-terminal, as a student's shell runs it.

`GradeTerminals` spawns `.venv/bin/grade` with pexpect in a 50 x 160 terminal
(TERM=xterm-256color) and closes whatever is still running at the end. The pty gives `grade` a
terminal on stdin, stdout and stderr (the last two merged). A session reads as it goes
(`expect`, `screen`); `finish` waits for the end and returns what the terminal shows.

A plain module, not a conftest: a conftest.py in a test folder would be importable as
`conftest` and shadow tests/conftest.py for the modules that `from conftest import`.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

import pexpect

GRADE = Path(sys.executable).parent / "grade"
CLEAR_SCREEN = "\x1b[2J"
# The environment variables that would change what `grade` draws, or which challenges it sees.
RESET_VARIABLES = ("GRADE_HOME", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES")

# CSI sequences (colours, cursor moves, erase), OSC sequences (titles, hyperlinks) and the
# remaining two-byte escapes; then carriage returns, which the pty adds before each newline.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[@-Z\\-_]"
)
_CSI = re.compile(r"\x1b\[([0-?]*)[ -/]*([@-~])")


def strip_ansi(raw: str) -> str:
    """Every escape sequence removed; what was drawn and then erased stays in."""
    return _ANSI.sub("", raw).replace("\r\n", "\n").replace("\r", "\n")


def screen_text(raw: str) -> str:
    """What the terminal shows once the program has ended, scrollback included.

    A small emulator, enough for what rich writes: text, CR, LF, backspace, cursor up / down /
    left / right / to a column, erase in line and erase below. Colours and other modes are
    dropped. So a transient progress bar that was drawn and then erased is not in the result,
    as it is not on the student's screen.
    """
    lines: list[list[str]] = [[]]
    row = col = 0
    position = 0

    def erase(line: list[str], start: int, end: int | None = None) -> None:
        stop = len(line) if end is None else min(end, len(line))
        for index in range(start, stop):
            line[index] = " "

    while position < len(raw):
        char = raw[position]
        if char == "\x1b":
            csi = _CSI.match(raw, position)
            if csi:
                params, final = csi.group(1), csi.group(2)
                numbers = (
                    [int(part) if part.isdigit() else 0 for part in params.split(";")]
                    if params and not params.startswith("?") else []
                )
                count = max(numbers[0], 1) if numbers else 1
                if final == "A":
                    row = max(row - count, 0)
                elif final == "B":
                    row += count
                elif final == "C":
                    col += count
                elif final == "D":
                    col = max(col - count, 0)
                elif final == "G":
                    col = count - 1
                elif final == "K":
                    mode = numbers[0] if numbers else 0
                    while len(lines) <= row:
                        lines.append([])
                    if mode == 0:
                        erase(lines[row], col)
                    elif mode == 1:
                        erase(lines[row], 0, col + 1)
                    else:
                        erase(lines[row], 0)
                elif final == "J" and (not numbers or numbers[0] == 0):
                    while len(lines) <= row:
                        lines.append([])
                    erase(lines[row], col)
                    del lines[row + 1:]
                position = csi.end()
                continue
            other = _ANSI.match(raw, position)
            position = other.end() if other else position + 1
            continue
        position += 1
        if char == "\r":
            col = 0
        elif char == "\n":
            row += 1
            col = 0
        elif char == "\b":
            col = max(col - 1, 0)
        elif char in "\x07\x00":
            continue
        else:
            while len(lines) <= row:
                lines.append([])
            line = lines[row]
            while len(line) < col:
                line.append(" ")
            if col < len(line):
                line[col] = char
            else:
                line.append(char)
            col += 1
    return "\n".join("".join(line).rstrip() for line in lines).strip("\n")


def grade_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment less what changes the drawing, in a colour terminal, plus `extra`."""
    env = {name: value for name, value in os.environ.items() if name not in RESET_VARIABLES}
    env.update(TERM="xterm-256color", COLUMNS="160", LINES="50", PYTHONUNBUFFERED="1")
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Finished:
    """What one `grade` run left on the terminal and how it ended."""

    args: tuple[str, ...]
    exitstatus: int | None
    signalstatus: int | None
    raw: str = field(repr=False)

    @property
    def text(self) -> str:
        """What the terminal shows at the end (escape sequences applied, then removed)."""
        return screen_text(self.raw)

    @property
    def lines(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip()]

    def describe(self) -> str:
        return (
            f"`grade {' '.join(self.args)}` exited {self.exitstatus} (signal {self.signalstatus}); "
            f"terminal output:\n{self.text}"
        )


class GradeSession:
    """One spawned `grade`; `expect` reads as it goes, `finish` waits for the end."""

    def __init__(self, args: Sequence[str], *, cwd: Path, env: dict[str, str], timeout: float) -> None:
        self.args = tuple(str(arg) for arg in args)
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            str(GRADE),
            list(self.args),
            cwd=str(cwd),
            env=env,
            dimensions=(50, 160),
            encoding="utf-8",
            codec_errors="replace",
            timeout=timeout,
        )
        self.child.logfile_read = self.log

    @property
    def raw(self) -> str:
        """Everything read so far, escape sequences included."""
        return self.log.getvalue()

    @property
    def screen(self) -> str:
        """What followed the last clear of the screen, escape sequences removed."""
        return strip_ansi(self.raw.rsplit(CLEAR_SCREEN, 1)[-1])

    def expect(self, pattern: str | re.Pattern[str]) -> None:
        try:
            self.child.expect(pattern)
        except (pexpect.EOF, pexpect.TIMEOUT) as exc:
            self.child.close(force=True)
            raise AssertionError(
                f"`grade {' '.join(self.args)}` never printed {pattern!r} "
                f"({type(exc).__name__}); it printed:\n{strip_ansi(self.raw)}"
            ) from None

    def interrupt(self) -> None:
        """Press Ctrl-C: the terminal sends SIGINT to grade's foreground process group."""
        self.child.sendintr()

    def finish(self) -> Finished:
        try:
            self.child.expect(pexpect.EOF)
        except pexpect.TIMEOUT:
            self.child.close(force=True)
            raise AssertionError(
                f"`grade {' '.join(self.args)}` did not finish in {self.child.timeout} s; it printed:\n"
                f"{strip_ansi(self.raw)}"
            ) from None
        self.child.close()
        return Finished(
            args=self.args,
            exitstatus=self.child.exitstatus,
            signalstatus=self.child.signalstatus,
            raw=self.raw,
        )

    def describe(self) -> str:
        return f"`grade {' '.join(self.args)}` printed:\n{strip_ansi(self.raw)}"


Spawn = Callable[..., GradeSession]


class GradeTerminals:
    """Spawns `grade` sessions on one environment (`env` over `grade_environment()`); on exit,
    force-closes those still running, so a failed test leaves no `grade` behind."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.sessions: list[GradeSession] = []

    def spawn(
        self, *args: str | Path, cwd: Path, timeout: float, env: dict[str, str] | None = None
    ) -> GradeSession:
        """Start `grade ARGS...` in `cwd`; `env` adds to this spawner's environment."""
        assert GRADE.is_file(), f"{GRADE} is missing: install the project into this venv (pip install -e .)"
        session = GradeSession(
            [str(arg) for arg in args], cwd=cwd, env=grade_environment({**self.env, **(env or {})}), timeout=timeout,
        )
        self.sessions.append(session)
        return session

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for session in self.sessions:
            if session.child.isalive():
                session.child.close(force=True)
