"""`grade new`: a challenge's folders, laid out so that `grade verify` can take over.

It writes the smallest challenge that loads and grades: a manifest with one group, a statement
with TODO marks, one hidden test, a starter, and a reference. It writes no mutant on purpose:
`grade verify` then says, check by check, what the author still owes (docs/authoring.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import authoring_root
from grader.errors import ChallengeError

CHALLENGE_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Scaffold:
    challenge_id: str
    files: tuple[Path, ...]


def scaffold_challenge(challenge_id: str, *, module: str, title: str) -> Scaffold:
    """Write the folders of a new challenge under the grader's home; refuse to overwrite."""
    if not CHALLENGE_ID.fullmatch(challenge_id):
        raise ChallengeError(
            f"{challenge_id!r} is not a challenge id: use lower-case words joined by dashes, "
            "e.g. object-pool"
        )
    if not module.isidentifier():
        raise ChallengeError(f"--module {module!r}: must be a Python module name, e.g. pool")
    home = authoring_root()
    folders = [home / part / challenge_id for part in ("challenges", "starter", "solutions")]
    taken = [str(folder) for folder in folders if folder.exists()]
    if taken:
        raise ChallengeError(f"{', '.join(taken)} already exists: pick another id")
    files = {
        f"challenges/{challenge_id}/challenge.toml": MANIFEST.format(title=title, module=module),
        f"challenges/{challenge_id}/README.md": STATEMENT.format(title=title, module=module),
        f"challenges/{challenge_id}/tests/test_basics.py": TEST.format(module=module),
        f"starter/{challenge_id}/{module}.py": STARTER,
        f"solutions/{challenge_id}/reference/{module}.py": REFERENCE,
    }
    written = []
    for relative, text in files.items():
        path = home / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return Scaffold(challenge_id, tuple(written))


MANIFEST = '''\
# Every key is described in docs/authoring.md; an unknown key is an error.
schema = 1
title = "{title}"
difficulty = "beginner"           # beginner | intermediate | advanced
minutes = 30                      # roughly how long a student takes
module = "{module}"                # the student writes {module}.py
requires_free_threading = true     # a verdict on a GIL build is marked as no verdict
hints = [
  "TODO: the first hint `grade hint` reveals; later ones say more.",
]

[limits]                          # defaults: docs/authoring.md
wall_seconds = 60
test_seconds = 10

[stress]                          # what the `stress` fixture uses
threads = 16
rounds = 100

# [sandbox]
# allow = ["fresh-interpreter"]    # the hidden suite may start a fresh interpreter

[[groups]]                        # tests in tests/test_basics.py
id = "basics"
title = "The answer is right"
points = 10
hint = "TODO: shown under every failing test of this group"
'''

STATEMENT = '''\
# {title}

TODO: the story: what the student builds and why it breaks under load.

## What to write

`{module}.py` provides `answer() -> int`, which returns 42.

## How it is graded

| group | points | what is checked |
|---|---:|---|
| The answer is right | 10 | `answer()` returns 42 |
'''

TEST = '''\
"""The answer is right: each test checks one thing the statement promises."""


def test_answer_returns_forty_two(submission):
    assert submission.answer() == 42, "answer() should return 42"
'''

STARTER = '''\
"""TODO: what the student starts from: the API with its docstrings, no solution."""


def answer() -> int:
    """Return 42."""
    raise NotImplementedError("TODO")
'''

REFERENCE = '''\
"""The reference solution: full marks, every run. Comment the choices a student must make."""


def answer() -> int:
    return 42
'''
