"""A class graded on a Dask cluster of real worker processes: the same verdicts as on this
machine, student by student; a worker killed mid-batch loses nobody and journals nobody twice;
a submission whose every worker dies is an `error` after bounded tries; unfit workers are
refused and say why; a scheduler that is unreachable, empty or lost stops the batch with one
line, and a lost one's batch is finished by --resume on this machine."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster

from classroom import (
    GRADE,
    REFERENCE,
    add_folder,
    add_zip,
    grade_command,
    grade_environment,
    journal_lines,
    start,
    submission,
)
from fixture_paths import TINY_HOME
from grader.batch.cluster import open_cluster_grading
from grader.batch.plan import Plan, plan_batch
from grader.batch.scheduler import BatchRun, grade_batch
from grader.catalog import Challenge

DASK = Path(sys.executable).parent / "dask"
WAIT_S = 120
# One death is forgiven, a second fails the task: a poisoned submission costs two kills here.
ALLOWED_FAILURES = 1


# The scheduler's HTTP server on a free port, not the shared machine's 8787; no dashboard.
QUIET_SCHEDULER = {"dashboard_address": None, "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"}}


def two_workers(temp: Path) -> LocalCluster:
    """Two worker processes on loopback, one thread each, grading the tiny challenge, their
    temporary folders in `temp`."""
    return LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        env={"GRADE_HOME": str(TINY_HOME), "TMPDIR": str(temp)}, **QUIET_SCHEDULER,
    )


@pytest.fixture(scope="module")
def workers_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workers")


@pytest.fixture(scope="module")
def cluster(workers_temp: Path) -> Iterator[LocalCluster]:
    with two_workers(workers_temp) as local_cluster:
        yield local_cluster


@pytest.fixture
def client(cluster: LocalCluster) -> Iterator[Client]:
    """The test's own view of the cluster, once both workers are up (a killed one restarts)."""
    with Client(cluster.scheduler_address, set_as_default=False) as watcher:
        watcher.wait_for_workers(2, timeout=WAIT_S)
        yield watcher


@pytest.fixture
def poisoned_cluster(tmp_path: Path) -> Iterator[tuple[LocalCluster, Client]]:
    """A cluster of its own, since its workers are killed as they start: the others stay whole."""
    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}), \
            two_workers(tmp_path) as local_cluster:
        with Client(local_cluster.scheduler_address, set_as_default=False) as watcher:
            yield local_cluster, watcher


def start_worker(scheduler: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A `dask worker` process as an instructor starts one, in a process group of its own."""
    return subprocess.Popen(
        [str(DASK), "worker", scheduler, "--nthreads", "1", "--no-dashboard"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def wait_for_workers(scheduler: str, count: int) -> None:
    """Started workers take seconds to join: the batch gives them only a few."""
    with Client(scheduler, set_as_default=False) as watcher:
        watcher.wait_for_workers(count, timeout=WAIT_S)


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def worker_env(tmp_path: Path, **changes: str) -> dict[str, str]:
    return {**os.environ, "GRADE_HOME": str(TINY_HOME), "TMPDIR": str(tmp_path), **changes}


@contextmanager
def batch_under_way(
    scheduler: str, plan: Plan, challenge: Challenge, out: Path,
) -> Iterator[tuple[threading.Thread, list[BatchRun]]]:
    """The batch graded on the cluster from a thread of its own, so the test can act meanwhile."""
    grading = open_cluster_grading(scheduler, challenge=challenge, seed=5)
    runs: list[BatchRun] = []
    batch = threading.Thread(
        target=lambda: runs.append(grade_batch(plan=plan, challenge=challenge, out=out, grading=grading, seed=5)),
    )
    batch.start()
    try:
        yield batch, runs
    finally:
        grading.stop()
        batch.join(timeout=WAIT_S)
        grading.close()


def kill_worker_grading(watcher: Client, student: str, killed: set[int]) -> bool:
    """SIGKILL the worker process that holds `student`'s grading, if one does; True if killed."""
    for address, keys in watcher.processing().items():
        if any(str(key).startswith(f"grade-{student}-") for key in keys):
            try:
                pid = watcher.run(os.getpid, workers=[address])[address]
            except (OSError, KeyError):
                continue  # gone already
            if pid not in killed:
                killed.add(pid)
                os.kill(pid, signal.SIGKILL)
                return True
    return False


def rows_by_student(out: Path) -> dict[str, dict]:
    lines = journal_lines(out)
    counts = Counter(line["student"] for line in lines)
    assert all(count == 1 for count in counts.values()), counts
    return {line["student"]: line for line in lines}


def verdicts(line: dict) -> tuple:
    """What a grading decided: status, score, each group's score and each test's status."""
    return (
        line["status"], line["score"],
        tuple((group["id"], group["score"]) for group in line.get("groups", ())),
        tuple((test["name"], test["status"]) for test in line.get("tests", ())),
    )


def test_a_class_graded_on_the_cluster_matches_the_local_batch_student_by_student(cluster, client, tiny, runtime,
                                                                                  tmp_path):
    root = tmp_path / "class"
    root.mkdir()
    add_folder(root, "ada", REFERENCE)
    add_folder(root, "grace", REFERENCE, nested="lab-repo")
    add_zip(root, "linus", submission("unlocked"))
    add_folder(root, "ken", submission("syntax-error"))
    add_folder(root, "mallory", submission("forged-records"))
    (root / "oscar.zip").write_bytes(b"PK\x03\x04 truncated")
    plan = plan_batch(root, module_file=tiny.submission_file)

    grade_batch(plan=plan, challenge=tiny, runtime=runtime, out=tmp_path / "local", jobs=2, seed=5)
    grading = open_cluster_grading(cluster.scheduler_address, challenge=tiny, seed=5)
    try:
        assert len(grading.check.usable) == 2 and not grading.check.refused
        run = grade_batch(plan=plan, challenge=tiny, out=tmp_path / "cluster", grading=grading, seed=5)
    finally:
        grading.close()

    local, remote = rows_by_student(tmp_path / "local"), rows_by_student(tmp_path / "cluster")
    assert sorted(remote) == sorted(local) == sorted(submission.student for submission in plan.submissions)
    for student, line in local.items():
        assert verdicts(remote[student]) == verdicts(line), student
    assert {student: line["status"] for student, line in remote.items()} == {
        "ada": "full-marks", "grace": "full-marks", "linus": "graded", "ken": "crashed", "mallory": "tampered",
        "oscar": "error",
    }
    assert remote["ada"]["sandbox"] == "bubblewrap" and remote["ada"]["interpreter"]["gil_disabled"] is True
    assert run.graded_now == 6 and not run.interrupted
    assert all((tmp_path / "cluster" / line["feedback"]).is_file() for line in remote.values())


def test_a_worker_killed_mid_grading_loses_no_student_and_journals_none_twice(cluster, client, tiny, tmp_path,
                                                                             workers_temp):
    root, out = tmp_path / "class", tmp_path / "out"
    root.mkdir()
    students = [f"student-{index}" for index in range(6)]
    for index, name in enumerate(students):
        add_folder(root, name, REFERENCE if index % 2 else submission("unlocked"))
    plan = plan_batch(root, module_file=tiny.submission_file)
    killed: set[int] = set()
    with batch_under_way(cluster.scheduler_address, plan, tiny, out) as (batch, runs):
        deadline = time.monotonic() + WAIT_S
        while not any(kill_worker_grading(client, student, killed) for student in students[2:]):
            assert batch.is_alive() and time.monotonic() < deadline, "no grading was seen under way"
            time.sleep(0.05)
        batch.join(timeout=WAIT_S)

    assert len(killed) == 1
    rows = rows_by_student(out)
    assert sorted(rows) == students
    assert {name: rows[name]["status"] for name in students} == {
        name: "full-marks" if index % 2 else "graded" for index, name in enumerate(students)
    }
    assert runs[0].graded_now == 6 and not runs[0].interrupted
    # The killed worker could not clean up; the one that replaces it removes what it left.
    (pid,) = killed
    leftover, deadline = workers_temp / f"grade-worker-{pid}", time.monotonic() + WAIT_S
    while leftover.exists():
        assert time.monotonic() < deadline, f"the killed worker's {leftover} was never removed"
        time.sleep(0.1)


def test_a_submission_whose_every_worker_dies_is_an_error_after_bounded_tries(poisoned_cluster, tiny, tmp_path):
    cluster, client = poisoned_cluster
    root, out = tmp_path / "class", tmp_path / "out"
    root.mkdir()
    add_folder(root, "dennis", submission("hang-in-test"))
    plan = plan_batch(root, module_file=tiny.submission_file)
    killed: set[int] = set()
    with batch_under_way(cluster.scheduler_address, plan, tiny, out) as (batch, runs):
        deadline = time.monotonic() + WAIT_S
        while batch.is_alive():
            assert time.monotonic() < deadline, "the poisoned submission was retried for ever"
            kill_worker_grading(client, "dennis", killed)
            time.sleep(0.05)

    assert len(killed) == ALLOWED_FAILURES + 1
    rows = rows_by_student(out)
    assert rows["dennis"]["status"] == "error"
    assert f"each worker that graded it died ({ALLOWED_FAILURES + 1} tries" in rows["dennis"]["error"]
    assert runs[0].graded_now == 1 and runs[0].summary.errors == 1


def test_the_batch_names_a_refused_worker_and_grades_on_the_others(cluster, client, tmp_path):
    root, out = tmp_path / "class", tmp_path / "out"
    root.mkdir()
    add_folder(root, "ada", REFERENCE)
    add_zip(root, "linus", submission("unlocked"))
    empty_cache = tmp_path / "empty-cache"
    empty_cache.mkdir()
    unfit = start_worker(cluster.scheduler_address, worker_env(tmp_path, GRADE_CACHE=str(empty_cache)))
    try:
        client.wait_for_workers(3, timeout=WAIT_S)
        done = subprocess.run(
            grade_command(root, out, "--scheduler", cluster.scheduler_address),
            env=grade_environment(tmp_path / "scratch"), capture_output=True, text=True, timeout=WAIT_S,
        )
    finally:
        stop_process_group(unfit)

    assert done.returncode == 0, done.stderr
    refusals = [line for line in done.stderr.splitlines() if "refused" in line]
    assert len(refusals) == 1 and "no free-threaded runtime" in refusals[0] and "grade setup" in refusals[0], done.stderr
    assert "grading on 2 worker(s)" in done.stderr
    assert {name: row["status"] for name, row in rows_by_student(out).items()} == {
        "ada": "full-marks", "linus": "graded",
    }


def test_ctrl_c_on_the_cluster_keeps_what_is_done_and_the_printed_command_finishes_it(cluster, client, tmp_path):
    root, out = tmp_path / "class", tmp_path / "out"
    root.mkdir()
    students = [f"student-{index}" for index in range(6)]
    for name in students:
        add_folder(root, name, REFERENCE)
    env = grade_environment(tmp_path / "scratch")
    batch = start(grade_command(root, out, "--scheduler", cluster.scheduler_address), env)
    deadline = time.monotonic() + WAIT_S
    while not journal_lines(out):
        assert batch.poll() is None, batch.communicate()
        assert time.monotonic() < deadline, "nothing was graded in time"
        time.sleep(0.05)
    os.killpg(batch.pid, signal.SIGINT)
    _, stderr = batch.communicate(timeout=WAIT_S)

    assert batch.returncode == 130, stderr
    kept = rows_by_student(out)
    assert 1 <= len(kept) < len(students)
    command = stderr.strip().splitlines()[-1].split()
    assert command[:2] == ["grade", "batch"] and command[-2:] == ["--scheduler", cluster.scheduler_address]
    resumed = subprocess.run([str(GRADE), *command[1:]], env=env, capture_output=True, text=True, timeout=WAIT_S)
    assert resumed.returncode == 0, resumed.stderr
    rows = rows_by_student(out)
    assert sorted(rows) == students and all(row["status"] == "full-marks" for row in rows.values())
    assert all(rows[name] == line for name, line in kept.items())


def test_grade_starts_without_importing_distributed():
    done = subprocess.run(
        [sys.executable, "-c", "import sys, grader.cli.main; print(sorted({m.partition('.')[0] for m in sys.modules}))"],
        capture_output=True, text=True, check=True,
    )
    assert "'distributed'" not in done.stdout and "'dask'" not in done.stdout


def test_without_the_cluster_extra_the_option_says_what_to_install(one_student, tmp_path):
    """`distributed` made unimportable, as where grade[cluster] was not installed."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "distributed.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'distributed'\", name='distributed')\n"
    )
    env = {**grade_environment(tmp_path / "scratch"), "PYTHONPATH": str(shadow)}
    done = subprocess.run(
        grade_command(one_student, tmp_path / "out", "--scheduler", "tcp://127.0.0.1:8786"),
        env=env, capture_output=True, text=True, timeout=WAIT_S,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("grade: --scheduler needs Dask's distributed, which is not installed here")
    assert "pip install '/path/to/grade[cluster]'" in done.stderr


@pytest.fixture
def bare_scheduler() -> Iterator[LocalCluster]:
    """A scheduler with no workers of its own: the test brings them."""
    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", **QUIET_SCHEDULER) as local_cluster:
        yield local_cluster


def run_batch_expecting_a_stop(root: Path, out: Path, scheduler: str, scratch: Path) -> str:
    """The batch's one line on stderr, once it has stopped with exit 2 and graded nobody."""
    done = subprocess.run(
        grade_command(root, out, "--scheduler", scheduler),
        env=grade_environment(scratch), capture_output=True, text=True, timeout=WAIT_S,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert journal_lines(out) == []
    return lines[0]


def stop_with_one_worker(scheduler: LocalCluster, root: Path, tmp_path: Path, **env: str) -> str:
    """The batch's line when the scheduler's one worker runs with `env` changed."""
    worker = start_worker(scheduler.scheduler_address, worker_env(tmp_path, **env))
    try:
        wait_for_workers(scheduler.scheduler_address, 1)
        return run_batch_expecting_a_stop(root, tmp_path / "out", scheduler.scheduler_address, tmp_path / "scratch")
    finally:
        stop_process_group(worker)


@pytest.fixture
def one_student(tmp_path: Path) -> Path:
    root = tmp_path / "class"
    root.mkdir()
    add_folder(root, "ada", REFERENCE)
    return root


def test_an_unreachable_scheduler_stops_the_batch_with_one_line(one_student, tmp_path):
    line = run_batch_expecting_a_stop(one_student, tmp_path / "out", "tcp://127.0.0.1:1", tmp_path / "scratch")
    assert line.startswith("grade: cannot reach the Dask scheduler at tcp://127.0.0.1:1"), line


def test_a_scheduler_without_workers_stops_the_batch_with_one_line(bare_scheduler, one_student, tmp_path):
    address = bare_scheduler.scheduler_address
    line = run_batch_expecting_a_stop(one_student, tmp_path / "out", address, tmp_path / "scratch")
    assert f"the Dask scheduler at {address} has no workers" in line, line


def test_a_cluster_of_unfit_workers_stops_the_batch_saying_why(bare_scheduler, one_student, tmp_path):
    empty_cache = tmp_path / "empty-cache"
    empty_cache.mkdir()
    line = stop_with_one_worker(bare_scheduler, one_student, tmp_path, GRADE_CACHE=str(empty_cache))
    assert "no worker of" in line and "can grade tiny" in line and "no free-threaded runtime" in line, line


def test_a_worker_with_another_version_of_the_suite_stops_the_batch(bare_scheduler, one_student, tmp_path):
    other_home = tmp_path / "other-home"
    shutil.copytree(TINY_HOME, other_home)
    with (other_home / "challenges" / "tiny" / "tests" / "test_basics.py").open("a") as tests:
        tests.write("\n\ndef test_added_later():\n    pass\n")
    line = stop_with_one_worker(bare_scheduler, one_student, tmp_path, GRADE_HOME=str(other_home))
    assert "another version of tiny's hidden suite" in line and "same grade and challenges" in line, line


def test_a_batch_that_loses_its_scheduler_keeps_its_journal_and_resumes_on_this_machine(tmp_path):
    root, out = tmp_path / "class", tmp_path / "out"
    root.mkdir()
    students = [f"student-{index}" for index in range(5)]
    for name in students:
        add_folder(root, name, REFERENCE)
    scheduler_file = tmp_path / "scheduler.json"
    scheduler = subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(scheduler_file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    worker = None
    try:
        deadline = time.monotonic() + WAIT_S
        while not scheduler_file.exists() or not scheduler_file.read_text().strip():
            assert time.monotonic() < deadline and scheduler.poll() is None, "the scheduler did not start"
            time.sleep(0.1)
        worker = start_worker(json.loads(scheduler_file.read_text())["address"], worker_env(tmp_path))
        wait_for_workers(json.loads(scheduler_file.read_text())["address"], 1)
        batch = start(grade_command(root, out, "--scheduler", str(scheduler_file)), grade_environment(tmp_path / "s"))
        while not journal_lines(out):
            assert batch.poll() is None, batch.communicate()
            assert time.monotonic() < deadline, "nothing was graded in time"
            time.sleep(0.05)
        stop_process_group(scheduler)
        _, stderr = batch.communicate(timeout=WAIT_S)
    finally:
        stop_process_group(scheduler)
        if worker is not None:
            stop_process_group(worker)

    assert batch.returncode == 2, stderr
    assert "lost the Dask scheduler" in stderr and "--resume" in stderr and "Traceback" not in stderr, stderr
    kept = rows_by_student(out)
    assert 1 <= len(kept) < len(students)
    assert (out / "gradebook.csv").exists()

    resumed = subprocess.run(
        grade_command(root, out, "--resume"), env=grade_environment(tmp_path / "s"),
        capture_output=True, text=True, timeout=WAIT_S,
    )
    assert resumed.returncode == 0, resumed.stderr
    rows = rows_by_student(out)
    assert sorted(rows) == students and all(row["status"] == "full-marks" for row in rows.values())
    assert all(rows[name] == line for name, line in kept.items())
