"""Python code as copydetect compares it: tokens filtered (names to V, F and O, strings to S,
comments and spaces dropped), fingerprinted by winnowing, and two fingerprints overlapped.

The filtering rules are copydetect's own (`copydetect.utils.filter_code`), written here to keep,
for every filtered character, the span of the source it came from: copydetect's offsets map a
region that ends at a class name to the wrong place, and its boilerplate removal keeps a repeated
k-gram's other copies. Hashing, winnowing and the copied slices are copydetect's. Imports numpy.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
# Neither ships type information.
from copydetect.utils import get_copied_slices, hashed_kgrams, winnow  # type: ignore[import-untyped]
from pygments import token  # type: ignore[import-untyped]
from pygments.lexers.python import PythonLexer  # type: ignore[import-untyped]

_VARIABLES = {token.Name, token.Name.Variable, token.Name.Attribute}
_NO_SLICES = np.zeros((2, 0), dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Filtered:
    """The filtered text, and for each of its characters the source token [start, end) it comes from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The k-grams kept, as arrays: where each starts in the filtered text, and its hash."""

    k: int
    length: int              # characters of filtered text
    starts: np.ndarray       # sorted
    hashes: np.ndarray       # hashes[i] is the hash of the k-gram at starts[i]
    unique: np.ndarray       # the distinct hashes, sorted
    coverage: int            # filtered characters some k-gram covers: a similarity's denominator

    @classmethod
    def of(cls, k: int, length: int, starts: np.ndarray, hashes: np.ndarray) -> Fingerprint:
        covered = np.zeros(length + k, dtype=bool)
        for offset in range(k):
            covered[starts + offset] = True
        return cls(k=k, length=length, starts=starts, hashes=hashes, unique=np.unique(hashes),
                   coverage=int(covered[:length].sum()))

    @property
    def digests(self) -> set[int]:
        return set(self.unique.tolist())

    def without(self, digests: Collection[int]) -> Fingerprint:
        if not digests:
            return self
        kept = ~np.isin(self.hashes, np.fromiter(digests, dtype=np.int64, count=len(digests)))
        return Fingerprint.of(self.k, self.length, self.starts[kept], self.hashes[kept])


@dataclass(frozen=True, slots=True)
class Match:
    similarity_first: float
    similarity_second: float
    shared_chars: int
    first: np.ndarray    # [starts, ends] of the first file's filtered text found in the second
    second: np.ndarray


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
        empty = np.zeros(0, dtype=np.int64)
        return Fingerprint.of(k, len(filtered.text), empty, empty)
    hashes, starts = winnow(hashed_kgrams(filtered.text, k), window, remove_duplicates=False)
    order = np.argsort(starts, kind="stable")
    whole = Fingerprint.of(k, len(filtered.text), starts[order].astype(np.int64), hashes[order].astype(np.int64))
    return whole.without(given)


def fingerprint_set(texts: Iterable[str], k: int) -> set[int]:
    """Every k-gram hash of the texts (no winnowing: all of the given code is left out)."""
    digests: set[int] = set()
    for text in texts:
        digests |= fingerprint(Filtered(text=text, starts=(), ends=()), k, 1).digests
    return digests


def compare(first: Fingerprint, second: Fingerprint) -> Match:
    """copydetect's `compare_files`, on fingerprints: each side's share of its covered text that
    is found in the other. (Its `find_fingerprint_overlap`, as arrays: the same k-grams.)"""
    where_first = first.starts[_found_in(first.hashes, second.unique)]
    if not len(where_first):
        return Match(0.0, 0.0, 0, _NO_SLICES, _NO_SLICES)
    where_second = second.starts[_found_in(second.hashes, first.unique)]
    slices_first = get_copied_slices(where_first, first.k)
    slices_second = get_copied_slices(where_second, second.k)
    overlap_first = int(np.sum(slices_first[1] - slices_first[0]))
    overlap_second = int(np.sum(slices_second[1] - slices_second[0]))
    return Match(
        similarity_first=overlap_first / (first.coverage or 1),
        similarity_second=overlap_second / (second.coverage or 1),
        shared_chars=min(overlap_first, overlap_second),
        first=slices_first,
        second=slices_second,
    )


def _found_in(hashes: np.ndarray, unique: np.ndarray) -> np.ndarray:
    """Which of `hashes` are among the sorted `unique` (np.isin, three times faster on files this size)."""
    if not len(unique):
        return np.zeros(len(hashes), dtype=bool)
    at = np.searchsorted(unique, hashes)
    at[at == len(unique)] = 0
    return unique[at] == hashes


def raw_regions(filtered: Filtered, slices: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Filtered-text slices ([starts, ends]) as ranges of the source, merged where they meet."""
    regions: list[tuple[int, int]] = []
    for start, end in sorted(zip(slices[0].tolist(), slices[1].tolist())):
        if end <= start:
            continue
        raw = (filtered.starts[start], filtered.ends[min(end, len(filtered.ends)) - 1])
        if regions and raw[0] <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], raw[1]))
        else:
            regions.append(raw)
    return tuple(regions)
