"""A whole class graded in one batch: references, the buggy fixtures, broken and hostile
submissions. Each student gets the verdict `grade submit` would give, one row, one result line
and one feedback file; nobody's code reaches anybody else's files; the outputs are what an
instructor can import and read."""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

from classroom import REFERENCE, add_folder, add_zip, submission
from fixture_paths import TINY_HOME
from grader.batch.plan import plan_batch
from grader.batch.scheduler import grade_batch
from grader.catalog import load_challenge
from grader.errors import GradeError
from grader.report.json_format import result_to_dict
from grader.outcomes import StressSettings
from grader.sandbox import SandboxLevel, detect_sandbox
from grader.scoring import InterpreterInfo, Result

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
FORMULA_NAME = "=HYPERLINK(1)"
EXPECTED = {
    "ada": ("full-marks", 10),
    "grace": ("full-marks", 10),          # the module one level down
    "linus": ("graded", 7),               # a zip of the unlocked counter
    "ken": ("crashed", None),             # a syntax error
    "dennis": ("timeout", None),
    "mallory": ("tampered", 0),
    "trudy": ("crashed", None),           # symlinks only: nothing to import
    "eve": ("full-marks", 10),            # tries to read classmates' files first
    "oscar": ("error", None),             # not a zip at all
    "zip-slip": ("full-marks", 10),       # a zip with a member that climbs out
    HOSTILE_NAME: ("full-marks", 10),
    FORMULA_NAME: ("full-marks", 10),
    "caf\ufffd": ("full-marks", 10),     # a folder name that is not UTF-8
    "mojibake": ("graded", None),         # its messages carry a lone surrogate
}
MOJIBAKE = """
class Tally:
    def add(self, n: int) -> int:
        raise ValueError("bad \\udcff byte")


def hang() -> None:
    pass


def crash() -> None:
    pass
"""

SPY = '''
import os
for label, path in (("classmate", {classmate!r}), ("results", {results!r})):
    try:
        with open(path, "rb") as stream:
            stream.read(1)
        print(f"SPY {{label}} readable")
    except OSError:
        print(f"SPY {{label}} hidden")
print("SPY tmp", sorted(name for name in os.listdir("/tmp") if name.startswith("grade")))
'''


@pytest.fixture(scope="module")
def graded_class(runtime):
    """The class lives outside /tmp (which the sandbox hides anyway), so hiding it is tested."""
    base = Path(tempfile.mkdtemp(prefix="grade-batch-test-", dir="/var/tmp"))
    try:
        yield grade_the_class(base, runtime)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def grade_the_class(base: Path, runtime) -> dict:
    root, out, scratch = base / "class", base / "out", base / "scratch"
    root.mkdir()
    scratch.mkdir()
    add_folder(root, "ada", REFERENCE)
    add_folder(root, "grace", REFERENCE, nested="lab-repo")
    add_zip(root, "linus", submission("unlocked"))
    add_folder(root, "ken", submission("syntax-error"))
    add_folder(root, "dennis", submission("hang-in-test"))
    add_folder(root, "mallory", submission("forged-records"))
    add_folder(root, "trudy", submission("symlink-escape"))
    spy = add_folder(root, "eve", REFERENCE)
    spy_source = SPY.format(classmate=str(root / "ada" / "tally.py"), results=str(out / "results.jsonl"))
    (spy / "tally.py").write_text(spy_source + (REFERENCE / "tally.py").read_text())
    (root / "oscar.zip").write_bytes(b"PK\x03\x04 truncated")
    with zipfile.ZipFile(root / "zip-slip.zip", "w") as bundle:
        bundle.write(REFERENCE / "tally.py", "tally.py")
        bundle.writestr("../../slipped.py", "print('escaped')")
    add_folder(root, HOSTILE_NAME, REFERENCE)
    add_folder(root, FORMULA_NAME, REFERENCE)
    shutil.copytree(os.fsencode(REFERENCE), os.fsencode(root) + b"/caf\xe9")
    (root / "mojibake").mkdir()
    (root / "mojibake" / "tally.py").write_text(MOJIBAKE)
    before = {path: path.stat().st_mtime_ns for path in root.rglob("*") if not path.is_symlink()}

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADE_HOME", str(TINY_HOME))
        patch.setattr(tempfile, "tempdir", str(scratch))
        challenge = load_challenge("tiny")
        plan = plan_batch(root, module_file=challenge.submission_file)
        events = []
        run = grade_batch(plan=plan, challenge=challenge, runtime=runtime, out=out, jobs=2, seed=5,
                          on_progress=events.append)
    return {"root": root, "out": out, "base": base, "scratch": scratch, "run": run, "events": events,
            "before": before}


def gradebook_rows(out: Path) -> list[dict[str, str]]:
    with (out / "gradebook.csv").open(newline="") as stream:
        return list(csv.DictReader(stream))


def test_every_student_has_exactly_one_gradebook_row_with_their_verdict(graded_class):
    rows = gradebook_rows(graded_class["out"])
    students = [row["student"].removeprefix("'") for row in rows]
    assert sorted(students) == sorted(EXPECTED)
    assert list(rows[0]) == ["student", "score", "max_score", "percent", "basics", "threads", "typing", "status"]
    by_name = {row["student"].removeprefix("'"): row for row in rows}
    for student, (status, score) in EXPECTED.items():
        assert by_name[student]["status"] == status, (student, by_name[student])
        if score is not None and status != "crashed":
            assert float(by_name[student]["score"]) == score, (student, by_name[student])
    assert by_name["linus"]["threads"] == "0" and by_name["linus"]["basics"] == "6"
    assert by_name["linus"]["percent"] == "70.0"


def test_a_student_the_grader_could_not_grade_has_an_error_row_without_a_score(graded_class):
    row = next(row for row in gradebook_rows(graded_class["out"]) if row["student"] == "oscar")
    assert row["score"] == row["percent"] == row["basics"] == ""
    assert row["status"] == "error"
    line = next(line for line in journal(graded_class) if line["student"] == "oscar")
    assert "oscar.zip could not be unpacked" in line["error"]


def test_text_that_is_not_utf8_is_written_with_replacement_characters(graded_class):
    line = next(line for line in journal(graded_class) if line["student"] == "mojibake")
    assert any("bad \ufffd byte" in test["message"] for test in line["tests"]), line["tests"]
    assert "bad \ufffd byte" in (graded_class["out"] / "feedback" / "mojibake.md").read_text()
    assert (graded_class["out"] / "feedback" / "caf.md").is_file()


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_defused(graded_class):
    assert "'=HYPERLINK(1)" in [row["student"] for row in gradebook_rows(graded_class["out"])]


def journal(graded_class) -> list[dict]:
    return [json.loads(line) for line in (graded_class["out"] / "results.jsonl").read_text().splitlines()]


def test_each_result_line_is_the_submit_json_plus_the_student(graded_class):
    lines = journal(graded_class)
    assert sorted(line["student"] for line in lines) == sorted(EXPECTED)
    contract = set(_a_result_dict_keys())
    for line in lines:
        if line["status"] != "error":
            assert contract <= set(line), line["student"]
            assert line["challenge"] == "tiny" and line["stress"]["seed"] == 5
    slip = next(line for line in lines if line["student"] == "zip-slip")
    assert any("points outside the submission" in note for note in slip["notes"])


def _a_result_dict_keys():
    result = Result(
        challenge="tiny", title="t", score=0, max_score=10, groups=(),
        interpreter=InterpreterInfo("python", "3.13", True, True),
        stress=StressSettings(threads=1, rounds=1, seed=1), sandbox="bubblewrap", duration_s=0,
        notes=(), output="", output_truncated=False,
    )
    return result_to_dict(result)


def test_each_student_gets_markdown_feedback_with_failures_and_hints(graded_class):
    feedback = graded_class["out"] / "feedback"
    assert len(list(feedback.glob("*.md"))) == len(EXPECTED)
    linus = (feedback / "linus.md").read_text()
    assert linus.startswith("# Tiny Tally: 7/10")
    assert "test_concurrent_adds_lose_nothing" in linus
    assert "Hint: use a threading.Lock around the read-modify-write" in linus
    assert "scores zero" in (feedback / "mallory.md").read_text()
    assert "could not be graded" in (feedback / "oscar.md").read_text()
    assert "full marks" in (feedback / "ada.md").read_text()
    assert "def test_" not in "".join(path.read_text() for path in feedback.glob("*.md"))


def test_no_students_code_can_read_a_classmates_files_or_the_results(graded_class):
    if detect_sandbox() is not SandboxLevel.BUBBLEWRAP:
        pytest.skip("hiding other students' files needs bubblewrap")
    eve = next(line for line in journal(graded_class) if line["student"] == "eve")
    assert "SPY classmate hidden" in eve["output"], eve["output"]
    assert "SPY results hidden" in eve["output"], eve["output"]
    assert "SPY tmp []" in eve["output"], eve["output"]


def test_the_class_folders_are_left_as_they_were_and_nothing_escapes_or_lingers(graded_class):
    root, base, scratch = graded_class["root"], graded_class["base"], graded_class["scratch"]
    after = {path: path.stat().st_mtime_ns for path in root.rglob("*") if not path.is_symlink()}
    assert after == graded_class["before"]
    assert not list(base.rglob("slipped.py"))
    assert not (Path("/var/tmp") / "slipped.py").exists()
    assert list(scratch.iterdir()) == []  # every private copy and workspace was removed


def test_the_summary_counts_every_verdict(graded_class):
    summary = graded_class["run"].summary
    assert summary.students == len(EXPECTED)
    assert summary.scored == len(EXPECTED) - 1
    assert (summary.full_marks, summary.timeouts, summary.tampered, summary.errors) == (7, 1, 1, 1)
    assert summary.crashed == 2
    assert summary.max_score == 10
    assert graded_class["run"].graded_now == len(EXPECTED)
    assert not graded_class["run"].interrupted


def test_progress_counts_up_to_the_class_size(graded_class):
    events = graded_class["events"]
    assert events[0].total == len(EXPECTED) and events[0].done == 0
    assert [event.done for event in events[1:]] == list(range(1, len(EXPECTED) + 1))


def test_the_report_is_one_self_contained_page_with_the_three_plots(graded_class):
    page = (graded_class["out"] / "report.html").read_text()
    for chart in ("scores", "times", "tests"):
        assert f'data-chart="{chart}"' in page
    assert "http://" not in page and "https://" not in page
    assert not any(tag in page for tag in ("<link", "<img", "<iframe", "<object", ' src="'))
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Content-Security-Policy" in page


def test_a_finished_batch_is_not_started_over_by_mistake(graded_class, tiny, runtime):
    plan = plan_batch(graded_class["root"], module_file=tiny.submission_file)
    with pytest.raises(GradeError, match="already holds a batch's results: pass --resume"):
        grade_batch(plan=plan, challenge=tiny, runtime=runtime, out=graded_class["out"])
    resumed = grade_batch(plan=plan, challenge=tiny, runtime=runtime, out=graded_class["out"], resume=True)
    assert resumed.graded_now == 0 and resumed.done_before == len(EXPECTED)
