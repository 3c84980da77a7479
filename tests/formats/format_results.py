"""Results for the format tests, made by the real scoring stage from hand-made outcomes, and the
schemas each rendered report is validated against (schemas/README.md names their sources).

Plain functions of the `tiny` challenge, not fixtures: a conftest.py in this folder would be
importable as `conftest` and shadow tests/conftest.py for the modules that `from conftest import`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import xmlschema
from jsonschema import Draft202012Validator

from grader.catalog import Challenge
from grader.outcomes import Status, StressSettings, TestOutcome
from grader.runner import Execution
from grader.scoring import InterpreterInfo, Result, score

HOSTILE_OUTPUT = (
    "hello from the submission\n"
    "::error::owned\n"
    "::add-mask::secret\n"
    "  ::warning file=x.py,line=1::indented\n"
    "50%0A of the time\r\n"
    "::stop-commands::guess\n"
    "::guess::\n"
    "<script>alert(1)</script> ``` | --- |\n"
)

EVERY_STATUS = (
    TestOutcome("test_basics.py::test_add_returns_the_running_total", Status.PASSED, 0.01, ""),
    TestOutcome("test_basics.py::test_hang_returns", Status.TIMEOUT, 4.0, "timed out after 4 s in this test"),
    TestOutcome("test_basics.py::test_crash_returns", Status.ERROR, 0.0,
                "tally.py:7: ZeroDivisionError: division by zero"),
    TestOutcome("test_threads.py::test_concurrent_adds_lose_nothing", Status.FAILED, 0.2,
                "8 threads added 40, the total says 37"),
)
NOT_RUN_STATIC = (TestOutcome("static::add_takes_int", Status.NOT_RUN, 0.0, "not run: no time was left"),)


def build(
    challenge: Challenge,
    outcomes: tuple[TestOutcome, ...] = EVERY_STATUS,
    static: tuple[TestOutcome, ...] = NOT_RUN_STATIC,
    *,
    output: str = "printed\n",
    output_truncated: bool = False,
    gil_disabled: bool = True,
    import_error: str | None = None,
    tamper_evidence: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> Result:
    return score(
        challenge=challenge,
        execution=Execution(
            outcomes=outcomes,
            gil_enabled_after_import=not gil_disabled,
            gil_enabled_at_end=not gil_disabled,
            import_error=import_error,
            output=output,
            output_truncated=output_truncated,
            children=2,
            notes=notes,
            tamper_evidence=(),
        ),
        static_outcomes=static,
        interpreter=InterpreterInfo("/opt/python/bin/python3.13t", "3.13.5", True, gil_disabled),
        stress=StressSettings(threads=8, rounds=20, seed=42),
        sandbox="bubblewrap",
        duration_s=5.0,
        tamper_evidence=tamper_evidence,
    )


def failing(challenge: Challenge) -> Result:
    """One test of every status, the output a plain line."""
    return build(challenge)


def passing(challenge: Challenge) -> Result:
    outcomes = tuple(TestOutcome(o.nodeid, Status.PASSED, o.duration_s, "") for o in EVERY_STATUS)
    return build(challenge, outcomes, (TestOutcome("static::add_takes_int", Status.PASSED, 1.5, ""),), output="")


def hostile(challenge: Challenge) -> Result:
    """Output and messages written by a submission that tries to command the CI runner."""
    outcomes = (
        TestOutcome("test_basics.py::test_add_returns_the_running_total", Status.FAILED, 0.01,
                    "::error::owned\n%0A::warning::twice, 100% sure: yes"),
        *EVERY_STATUS[1:],
    )
    return build(challenge, outcomes, output=HOSTILE_OUTPUT)


def tampered_claiming_full_marks(challenge: Challenge) -> Result:
    """Every record says passed, but the run was tampered with: nothing scores."""
    outcomes = tuple(TestOutcome(o.nodeid, Status.PASSED, o.duration_s, "") for o in EVERY_STATUS)
    static = (TestOutcome("static::add_takes_int", Status.PASSED, 1.5, ""),)
    return build(challenge, outcomes, static, tamper_evidence=("a canary test reported passed", "records forged"))


def tampered_with_failures(challenge: Challenge) -> Result:
    return build(challenge, tamper_evidence=("the results pipe was written twice",))


def does_not_import(challenge: Challenge) -> Result:
    """A syntax error: no test ran, the type checker could not run either."""
    reason = "tally.py: SyntaxError at line 3: invalid syntax"
    outcomes = tuple(TestOutcome(o.nodeid, Status.ERROR, 0.0, reason) for o in EVERY_STATUS)
    static = (TestOutcome("static::add_takes_int", Status.ERROR, 0.0, "the type checker could not run"),)
    return build(challenge, outcomes, static, output="", import_error=reason)


def exits_at_import_but_type_checks(challenge: Challenge) -> Result:
    """The module exits while importing, so no pytest test ran, but the static check (mypy,
    which does not import it) passed."""
    reason = "tally.py: the module called exit() while being imported"
    outcomes = tuple(TestOutcome(o.nodeid, Status.ERROR, 0.0, reason) for o in EVERY_STATUS)
    static = (TestOutcome("static::add_takes_int", Status.PASSED, 1.5, ""),)
    return build(challenge, outcomes, static, output="bye\n", import_error=reason)


def noted_and_cut(challenge: Challenge) -> Result:
    """Grader notes, a GIL that came back, and output cut at the cap."""
    return build(challenge, output="line\n" * 400, output_truncated=True, gil_disabled=False, notes=(
        "the submission's output was cut at 64 KB", "the GIL was enabled after importing tally.py",
    ))


def unprintable(challenge: Challenge) -> Result:
    """Characters XML 1.0 cannot hold, and markup, in a message and in the output."""
    outcomes = (TestOutcome("test_basics.py::test_hang_returns", Status.FAILED, 0.1, "bell\x07 & <tag> \x1b[31m]]>"),)
    return build(challenge, outcomes, output="\x00nul\x1b[0m ok ]]> <b>")


SITUATIONS: dict[str, Callable[[Challenge], Result]] = {
    "one test of every status": failing,
    "full marks": passing,
    "hostile output": hostile,
    "tampered, every test claiming a pass": tampered_claiming_full_marks,
    "tampered, with failures": tampered_with_failures,
    "a module that does not import": does_not_import,
    "an exit at import while a static check passed": exits_at_import_but_type_checks,
    "notes, the GIL back on and output cut": noted_and_cut,
    "characters XML cannot hold": unprintable,
}

SCHEMAS = Path(__file__).resolve().parent / "schemas"
JUNIT_XSD = SCHEMAS / "junit-10.xsd"
EXERCISM_SCHEMA = SCHEMAS / "exercism-results-v3.schema.json"
GRADESCOPE_SCHEMA = SCHEMAS / "gradescope-results.schema.json"
RESULT_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "result.schema.json"


def assert_valid_junit(text: str) -> None:
    """Valid against the Jenkins xUnit plugin's junit-10.xsd."""
    _xml_schema(JUNIT_XSD).validate(text.encode("utf-8"))


def assert_valid_json(data: Any, schema: Path) -> None:
    """Valid against a JSON Schema (draft 2020-12), every violation listed."""
    errors = sorted(_json_validator(schema).iter_errors(data), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors)


@cache
def _xml_schema(path: Path) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(path)


@cache
def _json_validator(path: Path) -> Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)
