"""Catalog stage: load and check `challenges/<id>/challenge.toml` -> `Challenge`.

A challenge is data: metadata, point groups, limits, stress settings, static checks and hints.
A group's pytest tests live in `tests/test_<group>.py`; a group may also (or only) hold static
checks. Loading refuses a manifest that is malformed, naming the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.errors import ChallengeError

SCHEMA_VERSION = 1


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
    threads: int = 32
    rounds: int = 200


@dataclass(frozen=True, slots=True)
class Challenge:
    id: str
    title: str
    difficulty: str
    module: str
    requires_free_threading: bool
    groups: tuple[Group, ...]
    static_checks: tuple[StaticCheck, ...]
    limits: Limits
    stress: Stress
    hints: tuple[str, ...]
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
    def submission_file(self) -> str:
        return f"{self.module}.py"

    def group(self, group_id: str) -> Group:
        return next(group for group in self.groups if group.id == group_id)


def project_root() -> Path:
    """Where challenges/, starter/ and solutions/ live: $GRADE_HOME or the source checkout."""
    configured = os.environ.get("GRADE_HOME")
    return Path(configured).resolve() if configured else Path(__file__).resolve().parent.parent


def challenges_dir() -> Path:
    return project_root() / "challenges"


def list_challenges() -> tuple[Challenge, ...]:
    root = challenges_dir()
    if not root.is_dir():
        raise ChallengeError(f"no challenges folder at {root}: set GRADE_HOME to the grade checkout")
    return tuple(
        load_challenge(path.parent.name)
        for path in sorted(root.glob("*/challenge.toml"))
    )


def load_challenge(challenge_id: str) -> Challenge:
    root = challenges_dir() / challenge_id
    manifest = root / "challenge.toml"
    if not manifest.is_file():
        known = ", ".join(sorted(p.parent.name for p in challenges_dir().glob("*/challenge.toml")))
        raise ChallengeError(
            f"unknown challenge {challenge_id!r}; known challenges: {known or 'none'} "
            "(see `grade list`)"
        )
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ChallengeError(f"{manifest}: not valid TOML: {exc}") from exc
    return _parse(data, root=root, manifest=manifest, challenge_id=challenge_id)


def _parse(data: dict[str, Any], *, root: Path, manifest: Path, challenge_id: str) -> Challenge:
    def need(table: dict[str, Any], key: str, kind: type, where: str = "") -> Any:
        value = table.get(key)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise ChallengeError(
                f"{manifest}: {where}{key!r} must be a {kind.__name__}, got {value!r}"
            )
        return value

    if data.get("schema", SCHEMA_VERSION) != SCHEMA_VERSION:
        raise ChallengeError(f"{manifest}: schema {data.get('schema')!r} is not supported")

    groups = tuple(
        Group(
            id=need(raw, "id", str, "groups: "),
            title=need(raw, "title", str, "groups: "),
            points=float(need(raw, "points", (int, float), "groups: ")),  # type: ignore[arg-type]
            hint=str(raw.get("hint", "")),
        )
        for raw in data.get("groups", [])
    )
    if not groups:
        raise ChallengeError(f"{manifest}: no [[groups]]: a challenge needs at least one")
    group_ids = {group.id for group in groups}

    static_checks = []
    for raw in data.get("static", []):
        check = StaticCheck(
            name=need(raw, "name", str, "static: "),
            group=need(raw, "group", str, "static: "),
            file=root / need(raw, "file", str, "static: "),
            description=str(raw.get("description", "")),
        )
        if check.group not in group_ids:
            raise ChallengeError(f"{manifest}: static check {check.name!r} names unknown group {check.group!r}")
        if not check.file.is_file():
            raise ChallengeError(f"{manifest}: static check {check.name!r}: {check.file} not found")
        static_checks.append(check)

    if not (root / "README.md").is_file():
        raise ChallengeError(f"{root / 'README.md'} is missing: every challenge needs its statement")
    for group in groups:
        has_tests = (root / "tests" / f"test_{group.id}.py").is_file()
        has_static = any(check.group == group.id for check in static_checks)
        if not (has_tests or has_static):
            raise ChallengeError(
                f"{manifest}: group {group.id!r} has neither tests/test_{group.id}.py nor a static check"
            )

    limits = Limits(**_known(data.get("limits", {}), Limits, manifest, "limits"))
    stress = Stress(**_known(data.get("stress", {}), Stress, manifest, "stress"))
    return Challenge(
        id=challenge_id,
        title=need(data, "title", str),
        difficulty=str(data.get("difficulty", "")),
        module=need(data, "module", str),
        requires_free_threading=bool(data.get("requires_free_threading", True)),
        groups=groups,
        static_checks=tuple(static_checks),
        limits=limits,
        stress=stress,
        hints=tuple(str(hint) for hint in data.get("hints", [])),
        root=root,
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


def _known(table: dict[str, Any], kind: type, manifest: Path, section: str) -> dict[str, Any]:
    allowed = set(kind.__dataclass_fields__)
    unknown = set(table) - allowed
    if unknown:
        raise ChallengeError(
            f"{manifest}: [{section}] has unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}"
        )
    return table
