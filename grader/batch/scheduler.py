"""Grading the class: submissions on a thread pool, each result journaled as it finishes.

Gradings run in parallel threads (each already runs in child processes). A stop kills the
gradings under way, found in /proc as this process's children started since the batch began;
they are graded again on --resume. Prints nothing: progress reaches the caller through
`on_progress`.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.atomic import write_atomically
from grader.batch.journal import RESULTS_FILE, Journal, summarize
from grader.batch.outputs import FEEDBACK_DIR, remove_leftovers, write_outputs
from grader.batch.plan import Plan, Submission
from grader.batch.records import BatchSummary, SubmissionStatus, status_of
from grader.batch.staging import StagingError, stage_submission
from grader.catalog import Challenge
from grader.errors import ChallengeError
from grader.grading import grade_submission
from grader.report import gradebook
from grader.report.json_format import result_to_dict
from grader.runtime import Runtime
from grader.utf8 import clean_text


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

    @property
    def missing(self) -> int:
        return self.planned - self.done_before - self.graded_now


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class _Finished:
    student: str
    status: SubmissionStatus
    line: str


def grade_batch(
    *,
    plan: Plan,
    challenge: Challenge,
    runtime: Runtime,
    out: Path,
    jobs: int | None = None,
    resume: bool = False,
    seed: int | None = None,
    on_progress: Callable[[BatchProgress], None] = lambda _: None,
    stop: threading.Event | None = None,
) -> BatchRun:
    """Grade every submission the journal lacks, then write the gradebook, report and summary.

    Setting `stop` (the shell does on Ctrl-C) stops scheduling, kills the gradings under way
    (they are graded again on --resume) and still writes what is done.
    """
    stop = stop or threading.Event()
    jobs = jobs or default_jobs()
    out = out.resolve()
    (out / FEEDBACK_DIR).mkdir(parents=True, exist_ok=True)
    with Journal.open(out / RESULTS_FILE, resume=resume, challenge_id=challenge.id) as journal:
        remove_leftovers(out)
        done_before = journal.students()
        todo = [submission for submission in plan.submissions if submission.student not in done_before]
        since = _clock_ticks()
        graded_now = 0
        stopping = False
        fatal: ChallengeError | None = None
        on_progress(BatchProgress(total=len(todo), done=0))

        def stopping_now() -> bool:
            nonlocal stopping
            if not stopping and (stop.is_set() or fatal is not None):
                stopping = True
                on_progress(BatchProgress(total=len(todo), done=graded_now, stopping=True))
            return stopping

        queue = iter(todo)
        pending: dict[Future[_Finished], Submission] = {}
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="grade-batch") as pool:
            while True:
                while not stopping and len(pending) < jobs and (submission := next(queue, None)):
                    future = pool.submit(
                        _grade_one, submission, challenge=challenge, runtime=runtime, seed=seed, out=out,
                    )
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
                    _kill_children_since(since)
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
    )


def _grade_one(
    submission: Submission,
    *,
    challenge: Challenge,
    runtime: Runtime,
    seed: int | None,
    out: Path,
) -> _Finished:
    """Runs on a worker thread. A failure of the grader becomes this student's error row;
    a fault of the challenge itself (ChallengeError) is raised, as it would fail every student."""
    try:
        with tempfile.TemporaryDirectory(prefix="grade-batch-") as private:
            staged = stage_submission(submission.source, into=Path(private), module_file=challenge.submission_file)
            result = grade_submission(submission=staged.folder, challenge=challenge, runtime=runtime, seed=seed)
    except ChallengeError:
        raise
    except Exception as exc:  # noqa: BLE001 - one student's grading must never stop the class
        reason = str(exc) if isinstance(exc, StagingError) else f"{type(exc).__name__}: {exc}"
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


def _clock_ticks() -> int:
    """Now, in the unit /proc/PID/stat gives a process's start time."""
    try:
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except OSError:
        return 0
    return int(uptime * os.sysconf("SC_CLK_TCK"))


def _kill_children_since(since: int) -> None:
    """Kill this process's children started since the batch began (sandboxed test runs, type
    checks) and their process groups. Each grading then ends at once, as if timed out."""
    me = os.getpid()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return
    for name in entries:
        if not name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        ppid, group, started = int(fields[1]), int(fields[2]), int(fields[19])
        if ppid != me or started < since:
            continue
        pid = int(name)
        try:
            if group == pid:
                os.killpg(pid, signal.SIGKILL)
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    time.sleep(0.05)
