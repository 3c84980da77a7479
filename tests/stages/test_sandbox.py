"""The sandbox for real: bubblewrap namespaces, rlimits, capped output, no symlinks followed."""

import os
from pathlib import Path

import pytest

from processes import processes_holding
from grader.catalog import Limits
from grader.sandbox import SandboxLevel, build_workspace, detect_sandbox, run_child

needs_bubblewrap = pytest.mark.skipif(
    detect_sandbox() is not SandboxLevel.BUBBLEWRAP, reason="bubblewrap cannot run here"
)


@pytest.fixture
def workspace(tiny, tiny_reference, tmp_path):
    return build_workspace(submission=tiny_reference, challenge=tiny, into=tmp_path / "ws")


def run_python(workspace, runtime, code, level, **limits):
    return run_child(
        command=[str(runtime.executable), "-I", "-c", code],
        workspace=workspace,
        limits=Limits(**limits),
        level=level,
        timeout_s=limits.get("wall_seconds", 20),
        readable=runtime.prefixes,
    )


def test_the_workspace_copies_regular_files_and_skips_symlinks(tiny, tiny_reference, tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "tally.py").write_text((tiny_reference / "tally.py").read_text())
    (submission / "secrets.txt").symlink_to("/etc/passwd")
    workspace = build_workspace(submission=submission, challenge=tiny, into=tmp_path / "ws")
    assert (workspace.submission / "tally.py").is_file()
    assert not (workspace.submission / "secrets.txt").exists()
    assert workspace.skipped == ("secrets.txt (a symlink: not followed)",)
    assert (workspace.tests / "test_basics.py").is_file()


@needs_bubblewrap
def test_inside_bubblewrap_the_child_has_its_own_pid_namespace_and_no_network(workspace, runtime):
    code = (
        "import os, socket\n"
        "print('pid', os.getpid())\n"
        "s = socket.socket(); s.settimeout(2)\n"
        "try:\n    s.connect(('1.1.1.1', 53)); print('network: open')\n"
        "except OSError as e:\n    print('network: closed')\n"
    )
    run = run_python(workspace, runtime, code, SandboxLevel.BUBBLEWRAP)
    assert run.exit_code == 0, run.output
    pid = int(run.output.split("pid ")[1].split()[0])
    assert pid < 10, "a private pid namespace numbers the child near 1"
    assert "network: closed" in run.output


@needs_bubblewrap
def test_inside_bubblewrap_the_system_is_read_only_and_the_graders_files_are_out_of_sight(workspace, runtime):
    from grader.catalog import project_root
    code = (
        "import os\n"
        "try:\n    open('/usr/grade-was-here', 'w'); print('system: writable')\n"
        "except OSError:\n    print('system: read-only')\n"
        f"print('grader checkout visible:', os.path.exists({str(project_root())!r}))\n"
        f"print('home visible:', os.path.exists({str(Path.home() / '.bashrc')!r}))\n"
        f"print('workspace visible:', os.path.exists({str(workspace.submission)!r}))\n"
    )
    run = run_python(workspace, runtime, code, SandboxLevel.BUBBLEWRAP)
    assert "system: read-only" in run.output, run.output
    assert "grader checkout visible: False" in run.output
    assert "home visible: False" in run.output
    assert "workspace visible: True" in run.output
    assert not os.path.exists("/usr/grade-was-here")


@pytest.mark.parametrize("level", [SandboxLevel.LIMITS_ONLY, SandboxLevel.BUBBLEWRAP])
def test_a_flood_of_output_is_capped_without_stopping_the_child(workspace, runtime, level):
    if level is SandboxLevel.BUBBLEWRAP and detect_sandbox() is not level:
        pytest.skip("bubblewrap cannot run here")
    code = "import sys\nfor _ in range(20000): sys.stdout.write('y' * 1000 + '\\n')\nprint('END', file=sys.stderr)"
    run = run_python(workspace, runtime, code, level, output_kb=64)
    assert run.exit_code == 0
    assert run.output_truncated
    assert len(run.output.encode()) <= 64 * 1024


def test_a_child_that_outlives_the_wall_clock_is_killed_with_its_process_group(workspace, runtime):
    code = "import subprocess, time\nsubprocess.Popen(['sleep', '313.25'])\ntime.sleep(300)"
    run = run_python(workspace, runtime, code, SandboxLevel.LIMITS_ONLY, wall_seconds=1.5)
    assert run.timed_out and run.exit_code is None
    assert processes_holding("sleep\x00313.25\x00", where="cmdline") == []


def test_the_memory_limit_stops_a_child_that_allocates_too_much(workspace, runtime):
    code = "x = bytearray(3 * 1024 ** 3)\nprint('allocated')"
    run = run_python(workspace, runtime, code, detect_sandbox(), memory_mb=1024)
    assert run.exit_code != 0
    assert "MemoryError" in run.output
    assert "allocated" not in run.output


def test_the_child_does_not_inherit_the_graders_descriptors(workspace, runtime):
    leaked = open(os.devnull)
    try:
        os.set_inheritable(leaked.fileno(), True)
        code = f"import os\ntry:\n    os.fstat({leaked.fileno()}); print('leaked')\nexcept OSError:\n    print('closed')"
        run = run_python(workspace, runtime, code, SandboxLevel.LIMITS_ONLY)
    finally:
        leaked.close()
    assert "closed" in run.output, run.output


needs_pids_cgroup = pytest.mark.skipif(
    not (Path("/sys/fs/cgroup/pids/cgroup.procs").exists() and os.access("/sys/fs/cgroup/pids", os.W_OK)),
    reason="no writable pids cgroup here",
)


@needs_pids_cgroup
@pytest.mark.parametrize("level", [SandboxLevel.LIMITS_ONLY, SandboxLevel.BUBBLEWRAP])
def test_a_fork_bomb_hits_the_process_cap_and_nothing_it_started_survives(workspace, runtime, level):
    if level is SandboxLevel.BUBBLEWRAP and detect_sandbox() is not level:
        pytest.skip("bubblewrap cannot run here")
    code = (
        "import os, time\n"
        "started = 0\n"
        "for _ in range(200):\n"
        "    try:\n"
        "        pid = os.fork()\n"
        "    except OSError:\n"
        "        break\n"
        "    if pid == 0:\n"
        "        os.setsid()\n"  # leave the process group: only the cgroup still holds it
        "        time.sleep(300)\n"
        "        os._exit(0)\n"
        "    started += 1\n"
        "print('started', started, flush=True)\n"
        "time.sleep(300)\n"
    )
    run = run_python(workspace, runtime, code, level, processes=40, wall_seconds=3)
    assert run.timed_out
    started = int(run.output.split("started ")[1].split()[0])
    assert started < 40
    assert processes_holding(f"HOME={workspace.root}\x00") == []
