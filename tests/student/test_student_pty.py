"""End to end: `grade watch`, `grade hint` and the dashboard, driven through a real pty.

The fixtures (spawn, unlocked_folder, ...) come from this folder's conftest.py, the terminal
from tests/grade_pty.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from fixture_paths import SUBMISSIONS, TINY_HOME
from grade_pty import Spawn

REFERENCE = TINY_HOME / "solutions" / "tiny" / "reference" / "tally.py"
NEWLY_PASSING = "newly passing: threads › test_concurrent_adds_lose_nothing"


def overwrite(target: Path, source: Path) -> None:
    """Save the way an editor that writes in place does."""
    target.write_bytes(source.read_bytes())


# --- grade watch ------------------------------------------------------------------------------


def test_watch_grades_on_start_and_again_on_save_naming_the_newly_passing_test(
    spawn: Spawn, unlocked_folder: Path
) -> None:
    watch = spawn("watch", "--challenge", "tiny", cwd=unlocked_folder)
    watch.expect("Ctrl-C to stop")
    first = watch.screen
    assert "Total: 7/10" in first, watch.describe()
    assert "not full marks yet" in first, watch.describe()
    assert "newly passing" not in first, watch.describe()

    overwrite(unlocked_folder / "tally.py", REFERENCE)
    watch.expect("after saving tally.py")

    second = watch.screen
    assert "Total: 10/10" in second, watch.describe()
    assert "Total: 7/10" not in second, "the screen was not cleared before the new scorecard"
    assert "Since the last run: 7 → 10 points" in second, watch.describe()
    assert NEWLY_PASSING in second, watch.describe()
    assert "newly failing" not in second, watch.describe()
    # Full marks on the only challenge of the fixture catalog: nothing left to suggest.
    assert "every challenge is done" in second, watch.describe()
    assert "Traceback" not in watch.raw
    watch.interrupt()
    assert watch.finish().exitstatus == 0


def test_watch_names_the_newly_failing_test_when_a_save_breaks_it(spawn: Spawn, tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copyfile(REFERENCE, folder / "tally.py")
    watch = spawn("watch", folder / "tally.py", "--challenge", "tiny", cwd=tmp_path)
    watch.expect("Ctrl-C to stop")
    assert "Total: 10/10" in watch.screen, watch.describe()

    overwrite(folder / "tally.py", SUBMISSIONS / "unlocked" / "tally.py")
    watch.expect("after saving tally.py")

    screen = watch.screen
    assert "Total: 7/10" in screen, watch.describe()
    assert "newly failing: threads › test_concurrent_adds_lose_nothing" in screen, watch.describe()
    watch.interrupt()
    assert watch.finish().exitstatus == 0


def test_ctrl_c_while_watching_exits_zero_with_one_goodbye_line_and_no_traceback(
    spawn: Spawn, unlocked_folder: Path
) -> None:
    watch = spawn("watch", "--challenge", "tiny", cwd=unlocked_folder)
    watch.expect("Ctrl-C to stop")
    watch.interrupt()

    assert watch.finish().exitstatus == 0, watch.describe()
    after = watch.screen.split("Ctrl-C to stop", 1)[1]
    lines = [line.removeprefix("^C") for line in after.splitlines() if line.strip()]  # the terminal echoes ^C
    assert lines == ["Stopped watching work; best so far on tiny: 7/10."], watch.describe()
    assert "Traceback" not in watch.raw, watch.describe()


def test_ctrl_c_during_a_grading_in_watch_also_exits_zero_without_a_traceback(
    spawn: Spawn, unlocked_folder: Path
) -> None:
    watch = spawn("watch", "--challenge", "tiny", cwd=unlocked_folder)
    watch.expect(r"grading")
    watch.interrupt()

    assert watch.finish().exitstatus == 0, watch.describe()
    assert "Stopped watching" in watch.screen, watch.describe()
    assert "Traceback" not in watch.raw, watch.describe()


def test_watching_a_folder_not_started_with_grade_start_asks_for_the_challenge(
    spawn: Spawn, unlocked_folder: Path
) -> None:
    watch = spawn("watch", cwd=unlocked_folder)

    assert watch.finish().exitstatus == 2, watch.describe()
    lines = [line for line in watch.screen.splitlines() if line.strip()]
    assert len(lines) == 1 and "--challenge" in lines[0], watch.describe()


# --- grade hint -------------------------------------------------------------------------------


def test_hints_are_revealed_one_at_a_time_in_order_across_runs_then_run_out(spawn: Spawn, tmp_path: Path) -> None:
    screens = []
    for _ in range(3):
        hint = spawn("hint", "tiny", cwd=tmp_path)
        assert hint.finish().exitstatus == 0, hint.describe()
        screens.append(hint.screen)

    first, second, third = screens
    assert "1. Guard the increment with a lock." in first
    assert "Read-modify-write" not in first
    assert "grade hint tiny again" in first

    assert "1. Guard the increment with a lock." in second
    assert "2. Read-modify-write is three steps." in second
    assert second.index("1. Guard") < second.index("2. Read-modify-write")
    assert "last hint" in second

    assert "1. Guard the increment with a lock." in third and "2. Read-modify-write" in third
    assert "No more hints for tiny" in third


def test_hint_without_an_id_uses_the_challenge_of_the_started_folder(spawn: Spawn, tmp_path: Path) -> None:
    start = spawn("start", "tiny", "work", cwd=tmp_path)
    assert start.finish().exitstatus == 0, start.describe()

    hint = spawn("hint", cwd=tmp_path / "work")

    assert hint.finish().exitstatus == 0, hint.describe()
    assert "tiny · Tiny Tally · hint 1 of 2" in hint.screen, hint.describe()
    assert "grade hint again" in hint.screen, hint.describe()


def test_hint_without_an_id_outside_a_started_folder_is_a_one_line_usage_error(spawn: Spawn, tmp_path: Path) -> None:
    hint = spawn("hint", cwd=tmp_path)

    assert hint.finish().exitstatus == 2, hint.describe()
    lines = [line for line in hint.screen.splitlines() if line.strip()]
    assert len(lines) == 1, hint.describe()
    assert lines[0].startswith("grade: ") and "grade hint ID" in lines[0], hint.describe()


# --- progress: the dashboard and grade list ----------------------------------------------------


def test_the_dashboard_after_a_passing_submit_shows_the_best_score_and_the_next_challenge(
    spawn: Spawn, two_challenge_home: Path, tmp_path: Path
) -> None:
    before = spawn(cwd=tmp_path, home=two_challenge_home)
    assert before.finish().exitstatus == 0, before.describe()
    assert re.search(r"·\s+tiny\s+Tiny Tally\s+—/10", before.screen), before.describe()
    assert "Next: tiny · Tiny Tally" in before.screen, before.describe()

    submit = spawn("submit", REFERENCE.parent, "--challenge", "tiny", cwd=tmp_path, home=two_challenge_home)
    submit.expect("Total: 10/10")
    assert submit.finish().exitstatus == 0, submit.describe()

    dashboard = spawn(cwd=tmp_path, home=two_challenge_home)
    assert dashboard.finish().exitstatus == 0, dashboard.describe()
    screen = dashboard.screen
    assert re.search(r"✓\s+tiny\s+Tiny Tally\s+10/10", screen), dashboard.describe()
    assert re.search(r"·\s+tiny-again\s+Tiny Tally\s+—/10", screen), dashboard.describe()
    assert "Next: tiny-again · Tiny Tally" in screen, dashboard.describe()
    assert "grade start tiny-again" in screen, dashboard.describe()

    listing = spawn("list", cwd=tmp_path, home=two_challenge_home)
    assert listing.finish().exitstatus == 0, listing.describe()
    rows = {line.split()[1]: line for line in listing.screen.splitlines() if line.startswith("│ tiny")}
    assert re.search(r"│\s+10\s+│\s+10\s+│$", rows["tiny"]), listing.describe()
    assert re.search(r"│\s+10\s+│\s+—\s+│$", rows["tiny-again"]), listing.describe()


def test_a_lower_score_later_does_not_replace_the_best(spawn: Spawn, tmp_path: Path, unlocked_folder: Path) -> None:
    for folder in (REFERENCE.parent, unlocked_folder):
        submit = spawn("submit", folder, "--challenge", "tiny", cwd=tmp_path)
        submit.expect("Total: ")
        submit.finish()

    dashboard = spawn(cwd=tmp_path)

    assert dashboard.finish().exitstatus == 0, dashboard.describe()
    assert re.search(r"✓\s+tiny\s+Tiny Tally\s+10/10", dashboard.screen), dashboard.describe()
    assert "Every challenge is at full marks" in dashboard.screen, dashboard.describe()
