import shutil
import subprocess
import sys

import pytest

from grader.errors import RuntimeNotFound
from grader.runtime import find_runtime, probe_interpreter


def test_the_chosen_runtime_is_free_threaded_with_the_gil_disabled(runtime):
    assert runtime.free_threaded_build
    assert not runtime.gil_enabled_at_start
    check = subprocess.run(
        [str(runtime.executable), "-c", "import sys, pytest; print(sys._is_gil_enabled())"],
        capture_output=True, text=True, check=True,
    )
    assert check.stdout.strip() == "False"


def test_a_missing_interpreter_is_a_user_error():
    with pytest.raises(RuntimeNotFound, match="not found"):
        find_runtime("/nonexistent/python3.13t")


def test_an_interpreter_older_than_3_12_is_refused():
    with pytest.raises(RuntimeNotFound, match="not a Python 3.12"):
        find_runtime(sys.executable if sys.version_info < (3, 12) else "/bin/true")


def test_probing_reports_what_the_interpreter_is(runtime):
    found = probe_interpreter(runtime.base_executable)
    assert found is not None
    assert found.free_threaded_build and not found.gil_enabled
    assert found.version == runtime.version


def test_a_probe_is_kept_until_the_interpreter_changes(runtime, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADE_CACHE", str(tmp_path / "cache"))
    python = tmp_path / "python3.13t"
    shutil.copy2(runtime.base_executable.resolve(), python)
    first = probe_interpreter(python)
    kept = list((tmp_path / "cache" / "probes").glob("*.json"))
    assert first is not None and len(kept) == 1
    assert probe_interpreter(python) == first
    python.touch()  # a new build in the same place is asked again
    assert probe_interpreter(python) == first
    assert len(list((tmp_path / "cache" / "probes").glob("*.json"))) == 2


def test_a_wrapper_that_runs_another_interpreter_is_asked_every_time(runtime, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADE_CACHE", str(tmp_path / "cache"))
    wrapper = tmp_path / "python3.13"
    wrapper.write_text(f'#!/bin/sh\nexec "{runtime.base_executable}" "$@"\n')
    wrapper.chmod(0o755)
    found = probe_interpreter(wrapper)
    assert found is not None and found.free_threaded_build
    assert not (tmp_path / "cache" / "probes").exists()
