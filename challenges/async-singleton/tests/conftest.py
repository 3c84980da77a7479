"""Shared by the async-singleton suite: the grader's driver, reset around every test.

The driver (`aiodriver`, a support file) is imported inside the fixture, never at the top of a
module: the suite is collected without the submission's folder on the path.
"""

import pytest


@pytest.fixture
def driver():
    """The grader's aiodriver, with its counts at zero and connecting fast and reliable."""
    import aiodriver

    aiodriver.reset()
    yield aiodriver
    aiodriver.reset()
