"""Student workspaces: `grade start` copies the starter and marks the folder with its challenge.

The mark is a small `.grade.toml` in the folder, so `grade submit` inside it needs no
`--challenge`. The hidden suite is never copied here.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from grader.catalog import Challenge, project_root
from grader.errors import StarterError

MARKER = ".grade.toml"
PASS_CHALLENGE = "pass --challenge ID (see `grade list`)"
CACHE_NAMES = {"__pycache__", ".mypy_cache", ".pytest_cache"}


def starter_dir(challenge: Challenge) -> Path:
    return project_root() / "starter" / challenge.id


def start_challenge(challenge: Challenge, target: Path, *, force: bool = False) -> tuple[Path, ...]:
    """Copy the starter files, and the challenge's support files the student's code runs
    against (the grader's driver, say), into `target`; refuse to overwrite unless `force`."""
    source = starter_dir(challenge)
    if not source.is_dir():
        raise StarterError(f"challenge {challenge.id!r} ships no starter at {source}")
    if target.exists() and not target.is_dir():
        raise StarterError(f"{target} is a file: pass a folder to start the challenge in")
    files = {
        path.relative_to(source): path for path in sorted(source.rglob("*"))
        if path.is_file() and not CACHE_NAMES.intersection(path.relative_to(source).parts)
        and path.suffix != ".pyc"
    }
    for path in challenge.support_files:
        files.setdefault(path.relative_to(challenge.support_dir), path)
    clashes = [target / relative for relative in files if (target / relative).exists()]
    if clashes and not force:
        names = ", ".join(str(path) for path in clashes)
        raise StarterError(f"{names} already exists: pass --force to overwrite, or pick another folder")
    copied = []
    for relative, path in files.items():
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        copied.append(destination)
    (target / MARKER).write_text(f'challenge = "{challenge.id}"\n', encoding="utf-8")
    return tuple(copied)


def workspace_challenge(path: Path) -> str | None:
    """The challenge a folder was started for, if `grade start` marked it."""
    folder = path if path.is_dir() else path.parent
    marker = folder / MARKER
    if not marker.is_file():
        return None
    try:
        value = tomllib.loads(marker.read_text(encoding="utf-8")).get("challenge")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        raise StarterError(f"{marker} is damaged: delete it and pass --challenge ID") from None
    return value if isinstance(value, str) else None


def marked_challenge(path: Path, *, otherwise: str = PASS_CHALLENGE, where: str | None = None) -> str:
    """The challenge `grade start` marked `path`'s folder with; if none, a StarterError naming
    `where` (default: the path) and saying what to do `otherwise`."""
    marked = workspace_challenge(path)
    if marked is None:
        raise StarterError(f"{where or path} was not started with `grade start`: {otherwise}")
    return marked
