"""The JUnit XML view of a `Result`, for CI dashboards (Jenkins, GitLab, GitHub test reporters).

One `<testsuite>` per grading, one `<testcase>` per test with `classname` = `<challenge>.<group>`,
so dashboards group tests by requirement. A failed test is a `<failure>`; an error, a timeout or a
test that never ran is an `<error>` (they scored zero: none of them is a benign skip). The run's
interpreter, GIL state, stress settings and seed are `<properties>`. A tampered run gets one more
failing testcase, since its tests may say "passed". Text is escaped for XML, and characters XML
1.0 cannot hold are written as `#xNN`.

The grader's notes and the program's output (one stream for the whole run) are the `<system-out>`
of the first testcase that did not pass: GitLab reads `system-out` only inside a testcase and shows
it only for one that failed, and Jenkins shows a testcase's own. The report validates against the
Jenkins xUnit plugin's `junit-10.xsd`, which allows no `skipped` on `<testsuites>`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from grader.outcomes import Status
from grader.report.scorecard import points
from grader.scoring import Result, TestResult

# Characters XML 1.0 does not allow, even escaped (as pytest's junitxml replaces them).
_ILLEGAL_XML = re.compile("[^\u0009\u000a\u000d\u0020-\u007e\u0080-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(result: Result) -> str:
    cases = [_testcase(result, test) for test in result.tests]
    if result.tampered:
        cases.append(_tamper_case(result))
    failures = sum(1 for case in cases if case.find("failure") is not None)
    errors = sum(1 for case in cases if case.find("error") is not None)
    not_passed = [case for case in cases if case.find("failure") is not None or case.find("error") is not None]
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors)}
    time = {"time": f"{result.duration_s:.3f}"}
    root = ET.Element("testsuites", {"name": f"grade {result.challenge}", **counts, **time})
    suite = ET.SubElement(root, "testsuite", {"name": result.challenge, **counts, "skipped": "0", **time})
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(result):
        ET.SubElement(properties, "property", {"name": name, "value": _xml_text(value)})
    suite.extend(cases)
    run_output = _run_output(result)
    if run_output:
        # With no testcase at all, the suite's own system-out is the only place left.
        shown = next(iter(not_passed or cases), suite)
        ET.SubElement(shown, "system-out").text = _xml_text(run_output)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _properties(result: Result) -> list[tuple[str, str]]:
    interpreter = result.interpreter
    pairs = [
        ("challenge", result.challenge),
        ("title", result.title),
        ("score", points(result.score)),
        ("max_score", points(result.max_score)),
        ("passed", _bool(result.passed)),
        ("python.version", interpreter.version),
        ("python.executable", interpreter.executable),
        ("python.free_threaded_build", _bool(interpreter.free_threaded_build)),
        ("gil", "disabled" if interpreter.gil_disabled else "enabled"),
        ("stress.threads", str(result.stress.threads)),
        ("stress.rounds", str(result.stress.rounds)),
        ("seed", str(result.stress.seed)),
        ("sandbox", result.sandbox),
        ("tampered", _bool(result.tampered)),
    ]
    pairs += [(f"group.{group.id}", f"{points(group.score)}/{points(group.max_score)}") for group in result.groups]
    pairs += [("note", note) for note in result.notes]
    pairs += [("tamper_evidence", item) for item in result.tamper_evidence]
    return pairs


def _run_output(result: Result) -> str:
    """The grader's notes, then the program's output, each under a heading (as pytest's junitxml
    heads its captured sections); '' when there is neither."""
    sections = []
    if result.notes:
        sections.append(_heading("notes from the grader") + "".join(f"{note}\n" for note in result.notes))
    if result.output:
        sections.append(_heading("your program's output (one stream for the whole run)") + result.output)
    return "".join(sections)


def _heading(title: str) -> str:
    return f" {title} ".center(72, "-") + "\n"


def _testcase(result: Result, test: TestResult) -> ET.Element:
    case = ET.Element("testcase", {
        "classname": f"{result.challenge}.{test.group}",
        "name": _xml_text(test.name),
        "time": f"{test.duration_s:.3f}",
    })
    if test.status is Status.PASSED:
        return case
    kind = "failure" if test.status is Status.FAILED else "error"
    message = test.message or str(test.status)
    hint = next((group.hint for group in result.groups if group.id == test.group), "")
    body = f"{message}\n\nhint: {hint}" if hint else message
    problem = ET.SubElement(case, kind, {"message": _xml_text(message), "type": str(test.status)})
    problem.text = _xml_text(body)
    return case


def _tamper_case(result: Result) -> ET.Element:
    case = ET.Element("testcase", {
        "classname": f"{result.challenge}.integrity", "name": "results_can_be_trusted", "time": "0.000",
    })
    evidence = "\n".join(result.tamper_evidence)
    problem = ET.SubElement(case, "failure", {
        "message": _xml_text("tampering detected: this run scores zero"), "type": "tampered",
    })
    problem.text = _xml_text(evidence)
    return case


def _xml_text(text: str) -> str:
    return _ILLEGAL_XML.sub(lambda match: f"#x{ord(match.group()):02X}", text)


def _bool(value: bool) -> str:
    return "true" if value else "false"
