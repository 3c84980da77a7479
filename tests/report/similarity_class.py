"""A class of backend-patterns submissions for `grade similarity`, laid out as a download is:
a folder per student, one as a zip, one with the module a folder down; and the command run on it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from fixture_paths import FIXTURES, REPO

CLASS = FIXTURES / "similarity" / "backend-patterns"
REFERENCE = REPO / "solutions" / "backend-patterns" / "reference" / "patterns.py"
STARTER = REPO / "starter" / "backend-patterns" / "patterns.py"
GRADE = Path(sys.executable).parent / "grade"
PLANTED = {"ada", "bob"}
STUDENTS = ("ada", "bob", "chen", "dana", "emil", "fatima", "reference")


def build_class(root: Path) -> Path:
    """ROOT with the fixtures' students and the reference solution as a student named `reference`."""
    root.mkdir(parents=True)
    for student in sorted(path.name for path in CLASS.iterdir() if path.is_dir()):
        module = CLASS / student / "patterns.py"
        if student == "bob":
            with zipfile.ZipFile(root / "bob.zip", "w") as archive:
                archive.write(module, "patterns.py")
        elif student == "chen":
            add_module(root, "chen", module.read_text(), nested="lab3")
        else:
            add_module(root, student, module.read_text())
    add_module(root, "reference", REFERENCE.read_text())
    return root


def add_module(root: Path, student: str, code: str, *, nested: str = "") -> Path:
    folder = root / student / nested if nested else root / student
    folder.mkdir(parents=True)
    (folder / "patterns.py").write_text(code, encoding="utf-8")
    return folder


def copy_of(student: str) -> str:
    return (CLASS / student / "patterns.py").read_text()


def run_similarity(*args: str, cwd: Path | None = None, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "COLUMNS": "200"}
    return subprocess.run([str(GRADE), "similarity", *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300, check=False)
