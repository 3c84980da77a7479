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
