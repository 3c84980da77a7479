"""Batch stage: a class's submissions, one folder or zip per student -> gradebook, feedback, report.

Each submission is graded exactly as `grade submit` grades it (`grade_submission`), from a
private copy: a folder is copied and a zip extracted (safely, under caps) into a temporary
folder of its own, never graded in place (the sandbox shows a child only the system, the
interpreter and its own workspace, so no student's code reaches a classmate's files). Gradings
run in parallel on a thread pool (each already runs in child processes). Every result is journaled as it finishes (one JSON line,
fsynced), so a batch killed halfway resumes where it stopped; the gradebook and the report are
written atomically from the journal, never from Results held in memory. Prints nothing:
progress reaches the caller through `on_progress`.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import stat
import statistics
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import IO, Any, Self

from grader.catalog import Challenge
from grader.errors import ChallengeError, GradeError, SubmissionPathError
from grader.grading import grade_submission
from grader.report import gradebook, instructor
from grader.report.json_format import result_to_dict
from grader.runner import Status
from grader.runtime import Runtime
from grader.sandbox import SKIPPED_NAMES
from grader.scoring import Result

RESULTS_FILE = "results.jsonl"
GRADEBOOK_FILE = "gradebook.csv"
REPORT_FILE = "report.html"
FEEDBACK_DIR = "feedback"
# A private copy is capped well above what grading keeps (8 MB) so that cap, not this one,
# is what a student normally meets; this one only stops a zip bomb or a stray dataset.
MAX_STAGED_BYTES = 64 * 2**20
MAX_STAGED_FILES = 5_000
IGNORED_ENTRIES = {"__MACOSX", "Thumbs.db", "desktop.ini"}
NAME_PATTERNS = {
    # Moodle's "Download all submissions": `Full Name_12345_assignsubmission_file_`.
    "moodle": r"(?P<student>.+?)_\d+_assignsubmission_file_?",
}
_SURROGATE = re.compile("[\ud800-\udfff]")


class SubmissionStatus(StrEnum):
    """One word per student for the gradebook; `status_of` picks the most telling of those that apply."""

    FULL_MARKS = "full-marks"
    GRADED = "graded"             # scored, some points lost
    CRASHED = "crashed"           # a test or the import ended in an error
    TIMEOUT = "timeout"           # a test timed out, or the wall clock ran out
    TAMPERED = "tampered"         # evidence of tampering: scored zero
    ERROR = "error"               # the grader could not grade it: no score


@dataclass(frozen=True, slots=True)
class Submission:
    """One student's entry in ROOT; `slug` names the student's files (feedback/<slug>.md)."""

    student: str
    source: Path
    slug: str


@dataclass(frozen=True, slots=True)
class Plan:
    root: Path
    submissions: tuple[Submission, ...]
    skipped: tuple[str, ...]  # entries of ROOT that are not submissions, each with the reason


@dataclass(frozen=True, slots=True)
class Staged:
    """A student's private copy: the folder to grade, and what the copy left out."""

    folder: Path
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TestVerdict:
    __test__ = False  # a verdict, not a test class for pytest to collect

    group: str
    name: str
    status: str


@dataclass(frozen=True, slots=True)
class JournalRow:
    """The parts of one journal line that the gradebook, the summary and the report read."""

    student: str
    status: SubmissionStatus
    score: float | None
    max_score: float
    group_scores: tuple[tuple[str, float], ...]
    tests: tuple[TestVerdict, ...]
    duration_s: float
    feedback: str
    error: str

    @property
    def percent(self) -> float | None:
        if self.score is None:
            return None
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


@dataclass(frozen=True, slots=True)
class BatchSummary:
    students: int
    scored: int
    max_score: float
    mean: float | None
    median: float | None
    full_marks: int
    crashed: int
    timeouts: int
    tampered: int
    errors: int


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


def default_out(challenge_id: str) -> Path:
    return Path(f"grade-batch-{challenge_id}")


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


# --- planning: who is in ROOT ----------------------------------------------------------------


def plan_batch(
    root: Path,
    *,
    module_file: str,
    strip_prefix: str = "",
    name_pattern: str | None = None,
    out: Path | None = None,
) -> Plan:
    """One submission per folder or .zip in ROOT, named for its student.

    `strip_prefix` drops a GitHub Classroom `<assignment>-` prefix; `name_pattern` (a regex,
    or a name in NAME_PATTERNS) takes the name from its `student` group, or its first group,
    and skips entries it does not match. `out`, the batch's own folder, is never a student.
    """
    if not root.is_dir():
        raise SubmissionPathError(f"{root}: no such folder: pass the folder holding one folder or zip per student")
    if (root / module_file).is_file():
        raise GradeError(
            f"{root} holds {module_file} itself: it looks like one submission; "
            "grade it with `grade submit`, or pass the folder holding one folder per student"
        )
    pattern = _compile(name_pattern)
    submissions: list[Submission] = []
    skipped: list[str] = []
    sources: dict[str, Path] = {}
    slugs: set[str] = set()
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name in IGNORED_ENTRIES:
            continue
        if entry.is_symlink():
            skipped.append(f"{entry.name} (a symlink: not followed)")
            continue
        if out is not None and entry.resolve() == out.resolve():
            continue
        if entry.is_dir():
            base = entry.name
        elif entry.is_file() and entry.suffix.lower() == ".zip":
            base = entry.name[: -len(entry.suffix)]
        else:
            skipped.append(f"{entry.name} (neither a folder nor a .zip)")
            continue
        student = _student_name(_clean(base), strip_prefix, pattern)
        if not student:
            skipped.append(f"{entry.name} (does not match --name-pattern)")
            continue
        if student in sources:
            raise GradeError(
                f"two submissions are named {student!r}: {sources[student].name} and {entry.name}; "
                "remove one, or adjust --strip-prefix / --name-pattern"
            )
        sources[student] = entry
        slug = _unique_slug(student, slugs)
        submissions.append(Submission(student=student, source=entry.resolve(), slug=slug))
    if not submissions:
        raise GradeError(
            f"{root} holds no student folder or .zip"
            + (f" (skipped: {', '.join(skipped[:5])})" if skipped else "")
            + ": pass the folder holding one folder or zip per student"
        )
    return Plan(root=root.resolve(), submissions=tuple(submissions), skipped=tuple(skipped))


def _compile(name_pattern: str | None) -> re.Pattern[str] | None:
    if not name_pattern:
        return None
    try:
        return re.compile(NAME_PATTERNS.get(name_pattern, name_pattern))
    except re.error as exc:
        raise GradeError(f"--name-pattern {name_pattern!r} is not a valid regular expression: {exc}") from exc


def _student_name(base: str, strip_prefix: str, pattern: re.Pattern[str] | None) -> str | None:
    if strip_prefix and base.startswith(strip_prefix) and len(base) > len(strip_prefix):
        base = base[len(strip_prefix):]
    if pattern is None:
        return base
    match = pattern.match(base)
    if match is None:
        return None
    if "student" in pattern.groupindex:
        name = match.group("student")
    elif pattern.groups:
        name = match.group(1)
    else:
        name = match.group(0)
    return name.strip() or None


def _unique_slug(student: str, taken: set[str]) -> str:
    """A file name for the student's feedback: no separators, no leading dot, unique."""
    slug = re.sub(r"[^\w.-]+", "_", student).strip("._-")[:100] or "student"
    candidate, n = slug, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{slug}-{n}"
    taken.add(candidate.lower())
    return candidate


# --- staging: a private copy of one submission -----------------------------------------------


class StagingError(Exception):
    """The entry could not be copied or unpacked (a corrupt zip, an unreadable file)."""


def stage_submission(source: Path, *, into: Path, module_file: str) -> Staged:
    """Copy a folder or safely extract a zip into `into`; find the module there or one level down.

    Symlinks are never followed nor recreated, special files are left out, zip members that
    would land outside `into` are refused, and the copy is capped in size and file count.
    A folder holding no module but a single .zip (as an LMS download gives) is unpacked too.
    """
    budget = _Budget()
    copy = into / "submission"
    copy.mkdir(parents=True)
    if source.is_dir():
        _copy_folder(source, copy, budget)
    else:
        _extract_zip(source, copy, budget)
    folder = _find_module(copy, module_file, budget)
    if folder is None:
        archives = [path for path in copy.iterdir() if path.is_file() and path.suffix.lower() == ".zip"]
        if len(archives) == 1:
            unpacked = into / "unpacked"
            unpacked.mkdir()
            _extract_zip(archives[0], unpacked, budget)
            folder = _find_module(unpacked, module_file, budget)
    return Staged(folder=folder or copy, notes=budget.notes())


def _find_module(folder: Path, module_file: str, budget: _Budget) -> Path | None:
    if (folder / module_file).is_file():
        return folder
    holders = sorted(
        child for child in folder.iterdir()
        if child.is_dir() and not child.name.startswith(".") and child.name not in IGNORED_ENTRIES
        and (child / module_file).is_file()
    )
    if len(holders) == 1:
        return holders[0]
    if holders:
        budget.note(f"{module_file} is in several folders ({', '.join(h.name for h in holders)}): "
                    "put only one in the submission")
    return None


def _copy_folder(source: Path, target: Path, budget: _Budget) -> None:
    for directory, subdirectories, files in os.walk(source, followlinks=False):
        here = Path(directory)
        relative_dir = here.relative_to(source)
        subdirectories[:] = sorted(
            name for name in subdirectories
            if name not in SKIPPED_NAMES and name not in IGNORED_ENTRIES
            and not _skipped_link(here / name, relative_dir / name, budget)
        )
        for name in sorted(files):
            path, relative = here / name, relative_dir / name
            if name in SKIPPED_NAMES or _skipped_link(path, relative, budget):
                continue
            if not stat.S_ISREG(path.lstat().st_mode):
                budget.note(f"skipped {relative} (not a regular file)")
                continue
            if not budget.admit(relative, path.stat().st_size):
                continue
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            with path.open("rb") as reader, destination.open("wb") as writer:
                budget.copy(reader, writer, relative)


def _skipped_link(path: Path, relative: Path, budget: _Budget) -> bool:
    if path.is_symlink():
        budget.note(f"skipped {relative} (a symlink: not followed)")
        return True
    return False


def _extract_zip(archive_path: Path, target: Path, budget: _Budget) -> None:
    if archive_path.stat().st_size > MAX_STAGED_BYTES:
        raise StagingError(f"{archive_path.name} is over the {MAX_STAGED_BYTES // 2**20} MB a submission may hold")
    try:
        with zipfile.ZipFile(archive_path) as archive:
            for info in archive.infolist():
                relative = _safe_member(info.filename)
                if relative is None:
                    budget.note(f"skipped {info.filename!r} from the zip (it points outside the submission)")
                    continue
                if any(part in SKIPPED_NAMES or part in IGNORED_ENTRIES for part in relative.parts):
                    continue
                if info.is_dir():
                    continue
                kind = stat.S_IFMT(info.external_attr >> 16)
                if kind == stat.S_IFLNK:
                    budget.note(f"skipped {relative} (a symlink: not followed)")
                    continue
                if kind not in (0, stat.S_IFREG):
                    budget.note(f"skipped {relative} (not a regular file)")
                    continue
                if info.flag_bits & 0x1:
                    budget.note(f"skipped {relative} (encrypted)")
                    continue
                if not budget.admit(relative, info.file_size):
                    continue
                destination = target.joinpath(*relative.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as reader, destination.open("wb") as writer:
                    budget.copy(reader, writer, relative)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError) as exc:
        raise StagingError(f"{archive_path.name} could not be unpacked: {exc}") from exc


def _safe_member(name: str) -> PurePosixPath | None:
    """The member's path inside the submission, or None if it is absolute or climbs out."""
    cleaned = name.replace("\\", "/")
    if cleaned.startswith("/") or re.match(r"^[A-Za-z]:", cleaned) or "\x00" in cleaned:
        return None
    parts = [part for part in cleaned.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return PurePosixPath(*parts)


class _Budget:
    """What a private copy may still take, and what it left out (the first notes, then a count)."""

    MAX_NOTES = 20

    def __init__(self) -> None:
        self.bytes = 0
        self.files = 0
        self._notes: list[str] = []
        self._unsaid = 0

    def note(self, text: str) -> None:
        if len(self._notes) < self.MAX_NOTES:
            self._notes.append(text)
        else:
            self._unsaid += 1

    def notes(self) -> tuple[str, ...]:
        more = (f"... and {self._unsaid} more left out of the copy",) if self._unsaid else ()
        return (*self._notes, *more)

    def admit(self, relative: PurePosixPath | Path, size: int) -> bool:
        if self.files >= MAX_STAGED_FILES:
            self.note(f"skipped {relative} (over {MAX_STAGED_FILES} files)")
            return False
        if self.bytes + size > MAX_STAGED_BYTES:
            self.note(f"skipped {relative} (over the {MAX_STAGED_BYTES // 2**20} MB the copy may hold)")
            return False
        self.files += 1
        return True

    def copy(self, reader: IO[bytes], writer: IO[bytes], relative: PurePosixPath | Path) -> None:
        """Count what is really written: a zip member may lie about its size."""
        while chunk := reader.read(1 << 16):
            self.bytes += len(chunk)
            if self.bytes > MAX_STAGED_BYTES:
                raise StagingError(f"{relative} unpacks past the {MAX_STAGED_BYTES // 2**20} MB limit")
            writer.write(chunk)


# --- the journal ----------------------------------------------------------------------------


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
            _fsync_folder(path.parent)
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


# --- grading the class ----------------------------------------------------------------------


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
        _remove_leftovers(out)
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
        "source": _clean(submission.source.name),
        "feedback": f"{FEEDBACK_DIR}/{submission.slug}.md",
    }


def _record(entry: dict[str, Any], feedback: str, status: SubmissionStatus, out: Path) -> _Finished:
    """Write the feedback; the journal line is written by the caller, and commits the student."""
    write_atomically(out / entry["feedback"], lambda stream: stream.write(_clean(feedback)))
    return _Finished(student=entry["student"], status=status, line=_clean(json.dumps(entry, ensure_ascii=False)))


def _clean(text: str) -> str:
    """Every file the batch writes is UTF-8: a lone surrogate (an undecodable file name, or a
    message a submission crafted) becomes U+FFFD instead of stopping the write."""
    return _SURROGATE.sub("\ufffd", text)


def status_of(result: Result) -> SubmissionStatus:
    statuses = {test.status for test in result.tests}
    if result.tampered:
        return SubmissionStatus.TAMPERED
    if statuses & {Status.TIMEOUT, Status.NOT_RUN}:
        return SubmissionStatus.TIMEOUT
    if Status.ERROR in statuses:
        return SubmissionStatus.CRASHED
    if result.passed:
        return SubmissionStatus.FULL_MARKS
    return SubmissionStatus.GRADED


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


# --- what the batch leaves: summary, gradebook, report -----------------------------------------


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


def write_outputs(*, out: Path, challenge: Challenge) -> None:
    """gradebook.csv and report.html from the journal, each replaced whole or not at all."""
    journal = out / RESULTS_FILE
    write_atomically(
        out / GRADEBOOK_FILE,
        lambda stream: gradebook.write_gradebook(_sorted_rows(journal), challenge, stream),
    )
    write_atomically(
        out / REPORT_FILE,
        lambda stream: instructor.write_report(
            rows=lambda: _sorted_rows(journal), summary=summarize(journal), challenge=challenge, stream=stream,
        ),
    )


def _sorted_rows(journal: Path) -> Iterator[JournalRow]:
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


def write_atomically(path: Path, write: Callable[[IO[str]], object]) -> None:
    """Write to a temporary file beside `path`, fsync it, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_leftovers(out: Path) -> None:
    """Temporary files that a killed batch left half-written beside its outputs."""
    for leftover in (*out.glob(".*.tmp"), *(out / FEEDBACK_DIR).glob(".*.tmp")):
        leftover.unlink(missing_ok=True)
