"""Where the test fixtures live. A module of its own, not conftest, so that no conftest.py in a
sub-folder can shadow it for `from ... import`."""

from pathlib import Path

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
TINY_HOME = FIXTURES / "home"
SUBMISSIONS = FIXTURES / "submissions"
REPO = TESTS.parent
