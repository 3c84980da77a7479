"""Progress kept per user: best scores, hints revealed, the next challenge; the state file itself."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from grader.catalog import Challenge, load_challenge
from grader.grading import grade_submission
from grader.progress import (
    ChallengeProgress,
    StudentProgress,
    load_progress,
    next_challenge,
    record_result,
    reveal_next_hint,
    state_path,
)
from grader.runtime import Runtime
from grader.scoring import Result

SUBMISSIONS = Path(__file__).resolve().parents[1] / "fixtures" / "submissions"
TINY_HOME = Path(__file__).resolve().parents[1] / "fixtures" / "home"


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "grade" / "state.json"


@pytest.fixture(scope="module")
def graded(runtime: Runtime) -> dict[str, Result]:
    """Real results of the tiny challenge, graded once for the module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADE_HOME", str(TINY_HOME))
        tiny = load_challenge("tiny")
        return {
            name: grade_submission(submission=folder, challenge=tiny, runtime=runtime)
            for name, folder in (("full", TINY_HOME / "solutions" / "tiny" / "reference"),
                                 ("seven", SUBMISSIONS / "unlocked"))
        }


@pytest.fixture
def full_marks(graded: dict[str, Result]) -> Result:
    return graded["full"]


@pytest.fixture
def seven_of_ten(graded: dict[str, Result]) -> Result:
    return graded["seven"]


def test_the_state_file_lives_in_the_xdg_state_folder_or_under_local_state_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert state_path() == tmp_path / "grade" / "state.json"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_path() == tmp_path / "home" / ".local" / "state" / "grade" / "state.json"
    monkeypatch.setenv("XDG_STATE_HOME", "relative/path")  # the spec says to ignore it
    assert state_path() == tmp_path / "home" / ".local" / "state" / "grade" / "state.json"


def test_no_state_file_means_nothing_graded_yet_and_reading_creates_nothing(state: Path) -> None:
    progress = load_progress()

    assert progress == StudentProgress()
    assert progress.of("tiny") == ChallengeProgress("tiny")
    assert not state.parent.exists()


def test_the_best_score_is_kept_when_a_later_grading_scores_less(
    state: Path, full_marks: Result, seven_of_ten: Result, tiny: Challenge
) -> None:
    record_result(seven_of_ten)
    assert load_progress().of("tiny").best_score == 7

    record_result(full_marks)
    record_result(seven_of_ten)

    progress = load_progress()
    assert progress.of("tiny") == ChallengeProgress("tiny", best_score=10, max_score=10, hints_revealed=0)
    assert progress.at_full_marks(tiny)
    assert json.loads(state.read_text())["challenges"]["tiny"]["best_score"] == 10


def test_hints_are_revealed_in_order_one_per_call_and_stop_at_the_last(state: Path, tiny: Challenge) -> None:
    first, second, third = (reveal_next_hint(tiny) for _ in range(3))

    assert first.hints == tiny.hints[:1] and first.newly_revealed and not first.exhausted
    assert second.hints == tiny.hints and second.newly_revealed and second.exhausted
    assert third.hints == tiny.hints and not third.newly_revealed and third.exhausted
    assert load_progress().of("tiny").hints_revealed == 2


def test_revealing_hints_keeps_the_best_score_and_grading_keeps_the_hints(
    state: Path, tiny: Challenge, seven_of_ten: Result
) -> None:
    record_result(seven_of_ten)
    reveal_next_hint(tiny)
    record_result(replace(seven_of_ten, score=8.0))

    assert load_progress().of("tiny") == ChallengeProgress("tiny", best_score=8, max_score=10, hints_revealed=1)


def test_the_next_challenge_is_the_first_in_list_order_not_at_full_marks(tiny: Challenge) -> None:
    first, second, third = (replace(tiny, id=name) for name in ("a", "b", "c"))
    progress = StudentProgress(challenges=(
        ChallengeProgress("b", best_score=10, max_score=10),
        ChallengeProgress("a", best_score=9, max_score=10),
    ))

    assert next_challenge((first, second, third), progress) == first
    assert next_challenge((second, third), progress) == third
    assert next_challenge((second,), progress) is None
    # Full marks are judged against the points the challenge is worth today.
    assert next_challenge((replace(second, groups=(*second.groups, *second.groups)),), progress) is not None


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(b"{not json", id="not-json"),
        pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
        pytest.param(b'{"version": 1, "challenges": {"tiny": {"best_score": "ten"}}}', id="wrong-types"),
        pytest.param(b'{"version": 1, "challenges": {"tiny": 3}}', id="wrong-shape"),
        pytest.param(b'{"version": 99, "challenges": {}}', id="unknown-version"),
        pytest.param(b"", id="empty"),
    ],
)
def test_an_unreadable_state_file_is_set_aside_said_once_and_progress_starts_fresh(
    state: Path, damage: bytes
) -> None:
    state.parent.mkdir(parents=True)
    state.write_bytes(damage)

    first = load_progress()
    again = load_progress()

    assert first.challenges == () and len(first.notes) == 1
    assert str(state) in first.notes[0] and "starts fresh" in first.notes[0]
    assert again == StudentProgress()
    assert state.with_name("state.json.unreadable").read_bytes() == damage


def test_recording_over_an_unreadable_file_saves_a_good_one_and_says_so(state: Path, seven_of_ten: Result) -> None:
    state.parent.mkdir(parents=True)
    state.write_text("{torn")

    recorded = record_result(seven_of_ten)

    assert len(recorded.notes) == 1 and "could not be read" in recorded.notes[0]
    assert load_progress() == StudentProgress(challenges=(ChallengeProgress("tiny", 7, 10, 0),))


def test_a_state_folder_that_cannot_be_written_costs_a_note_not_the_grading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full_marks: Result
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))

    recorded = record_result(full_marks)

    assert recorded.of("tiny").best_score == 10  # this run still knows
    assert len(recorded.notes) == 1 and "could not save your progress" in recorded.notes[0]


def test_concurrent_updates_from_many_threads_lose_none_and_leave_no_temporary_files(
    state: Path, seven_of_ten: Result
) -> None:
    barrier = threading.Barrier(16)

    def record(index: int) -> None:
        barrier.wait()
        record_result(replace(seven_of_ten, challenge=f"challenge-{index}", score=float(index)))

    threads = [threading.Thread(target=record, args=(index,)) for index in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    progress = load_progress()
    assert {entry.challenge: entry.best_score for entry in progress.challenges} == {
        f"challenge-{index}": index for index in range(16)
    }
    assert sorted(path.name for path in state.parent.iterdir()) == ["state.json", "state.json.lock"]
