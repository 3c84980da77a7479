"""Nothing lost: a batch killed halfway resumes with only what is missing, and Ctrl-C stops it
cleanly, keeps what is done and says how to resume. The installed `grade` runs as a real
process and is really killed."""

from __future__ import annotations

import csv
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from classroom import (
    REFERENCE,
    add_folder,
    add_zip,
    grade_command,
    grade_environment,
    journal_lines,
    start,
    submission,
)
from processes import processes_holding
from grader.batch.journal import Journal, read_journal
from grader.batch.plan import plan_batch
from grader.batch.scheduler import grade_batch
from grader.errors import GradeError

WAIT_S = 180


def build_class(root: Path, size: int) -> list[str]:
    """References, unlocked counters and a few slow ones, so some are always under way."""
    names = []
    for index in range(size):
        name = f"student-{index:02d}"
        kind = ("reference", "unlocked", "hang-in-test", "reference", "syntax-error")[index % 5]
        if kind == "reference":
            add_folder(root, name, REFERENCE)
        elif index % 2:
            add_zip(root, name, submission(kind))
        else:
            add_folder(root, name, submission(kind))
        names.append(name)
    return names


def wait_for_lines(out: Path, count: int, process) -> None:
    deadline = time.monotonic() + WAIT_S
    while len(journal_lines(out)) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no result was journaled in time"
        time.sleep(0.1)


def gradebook_students(out: Path) -> list[str]:
    with (out / "gradebook.csv").open(newline="") as stream:
        return [row["student"] for row in csv.DictReader(stream)]


def test_a_batch_killed_halfway_resumes_grading_only_what_is_missing(tmp_path):
    root, out = tmp_path / "class", tmp_path / "out"
    root.mkdir()
    students = build_class(root, 8)
    env = grade_environment(tmp_path / "scratch")

    first = start(grade_command(root, out, "--jobs", "2"), env)
    wait_for_lines(out, 2, first)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    before = (out / "results.jsonl").read_bytes()
    done_first = [line["student"] for line in journal_lines(out)]
    assert 2 <= len(done_first) < len(students)
    # A kill can land halfway through a line: the journal must shrug it off.
    with (out / "results.jsonl").open("ab") as journal:
        journal.write(b'{"student": "student-07", "sco')

    refused = start(grade_command(root, out), env)
    _, error = refused.communicate(timeout=WAIT_S)
    assert refused.returncode == 2
    assert "pass --resume" in " ".join(error.split())

    second = start(grade_command(root, out, "--jobs", "2", "--resume"), env)
    output, error = second.communicate(timeout=WAIT_S)
    assert second.returncode == 0, error
    assert f"{len(done_first)} were already graded" in output

    lines = journal_lines(out)
    graded = [line["student"] for line in lines]
    assert sorted(graded) == students  # each student exactly once: nobody graded twice
    assert (out / "results.jsonl").read_bytes().startswith(before)  # the first run's lines kept as they were
    assert sorted(gradebook_students(out)) == students
    assert len(list((out / "feedback").glob("*.md"))) == len(students)


def test_ctrl_c_stops_cleanly_writes_what_is_done_and_says_how_to_resume(tmp_path):
    root, out, scratch = tmp_path / "class", tmp_path / "out", tmp_path / "scratch"
    root.mkdir()
    students = build_class(root, 10)
    env = grade_environment(scratch)

    batch = start(grade_command(root, out, "--jobs", "2"), env)
    wait_for_lines(out, 1, batch)
    os.killpg(batch.pid, signal.SIGINT)  # what Ctrl-C at a terminal does: the whole foreground group
    _, error = batch.communicate(timeout=WAIT_S)
    message = " ".join(error.split())

    assert batch.returncode == 130, error
    assert "interrupted:" in message and "--resume" in message
    assert "Traceback" not in error
    done = [line["student"] for line in journal_lines(out)]
    assert 1 <= len(done) < len(students)
    assert sorted(gradebook_students(out)) == sorted(done)
    assert (out / "report.html").is_file()
    assert processes_holding(str(scratch)) == []  # the gradings under way were killed
    assert list(scratch.iterdir()) == []        # and their private copies removed
    assert not list(out.rglob(".*.tmp"))

    resumed = start(grade_command(root, out, "--jobs", "2", "--resume"), env)
    _, error = resumed.communicate(timeout=WAIT_S)
    assert resumed.returncode == 0, error
    assert sorted(line["student"] for line in journal_lines(out)) == students
    assert journal_lines(out)[: len(done)] == [line for line in journal_lines(out) if line["student"] in done]


def test_a_stop_request_ends_the_batch_without_grading_the_rest(tmp_path, tiny, runtime):
    root = tmp_path / "class"
    root.mkdir()
    students = build_class(root, 6)
    plan = plan_batch(root, module_file=tiny.submission_file)
    stop = threading.Event()

    def stop_after_the_first(event):
        if event.done == 1:
            stop.set()

    run = grade_batch(plan=plan, challenge=tiny, runtime=runtime, out=tmp_path / "out", jobs=2,
                      on_progress=stop_after_the_first, stop=stop)
    assert run.interrupted and run.graded_now == 1  # the line after the stop is not written
    assert run.missing == len(students) - 1
    assert [row.student for row in read_journal(tmp_path / "out" / "results.jsonl")] == [
        line["student"] for line in journal_lines(tmp_path / "out")
    ]


def test_a_journal_line_cut_short_is_dropped_when_the_batch_resumes(tmp_path):
    path = tmp_path / "results.jsonl"
    good = json.dumps({"student": "ada", "challenge": "tiny", "status": "full-marks", "score": 10, "max_score": 10})
    path.write_text(good + "\n" + '{"student": "grace", "sc')
    with Journal.open(path, resume=True, challenge_id="tiny") as journal:
        assert journal.students() == {"ada"}
        journal.append(json.dumps({"student": "grace", "challenge": "tiny", "status": "error", "max_score": 10}))
    assert [row.student for row in read_journal(path)] == ["ada", "grace"]
    assert path.read_text().count("\n") == 2


def test_resuming_a_journal_of_another_challenge_is_refused(tmp_path):
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps({"student": "ada", "challenge": "other", "status": "graded"}) + "\n")
    with pytest.raises(GradeError, match="holds results for challenge 'other', not 'tiny'"):
        Journal.open(path, resume=True, challenge_id="tiny")


def test_two_batches_never_write_one_journal(tmp_path):
    path = tmp_path / "results.jsonl"
    with Journal.open(path, resume=False, challenge_id="tiny"), pytest.raises(
        GradeError, match="another `grade batch` is writing"
    ):
        Journal.open(path, resume=True, challenge_id="tiny")


def test_a_terminated_batch_cleans_up_like_an_interrupted_one(tmp_path):
    root, out, scratch = tmp_path / "class", tmp_path / "out", tmp_path / "scratch"
    root.mkdir()
    build_class(root, 6)
    batch = start(grade_command(root, out, "--jobs", "2"), grade_environment(scratch))
    wait_for_lines(out, 1, batch)
    batch.terminate()
    _, error = batch.communicate(timeout=WAIT_S)
    assert batch.returncode == 130, error
    assert "--resume" in " ".join(error.split())
    assert processes_holding(str(scratch)) == []
    assert list(scratch.iterdir()) == []
