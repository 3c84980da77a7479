"""JUnit XML, read back by junitparser as a CI dashboard would read it."""

import xml.etree.ElementTree as ET

from format_results import build, failing
from junitparser import Error, Failure, JUnitXml

from grader.outcomes import Status, TestOutcome
from grader.report.junit import render_junit


def parse(text: str) -> JUnitXml:
    return JUnitXml.fromstring(text.encode())


def test_each_test_is_a_testcase_classed_by_its_group(tiny):
    (suite,) = parse(render_junit(failing(tiny)))
    cases = [(case.classname, case.name) for case in suite]
    assert cases == [
        ("tiny.basics", "test_add_returns_the_running_total"),
        ("tiny.basics", "test_hang_returns"),
        ("tiny.basics", "test_crash_returns"),
        ("tiny.threads", "test_concurrent_adds_lose_nothing"),
        ("tiny.typing", "add_takes_int"),
    ]


def test_failures_and_errors_carry_the_message_the_status_and_the_hint(tiny):
    (suite,) = parse(render_junit(failing(tiny)))
    results = {case.name: case.result for case in suite}
    assert results["test_add_returns_the_running_total"] == []
    (failure,) = results["test_concurrent_adds_lose_nothing"]
    assert isinstance(failure, Failure)
    assert failure.message == "8 threads added 40, the total says 37"
    assert failure.type == "failed"
    assert "hint: use a threading.Lock" in failure.text
    kinds = {name: (type(found[0]).__name__, found[0].type) for name, found in results.items() if found}
    assert kinds["test_hang_returns"] == ("Error", "timeout")
    assert kinds["test_crash_returns"] == ("Error", "error")
    assert kinds["add_takes_int"] == ("Error", "not_run")  # it scored zero: not a benign skip


def test_the_counts_agree_with_the_testcases(tiny):
    xml = parse(render_junit(failing(tiny)))
    (suite,) = xml
    declared = (suite.tests, suite.failures, suite.errors, suite.skipped)
    assert suite.time == 5.0  # the whole grading, not the sum of the tests
    suite.update_statistics()
    assert declared == (suite.tests, suite.failures, suite.errors, suite.skipped) == (5, 1, 3, 0)
    assert (xml.tests, xml.failures, xml.errors) == (5, 1, 3)
    assert [case.time for case in suite] == [0.01, 4.0, 0.0, 0.2, 0.0]


def test_the_interpreter_gil_and_seed_are_properties(tiny):
    (suite,) = parse(render_junit(failing(tiny)))
    properties = {prop.name: prop.value for prop in suite.properties()}
    assert properties["python.version"] == "3.13.5"
    assert properties["python.free_threaded_build"] == "true"
    assert properties["gil"] == "disabled"
    assert properties["seed"] == "42"
    assert properties["stress.threads"] == "8" and properties["stress.rounds"] == "20"
    assert properties["score"] == "2" and properties["max_score"] == "10"
    assert properties["group.basics"] == "2/6"


def test_the_program_output_is_system_out(tiny):
    root = ET.fromstring(render_junit(failing(tiny)))
    assert root.find("testsuite/system-out").text == "printed\n"


def test_characters_xml_cannot_hold_are_written_as_codes(tiny):
    outcomes = (TestOutcome("test_basics.py::test_hang_returns", Status.FAILED, 0.1, "bell\x07 & <tag> \x1b[31m"),)
    text = render_junit(build(tiny, outcomes, output="\x00nul\x1b[0m ok"))
    (suite,) = parse(text)
    case = next(case for case in suite if case.name == "test_hang_returns")
    assert case.result[0].message == "bell#x07 & <tag> #x1B[31m"
    assert ET.fromstring(text).find("testsuite/system-out").text == "#x00nul#x1B[0m ok"


def test_a_tampered_run_has_a_failing_integrity_testcase(tiny):
    outcomes = tuple(TestOutcome(o, Status.PASSED, 0.1, "") for o in (
        "test_basics.py::test_add_returns_the_running_total", "test_threads.py::test_concurrent_adds_lose_nothing",
    ))
    result = build(tiny, outcomes, (), tamper_evidence=("a canary test reported passed",))
    (suite,) = parse(render_junit(result))
    (integrity,) = [case for case in suite if case.classname == "tiny.integrity"]
    (failure,) = integrity.result
    assert failure.type == "tampered" and "a canary test reported passed" in failure.text
    assert {prop.name: prop.value for prop in suite.properties()}["tampered"] == "true"


def test_an_error_is_an_error_element_not_a_failure(tiny):
    (suite,) = parse(render_junit(failing(tiny)))
    crash = next(case for case in suite if case.name == "test_crash_returns")
    assert isinstance(crash.result[0], Error)
    assert crash.result[0].message == "tally.py:7: ZeroDivisionError: division by zero"
