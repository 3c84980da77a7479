"""The answer key (references and mutants under solutions/) looked for in an archive a student
or Gradescope receives: by path, and by content, whatever name a file was given."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from fixture_paths import TINY_HOME


def home_with_an_answer_key(target: Path) -> Path:
    """A copy of the tiny home whose reference and mutant differ from its starter (the fixture's
    reference is its starter, so it would prove nothing)."""
    shutil.copytree(TINY_HOME, target)
    solutions = target / "solutions" / "tiny"
    reference = (solutions / "reference" / "tally.py").read_text(encoding="utf-8")
    (solutions / "reference" / "tally.py").write_text(reference + "\n# the reference: answer key 7f3c\n")
    mutant = solutions / "mutants" / "no-lock"
    mutant.mkdir(parents=True)
    (mutant / "tally.py").write_text(reference.replace("with self._lock:", "if True:") + "\n# mutant 7f3c\n")
    (mutant / "mutant.toml").write_text('bug = "adds without the lock"\nloses = ["threads"]\n')
    return target


def answer_key(home: Path) -> dict[str, bytes]:
    """Every solution file under `home`, but those the challenge or its starter ship anyway
    (a support module the reference carries a copy of is no secret)."""
    shipped = {
        path.read_bytes()
        for part in ("challenges", "starter")
        for path in (home / part).rglob("*")
        if path.is_file()
    }
    return {
        str(path.relative_to(home)): data
        for path in sorted((home / "solutions").rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and (data := path.read_bytes()) not in shipped
    }


def answer_key_leaks(archive: Path, home: Path) -> list[str]:
    """What of `home`'s answer key is in `archive`, by path or by content; empty if nothing."""
    key = answer_key(home)
    assert key, f"no answer key under {home}: the check would prove nothing"
    leaks = []
    with zipfile.ZipFile(archive) as opened:
        for name in opened.namelist():
            parts = name.split("/")
            if {"solutions", "mutants", "reference"} & set(parts) or parts[-1] == "mutant.toml":
                leaks.append(f"{name}: a path of the answer key")
                continue
            data = opened.read(name)
            leaks += [f"{name}: holds {source}" for source, secret in key.items() if secret.strip() and secret in data]
    return leaks
