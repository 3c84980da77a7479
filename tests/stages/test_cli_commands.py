"""The entry point loads only the command it runs: its table must name every command, in the
order `grade --help` lists them, or a command would be missing from a lazy start."""

from __future__ import annotations

import subprocess
import sys

from grader.cli.main import COMMANDS, app


def test_the_table_names_every_registered_command_in_order():
    registered = [(command.callback.__module__, command.name) for command in app.registered_commands]
    listed = [(module, name) for module, names in COMMANDS.items() for name in names]
    assert registered == listed


def test_a_command_starts_without_the_other_command_modules():
    code = (
        "import sys; import grader.cli.main as m; m.load_commands('submit'); "
        "print(sorted(k for k in sys.modules if k in m.COMMANDS))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['grader.cli.submit']"


def test_an_unknown_first_word_loads_every_command_so_the_shell_can_answer():
    done = subprocess.run(
        [sys.executable, "-m", "grader", "--debug", "list"], capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0 and "notification-pipeline" in done.stdout, done.stderr
    done = subprocess.run([sys.executable, "-m", "grader", "submitt"], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "submit" in done.stderr
