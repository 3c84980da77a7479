"""results.jsonl, the batch's only state: one JSON line per student, appended and fsynced as each
one finishes, read back one line at a time (a class of any size costs the same memory)."""

from __future__ import annotations

import fcntl
import json
import os
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Self

from grader.atomic import fsync_folder
from grader.batch.records import BatchSummary, JournalRow, SubmissionStatus, TestVerdict
from grader.errors import GradeError

RESULTS_FILE = "results.jsonl"


class Journal:
    """results.jsonl: one JSON line per student, appended and fsynced as each one finishes.

    It is the batch's only state: a resumed batch grades whoever has no line yet. A line cut
    short by a kill is dropped when the journal is reopened.
    """

    def __init__(self, path: Path, stream: IO[bytes]) -> None:
        self.path = path
        self._stream = stream

    @classmethod
    def open(cls, path: Path, *, resume: bool, challenge_id: str) -> Journal:
        """Open for appending, locked so that two batches never write one journal."""
        created = not path.exists()
        stream = path.open("ab")
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.close()
            raise GradeError(
                f"another `grade batch` is writing {path.parent}: let it finish, or pass another --out"
            ) from None
        try:
            if stream.tell() and not resume:
                raise GradeError(
                    f"{path} already holds a batch's results: pass --resume to finish it, "
                    "or remove it (or choose another --out) to start over"
                )
            _drop_partial_last_line(path)
            first = next(_journal_lines(path), None)
            if first is not None and first.get("challenge") != challenge_id:
                raise GradeError(
                    f"{path} holds results for challenge {first.get('challenge')!r}, "
                    f"not {challenge_id!r}: pass another --out"
                )
        except BaseException:
            stream.close()
            raise
        if created:
            fsync_folder(path.parent)
        return cls(path, stream)

    def students(self) -> set[str]:
        return {row.student for row in read_journal(self.path)}

    def append(self, line: str) -> None:
        self._stream.write(line.encode("utf-8") + b"\n")
        self._stream.flush()
        os.fsync(self._stream.fileno())

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _drop_partial_last_line(path: Path) -> None:
    with path.open("rb+") as stream:
        size = stream.seek(0, os.SEEK_END)
        if size == 0:
            return
        stream.seek(size - 1)
        if stream.read(1) == b"\n":
            return
        # Walk back to the last complete line and cut what follows it.
        position = size
        while position > 0:
            step = min(65536, position)
            stream.seek(position - step)
            block = stream.read(step)
            newline = block.rfind(b"\n")
            if newline != -1:
                stream.truncate(position - step + newline + 1)
                break
            position -= step
        else:
            stream.truncate(0)
        stream.flush()
        os.fsync(stream.fileno())


def _journal_lines(path: Path) -> Iterator[dict[str, Any]]:
    """Each complete, well-formed line once per student (the first wins)."""
    if not path.exists():
        return
    seen: set[str] = set()
    with path.open("rb") as stream:
        for raw in stream:
            if not raw.endswith(b"\n"):
                break
            try:
                line = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            student = line.get("student") if isinstance(line, dict) else None
            if not isinstance(student, str) or student in seen:
                continue
            seen.add(student)
            yield line


def read_journal(path: Path) -> Iterator[JournalRow]:
    """Stream the journal's rows: one line in memory at a time."""
    for line in _journal_lines(path):
        yield _row(line)


def _row(line: dict[str, Any]) -> JournalRow:
    try:
        status = SubmissionStatus(str(line.get("status")))
    except ValueError:
        status = SubmissionStatus.ERROR
    score = line.get("score")
    return JournalRow(
        student=line["student"],
        status=status,
        score=float(score) if isinstance(score, (int, float)) else None,
        max_score=float(line.get("max_score") or 0.0),
        group_scores=tuple((group["id"], float(group["score"])) for group in line.get("groups", ())),
        tests=tuple(
            TestVerdict(group=test["group"], name=test["name"], status=test["status"])
            for test in line.get("tests", ())
        ),
        duration_s=float(line.get("duration_s") or 0.0),
        feedback=str(line.get("feedback", "")),
        error=str(line.get("error", "")),
    )


def sorted_rows(journal: Path) -> Iterator[JournalRow]:
    """Rows by student name, read one at a time: only names and offsets are held."""
    index: list[tuple[str, int]] = []
    seen: set[str] = set()
    if not journal.exists():
        return
    with journal.open("rb") as stream:
        offset = 0
        for raw in iter(stream.readline, b""):
            if raw.endswith(b"\n"):
                try:
                    student = json.loads(raw).get("student")
                except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
                    student = None
                if isinstance(student, str) and student not in seen:
                    seen.add(student)
                    index.append((student, offset))
            offset += len(raw)
        index.sort(key=lambda item: (item[0].casefold(), item[0]))
        for _, position in index:
            stream.seek(position)
            yield _row(json.loads(stream.readline()))


def summarize(journal: Path) -> BatchSummary:
    scores: list[float] = []
    counts = dict.fromkeys(SubmissionStatus, 0)
    students = 0
    max_score = 0.0
    for row in read_journal(journal):
        students += 1
        counts[row.status] += 1
        max_score = max(max_score, row.max_score)
        if row.score is not None:
            scores.append(row.score)
    return BatchSummary(
        students=students,
        scored=len(scores),
        max_score=max_score,
        mean=round(statistics.fmean(scores), 2) if scores else None,
        median=round(statistics.median(scores), 2) if scores else None,
        full_marks=counts[SubmissionStatus.FULL_MARKS],
        crashed=counts[SubmissionStatus.CRASHED],
        timeouts=counts[SubmissionStatus.TIMEOUT],
        tampered=counts[SubmissionStatus.TAMPERED],
        errors=counts[SubmissionStatus.ERROR],
    )
