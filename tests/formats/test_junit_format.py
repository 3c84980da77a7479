"""JUnit XML, valid against the Jenkins xUnit plugin's schema and read back by junitparser as a CI
dashboard would read it."""

import xml.etree.ElementTree as ET

import pytest
import xmlschema
from format_results import EVERY_STATUS, SITUATIONS, assert_valid_junit, build, failing, passing
from junitparser import Error, Failure, JUnitXml

from grader.outcomes import Status, TestOutcome
from grader.report.junit import render_junit


def parse(text: str) -> JUnitXml:
    assert_valid_junit(text)
    return JUnitXml.fromstring(text.encode())


@pytest.mark.parametrize("situation", SITUATIONS)
def test_every_report_validates_against_the_jenkins_xunit_schema(tiny, situation):
    assert_valid_junit(render_junit(SITUATIONS[situation](tiny)))


def test_the_schema_check_refuses_what_jenkins_refuses(tiny):
    text = render_junit(failing(tiny)).replace('<testsuites name="grade tiny"', '<testsuites skipped="0" name="grade tiny"')
    with pytest.raises(xmlschema.XMLSchemaValidationError, match="skipped"):
        assert_valid_junit(text)


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
    text = render_junit(failing(tiny))
    xml = parse(text)
    assert "skipped" not in ET.fromstring(text).attrib  # junit-10.xsd allows it on a testsuite only
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


def system_outs(text: str) -> dict[str, str]:
    """Testcase name -> its system-out; "(suite)" for the testsuite's own."""
    suite = ET.fromstring(text).find("testsuite")
    found = {case.get("name"): case.findtext("system-out") for case in suite.iter("testcase")}
    if suite.find("system-out") is not None:
        found["(suite)"] = suite.findtext("system-out")
    return {name: out for name, out in found.items() if out is not None}


def test_the_program_output_is_the_system_out_of_the_first_testcase_that_did_not_pass(tiny):
    # GitLab reads system-out only inside a testcase, and shows it for one that failed.
    outs = system_outs(render_junit(failing(tiny)))
    assert list(outs) == ["test_hang_returns"]
    assert outs["test_hang_returns"].endswith("-\nprinted\n")
    assert "your program's output" in outs["test_hang_returns"]


def test_the_graders_notes_go_with_the_output(tiny):
    result = build(tiny, notes=("the submission ran out of its 40 s wall-clock limit",))
    (out,) = system_outs(render_junit(result)).values()
    notes, output = out.split("your program's output")
    assert "notes from the grader" in notes and "the submission ran out of its 40 s wall-clock limit\n" in notes
    assert output.endswith("-\nprinted\n")


def test_at_full_marks_the_output_goes_with_the_first_testcase(tiny):
    outcomes = tuple(TestOutcome(o.nodeid, Status.PASSED, 0.0, "") for o in EVERY_STATUS)
    result = build(tiny, outcomes, (TestOutcome("static::add_takes_int", Status.PASSED, 0.0, ""),), output="hi\n")
    assert result.passed
    assert list(system_outs(render_junit(result))) == ["test_add_returns_the_running_total"]


def test_no_output_and_no_notes_means_no_system_out(tiny):
    assert system_outs(render_junit(passing(tiny))) == {}


def test_a_tampered_run_shows_the_output_with_its_integrity_testcase(tiny):
    outcomes = (TestOutcome("test_basics.py::test_add_returns_the_running_total", Status.PASSED, 0.1, ""),)
    result = build(tiny, outcomes, (), tamper_evidence=("records forged",))
    assert list(system_outs(render_junit(result))) == ["results_can_be_trusted"]


def test_characters_xml_cannot_hold_are_written_as_codes(tiny):
    outcomes = (TestOutcome("test_basics.py::test_hang_returns", Status.FAILED, 0.1, "bell\x07 & <tag> \x1b[31m"),)
    text = render_junit(build(tiny, outcomes, output="\x00nul\x1b[0m ok"))
    (suite,) = parse(text)
    case = next(case for case in suite if case.name == "test_hang_returns")
    assert case.result[0].message == "bell#x07 & <tag> #x1B[31m"
    assert system_outs(text)["test_hang_returns"].endswith("-\n#x00nul#x1B[0m ok")


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
