from pathlib import Path

import pytest

from grader.catalog import list_challenges, load_challenge
from grader.errors import ChallengeError


def test_the_flagship_challenge_loads_with_groups_worth_one_hundred_points():
    challenge = load_challenge("notification-pipeline")
    assert challenge.module == "pipeline"
    assert challenge.max_score == 100
    assert challenge.requires_free_threading
    assert {check.group for check in challenge.static_checks} <= {g.id for g in challenge.groups}


def test_every_shipped_challenge_has_a_statement_a_starter_and_a_reference():
    root = Path(__file__).resolve().parents[2]
    for challenge in list_challenges():
        assert challenge.statement.is_file(), challenge.id
        assert (root / "starter" / challenge.id).is_dir(), challenge.id
        assert (root / "solutions" / challenge.id / "reference").is_dir(), challenge.id


def test_an_unknown_challenge_is_refused_with_the_known_ids(tiny_home):
    with pytest.raises(ChallengeError, match="unknown challenge 'nope'.*tiny"):
        load_challenge("nope")


def _home_with(tmp_path: Path, monkeypatch, manifest: str) -> None:
    challenge = tmp_path / "challenges" / "broken"
    (challenge / "tests").mkdir(parents=True)
    (challenge / "tests" / "test_basics.py").write_text("def test_x():\n    pass\n")
    (challenge / "challenge.toml").write_text(manifest)
    (challenge / "README.md").write_text("# Broken\n")
    monkeypatch.setenv("GRADE_HOME", str(tmp_path))


def test_a_manifest_that_is_not_toml_is_refused_naming_the_file(tmp_path, monkeypatch):
    _home_with(tmp_path, monkeypatch, "title = \n")
    with pytest.raises(ChallengeError, match=r"challenge\.toml: not valid TOML"):
        load_challenge("broken")


def test_a_group_without_tests_or_static_checks_is_refused(tmp_path, monkeypatch):
    _home_with(tmp_path, monkeypatch, """
title = "Broken"
module = "m"
[[groups]]
id = "ghost"
title = "Nothing checks this"
points = 5
""")
    with pytest.raises(ChallengeError, match="group 'ghost' has neither"):
        load_challenge("broken")


def test_an_unknown_limit_is_refused_with_the_allowed_keys(tmp_path, monkeypatch):
    _home_with(tmp_path, monkeypatch, """
title = "Broken"
module = "m"
[limits]
wall_secs = 5
[[groups]]
id = "basics"
title = "Basics"
points = 5
""")
    with pytest.raises(ChallengeError, match=r"\[limits\] unknown key .wall_secs.; allowed: wall_seconds"):
        load_challenge("broken")


def test_a_challenge_without_a_statement_is_refused(tmp_path, monkeypatch):
    _home_with(tmp_path, monkeypatch, """
title = "Silent"
module = "m"
[[groups]]
id = "basics"
title = "Basics"
points = 5
""")
    (tmp_path / "challenges" / "broken" / "README.md").unlink()
    with pytest.raises(ChallengeError, match="README.md is missing"):
        load_challenge("broken")


def test_limits_set_on_the_command_line_replace_the_challenges_own(tiny):
    from grader.catalog import with_limits
    changed = with_limits(tiny, ["wall_seconds=300", "memory-mb=8192"])
    assert changed.limits.wall_seconds == 300.0 and changed.limits.memory_mb == 8192
    assert changed.limits.test_seconds == tiny.limits.test_seconds


@pytest.mark.parametrize(("setting", "complaint"), [
    ("walltime=5", "unknown limit"),
    ("wall_seconds=soon", "is not a number"),
    ("processes=0", "more than zero"),
])
def test_a_bad_limit_is_refused_naming_the_setting(tiny, setting, complaint):
    from grader.catalog import with_limits
    with pytest.raises(ChallengeError, match=complaint):
        with_limits(tiny, [setting])


GOOD_GROUP = """
[[groups]]
id = "basics"
title = "Basics"
points = 5
"""


@pytest.mark.parametrize(("manifest", "complaint"), [
    ('title = "T"\nmodule = "m"\nhint = ["typo for hints"]\n' + GOOD_GROUP,
     r"unknown key 'hint'; allowed: schema, title, difficulty"),
    ('title = "T"\nmodule = "m"\nrequires_free_threading = "yes"\n' + GOOD_GROUP,
     r"'requires_free_threading' must be true or false, got 'yes'"),
    ('title = "T"\nmodule = "m"\ndifficulty = "hard"\n' + GOOD_GROUP,
     r"'difficulty' must be one of 'beginner', 'intermediate', 'advanced'"),
    ('title = "T"\nmodule = "m"\n[stress]\nrounds = "many"\n' + GOOD_GROUP,
     r"\[stress\] 'rounds' must be an integer, got 'many'"),
    ('title = "T"\nmodule = "m"\n[sandbox]\nallow = ["network"]\n' + GOOD_GROUP,
     r"\[sandbox\] 'allow' must be a list of one of 'fresh-interpreter'"),
    ('title = "T"\nmodule = "m"\n' + GOOD_GROUP + 'pionts = 3\n',
     r"\[\[groups\]\] #1 unknown key 'pionts'"),
    ('title = "T"\nmodule = "m"\n' + GOOD_GROUP.replace("points = 5", "points = true"),
     r"\[\[groups\]\] #1 'points' must be a number, got True"),
    ('module = "m"\n' + GOOD_GROUP, r"'title' is required"),
    ('title = "T"\nmodule = "my-module"\n' + GOOD_GROUP, r"must be a Python module name"),
])
def test_a_typo_or_a_wrong_type_in_the_manifest_is_refused_naming_file_and_key(
    tmp_path, monkeypatch, manifest, complaint
):
    _home_with(tmp_path, monkeypatch, manifest)
    with pytest.raises(ChallengeError, match=r"challenge\.toml: .*" + complaint):
        load_challenge("broken")


def test_a_test_file_that_belongs_to_no_group_is_refused(tmp_path, monkeypatch):
    _home_with(tmp_path, monkeypatch, 'title = "T"\nmodule = "m"\n' + GOOD_GROUP)
    (tmp_path / "challenges" / "broken" / "tests" / "test_basic.py").write_text("def test_y():\n    pass\n")
    with pytest.raises(ChallengeError, match=r"test_basic\.py: no group 'basic'"):
        load_challenge("broken")


def test_support_files_and_allowances_are_read_from_the_challenge(tmp_path, monkeypatch):
    _home_with(tmp_path, monkeypatch,
               'title = "T"\nmodule = "m"\n[sandbox]\nallow = ["fresh-interpreter"]\n' + GOOD_GROUP)
    support = tmp_path / "challenges" / "broken" / "support"
    support.mkdir()
    (support / "driver.py").write_text("def connect():\n    return object()\n")
    challenge = load_challenge("broken")
    assert challenge.allow == ("fresh-interpreter",)
    assert [path.name for path in challenge.support_files] == ["driver.py"]


def test_a_support_file_may_not_replace_the_students_module(tmp_path, monkeypatch):
    _home_with(tmp_path, monkeypatch, 'title = "T"\nmodule = "m"\n' + GOOD_GROUP)
    support = tmp_path / "challenges" / "broken" / "support"
    support.mkdir()
    (support / "m.py").write_text("")
    with pytest.raises(ChallengeError, match="may not have the name of the student's module"):
        load_challenge("broken")


def test_challenges_are_listed_along_the_path_from_beginner_to_advanced(tmp_path, monkeypatch):
    from grader.catalog import list_challenges
    levels = {"zeta": ("beginner", 20), "alpha": ("advanced", 30), "mid": ("intermediate", 60),
              "beta": ("beginner", 45), "omega": ("advanced", 10)}
    for challenge_id, (difficulty, minutes) in levels.items():
        root = tmp_path / "challenges" / challenge_id
        (root / "tests").mkdir(parents=True)
        (root / "tests" / "test_basics.py").write_text("def test_x():\n    pass\n")
        (root / "README.md").write_text("# T\n")
        (root / "challenge.toml").write_text(
            f'title = "T"\nmodule = "m"\ndifficulty = "{difficulty}"\nminutes = {minutes}\n' + GOOD_GROUP
        )
    monkeypatch.setenv("GRADE_HOME", str(tmp_path))
    assert [challenge.id for challenge in list_challenges()] == ["zeta", "beta", "mid", "omega", "alpha"]
