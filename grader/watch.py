"""Watching a submission: which saves count, when to grade again, and what changed between runs.

`SubmissionWatcher` runs watchfiles (the Rust `notify` crate: inotify here, with its own
debouncing) on a thread of its own, so saves are still collected while a grading runs.
`wait_for_save` hands over everything saved since it last returned: any number of saves during
one grading make exactly one more grading, never one per save. Editors' scratch files and the
folders the grader never copies do not count. Nothing here prints.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import watchfiles

from grader.errors import SubmissionPathError
from grader.outcomes import Status
from grader.sandbox import SKIPPED_NAMES
from grader.scoring import Result, TestResult

# vim's swap files and its `4913` write probe, Emacs' `name~` backups and `.#name` lock links,
# and the `*.tmp` names many editors write before renaming over the file.
EDITOR_SCRATCH = re.compile(r"\.sw[a-z]$|~$|^\.#|^4913$|\.tmp$|\.py[cod]$|^\.DS_Store$")
# A burst of events (an editor's write, rename and chmod) within this gap is one save.
QUIET_GAP_MS = 50


@dataclass(frozen=True, slots=True)
class ResultChanges:
    """How a grading differs from the one before it."""

    score_before: float
    score_after: float
    newly_passing: tuple[TestResult, ...]
    newly_failing: tuple[TestResult, ...]

    @property
    def unchanged(self) -> bool:
        return not self.newly_passing and not self.newly_failing and self.score_before == self.score_after


def compare_results(before: Result, after: Result) -> ResultChanges:
    """Tests are matched by group and name; one absent before counts as not passing then."""
    passed_before = {(test.group, test.name) for test in before.tests if test.status is Status.PASSED}
    failed_before = {(test.group, test.name) for test in before.tests if test.status is not Status.PASSED}
    return ResultChanges(
        score_before=before.score,
        score_after=after.score,
        newly_passing=tuple(
            test for test in after.tests
            if test.status is Status.PASSED and (test.group, test.name) not in passed_before
        ),
        newly_failing=tuple(
            test for test in after.tests
            if test.status is not Status.PASSED and (test.group, test.name) not in failed_before
        ),
    )


def counts_as_save(path: Path, *, folder: Path, only: Path | None = None) -> bool:
    """A change that could change the grade: `only` itself if given, else a file under `folder`
    that is neither an editor's scratch file nor in a folder the grader does not copy."""
    if only is not None:
        return path == only
    try:
        relative = path.relative_to(folder)
    except ValueError:
        return False
    if any(part in SKIPPED_NAMES for part in relative.parts):
        return False
    return not EDITOR_SCRATCH.search(path.name)


class SubmissionWatcher:
    """Collects saves to a submission (a folder, or one file) from the moment it is entered.

    A single file is watched through its folder: editors that save by writing a new file and
    renaming it over the old one would otherwise leave the watch on a deleted file.
    """

    def __init__(self, submission: Path, *, debounce_ms: int = 300) -> None:
        self.submission = submission.resolve()
        self._folder = self.submission if self.submission.is_dir() else self.submission.parent
        self._only = None if self.submission.is_dir() else self.submission
        self._debounce_ms = debounce_ms
        self._saved: set[Path] = set()
        self._failure: BaseException | None = None
        self._changed = threading.Condition()
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="grade-watch", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        self._ready.wait()
        if self._failure is not None:
            raise SubmissionPathError(f"cannot watch {self._folder}: {self._failure}") from None
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def wait_for_save(self, timeout: float | None = None) -> tuple[Path, ...]:
        """Block until something was saved; return every file saved since the last call.

        Returns an empty tuple if `timeout` seconds pass first.
        """
        with self._changed:
            self._changed.wait_for(lambda: self._saved or self._failure is not None, timeout)
            if self._failure is not None:
                raise SubmissionPathError(f"stopped watching {self._folder}: {self._failure}")
            saved, self._saved = tuple(sorted(self._saved)), set()
            return saved

    def _watch(self) -> None:
        try:
            changes = watchfiles.watch(
                self._folder,
                watch_filter=lambda _, raw: counts_as_save(Path(raw), folder=self._folder, only=self._only),
                debounce=self._debounce_ms,
                step=QUIET_GAP_MS,
                stop_event=self._stop,
                # A first empty batch after this long tells us the watch is in place.
                rust_timeout=100,
                yield_on_timeout=True,
                raise_interrupt=False,
            )
            for batch in changes:
                self._ready.set()
                if batch:
                    with self._changed:
                        self._saved.update(Path(raw) for _, raw in batch)
                        self._changed.notify_all()
        except Exception as exc:  # noqa: BLE001 - handed to the thread that waits, as a user's error
            with self._changed:
                self._failure = exc
                self._changed.notify_all()
        finally:
            self._ready.set()
