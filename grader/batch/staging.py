"""A student's private copy: a folder copied, or a zip extracted safely, into a folder of its own.

A submission is never graded in place (the sandbox shows a child only the system, the
interpreter and its own workspace, so no student's code reaches a classmate's files).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from grader.batch.plan import IGNORED_ENTRIES
from grader.sandbox import SKIPPED_NAMES

# A private copy is capped well above what grading keeps (8 MB) so that cap, not this one,
# is what a student normally meets; this one only stops a zip bomb or a stray dataset.
MAX_STAGED_BYTES = 64 * 2**20
MAX_STAGED_FILES = 5_000


@dataclass(frozen=True, slots=True)
class Staged:
    """A student's private copy: the folder to grade, and what the copy left out."""

    folder: Path
    notes: tuple[str, ...]


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
