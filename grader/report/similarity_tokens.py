"""Python code as copydetect compares it: tokens filtered (names to V, F and O, strings to S,
comments and spaces dropped), fingerprinted by winnowing, and two fingerprints overlapped.

The filtering rules are copydetect's own (`copydetect.utils.filter_code`), written here to keep,
for every filtered character, the span of the source it came from: copydetect's offsets map a
region that ends at a class name to the wrong place, and its boilerplate removal keeps a repeated
k-gram's other copies. Hashing, winnowing and the overlap are copydetect's. Imports numpy.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
# Neither ships type information.
from copydetect.utils import (  # type: ignore[import-untyped]
    find_fingerprint_overlap,
    get_copied_slices,
    get_document_fingerprints,
)
from pygments import token  # type: ignore[import-untyped]
from pygments.lexers.python import PythonLexer  # type: ignore[import-untyped]

_VARIABLES = {token.Name, token.Name.Variable, token.Name.Attribute}


@dataclass(frozen=True, slots=True)
class Filtered:
    """The filtered text, and for each of its characters the source token [start, end) it comes from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    k: int
    positions: dict[int, list[int]]      # each fingerprint's hash -> where its k-grams start
    digests: frozenset[int]
    coverage: int                        # filtered characters some k-gram covers: a similarity's denominator
    length: int                          # characters of filtered text

    @classmethod
    def of(cls, k: int, length: int, positions: dict[int, list[int]]) -> Fingerprint:
        covered = np.zeros(length, dtype=bool)
        for starts in positions.values():
            for start in starts:
                covered[start:start + k] = True
        return cls(k=k, positions=positions, digests=frozenset(positions), coverage=int(covered.sum()), length=length)

    def without(self, digests: Collection[int]) -> Fingerprint:
        if not digests:
            return self
        kept = {digest: starts for digest, starts in self.positions.items() if digest not in digests}
        return Fingerprint.of(self.k, self.length, kept)


@dataclass(frozen=True, slots=True)
class Match:
    similarity_first: float
    similarity_second: float
    shared_chars: int
    first: tuple[tuple[int, int], ...]   # filtered-text ranges of the first file found in the second
    second: tuple[tuple[int, int], ...]


def filter_python(code: str) -> Filtered:
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def emit(chars: str, start: int, end: int) -> None:
        # Every character stands for its whole token, so a region never starts or ends mid-word.
        text.append(chars)
        starts.extend([start] * len(chars))
        ends.extend([end] * len(chars))

    lexer = PythonLexer(stripnl=False, ensurenl=False)
    for index, kind, value in lexer.get_tokens_unprocessed(code):
        end = index + len(value)
        if kind in _VARIABLES:
            emit("V", index, end)
        elif kind in token.Name.Function:
            emit("F", index, end)
        elif kind in token.Name.Class:
            emit("O", index, end)
        elif kind == token.Comment.Preproc or kind == token.Comment.Hashbang:
            emit("P", index, end)
        elif kind in token.Text or kind in token.Comment:
            continue
        elif kind in token.Literal.String:
            emit('"' if value in ("'", '"') else "S", index, end)
        elif value:
            emit(value, index, end)
    return Filtered(text="".join(text), starts=tuple(starts), ends=tuple(ends))


def fingerprint(filtered: Filtered, k: int, window: int, given: Collection[int] = ()) -> Fingerprint:
    """Winnowed k-gram hashes of the filtered text, less those of the code handed out (`given`)."""
    if len(filtered.text) < k:
        return Fingerprint.of(k, len(filtered.text), {})
    _, positions = get_document_fingerprints(filtered.text, k, window)
    whole = {int(digest): [int(at) for at in starts] for digest, starts in positions.items()}
    return Fingerprint.of(k, len(filtered.text), whole).without(given)


def fingerprint_set(texts: Iterable[str], k: int) -> set[int]:
    """Every k-gram hash of the texts (no winnowing: all of the given code is left out)."""
    digests: set[int] = set()
    for text in texts:
        digests |= fingerprint(Filtered(text=text, starts=(), ends=()), k, 1).digests
    return digests


def compare(first: Fingerprint, second: Fingerprint) -> Match:
    """copydetect's `compare_files`, on fingerprints: each side's share of its covered text that
    is found in the other."""
    if not first.digests & second.digests:
        return Match(0.0, 0.0, 0, (), ())
    where_first, where_second = find_fingerprint_overlap(
        first.digests, second.digests, first.positions, second.positions,
    )
    slices_first = get_copied_slices(where_first, first.k)
    slices_second = get_copied_slices(where_second, second.k)
    overlap_first = int(np.sum(slices_first[1] - slices_first[0]))
    overlap_second = int(np.sum(slices_second[1] - slices_second[0]))
    return Match(
        similarity_first=overlap_first / (first.coverage or 1),
        similarity_second=overlap_second / (second.coverage or 1),
        shared_chars=min(overlap_first, overlap_second),
        first=_ranges(slices_first),
        second=_ranges(slices_second),
    )


def raw_regions(filtered: Filtered, ranges: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Filtered-text ranges as ranges of the source, merged where they meet."""
    regions: list[tuple[int, int]] = []
    for start, end in ranges:
        if end <= start:
            continue
        raw = (filtered.starts[start], filtered.ends[min(end, len(filtered.ends)) - 1])
        if regions and raw[0] <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], raw[1]))
        else:
            regions.append(raw)
    return tuple(regions)


def _ranges(slices: np.ndarray) -> tuple[tuple[int, int], ...]:
    return tuple(sorted((int(start), int(end)) for start, end in zip(slices[0], slices[1])))
