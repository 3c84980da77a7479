"""End to end: the installed `grade` command driven through a real pseudo-terminal.

Each test spawns `.venv/bin/grade` in a real terminal (tests/grade_pty.py), in a folder under
tmp_path, reads what a student would see and checks the exit status.

The fixtures live in this module on purpose: a conftest.py in this folder would be importable
as `conftest` and shadow tests/conftest.py for the modules that `from conftest import`.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fixture_paths import REPO
from grade_pty import Finished, GradeSession, GradeTerminals, Spawn
from processes import processes_holding

CHALLENGE_ID = "notification-pipeline"
TITLE = "The Thread-Safe Notification Pipeline"
STARTER = REPO / "starter" / CHALLENGE_ID
STATEMENT = REPO / "challenges" / CHALLENGE_ID / "README.md"
REFERENCE = REPO / "solutions" / CHALLENGE_ID / "reference" / "pipeline.py"
TOTAL = re.compile(r"Total: (?P<score>[\d.]+)/(?P<max>[\d.]+)")

# Grading one submission may take up to a minute on a loaded 2-core machine.
GRADING_TIMEOUT = 240
# For the quick commands (list, show, start, doctor); gradings pass their own, longer timeout.
QUICK_TIMEOUT = 60

Run = Callable[..., Finished]


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def spawn_grade(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Spawn]:
    """Start `grade ARGS...` in a pty in `cwd` (`env` adds to the environment); `.finish()` it.

    Each test gets its own XDG_STATE_HOME, so the scores `grade submit` records stay out of the
    user's real progress and one test's scores never show in another's `grade list`.
    """
    with GradeTerminals({"XDG_STATE_HOME": str(tmp_path_factory.mktemp("xdg-state"))}) as terminals:

        def spawn(
            *args: str | Path, cwd: Path, timeout: float = QUICK_TIMEOUT, env: dict[str, str] | None = None
        ) -> GradeSession:
            return terminals.spawn(*args, cwd=cwd, timeout=timeout, env=env)

        yield spawn


@pytest.fixture
def run_grade(spawn_grade: Spawn) -> Run:
    """Run `grade ARGS...` in a pty in `cwd` to the end."""

    def run(
        *args: str | Path, cwd: Path, timeout: float = QUICK_TIMEOUT, env: dict[str, str] | None = None
    ) -> Finished:
        return spawn_grade(*args, cwd=cwd, timeout=timeout, env=env).finish()

    return run


@pytest.fixture
def reference_solution() -> Path:
    """The challenge's reference solution; fails, naming the file, while it is not written yet."""
    assert REFERENCE.is_file(), f"{REFERENCE} does not exist"
    return REFERENCE


@pytest.fixture
def started_folder(tmp_path: Path, run_grade: Run) -> Path:
    """A folder made by `grade start notification-pipeline work` under tmp_path."""
    finished = run_grade("start", CHALLENGE_ID, "work", cwd=tmp_path)
    assert finished.exitstatus == 0, finished.describe()
    return tmp_path / "work"


@pytest.fixture
def reference_folder(started_folder: Path, reference_solution: Path) -> Path:
    """A started folder whose pipeline.py is the reference solution."""
    shutil.copyfile(reference_solution, started_folder / "pipeline.py")
    return started_folder


# --- assertions -------------------------------------------------------------------------------


def assert_one_line_usage_error(finished: Finished, *expected: str) -> None:
    """Exit 2, a single `grade: ...` line on the terminal, no traceback."""
    assert "Traceback" not in finished.raw, finished.describe()
    assert finished.exitstatus == 2, finished.describe()
    assert len(finished.lines) == 1, finished.describe()
    line = finished.lines[0]
    assert line.startswith("grade: "), finished.describe()
    for fragment in expected:
        assert fragment in line, f"{fragment!r} not in {line!r}"


def table_row(finished: Finished, key: str) -> list[str]:
    """The cells of the first table row holding `key`, stripped."""
    rows = [line for line in finished.lines if key in line and re.search("[│┃]", line)]
    assert rows, f"no table row holding {key!r}; {finished.describe()}"
    return [cell.strip() for cell in re.split("[│┃]", rows[0].strip().strip("│┃"))]


def total_of(finished: Finished) -> tuple[float, float]:
    match = TOTAL.search(finished.text)
    assert match, f"no 'Total: X/Y' line; {finished.describe()}"
    return float(match["score"]), float(match["max"])


# --- grade list / show / doctor ---------------------------------------------------------------


def test_listing_shows_the_pipeline_challenge_with_its_title_and_points(run_grade: Run, tmp_path: Path) -> None:
    finished = run_grade("list", cwd=tmp_path)

    assert finished.exitstatus == 0, finished.describe()
    assert "Traceback" not in finished.raw
    header = table_row(finished, "difficulty")
    row = dict(zip(header, table_row(finished, CHALLENGE_ID), strict=True))
    assert row["id"] == CHALLENGE_ID
    assert row["title"] == TITLE, finished.describe()
    assert row["points"] == "100", finished.describe()
    assert row.get("best") in (None, "—"), f"a best score before any submission: {row}"
    assert "grade start ID" in finished.text


def test_version_option_prints_the_version_and_exits_zero(run_grade: Run, tmp_path: Path) -> None:
    finished = run_grade("--version", cwd=tmp_path)

    assert finished.exitstatus == 0, finished.describe()
    assert re.fullmatch(r"grade \d+\.\d+\.\d+\S*", finished.text.strip()), finished.describe()


def test_showing_the_challenge_renders_its_statement_headings(run_grade: Run, tmp_path: Path) -> None:
    assert STATEMENT.is_file(), f"{STATEMENT} does not exist"
    headings = [
        line.lstrip("#").replace("`", "").strip()
        for line in STATEMENT.read_text(encoding="utf-8").splitlines()
        if re.match(r"#{1,3} \S", line)
    ]
    assert headings, f"{STATEMENT} has no headings"

    finished = run_grade("show", CHALLENGE_ID, cwd=tmp_path)

    assert finished.exitstatus == 0, finished.describe()
    shown = " ".join(finished.text.split())
    for heading in headings:
        assert " ".join(heading.split()) in shown, f"heading {heading!r} not rendered; {finished.describe()}"
    # Rendered, not dumped: the markdown heading markers are gone.
    assert not re.search(r"^#{1,3} ", finished.text, re.MULTILINE), finished.describe()


def test_doctor_finds_a_free_threaded_interpreter_and_the_bubblewrap_sandbox(run_grade: Run, tmp_path: Path) -> None:
    finished = run_grade("doctor", cwd=tmp_path)

    assert finished.exitstatus == 0, finished.describe()
    assert "free-threaded" in finished.text, finished.describe()
    assert "GIL disabled" in finished.text, finished.describe()
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed on this machine")
    assert "sandbox: bubblewrap" in finished.text, finished.describe()


# --- grade start ------------------------------------------------------------------------------


def test_starting_a_challenge_copies_the_starter_and_marks_the_folder_without_hidden_tests(
    spawn_grade: Spawn, tmp_path: Path
) -> None:
    session = spawn_grade("start", CHALLENGE_ID, "work", cwd=tmp_path)
    session.expect("wrote")
    finished = session.finish()

    assert finished.exitstatus == 0, finished.describe()
    work = tmp_path / "work"
    assert (work / "pipeline.py").is_file(), finished.describe()
    assert (work / "pipeline.py").read_bytes() == (STARTER / "pipeline.py").read_bytes()
    assert (work / ".grade.toml").read_text(encoding="utf-8").strip() == f'challenge = "{CHALLENGE_ID}"'
    hidden = sorted(str(path.relative_to(work)) for path in work.rglob("test_*.py"))
    assert hidden == [], f"hidden tests copied into the student's folder: {hidden}"
    hidden_names = {path.name for path in (REPO / "challenges" / CHALLENGE_ID / "tests").glob("*.py")}
    leaked = sorted(path.name for path in work.rglob("*.py") if path.name in hidden_names)
    assert leaked == [], f"hidden test files copied: {leaked}"
    # It says what to do next.
    assert f"grade show {CHALLENGE_ID}" in finished.text, finished.describe()
    assert "grade submit work" in finished.text, finished.describe()


def test_starting_again_without_force_refuses_in_one_line_and_keeps_the_students_work(
    run_grade: Run, started_folder: Path
) -> None:
    edited = started_folder / "pipeline.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# my work so far\n", encoding="utf-8")

    finished = run_grade("start", CHALLENGE_ID, "work", cwd=started_folder.parent)

    assert_one_line_usage_error(finished, "already exists", "--force")
    assert "# my work so far" in edited.read_text(encoding="utf-8")


def test_starting_again_with_force_overwrites_with_the_starter_and_exits_zero(
    run_grade: Run, started_folder: Path
) -> None:
    edited = started_folder / "pipeline.py"
    edited.write_text("# replaced\n", encoding="utf-8")

    finished = run_grade("start", CHALLENGE_ID, "work", "--force", cwd=started_folder.parent)

    assert finished.exitstatus == 0, finished.describe()
    assert "Traceback" not in finished.raw
    assert edited.read_bytes() == (STARTER / "pipeline.py").read_bytes()
    assert (started_folder / ".grade.toml").is_file()


# --- grade submit -----------------------------------------------------------------------------


def test_submitting_the_untouched_starter_shows_gil_disabled_a_partial_total_and_what_to_fix(
    spawn_grade: Spawn, started_folder: Path
) -> None:
    session = spawn_grade("submit", cwd=started_folder, timeout=GRADING_TIMEOUT)
    session.expect("Total: ")
    finished = session.finish()

    assert finished.exitstatus == 1, finished.describe()
    assert "Traceback" not in finished.raw, finished.describe()
    text = finished.text
    assert "GIL disabled" in text, finished.describe()
    assert CHALLENGE_ID in text and TITLE in text, finished.describe()
    score, maximum = total_of(finished)
    assert maximum == 100, finished.describe()
    assert score < 100, finished.describe()
    assert "not full marks yet" in text, finished.describe()
    assert "what to fix" in text, finished.describe()


def test_submitting_the_reference_prints_full_marks_and_exits_zero(
    spawn_grade: Spawn, run_grade: Run, reference_folder: Path
) -> None:
    session = spawn_grade("submit", cwd=reference_folder, timeout=GRADING_TIMEOUT)
    session.expect("Total: ")
    finished = session.finish()

    assert finished.exitstatus == 0, finished.describe()
    assert "Traceback" not in finished.raw, finished.describe()
    text = finished.text
    assert "Total: 100/100" in text, finished.describe()
    assert "full marks" in text and "not full marks" not in text, finished.describe()
    assert "GIL disabled" in text, finished.describe()
    assert "what to fix" not in text, finished.describe()
    # The transient progress display is gone from the screen once the scorecard is printed.
    assert "grading " + CHALLENGE_ID not in text, finished.describe()

    listed = run_grade("list", cwd=reference_folder)
    header = table_row(listed, "difficulty")
    if "best" in header:
        row = dict(zip(header, table_row(listed, CHALLENGE_ID), strict=True))
        assert row["best"] == "100", f"`grade list` does not show the full marks just earned: {row}"


def test_json_format_through_a_terminal_prints_nothing_but_the_json_document(
    run_grade: Run, reference_solution: Path, tmp_path: Path
) -> None:
    submission = tmp_path / "my solution"
    submission.mkdir()
    shutil.copyfile(reference_solution, submission / "pipeline.py")

    finished = run_grade(
        "submit", submission, "--challenge", CHALLENGE_ID, "--format", "json",
        cwd=tmp_path, timeout=GRADING_TIMEOUT,
    )

    assert finished.exitstatus == 0, finished.describe()
    # No colours, no progress bar, no cursor moves: only the document, on stdout and stderr alike.
    assert "\x1b" not in finished.raw, repr(finished.raw[:500])
    output = finished.raw.replace("\r\n", "\n")
    start = output.find("{")
    assert start != -1, finished.describe()
    assert output[:start].strip() == "", f"text before the JSON: {output[:start]!r}"
    document = json.loads(output[start:])  # raises on anything after the object
    assert isinstance(document, dict)
    assert output.rstrip().endswith("}")
    assert document["challenge"] == CHALLENGE_ID
    assert document["title"] == TITLE
    assert document["passed"] is True, document
    assert document["score"] == document["max_score"] == 100
    assert document["interpreter"]["gil_disabled"] is True
    assert document["tests"] and all(test["status"] == "passed" for test in document["tests"])


# --- usage errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(("show", "nope"), ("unknown challenge 'nope'", CHALLENGE_ID), id="show-unknown-id"),
        pytest.param(("start", "nope"), ("unknown challenge 'nope'",), id="start-unknown-id"),
        pytest.param(
            ("submit", "x", "--challenge", "nope"), ("unknown challenge 'nope'", "grade list"),
            id="submit-unknown-id",
        ),
        pytest.param(
            ("submit", "/nonexistent", "--challenge", CHALLENGE_ID), ("/nonexistent", "no such file or folder"),
            id="submit-missing-path",
        ),
        pytest.param(
            ("submit", "/nonexistent"), ("/nonexistent", "no such file or folder"),
            id="submit-missing-path-without-challenge",
        ),
        pytest.param(
            ("submit", "plain"), ("plain", "not started with `grade start`", "--challenge"),
            id="submit-folder-not-started",
        ),
        pytest.param(
            ("submit",), ("not started with `grade start`", "--challenge"),
            id="submit-here-not-started",
        ),
    ],
)
def test_usage_errors_print_one_line_without_a_traceback_and_exit_two(
    run_grade: Run, tmp_path: Path, args: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "pipeline.py").write_text("# not started with grade start\n", encoding="utf-8")

    finished = run_grade(*args, cwd=tmp_path, timeout=GRADING_TIMEOUT)

    assert_one_line_usage_error(finished, *expected)


# --- Ctrl-C -----------------------------------------------------------------------------------


def _interrupt_while_grading(spawn_grade: Spawn, folder: Path, scratch: Path) -> tuple[Finished, float]:
    """Start grading `folder`, press Ctrl-C once its tests are running; the run and the seconds it
    took to end after the key press."""
    session = spawn_grade(
        "submit", cwd=folder, timeout=GRADING_TIMEOUT, env={"TMPDIR": str(scratch), "TMP": str(scratch)}
    )
    session.expect("grading")
    session.expect(r"\d+/\d+")  # the suite is collected and running
    pressed = time.monotonic()
    session.interrupt()
    finished = session.finish()
    return finished, time.monotonic() - pressed


def test_pressing_ctrl_c_while_grading_stops_promptly_with_exit_130_and_leaves_nothing_behind(
    spawn_grade: Spawn, reference_folder: Path, tmp_path: Path
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    finished, seconds = _interrupt_while_grading(spawn_grade, reference_folder, scratch)

    assert finished.exitstatus == 130, finished.describe()
    assert "Traceback" not in finished.raw, finished.describe()
    assert seconds < 30, f"grade took {seconds:.1f} s to stop after Ctrl-C"
    assert "Total:" not in finished.text, finished.describe()
    # The progress display is erased and the cursor it hid is shown again.
    assert "grading" not in finished.text, finished.describe()
    assert finished.raw.rfind("\x1b[?25h") > finished.raw.rfind("\x1b[?25l"), "the cursor was left hidden"
    # The scratch workspace is removed and no sandboxed child outlives the grader.
    deadline = time.monotonic() + 10
    while (leftovers := processes_holding(str(scratch), where="cmdline")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert leftovers == [], leftovers
    assert sorted(path.name for path in scratch.iterdir()) == []


# --- interruptions and awkward targets -----------------------------------------------------------


def test_pressing_ctrl_c_while_grading_says_the_grading_was_interrupted(
    spawn_grade: Spawn, reference_folder: Path, tmp_path: Path
) -> None:
    finished, _ = _interrupt_while_grading(spawn_grade, reference_folder, tmp_path)

    assert finished.exitstatus == 130, finished.describe()
    assert "grade: interrupted" in finished.text, finished.describe()


def test_starting_into_a_path_that_is_a_file_is_a_one_line_usage_error(run_grade: Run, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")

    finished = run_grade("start", CHALLENGE_ID, "notes.txt", cwd=tmp_path)

    assert_one_line_usage_error(finished, "notes.txt")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_starting_copies_the_starter_sources_but_not_python_or_mypy_caches(run_grade: Run, tmp_path: Path) -> None:
    # A copy of the catalog whose starter folder has been imported and type-checked in place,
    # as happens in a checkout where someone ran the starter.
    home = tmp_path / "home"
    shutil.copytree(REPO / "challenges" / CHALLENGE_ID, home / "challenges" / CHALLENGE_ID)
    starter = home / "starter" / CHALLENGE_ID
    shutil.copytree(STARTER, starter, ignore=shutil.ignore_patterns("__pycache__", ".mypy_cache"))
    (starter / "__pycache__").mkdir()
    (starter / "__pycache__" / "pipeline.cpython-313.pyc").write_bytes(b"\x00stale bytecode")
    (starter / ".mypy_cache").mkdir()
    (starter / ".mypy_cache" / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n")
    sources = sorted(
        str(path.relative_to(STARTER)) for path in STARTER.rglob("*")
        if path.is_file() and not {"__pycache__", ".mypy_cache"} & set(path.relative_to(STARTER).parts)
    )

    finished = run_grade("start", CHALLENGE_ID, "work", cwd=tmp_path, env={"GRADE_HOME": str(home)})

    assert finished.exitstatus == 0, finished.describe()
    work = tmp_path / "work"
    copied = sorted(str(path.relative_to(work)) for path in work.rglob("*") if path.is_file())
    assert copied == sorted([*sources, ".grade.toml"]), finished.describe()
