"""Who is in a class: one submission per folder or zip, named for its student, in the layouts
GitHub Classroom and Moodle downloads give."""

import pytest

from classroom import REFERENCE, add_folder, add_zip
from grader.batch.plan import plan_batch
from grader.errors import GradeError, SubmissionPathError


def names(plan):
    return [submission.student for submission in plan.submissions]


def test_each_folder_and_zip_is_one_student_named_after_it(tmp_path):
    add_folder(tmp_path, "alice", REFERENCE)
    add_zip(tmp_path, "bob", REFERENCE)
    (tmp_path / "grades.csv").write_text("x")
    (tmp_path / ".DS_Store").write_text("x")
    plan = plan_batch(tmp_path, module_file="tally.py")
    assert names(plan) == ["alice", "bob"]
    assert plan.submissions[1].source == (tmp_path / "bob.zip").resolve()
    assert plan.skipped == ("grades.csv (neither a folder nor a .zip)",)


def test_a_github_classroom_download_is_named_by_github_user_with_strip_prefix(tmp_path):
    for user in ("octo-cat", "hubot"):
        add_folder(tmp_path, f"singleton-lab-{user}", REFERENCE)
    plan = plan_batch(tmp_path, module_file="tally.py", strip_prefix="singleton-lab-")
    assert names(plan) == ["hubot", "octo-cat"]


def test_a_moodle_download_is_named_by_full_name_with_the_moodle_pattern(tmp_path):
    add_folder(tmp_path, "Ada Lovelace_1234_assignsubmission_file_", REFERENCE)
    add_folder(tmp_path, "Alan Turing_98_assignsubmission_file_", REFERENCE)
    add_folder(tmp_path, "Alan Turing_98_assignsubmission_onlinetext_", REFERENCE)
    plan = plan_batch(tmp_path, module_file="tally.py", name_pattern="moodle")
    assert names(plan) == ["Ada Lovelace", "Alan Turing"]
    assert plan.skipped == ("Alan Turing_98_assignsubmission_onlinetext_ (does not match --name-pattern)",)


def test_a_custom_pattern_takes_the_name_from_its_student_group(tmp_path):
    add_folder(tmp_path, "2024-hw3-jdoe-late", REFERENCE)
    plan = plan_batch(tmp_path, module_file="tally.py", name_pattern=r"\d+-hw3-(?P<student>[a-z]+)")
    assert names(plan) == ["jdoe"]


def test_two_entries_for_one_student_are_refused_naming_both(tmp_path):
    add_folder(tmp_path, "alice", REFERENCE)
    add_zip(tmp_path, "alice", REFERENCE)
    with pytest.raises(GradeError, match="two submissions are named 'alice': alice and alice.zip"):
        plan_batch(tmp_path, module_file="tally.py")


def test_a_folder_that_is_itself_one_submission_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(GradeError, match="looks like one submission.*grade submit"):
        plan_batch(REFERENCE, module_file="tally.py")


def test_a_missing_root_and_an_empty_root_are_refused(tmp_path):
    with pytest.raises(SubmissionPathError, match="no such folder"):
        plan_batch(tmp_path / "nope", module_file="tally.py")
    with pytest.raises(GradeError, match="holds no student folder or .zip"):
        plan_batch(tmp_path, module_file="tally.py")


def test_an_invalid_pattern_is_refused_naming_the_option(tmp_path):
    add_folder(tmp_path, "alice", REFERENCE)
    with pytest.raises(GradeError, match="--name-pattern '\\(' is not a valid regular expression"):
        plan_batch(tmp_path, module_file="tally.py", name_pattern="(")


def test_file_names_for_feedback_are_safe_and_unique_whatever_the_student_is_called(tmp_path):
    for name in ("a:b", "a_b", "<img src=x>", "Alice", "alice", "Zoë Ünal", "-rf"):
        (tmp_path / name).mkdir()
    slugs = {s.student: s.slug for s in plan_batch(tmp_path, module_file="tally.py").submissions}
    assert len({slug.lower() for slug in slugs.values()}) == len(slugs)
    assert all(slug and "/" not in slug and not slug.startswith((".", "-")) for slug in slugs.values())
    assert slugs["Zoë Ünal"] == "Zoë_Ünal"


def test_a_symlinked_entry_is_skipped_not_followed(tmp_path):
    outside = tmp_path / "outside"
    add_folder(outside, "mallory", REFERENCE)
    root = tmp_path / "class"
    add_folder(root, "alice", REFERENCE)
    (root / "mallory").symlink_to(outside / "mallory")
    plan = plan_batch(root, module_file="tally.py")
    assert names(plan) == ["alice"]
    assert plan.skipped == ("mallory (a symlink: not followed)",)


def test_the_batch_output_folder_inside_root_is_not_a_student(tmp_path):
    add_folder(tmp_path, "alice", REFERENCE)
    (tmp_path / "grade-batch-tiny" / "feedback").mkdir(parents=True)
    plan = plan_batch(tmp_path, module_file="tally.py", out=tmp_path / "grade-batch-tiny")
    assert names(plan) == ["alice"]
