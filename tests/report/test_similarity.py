"""`grade similarity` on a class of the real backend-patterns challenge: the planted pair (one
solution copied with its names changed and its parts reordered) is found, the solutions written
independently are not, and the code the challenge hands out counts for nothing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from copydetect.utils import filter_code

from grader.batch.plan import plan_batch
from grader.catalog import load_challenge
from grader.grading import grade_submission
from grader.report.similarity import (
    DEFAULT_THRESHOLD,
    MAX_LISTED,
    Settings,
    Similarity,
    Source,
    compare_sources,
    find_similar,
    given_code,
)
from grader.report.similarity_tokens import filter_python
from similarity_class import (
    CLASS,
    PLANTED,
    REFERENCE,
    STARTER,
    STUDENTS,
    add_module,
    build_class,
    copy_of,
    run_similarity,
)

@pytest.fixture(scope="module")
def challenge():
    return load_challenge("backend-patterns")


@pytest.fixture(scope="module")
def found(tmp_path_factory, challenge) -> Similarity:
    root = build_class(tmp_path_factory.mktemp("similarity") / "class")
    return find_similar(plan_batch(root, module_file=challenge.submission_file), challenge)


def scores_by_pair(found: Similarity, given: dict[str, str] | None = None) -> dict[frozenset[str], float]:
    """Every pair's score, compared again with nothing held back from the list."""
    everything = compare_sources(
        found.sources, challenge=found.challenge, given=given_code(found.challenge) if given is None else given,
        settings=Settings(threshold=0, min_shared_chars=0),
    )
    assert everything.not_listed == 0 and len(everything.pairs) == everything.pairs_compared
    return {frozenset((pair.first.source.student, pair.second.source.student)): pair.score for pair in everything.pairs}


def test_every_student_is_read_whether_folder_zip_or_nested(found):
    assert tuple(source.student for source in found.sources) == STUDENTS
    assert found.unread == ()
    paths = {source.student: source.path for source in found.sources}
    assert paths["bob"] == "patterns.py" and paths["chen"] == "lab3/patterns.py"


def test_the_planted_pair_is_found_above_the_threshold(found):
    assert [{pair.first.source.student, pair.second.source.student} for pair in found.pairs] == [PLANTED]
    pair = found.pairs[0]
    assert pair.first.similarity > 0.9 and pair.second.similarity > 0.9


def test_solutions_written_independently_stay_below_the_threshold(found):
    independent = {pair: score for pair, score in scores_by_pair(found).items() if pair != PLANTED}
    assert len(independent) == 20
    assert max(independent.values()) < DEFAULT_THRESHOLD, sorted(independent.items(), key=lambda item: -item[1])[:3]


def test_the_marked_regions_are_the_copied_code_on_both_sides(found):
    pair = found.pairs[0]
    for side in (pair.first, pair.second):
        code = side.source.code
        assert list(side.regions) == sorted(side.regions)
        assert all(0 <= start < end <= len(code) for start, end in side.regions)
        assert all(a[1] < b[0] for a, b in zip(side.regions, side.regions[1:]))
        marked = "".join(code[start:end] for start, end in side.regions)
        # The singleton's body, renamed in bob's copy, is marked in both files.
        assert ".data = {}" in marked and "super().__new__(cls)" in marked
        # Every region starts and ends on a token, not inside a word.
        for start, end in side.regions:
            assert not (start > 0 and in_word(code[start - 1]) and in_word(code[start]))
            assert not (end < len(code) and in_word(code[end - 1]) and in_word(code[end]))


def in_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def test_a_copy_saved_with_windows_line_endings_is_found_and_marked_where_it_matches(tmp_path, challenge):
    root = tmp_path / "class"
    add_module(root, "ada", copy_of("ada"))
    (add_module(root, "bob", "") / "patterns.py").write_bytes(("\ufeff" + copy_of("bob")).replace("\n", "\r\n").encode())
    found = find_similar(plan_batch(root, module_file=challenge.submission_file), challenge)
    [pair] = found.pairs
    bob = pair.second
    assert "\r" not in bob.source.code and not bob.source.code.startswith("\ufeff")
    marked = "".join(bob.source.code[start:end] for start, end in bob.regions)
    assert "obj.data = {}" in marked


def test_the_starter_handed_out_counts_for_nothing(tmp_path, challenge):
    """Two students who submit the starter untouched share all of their code, and none of it is theirs."""
    root = tmp_path / "class"
    for student in ("ann", "ben"):
        add_module(root, student, STARTER.read_text())
    found = find_similar(plan_batch(root, module_file=challenge.submission_file), challenge)
    assert found.pairs == () and found.spread == (1, 0, 0, 0, 0, 0, 0, 0, 0, 0) and found.common_fingerprints == 0
    assert list(scores_by_pair(found).values()) == [0.0]
    assert list(scores_by_pair(found, {}).values()) == [1.0]  # the same files, with nothing left out


def test_two_barely_started_files_are_not_listed_though_they_agree(tmp_path, challenge):
    """The lines the statement forces on everyone (the exact `draw` texts, a discount) are all
    two barely started files hold: identical, and no evidence of anything."""
    started = STARTER.read_text()
    for shape in ("circle", "rectangle", "triangle"):
        started = started.replace(f'raise NotImplementedError("{shape.capitalize()}.draw")', f'return "Drawing a {shape}."')
    started = started.replace('raise NotImplementedError("no_discount")', "return price")
    started = started.replace('raise NotImplementedError("sale_discount")', "return price * 0.9")
    root = tmp_path / "class"
    add_module(root, "ann", started)
    add_module(root, "ben", started)
    found = find_similar(plan_batch(root, module_file=challenge.submission_file), challenge)
    assert list(scores_by_pair(found).values()) == [1.0] and found.pairs == ()


@pytest.mark.parametrize(("twins", "copies_listed"), [(6, True), (7, False)])
def test_code_is_taken_as_common_only_when_more_than_half_the_class_shares_it(
    tmp_path, challenge, twins, copies_listed,
):
    """Two students are never "most of the class": the planted pairs are found whatever the rest
    share. A solution copied by more than half of the class is taken as common code and hidden,
    which docs/similarity.md states as a limit."""
    root = build_class(tmp_path / "class")
    for n in range(twins):
        add_module(root, f"twin-{n}", REFERENCE.read_text())
    add_module(root, "zoe", copy_of("emil").replace("OnlyOne", "JustOne").replace("listener", "watcher"))
    found = find_similar(plan_batch(root, module_file=challenge.submission_file), challenge)
    listed = {frozenset((pair.first.source.student, pair.second.source.student)) for pair in found.pairs}
    assert frozenset(PLANTED) in listed and frozenset({"emil", "zoe"}) in listed
    copies = 1 + twins
    assert (copies > len(found.sources) / 2) is not copies_listed
    assert (frozenset({"reference", "twin-0"}) in listed) is copies_listed


def test_a_class_of_copies_lists_the_highest_pairs_and_counts_the_rest(challenge):
    """A low threshold over a large class could list more pairs than anyone can read (or a page
    can hold): the page keeps the highest MAX_LISTED and says how many more there are."""
    students = 2 + int((2 * MAX_LISTED) ** 0.5)  # enough that the pairs outnumber the cap
    sources = [Source(f"s{n:02d}", f"s{n:02d}", "patterns.py", copy_of("ada").replace("made", f"made_{n}"))
               for n in range(students)]
    found = compare_sources(sources, challenge=challenge, given=given_code(challenge),
                            settings=Settings(threshold=0, min_shared_chars=0, common_share=1.0))
    assert found.pairs_compared == students * (students - 1) // 2 > MAX_LISTED
    assert len(found.pairs) == MAX_LISTED and found.not_listed == found.pairs_compared - MAX_LISTED
    assert sum(found.spread) == found.pairs_compared


def test_the_filter_is_copydetects_own():
    for path in (*CLASS.glob("*/patterns.py"), REFERENCE, STARTER):
        code = path.read_text()
        assert filter_python(code).text == filter_code(code, str(path))[0], path


def test_what_the_challenge_hands_out_includes_the_statements_code(challenge):
    given = given_code(challenge)
    assert list(given) == ["starter/patterns.py", "the statement and hints"]
    assert "cls._instance = super().__new__(cls)" in given["the statement and hints"]


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(path.name for path in CLASS.iterdir() if path.is_dir()))
def test_every_fixture_solution_is_correct(tmp_path, runtime, challenge, student):
    """The independent solutions are correct ones (a class of wrong answers proves little)."""
    add_module(tmp_path, student, copy_of(student))
    result = grade_submission(submission=tmp_path / student, challenge=challenge, runtime=runtime)
    assert result.score == result.max_score, [(t.name, t.message) for t in result.tests if t.status != "passed"]


def test_the_command_module_does_not_import_numpy_until_it_runs():
    """Every `grade` command imports the command modules; numpy alone takes tenths of a second to import."""
    probe = "import sys, grader.cli.similarity; print(sorted({'numpy', 'copydetect'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_command_writes_the_page_and_json_beside_the_batch_report_by_default(tmp_path):
    root = build_class(tmp_path / "class")
    done = run_similarity(str(root), "-c", "backend-patterns", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "grade-batch-backend-patterns"
    record = json.loads((out / "similarity.json").read_text())
    assert [{pair["first"]["student"], pair["second"]["student"]} for pair in record["pairs"]] == [PLANTED]
    assert record["compared"] == list(STUDENTS) and record["pairs_compared"] == 21 == sum(record["spread"])
    assert "side by side" in (out / "similarity.html").read_text()
    assert "ada" in done.stdout and "bob" in done.stdout


def test_the_json_keeps_its_keys(tmp_path):
    """similarity.json is read by programs: its schema changes only with its version."""
    root = build_class(tmp_path / "class")
    assert run_similarity(str(root), "-c", "backend-patterns", "-o", str(tmp_path / "out")).returncode == 0
    record = json.loads((tmp_path / "out" / "similarity.json").read_text())
    assert record["schema"] == 1
    assert list(record) == ["schema", "challenge", "settings", "compared", "not_compared", "left_out",
                            "common_fingerprints", "pairs_compared", "spread", "pairs_not_listed", "pairs"]
    assert list(record["settings"]) == ["threshold", "noise_chars", "guarantee_chars", "min_shared_chars",
                                        "common_share"]
    pair = record["pairs"][0]
    assert list(pair) == ["score", "shared_chars", "first", "second"]
    assert list(pair["first"]) == ["student", "file", "similarity", "lines"]
    assert all(1 <= first <= last for first, last in pair["first"]["lines"])


def test_the_scores_do_not_depend_on_the_hash_seed(tmp_path):
    root = build_class(tmp_path / "class")
    records = []
    for seed in ("1", "2"):
        done = run_similarity(str(root), "-c", "backend-patterns", "-o", str(tmp_path / seed), "-t", "0", seed=seed)
        assert done.returncode == 0, done.stderr
        records.append(json.loads((tmp_path / seed / "similarity.json").read_text())["pairs"])
    assert len(records[0]) >= 4 and records[0] == records[1]


def test_a_lower_threshold_lists_more_pairs(tmp_path):
    root = build_class(tmp_path / "class")
    done = run_similarity(str(root), "-c", "backend-patterns", "-o", str(tmp_path / "out"), "--threshold", "0.2")
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "out" / "similarity.json").read_text())
    assert len(record["pairs"]) > 1 and all(pair["score"] >= 0.2 for pair in record["pairs"])
    assert [pair["score"] for pair in record["pairs"]] == sorted((pair["score"] for pair in record["pairs"]), reverse=True)


def test_a_class_of_one_has_nothing_to_compare(tmp_path):
    root = tmp_path / "class"
    add_module(root, "ada", copy_of("ada"))
    done = run_similarity(str(root), "-c", "backend-patterns", "-o", str(tmp_path / "out"))
    assert done.returncode == 0
    assert "nothing to compare" in done.stderr and "(ada)" in done.stderr
    assert not (tmp_path / "out").exists()


def test_an_unreadable_submission_is_named_and_the_rest_compared(tmp_path):
    root = build_class(tmp_path / "class")
    (root / "kim.zip").write_bytes(b"not a zip")
    (root / "lee").mkdir()
    (root / "lee" / "notes.txt").write_text("no module here")
    add_module(root, "max", "")
    (root / "max" / "patterns.py").write_bytes(b"# caf\xe9 in Latin-1\n")
    done = run_similarity(str(root), "-c", "backend-patterns", "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "not compared: kim" in done.stderr and "not compared: lee (no patterns.py" in done.stderr
    record = json.loads((tmp_path / "out" / "similarity.json").read_text())
    assert [entry.split(" ")[0] for entry in record["not_compared"]] == ["kim", "lee", "max"]
    assert "max (patterns.py is not UTF-8 text)" in record["not_compared"]
    assert len(record["compared"]) == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{root}", "-c", "no-such-challenge"], "unknown challenge 'no-such-challenge'"),
        (["{missing}", "-c", "backend-patterns"], "no such folder"),
    ],
    ids=["unknown-challenge", "missing-root"],
)
def test_a_usage_error_is_one_line_and_exit_2(tmp_path, args, message):
    root = build_class(tmp_path / "class")
    done = run_similarity(*(arg.format(root=root, missing=tmp_path / "missing") for arg in args))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in done.stderr
