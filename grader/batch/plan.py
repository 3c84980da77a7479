"""Planning a batch: who is in ROOT. One submission per folder or .zip, named for its student."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from grader.errors import GradeError, SubmissionPathError
from grader.utf8 import clean_text

IGNORED_ENTRIES = {"__MACOSX", "Thumbs.db", "desktop.ini"}
NAME_PATTERNS = {
    # Moodle's "Download all submissions": `Full Name_12345_assignsubmission_file_`.
    "moodle": r"(?P<student>.+?)_\d+_assignsubmission_file_?",
}


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
        student = _student_name(clean_text(base), strip_prefix, pattern)
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
