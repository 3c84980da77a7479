"""A student's progress: the best score per challenge and how many of its hints were revealed.

Kept per user in `$XDG_STATE_HOME/grade/state.json` (default `~/.local/state/grade/state.json`).
Every change is a read-modify-write under a lock on a file beside it, and the new file is
written to a temporary name and renamed over the old, so two terminals grading at once never
lose an update or leave a torn file. A file that cannot be read is moved aside and progress
starts fresh; the note saying so travels in `StudentProgress.notes`, once, for the shell to
show. Failing to save never fails a grading: it becomes a note too. Nothing here prints.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.atomic import write_atomically
from grader.catalog import Challenge
from grader.scoring import Result

STATE_VERSION = 1
SET_ASIDE_SUFFIX = ".unreadable"


@dataclass(frozen=True, slots=True)
class ChallengeProgress:
    challenge: str
    best_score: float | None = None  # None: never graded
    max_score: float | None = None  # the maximum when the best score was reached
    hints_revealed: int = 0


@dataclass(frozen=True, slots=True)
class StudentProgress:
    challenges: tuple[ChallengeProgress, ...] = ()
    notes: tuple[str, ...] = ()  # what went wrong reading or saving; not saved

    def of(self, challenge_id: str) -> ChallengeProgress:
        return next(
            (entry for entry in self.challenges if entry.challenge == challenge_id),
            ChallengeProgress(challenge_id),
        )

    def at_full_marks(self, challenge: Challenge) -> bool:
        """Against the challenge's points today, in case its author changed them since."""
        best = self.of(challenge.id).best_score
        return best is not None and best >= challenge.max_score


@dataclass(frozen=True, slots=True)
class RevealedHints:
    """What `grade hint` shows: every hint revealed so far, the last one possibly new."""

    challenge: str
    hints: tuple[str, ...]
    total: int
    newly_revealed: bool
    notes: tuple[str, ...] = ()

    @property
    def exhausted(self) -> bool:
        return len(self.hints) == self.total


def state_path() -> Path:
    """The XDG state folder's `grade/state.json`; a relative XDG_STATE_HOME is ignored, as the spec says."""
    configured = os.environ.get("XDG_STATE_HOME", "")
    base = Path(configured) if configured and Path(configured).is_absolute() else Path.home() / ".local" / "state"
    return base / "grade" / "state.json"


def load_progress(path: Path | None = None) -> StudentProgress:
    path = path or state_path()
    if not path.exists():
        return StudentProgress()  # no folder made, no lock taken: reading needs no write access
    try:
        with _locked(path):
            return _read(path)
    except OSError as exc:
        return StudentProgress(notes=(f"could not read your progress from {path}: {exc.strerror or exc}",))


def record_result(result: Result, *, path: Path | None = None) -> StudentProgress:
    """Remember the result's score if it beats the best so far for its challenge."""

    def keep_best(entry: ChallengeProgress) -> ChallengeProgress:
        if entry.best_score is not None and entry.best_score >= result.score:
            return entry
        return replace(entry, best_score=result.score, max_score=result.max_score)

    return _update(path or state_path(), result.challenge, keep_best)


def reveal_next_hint(challenge: Challenge, *, path: Path | None = None) -> RevealedHints:
    """Reveal one more of the challenge's hints, in order, and return all revealed so far."""
    total = len(challenge.hints)
    revealed_before = 0

    def reveal(entry: ChallengeProgress) -> ChallengeProgress:
        nonlocal revealed_before
        revealed_before = min(entry.hints_revealed, total)
        return replace(entry, hints_revealed=min(revealed_before + 1, total))

    progress = _update(path or state_path(), challenge.id, reveal)
    shown = min(revealed_before + 1, total)
    return RevealedHints(
        challenge=challenge.id,
        hints=challenge.hints[:shown],
        total=total,
        newly_revealed=shown > revealed_before,
        notes=progress.notes,
    )


def next_challenge(challenges: Sequence[Challenge], progress: StudentProgress) -> Challenge | None:
    """The first challenge on the path (`list_challenges` order) not yet at full marks; None when all are."""
    return next((challenge for challenge in challenges if not progress.at_full_marks(challenge)), None)


# --- the file -----------------------------------------------------------------------------------


def _update(
    path: Path, challenge_id: str, change: Callable[[ChallengeProgress], ChallengeProgress]
) -> StudentProgress:
    """Apply `change` to one challenge's entry and save, all under the lock."""
    notes: tuple[str, ...] = ()
    try:
        with _locked(path):
            before = _read(path)
            notes = before.notes
            updated = change(before.of(challenge_id))
            others = tuple(entry for entry in before.challenges if entry.challenge != challenge_id)
            after = StudentProgress(challenges=(*others, updated), notes=notes)
            if updated != before.of(challenge_id):
                _write(path, after)
            return after
    except OSError as exc:
        # The change still applies to what is returned, so this run shows it; it is only not kept.
        fallback = StudentProgress()
        return StudentProgress(
            challenges=(change(fallback.of(challenge_id)),),
            notes=(*notes, f"could not save your progress to {path}: {exc.strerror or exc}"),
        )


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(path: Path) -> StudentProgress:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return StudentProgress()
    except (UnicodeDecodeError, IsADirectoryError):
        return _set_aside(path)
    try:
        return StudentProgress(challenges=_parse(json.loads(text)))
    except (ValueError, TypeError, KeyError, AttributeError):
        return _set_aside(path)


def _parse(data: Any) -> tuple[ChallengeProgress, ...]:
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise ValueError("not a progress file of this version")
    entries = []
    for challenge_id, raw in dict(data["challenges"]).items():
        best, maximum, hints = raw.get("best_score"), raw.get("max_score"), raw.get("hints_revealed", 0)
        if not all(value is None or _is_number(value) for value in (best, maximum)):
            raise ValueError(f"{challenge_id}: scores must be numbers")
        if not isinstance(hints, int) or isinstance(hints, bool) or hints < 0:
            raise ValueError(f"{challenge_id}: hints_revealed must be a count")
        entries.append(ChallengeProgress(challenge_id, best, maximum, hints))
    return tuple(entries)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _set_aside(path: Path) -> StudentProgress:
    """Keep the unreadable file for whoever wants to look, and start fresh: the note is said once."""
    aside = path.with_name(path.name + SET_ASIDE_SUFFIX)
    os.replace(path, aside)
    note = f"your progress file {path} could not be read; it was moved to {aside} and progress starts fresh"
    return StudentProgress(notes=(note,))


def _write(path: Path, progress: StudentProgress) -> None:
    document = {
        "version": STATE_VERSION,
        "challenges": {
            entry.challenge: {
                "best_score": entry.best_score,
                "max_score": entry.max_score,
                "hints_revealed": entry.hints_revealed,
            }
            for entry in sorted(progress.challenges, key=lambda entry: entry.challenge)
        },
    }
    # Private to its user, as the state folder is.
    write_atomically(path, lambda stream: stream.write(json.dumps(document, indent=2) + "\n"), mode=0o600)
