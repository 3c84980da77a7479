"""grade: a grader for Python design-pattern and concurrency challenges."""

__version__ = "0.1.0"
