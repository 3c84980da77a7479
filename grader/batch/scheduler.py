"""Grading the class: submissions staged and graded on the batch's threads, each result
journaled as it finishes.

Where a staged copy is graded is a `Grading`: this machine's cores (grader.batch.local) or a
Dask cluster's workers (grader.batch.cluster). Either way this process alone stages, writes the
journal (one line per student, once), the feedback and the outputs. Prints nothing: progress
reaches the caller through `on_progress`.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from grader.atomic import write_atomically
from grader.batch.journal import RESULTS_FILE, Journal, summarize
from grader.batch.local import LocalGrading, default_jobs
from grader.batch.outputs import FEEDBACK_DIR, remove_leftovers, write_outputs
from grader.batch.plan import Plan, Submission
from grader.batch.records import BatchSummary, SubmissionStatus, status_of
from grader.batch.staging import Staged, StagingError, stage_submission
from grader.catalog import Challenge
from grader.errors import ChallengeError
from grader.report import gradebook
from grader.report.json_format import result_to_dict
from grader.runtime import Runtime
from grader.scoring import Result
from grader.utf8 import clean_text

__all__ = ["BatchProgress", "BatchRun", "Grading", "GradingLost", "NotGraded", "default_jobs", "grade_batch"]

# Threads waiting on gradings elsewhere cost little; this only bounds a runaway `slots`.
MAX_SLOTS = 1024


class Grading(Protocol):
    """Where staged copies are graded. `grade` runs on one of the batch's threads, `slots` at a
    time, and returns the Result or raises: ChallengeError (a fault of the challenge: the batch
    stops), GradingLost (the place went away: the batch stops, --resume finishes it), NotGraded
    or any other exception (that student's `error` row)."""

    @property
    def slots(self) -> int:
        """How many gradings may be under way at once; read before each is started."""
        ...

    def grade(self, submission: Submission, staged: Staged) -> Result: ...

    def stop(self) -> None:
        """End the gradings under way: they are graded again on --resume."""
        ...


class GradingLost(Exception):
    """Where the gradings ran is gone (a cluster's scheduler): nobody's fault but the network."""


class NotGraded(Exception):
    """The submission could not be graded; the message is its row's reason, as is."""


@dataclass(frozen=True, slots=True)
class BatchProgress:
    """Sent to `on_progress`: the count to grade in this run, then each one finished."""

    total: int
    done: int
    student: str | None = None
    status: SubmissionStatus | None = None
    stopping: bool = False


@dataclass(frozen=True, slots=True)
class BatchRun:
    out: Path
    planned: int
    done_before: int      # already in the journal when this run started (--resume)
    graded_now: int
    interrupted: bool
    summary: BatchSummary
    lost: str | None = None  # why the batch stopped on its own (a cluster's scheduler went away)

    @property
    def missing(self) -> int:
        return self.planned - self.done_before - self.graded_now


@dataclass(frozen=True, slots=True)
class _Finished:
    student: str
    status: SubmissionStatus
    line: str


def grade_batch(
    *,
    plan: Plan,
    challenge: Challenge,
    out: Path,
    runtime: Runtime | None = None,
    jobs: int | None = None,
    grading: Grading | None = None,
    resume: bool = False,
    seed: int | None = None,
    on_progress: Callable[[BatchProgress], None] = lambda _: None,
    stop: threading.Event | None = None,
) -> BatchRun:
    """Grade every submission the journal lacks, then write the gradebook, report and summary.

    Gradings run on `grading`, or on this machine with `runtime`, `jobs` at a time. Setting
    `stop` (the shell does on Ctrl-C) stops scheduling, ends the gradings under way (they are
    graded again on --resume) and still writes what is done.
    """
    if grading is None:
        if runtime is None:
            raise ValueError("grade_batch needs a runtime or a grading")
        grading = LocalGrading(challenge=challenge, runtime=runtime, seed=seed, jobs=jobs)
    stop = stop or threading.Event()
    out = out.resolve()
    (out / FEEDBACK_DIR).mkdir(parents=True, exist_ok=True)
    with Journal.open(out / RESULTS_FILE, resume=resume, challenge_id=challenge.id) as journal:
        remove_leftovers(out)
        done_before = journal.students()
        todo = [submission for submission in plan.submissions if submission.student not in done_before]
        graded_now = 0
        stopping = False
        fatal: ChallengeError | None = None
        lost: str | None = None
        on_progress(BatchProgress(total=len(todo), done=0))

        def stopping_now() -> bool:
            nonlocal stopping
            if not stopping and (stop.is_set() or fatal is not None or lost is not None):
                stopping = True
                on_progress(BatchProgress(total=len(todo), done=graded_now, stopping=True))
            return stopping

        queue = iter(todo)
        pending: dict[Future[_Finished], Submission] = {}
        with ThreadPoolExecutor(max_workers=MAX_SLOTS, thread_name_prefix="grade-batch") as pool:
            while True:
                while (not stopping and len(pending) < min(grading.slots, MAX_SLOTS)
                       and (submission := next(queue, None))):
                    future = pool.submit(_grade_one, submission, challenge=challenge, grading=grading, out=out)
                    pending[future] = submission
                if not pending:
                    break
                try:
                    finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                except KeyboardInterrupt:
                    stop.set()
                    finished = set()
                for future in finished:
                    pending_submission = pending.pop(future)
                    # Asked before each line: a Ctrl-C at a terminal also reaches the type
                    # checker, so a grading that ends after it may be spoiled.
                    if stopping_now():
                        continue  # graded again on --resume
                    try:
                        done = future.result()
                    except ChallengeError as exc:
                        fatal = fatal or exc
                        continue
                    except GradingLost as exc:
                        lost = lost or str(exc)
                        continue
                    except Exception as exc:  # noqa: BLE001 - recording it failed: still one row
                        done = _record_ungraded(
                            pending_submission, challenge, out, f"{type(exc).__name__}: {exc}",
                        )
                    journal.append(done.line)
                    graded_now += 1
                    on_progress(BatchProgress(
                        total=len(todo), done=graded_now, student=done.student, status=done.status,
                    ))
                if stopping_now() and pending:
                    grading.stop()
        write_outputs(out=out, challenge=challenge)
    if fatal is not None:
        raise fatal
    return BatchRun(
        out=out,
        planned=len(plan.submissions),
        done_before=len(plan.submissions) - len(todo),
        graded_now=graded_now,
        interrupted=graded_now < len(todo),
        summary=summarize(out / RESULTS_FILE),
        lost=lost,
    )


def _grade_one(submission: Submission, *, challenge: Challenge, grading: Grading, out: Path) -> _Finished:
    """Runs on one of the batch's threads. A failure of the grader becomes this student's error
    row; a fault of the challenge, or the loss of the cluster, is raised: it concerns everyone."""
    try:
        with tempfile.TemporaryDirectory(prefix="grade-batch-") as private:
            staged = stage_submission(submission.source, into=Path(private), module_file=challenge.submission_file)
            result = grading.grade(submission, staged)
    except (ChallengeError, GradingLost):
        raise
    except Exception as exc:  # noqa: BLE001 - one student's grading must never stop the class
        reason = str(exc) if isinstance(exc, (StagingError, NotGraded)) else f"{type(exc).__name__}: {exc}"
        return _record_ungraded(submission, challenge, out, reason)
    result = replace(result, notes=staged.notes + result.notes)
    status = status_of(result)
    entry = {**_entry(submission), "status": str(status), **result_to_dict(result)}
    return _record(entry, gradebook.render_feedback(submission.student, result), status, out)


def _record_ungraded(submission: Submission, challenge: Challenge, out: Path, reason: str) -> _Finished:
    entry = {
        **_entry(submission), "status": str(SubmissionStatus.ERROR), "challenge": challenge.id,
        "title": challenge.title, "score": None, "max_score": challenge.max_score, "error": reason,
    }
    feedback = gradebook.render_ungraded_feedback(submission.student, challenge, reason)
    return _record(entry, feedback, SubmissionStatus.ERROR, out)


def _entry(submission: Submission) -> dict[str, Any]:
    return {
        "student": submission.student,
        "source": clean_text(submission.source.name),
        "feedback": f"{FEEDBACK_DIR}/{submission.slug}.md",
    }


def _record(entry: dict[str, Any], feedback: str, status: SubmissionStatus, out: Path) -> _Finished:
    """Write the feedback; the journal line is written by the caller, and commits the student."""
    write_atomically(out / entry["feedback"], lambda stream: stream.write(clean_text(feedback)))
    return _Finished(student=entry["student"], status=status, line=clean_text(json.dumps(entry, ensure_ascii=False)))
