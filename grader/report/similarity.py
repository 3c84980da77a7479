"""Which submissions are suspiciously alike: every pair of a class compared by winnowed
fingerprints (copydetect, MOSS's algorithm), with the code the challenge hands out left out.

Takes a batch's Plan and its challenge; returns a frozen `Similarity` (the pairs above the
threshold, with the matching regions of both files, and every pair's score for the spread).
Reads each submission's module through the batch's staging (the same caps, zip members kept
inside); never runs student code. A score is a lead for a person to read, not a verdict.
"""

from __future__ import annotations

import heapq
import math
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.batch.plan import Plan
from grader.batch.staging import StagingError, stage_submission
from grader.catalog import Challenge
from grader.starter import starter_dir

# Chosen from the scores of tests/fixtures/similarity (see docs/similarity.md): a run of 30
# filtered characters is about one line of Python once names become V, F and O.
NOISE_CHARS = 30
# Every k-gram is a fingerprint (window 1, so guarantee = noise): files are short, and the
# result then does not depend on which hashes a window happens to pick.
GUARANTEE_CHARS = NOISE_CHARS
DEFAULT_THRESHOLD = 0.5
# Code that more than half of the class shares (and at least three submissions) is treated as
# given, as MOSS's -m does: it is what the statement and the hints lead everyone to write.
COMMON_SHARE = 0.5
COMMON_AT_LEAST = 3
# A pair that shares less than this many filtered characters (about ten lines) is not listed,
# whatever its score: two barely started files agree on little but the few lines forced on them.
MIN_SHARED_CHARS = 300
MAX_SOURCE_BYTES = 1 << 20
# The page shows this many pairs at most, side by side; a lower threshold on a large class could
# otherwise list hundreds of thousands. The ones left out are counted.
MAX_LISTED = 200
SPREAD_BINS = 10
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Source:
    """One student's module as it will be compared: `path` is where it sat in the submission."""

    student: str
    slug: str
    path: str
    code: str


@dataclass(frozen=True, slots=True)
class Side:
    """One file of a pair: how much of it is found in the other, and where (character ranges)."""

    source: Source
    similarity: float
    regions: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Pair:
    first: Side
    second: Side
    shared_chars: int  # filtered characters the two have in common (the smaller side's count)

    @property
    def score(self) -> float:
        return max(self.first.similarity, self.second.similarity)


@dataclass(frozen=True, slots=True)
class Settings:
    threshold: float = DEFAULT_THRESHOLD
    noise_chars: int = NOISE_CHARS
    guarantee_chars: int = GUARANTEE_CHARS
    min_shared_chars: int = MIN_SHARED_CHARS
    common_share: float = COMMON_SHARE


@dataclass(frozen=True, slots=True)
class Similarity:
    challenge: Challenge
    settings: Settings
    sources: tuple[Source, ...]
    unread: tuple[str, ...]        # students whose module could not be read, each with why
    boilerplate: tuple[str, ...]   # what was left out as given: the starter's files, the statement
    common_fingerprints: int       # fingerprints found in so much of the class they were left out
    pairs: tuple[Pair, ...]        # listed pairs, highest score first (MAX_LISTED at most)
    not_listed: int                # pairs that qualified beyond MAX_LISTED
    pairs_compared: int
    spread: tuple[int, ...]        # how many pairs scored in each tenth: [0, 0.1), ..., [0.9, 1]


def read_sources(plan: Plan, *, module_file: str) -> tuple[tuple[Source, ...], tuple[str, ...]]:
    """Each student's module, read from a private copy made as `grade batch` makes one; and the
    students whose module could not be read, each with the reason."""
    sources: list[Source] = []
    unread: list[str] = []
    with tempfile.TemporaryDirectory(prefix="grade-similarity-") as scratch:
        for submission in plan.submissions:
            into = Path(scratch) / submission.slug
            try:
                found = _read_module(submission.source, into=into, module_file=module_file)
            finally:
                shutil.rmtree(into, ignore_errors=True)  # one copy on disk at a time
            if isinstance(found, str):
                unread.append(f"{submission.student} ({found})")
            else:
                code, path = found
                sources.append(Source(student=submission.student, slug=submission.slug, path=path, code=code))
    return tuple(sources), tuple(unread)


def _read_module(source: Path, *, into: Path, module_file: str) -> tuple[str, str] | str:
    """The module's text and where it sat in the submission; or why it could not be read."""
    try:
        staged = stage_submission(source, into=into, module_file=module_file)
    except (StagingError, OSError) as exc:
        return str(exc)
    module = staged.folder / module_file
    if not module.is_file():
        return "; ".join(staged.notes) or f"no {module_file} in {source.name}"
    if module.stat().st_size > MAX_SOURCE_BYTES:
        return f"{module_file} is over {MAX_SOURCE_BYTES >> 20} MB"
    try:
        code = module.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return f"{module_file} is not UTF-8 text"
    where = module.relative_to(into).parts[1:]  # below the copy's own folder
    return _normalized(code), str(Path(*where))


def given_code(challenge: Challenge) -> dict[str, str]:
    """What every student was handed, by where it came from: the starter's Python files, and the
    code in the statement and the hints (fenced blocks and `inline` spans)."""
    given: dict[str, str] = {}
    starter = starter_dir(challenge)
    for path in sorted(starter.rglob("*.py")) if starter.is_dir() else ():
        given[f"starter/{path.relative_to(starter)}"] = _normalized(path.read_text(encoding="utf-8"))
    texts = [challenge.statement.read_text(encoding="utf-8")] if challenge.statement.is_file() else []
    snippets = [block for text in texts for block in re.findall(r"```[^\n]*\n(.*?)```", text, re.DOTALL)]
    snippets += [span for text in (*texts, *challenge.hints) for span in re.findall(r"`([^`\n]+)`", text)]
    if snippets:
        given["the statement and hints"] = "\n".join(snippets)
    return given


def compare_sources(
    sources: Sequence[Source],
    *,
    challenge: Challenge,
    given: dict[str, str],
    settings: Settings = Settings(),
    unread: tuple[str, ...] = (),
) -> Similarity:
    """Every pair of `sources` compared; the pairs at or above the threshold listed."""
    from grader.report import similarity_tokens as tokens  # numpy and copydetect: slow to import

    k = settings.noise_chars
    window = settings.guarantee_chars - k + 1
    filtered = [tokens.filter_python(source.code) for source in sources]
    handed_out = tokens.fingerprint_set((tokens.filter_python(code).text for code in given.values()), k)
    prints = [tokens.fingerprint(text, k, window, handed_out) for text in filtered]
    seen_in = Counter(digest for print_ in prints for digest in print_.digests)
    at_least = max(COMMON_AT_LEAST, math.floor(len(sources) * settings.common_share) + 1)
    common = {digest for digest, count in seen_in.items() if count >= at_least}
    prints = [print_.without(common) for print_ in prints]

    # The best MAX_LISTED qualifying pairs, in a min-heap; every score only counted into the
    # spread, so a class of any size costs the memory of those few.
    best: list[tuple[float, int, int, tokens.Match]] = []
    qualified = 0
    spread = [0] * SPREAD_BINS
    for i in range(len(sources)):
        for j in range(i + 1, len(sources)):
            match = tokens.compare(prints[i], prints[j])
            score = max(match.similarity_first, match.similarity_second)
            spread[min(SPREAD_BINS - 1, int(score * SPREAD_BINS + 1e-9))] += 1
            if score >= settings.threshold and match.shared_chars >= settings.min_shared_chars:
                qualified += 1
                # Negated, so that of equal scores the later pair leaves first; (score, i, j) is
                # unique, so the Match is never compared.
                entry = (score, -i, -j, match)
                if len(best) < MAX_LISTED:
                    heapq.heappush(best, entry)
                else:
                    heapq.heappushpop(best, entry)
    pairs = [
        Pair(
            first=Side(sources[-minus_i], match.similarity_first, tokens.raw_regions(filtered[-minus_i], match.first)),
            second=Side(sources[-minus_j], match.similarity_second,
                        tokens.raw_regions(filtered[-minus_j], match.second)),
            shared_chars=match.shared_chars,
        )
        for _, minus_i, minus_j, match in best
    ]
    pairs.sort(key=lambda pair: (-pair.score, pair.first.source.student, pair.second.source.student))
    count = len(sources)
    return Similarity(
        challenge=challenge, settings=settings, sources=tuple(sources), unread=unread, boilerplate=tuple(given),
        common_fingerprints=len(common), pairs=tuple(pairs), not_listed=qualified - len(pairs),
        pairs_compared=count * (count - 1) // 2, spread=tuple(spread),
    )


def find_similar(plan: Plan, challenge: Challenge, settings: Settings = Settings()) -> Similarity:
    """Read the class's modules and compare every pair (see `compare_sources`)."""
    sources, unread = read_sources(plan, module_file=challenge.submission_file)
    return compare_sources(sources, challenge=challenge, given=given_code(challenge), settings=settings, unread=unread)


def _normalized(code: str) -> str:
    """One newline convention, no byte-order mark: the offsets of regions are into this text."""
    return code.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def similarity_record(found: Similarity) -> dict[str, object]:
    """The JSON beside the page: the listed pairs, their scores and regions (1-based lines)."""

    def side(item: Side) -> dict[str, object]:
        code = item.source.code
        lines = [[code.count("\n", 0, start) + 1, code.count("\n", 0, max(start, end - 1)) + 1]
                 for start, end in item.regions]
        return {"student": item.source.student, "file": item.source.path,
                "similarity": round(item.similarity, 4), "lines": lines}

    return {
        "schema": SCHEMA_VERSION,
        "challenge": found.challenge.id,
        "settings": {
            "threshold": found.settings.threshold, "noise_chars": found.settings.noise_chars,
            "guarantee_chars": found.settings.guarantee_chars,
            "min_shared_chars": found.settings.min_shared_chars, "common_share": found.settings.common_share,
        },
        "compared": [source.student for source in found.sources],
        "not_compared": list(found.unread),
        "left_out": list(found.boilerplate),
        "common_fingerprints": found.common_fingerprints,
        "pairs_compared": found.pairs_compared,
        "spread": list(found.spread),
        "pairs_not_listed": found.not_listed,
        "pairs": [
            {"score": round(pair.score, 4), "shared_chars": pair.shared_chars,
             "first": side(pair.first), "second": side(pair.second)}
            for pair in found.pairs
        ],
    }
