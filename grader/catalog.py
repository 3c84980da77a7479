"""Catalog stage: load and check `challenges/<id>/challenge.toml` -> `Challenge`.

A challenge is data: metadata, point groups, limits, stress settings, static checks, hints,
support files and sandbox allowances. A group's pytest tests live in `tests/test_<group>.py`;
a group may also (or only) hold static checks. Loading refuses a manifest that is malformed or
holds a key it does not know, naming the file and the key. Every default lives here, once:
docs/authoring.md lists them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.errors import ChallengeError
from grader.manifest import FLAG, INTEGER, NUMBER, TABLE, TABLES, TEXT, TEXTS, Kind, check_table, read_manifest

SCHEMA_VERSION = 1
DIFFICULTIES = ("beginner", "intermediate", "advanced")
# What a challenge may grant its hidden suite (never the student's code) beyond the default.
ALLOWANCES = {
    "fresh-interpreter": "run a snippet in a fresh interpreter of the runtime, in the same sandbox",
}


@dataclass(frozen=True, slots=True)
class Group:
    """A requirement the statement names; its points are shared by its tests."""

    id: str
    title: str
    points: float
    hint: str


@dataclass(frozen=True, slots=True)
class StaticCheck:
    """A client file type-checked against the submission.

    Lines marked `# expect-error` must get a type error; every other line must get none.
    """

    name: str
    group: str
    file: Path
    description: str


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-submission limits; the challenge sets them, the instructor may raise them."""

    wall_seconds: float = 120.0
    test_seconds: float = 30.0
    memory_mb: int = 4096
    processes: int = 256
    file_size_mb: int = 16
    open_files: int = 256
    output_kb: int = 256


@dataclass(frozen=True, slots=True)
class Stress:
    """How hard the `stress` fixture pushes: threads released together, rounds repeated."""

    threads: int = 32
    rounds: int = 200


@dataclass(frozen=True, slots=True)
class Challenge:
    id: str
    title: str
    difficulty: str
    minutes: int | None  # roughly how long a student takes, for the path through the catalogue
    module: str
    requires_free_threading: bool
    groups: tuple[Group, ...]
    static_checks: tuple[StaticCheck, ...]
    limits: Limits
    stress: Stress
    hints: tuple[str, ...]
    allow: tuple[str, ...]
    root: Path

    @property
    def max_score(self) -> float:
        return sum(group.points for group in self.groups)

    @property
    def statement(self) -> Path:
        return self.root / "README.md"

    @property
    def tests_dir(self) -> Path:
        return self.root / "tests"

    @property
    def support_dir(self) -> Path:
        return self.root / "support"

    @property
    def support_files(self) -> tuple[Path, ...]:
        """Modules the suite relies on, copied over the submission's files of the same name."""
        if not self.support_dir.is_dir():
            return ()
        return tuple(
            path for path in sorted(self.support_dir.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts
        )

    @property
    def submission_file(self) -> str:
        return f"{self.module}.py"

    def group(self, group_id: str) -> Group:
        return next(group for group in self.groups if group.id == group_id)


# The home a wheel built by `grade dist` carries: challenges/ and starter/, never solutions/.
PACKAGED_HOME = Path(__file__).resolve().parent / "home"


def project_root() -> Path:
    """Where challenges/, starter/ and solutions/ live: $GRADE_HOME; else the packaged home
    when the grader was installed from `grade dist`'s wheel; else the source checkout."""
    configured = os.environ.get("GRADE_HOME")
    if configured:
        return Path(configured).resolve()
    if (PACKAGED_HOME / "challenges").is_dir():
        return PACKAGED_HOME
    return Path(__file__).resolve().parent.parent


def authoring_root() -> Path:
    """The home an author works in: never the packaged copy, which holds no answer key."""
    root = project_root()
    if root == PACKAGED_HOME:
        raise ChallengeError(
            "this grader was installed from a course's package, which holds no solutions: "
            "author and verify challenges in a grade checkout, or set GRADE_HOME to one"
        )
    return root


def challenges_dir() -> Path:
    return project_root() / "challenges"


def list_challenges() -> tuple[Challenge, ...]:
    """Every challenge, in the order of the path through them: beginner to advanced, shorter
    first within a level. `grade list` shows them so and `grade`'s next suggestion follows it."""
    root = challenges_dir()
    if not root.is_dir():
        raise ChallengeError(
            f"no challenges folder at {root}: set GRADE_HOME to a grade checkout, "
            "or install the grader your course publishes (built by `grade dist`)"
        )
    challenges = (load_challenge(path.parent.name) for path in root.glob("*/challenge.toml"))
    return tuple(sorted(challenges, key=_place_on_path))


def _place_on_path(challenge: Challenge) -> tuple[int, int, str]:
    level = DIFFICULTIES.index(challenge.difficulty) if challenge.difficulty in DIFFICULTIES else len(DIFFICULTIES)
    return level, challenge.minutes or 0, challenge.id


def load_challenge(challenge_id: str) -> Challenge:
    root = challenges_dir() / challenge_id
    manifest = root / "challenge.toml"
    if not manifest.is_file():
        known = ", ".join(sorted(p.parent.name for p in challenges_dir().glob("*/challenge.toml")))
        raise ChallengeError(
            f"unknown challenge {challenge_id!r}; known challenges: {known or 'none'} "
            "(see `grade list`)"
        )
    return _parse(read_manifest(manifest), root=root, manifest=manifest, challenge_id=challenge_id)


# Every key an author may write, and what it holds: docs/authoring.md documents each.
CHALLENGE_KEYS = {
    "schema": INTEGER,
    "title": TEXT,
    "difficulty": Kind(str, choices=DIFFICULTIES),
    "minutes": INTEGER,
    "module": TEXT,
    "requires_free_threading": FLAG,
    "hints": TEXTS,
    "limits": TABLE,
    "stress": TABLE,
    "sandbox": TABLE,
    "groups": TABLES,
    "static": TABLES,
}
GROUP_KEYS = {"id": TEXT, "title": TEXT, "points": NUMBER, "hint": TEXT}
STATIC_KEYS = {"name": TEXT, "group": TEXT, "file": TEXT, "description": TEXT}
LIMIT_KEYS = {
    name: NUMBER if field.type in ("float", float) else INTEGER
    for name, field in Limits.__dataclass_fields__.items()
}
STRESS_KEYS = {name: INTEGER for name in Stress.__dataclass_fields__}
SANDBOX_KEYS = {"allow": Kind(str, list_of=True, choices=tuple(ALLOWANCES))}


def _parse(data: dict[str, Any], *, root: Path, manifest: Path, challenge_id: str) -> Challenge:
    check_table(data, CHALLENGE_KEYS, manifest=manifest, required=("title", "module", "groups"))
    if data.get("schema", SCHEMA_VERSION) != SCHEMA_VERSION:
        raise ChallengeError(f"{manifest}: schema {data.get('schema')!r} is not supported")
    module = data["module"]
    if not module.isidentifier():
        raise ChallengeError(f"{manifest}: 'module' must be a Python module name, got {module!r}")

    groups = []
    for number, raw in enumerate(data["groups"], start=1):
        check_table(raw, GROUP_KEYS, manifest=manifest, where=f"[[groups]] #{number}",
                    required=("id", "title", "points"))
        if not raw["id"].isidentifier():
            raise ChallengeError(f"{manifest}: group id {raw['id']!r} must be a Python identifier "
                                 "(its tests live in tests/test_<id>.py)")
        if raw["points"] <= 0:
            raise ChallengeError(f"{manifest}: group {raw['id']!r} must be worth more than zero points")
        groups.append(Group(id=raw["id"], title=raw["title"], points=float(raw["points"]),
                            hint=raw.get("hint", "")))
    if not groups:
        raise ChallengeError(f"{manifest}: no [[groups]]: a challenge needs at least one")
    group_ids = [group.id for group in groups]
    if len(set(group_ids)) != len(group_ids):
        raise ChallengeError(f"{manifest}: group ids must be unique, got {group_ids}")

    static_checks = []
    for number, raw in enumerate(data.get("static", []), start=1):
        check_table(raw, STATIC_KEYS, manifest=manifest, where=f"[[static]] #{number}",
                    required=("name", "group", "file"))
        check = StaticCheck(name=raw["name"], group=raw["group"], file=root / raw["file"],
                            description=raw.get("description", ""))
        if check.group not in group_ids:
            raise ChallengeError(f"{manifest}: static check {check.name!r} names unknown group {check.group!r}")
        if not check.file.is_file():
            raise ChallengeError(f"{manifest}: static check {check.name!r}: {check.file} not found")
        static_checks.append(check)

    if not (root / "README.md").is_file():
        raise ChallengeError(f"{root / 'README.md'} is missing: every challenge needs its statement")
    _check_test_files(root, manifest, groups, static_checks)

    sections = {"limits": LIMIT_KEYS, "stress": STRESS_KEYS, "sandbox": SANDBOX_KEYS}
    for section, keys in sections.items():
        check_table(data.get(section, {}), keys, manifest=manifest, where=f"[{section}]")
    limits = Limits(**data.get("limits", {}))
    stress = Stress(**data.get("stress", {}))
    for name, value in (*data.get("limits", {}).items(), *data.get("stress", {}).items()):
        if value <= 0:
            raise ChallengeError(f"{manifest}: {name!r} must be more than zero, got {value!r}")
    challenge = Challenge(
        id=challenge_id,
        title=data["title"],
        difficulty=data.get("difficulty", ""),
        minutes=data.get("minutes"),
        module=module,
        requires_free_threading=data.get("requires_free_threading", True),
        groups=tuple(groups),
        static_checks=tuple(static_checks),
        limits=limits,
        stress=stress,
        hints=tuple(data.get("hints", ())),
        allow=tuple(dict.fromkeys(data.get("sandbox", {}).get("allow", ()))),
        root=root,
    )
    if challenge.submission_file in {path.name for path in challenge.support_files}:
        raise ChallengeError(
            f"{challenge.support_dir / challenge.submission_file}: a support file may not have the "
            "name of the student's module"
        )
    return challenge


def _check_test_files(
    root: Path, manifest: Path, groups: list[Group], static_checks: list[StaticCheck]
) -> None:
    """Every group is checked by something, and every test file belongs to a group."""
    group_ids = {group.id for group in groups}
    for group in groups:
        has_tests = (root / "tests" / f"test_{group.id}.py").is_file()
        has_static = any(check.group == group.id for check in static_checks)
        if not (has_tests or has_static):
            raise ChallengeError(
                f"{manifest}: group {group.id!r} has neither tests/test_{group.id}.py nor a static check"
            )
    for path in sorted((root / "tests").glob("test_*.py")):
        if path.stem.removeprefix("test_") not in group_ids:
            raise ChallengeError(
                f"{path}: no group {path.stem.removeprefix('test_')!r} in {manifest.name}: "
                f"tests live in tests/test_<group>.py, for groups {sorted(group_ids)}"
            )


def with_limits(challenge: Challenge, settings: Sequence[str]) -> Challenge:
    """The challenge with limits set from the command line (`KEY=VALUE`, e.g. wall_seconds=300).

    Limits come from the challenge and may be changed by whoever runs the grader, never by the
    submission: nothing the submission ships is read as configuration.
    """
    if not settings:
        return challenge
    fields = Limits.__dataclass_fields__
    values: dict[str, Any] = {}
    for setting in settings:
        key, _, raw = setting.partition("=")
        key = key.strip().replace("-", "_")
        if key not in fields:
            raise ChallengeError(f"--limit {setting!r}: unknown limit; known: {', '.join(fields)}")
        kind = float if fields[key].type in ("float", float) else int
        try:
            value = kind(raw)
        except ValueError:
            raise ChallengeError(f"--limit {setting!r}: {raw!r} is not a number") from None
        if value <= 0:
            raise ChallengeError(f"--limit {setting!r}: must be more than zero")
        values[key] = value
    return replace(challenge, limits=replace(challenge.limits, **values))
