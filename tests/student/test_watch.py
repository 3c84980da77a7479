"""The core of `grade watch`: which saves count, how saves during a grading coalesce, and what
changed between two gradings. Real files, real inotify, real gradings; no terminal."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from grader.catalog import load_challenge
from grader.grading import grade_submission
from grader.runtime import Runtime
from grader.scoring import Result
from grader.watch import SubmissionWatcher, compare_results, counts_as_save

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TINY_HOME = FIXTURES / "home"
# Far longer than the watcher's debounce, so every event of a burst has arrived by its end.
SETTLE_SECONDS = 2.0


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "tally.py").write_text("# v0\n")
    return folder


@pytest.mark.parametrize(
    "name",
    [".tally.py.swp", ".tally.py.swx", "tally.py~", ".#tally.py", "4913", "tally.py.tmp",
     "__pycache__/tally.cpython-313.pyc", ".mypy_cache/3.13/tally.data.json", ".git/index", ".grade.toml"],
)
def test_editor_scratch_files_and_folders_the_grader_never_copies_are_not_saves(tmp_path: Path, name: str) -> None:
    assert not counts_as_save(tmp_path / name, folder=tmp_path)


@pytest.mark.parametrize("name", ["tally.py", "helpers/util.py", "notes.txt", "data.json"])
def test_any_other_file_in_the_submission_folder_is_a_save(tmp_path: Path, name: str) -> None:
    assert counts_as_save(tmp_path / name, folder=tmp_path)


def test_when_watching_one_file_only_that_file_counts(tmp_path: Path) -> None:
    only = tmp_path / "tally.py"
    assert counts_as_save(only, folder=tmp_path, only=only)
    assert not counts_as_save(tmp_path / "other.py", folder=tmp_path, only=only)


def test_saves_made_while_the_caller_is_busy_come_back_as_one_batch(folder: Path) -> None:
    with SubmissionWatcher(folder) as watcher:
        for version in range(5):  # five saves while a grading would be running
            (folder / "tally.py").write_text(f"# v{version + 1}\n")
            (folder / "helpers.py").write_text(f"# v{version + 1}\n")
        time.sleep(SETTLE_SECONDS)

        batch = watcher.wait_for_save(timeout=SETTLE_SECONDS)
        after = watcher.wait_for_save(timeout=SETTLE_SECONDS)

    assert batch == (folder / "helpers.py", folder / "tally.py")
    assert after == (), "the saves made while busy asked for a second grading"


def test_editor_scratch_files_do_not_wake_the_watcher_but_the_save_after_them_does(folder: Path) -> None:
    with SubmissionWatcher(folder) as watcher:
        for name in (".tally.py.swp", "4913", "tally.py~", ".#tally.py", "tally.py.tmp"):
            (folder / name).write_text("scratch\n")
        (folder / "__pycache__").mkdir()
        (folder / "__pycache__" / "tally.cpython-313.pyc").write_bytes(b"\0")
        (folder / "tally.py").write_text("# saved\n")

        assert watcher.wait_for_save(timeout=30) == (folder / "tally.py",)


def test_a_save_by_writing_elsewhere_and_renaming_over_the_file_counts(folder: Path) -> None:
    with SubmissionWatcher(folder / "tally.py") as watcher:
        (folder / "tally.py.tmp").write_text("# renamed into place\n")
        os.replace(folder / "tally.py.tmp", folder / "tally.py")
        assert watcher.wait_for_save(timeout=30) == (folder / "tally.py",)

        # The watch survives the rename: the next save is seen too.
        (folder / "tally.py").write_text("# and again\n")
        assert watcher.wait_for_save(timeout=30) == (folder / "tally.py",)


def test_watching_one_file_ignores_saves_to_its_neighbours(folder: Path) -> None:
    with SubmissionWatcher(folder / "tally.py") as watcher:
        (folder / "neighbour.py").write_text("# not the submission\n")
        time.sleep(SETTLE_SECONDS)
        assert watcher.wait_for_save(timeout=SETTLE_SECONDS) == ()


# --- what changed between two gradings --------------------------------------------------------


@pytest.fixture(scope="module")
def unlocked_then_reference(runtime: Runtime) -> tuple[Result, Result]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADE_HOME", str(TINY_HOME))
        tiny = load_challenge("tiny")
        return (
            grade_submission(submission=FIXTURES / "submissions" / "unlocked", challenge=tiny, runtime=runtime),
            grade_submission(submission=TINY_HOME / "solutions" / "tiny" / "reference", challenge=tiny, runtime=runtime),
        )


def test_fixing_the_race_shows_the_thread_test_as_newly_passing(unlocked_then_reference: tuple[Result, Result]) -> None:
    unlocked, reference = unlocked_then_reference

    changes = compare_results(unlocked, reference)

    assert (changes.score_before, changes.score_after) == (7, 10)
    assert [(test.group, test.name) for test in changes.newly_passing] == [
        ("threads", "test_concurrent_adds_lose_nothing")
    ]
    assert changes.newly_failing == ()
    assert not changes.unchanged


def test_breaking_it_again_shows_the_thread_test_as_newly_failing(unlocked_then_reference: tuple[Result, Result]) -> None:
    unlocked, reference = unlocked_then_reference

    changes = compare_results(reference, unlocked)

    assert [(test.group, test.name) for test in changes.newly_failing] == [
        ("threads", "test_concurrent_adds_lose_nothing")
    ]
    assert changes.newly_passing == ()


def test_grading_the_same_code_again_is_no_change(unlocked_then_reference: tuple[Result, Result]) -> None:
    unlocked, _ = unlocked_then_reference

    assert compare_results(unlocked, unlocked).unchanged
