"""Static checks run mypy on the challenge's client files against a copy of the submission."""

import shutil

from fixture_paths import SUBMISSIONS
from grader.outcomes import Status
from grader.static import check_types, seed_cache


def test_a_typed_submission_passes_the_client_check(tiny, tiny_reference):
    (outcome,) = check_types(tiny, tiny_reference)
    assert outcome.nodeid == "static::add_takes_int"
    assert outcome.status is Status.PASSED, outcome.message


def test_an_untyped_submission_fails_because_the_expected_error_is_missing(tiny, tiny_reference, tmp_path):
    source = (tiny_reference / "tally.py").read_text().replace("n: int", "n").replace(" -> int", "")
    (tmp_path / "tally.py").write_text(source)
    (outcome,) = check_types(tiny, tmp_path)
    assert outcome.status is Status.FAILED
    assert 'line 4 `Tally().add("one")` should be a type error' in outcome.message


def test_errors_inside_the_submission_itself_do_not_count(tiny, tiny_reference, tmp_path):
    source = (tiny_reference / "tally.py").read_text() + "\nunused: int = 'not an int'\n"
    (tmp_path / "tally.py").write_text(source)
    (outcome,) = check_types(tiny, tmp_path)
    assert outcome.status is Status.PASSED, outcome.message


def test_a_syntax_error_makes_the_check_an_error_with_the_line(tiny, tmp_path):
    shutil.copy(SUBMISSIONS / "syntax-error" / "tally.py", tmp_path / "tally.py")
    (outcome,) = check_types(tiny, tmp_path)
    assert outcome.status is Status.ERROR
    assert "tally.py:3" in outcome.message


def test_a_mypy_config_shipped_with_the_submission_is_ignored(tiny, tiny_reference, tmp_path):
    shutil.copy(tiny_reference / "tally.py", tmp_path / "tally.py")
    (tmp_path / "mypy.ini").write_text("[mypy]\nignore_errors = True\nplugins = evil\n")
    (outcome,) = check_types(tiny, tmp_path)
    assert outcome.status is Status.PASSED, outcome.message


def test_each_check_starts_from_a_copy_of_the_standard_library_cache(tiny, tiny_reference, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADE_CACHE", str(tmp_path / "cache"))
    seed = seed_cache()
    assert seed is not None and any(seed.rglob("*"))
    before = {path: path.read_bytes() for path in seed.rglob("*") if path.is_file()}
    (outcome,) = check_types(tiny, tiny_reference)
    assert outcome.status is Status.PASSED, outcome.message
    assert {path: path.read_bytes() for path in seed.rglob("*") if path.is_file()} == before


def test_where_no_cache_can_be_built_the_check_runs_cold_with_the_same_verdict(tiny, tiny_reference, tmp_path,
                                                                              monkeypatch):
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder would be")
    monkeypatch.setenv("GRADE_CACHE", str(not_a_folder))
    assert seed_cache() is None
    (outcome,) = check_types(tiny, tiny_reference)
    assert outcome.status is Status.PASSED, outcome.message
