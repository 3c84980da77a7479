"""Builds classes of submissions for the tiny fixture challenge, the way a download lays them
out: one folder or zip per student in ROOT."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from fixture_paths import SUBMISSIONS, TESTS, TINY_HOME

REFERENCE = TINY_HOME / "solutions" / "tiny" / "reference"
ATTACKS = TESTS / "hostile" / "attacks"
GRADE = Path(sys.executable).parent / "grade"


def add_folder(root: Path, name: str, source: Path, *, nested: str = "") -> Path:
    """ROOT/name holding the files of `source` (one level down, in `nested`, if given)."""
    target = root / name / nested if nested else root / name
    shutil.copytree(source, target, symlinks=True)
    return root / name


def add_zip(root: Path, name: str, source: Path, *, prefix: str = "") -> Path:
    archive = root / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                bundle.write(path, prefix + str(path.relative_to(source)))
    return archive


def submission(name: str) -> Path:
    """A fixture submission or attack by its folder name."""
    return ATTACKS / name if (ATTACKS / name).exists() else SUBMISSIONS / name


def journal_lines(out: Path) -> list[dict]:
    path = out / "results.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]


def grade_command(root: Path, out: Path, *extra: str) -> list[str]:
    return [str(GRADE), "batch", str(root), "--challenge", "tiny", "--out", str(out), *extra]


def grade_environment(scratch: Path) -> dict[str, str]:
    """The tiny challenge, and a temp folder of the test's own so leftovers can be seen."""
    scratch.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "GRADE_HOME": str(TINY_HOME), "TMPDIR": str(scratch), "COLUMNS": "120"}


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """In a process group of its own, so a test can Ctrl-C it as a terminal does (the group)."""
    return subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
