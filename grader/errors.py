"""Exceptions meant for users: the message is the one line they read, and says what to do next.

Whatever the student's code does is a verdict in the Result, never one of these. These are for
the grader's inputs: an unknown challenge, a missing path, no usable interpreter, a bad manifest.
"""


class GradeError(Exception):
    """A problem with what the user asked for; the CLI prints it on one line and exits 2."""


class ChallengeError(GradeError):
    """An unknown challenge id, or a challenge whose files are malformed."""


class SubmissionPathError(GradeError):
    """The submission path does not exist or cannot be read."""


class RuntimeNotFound(GradeError):
    """No interpreter fit to run submissions was found or could be provisioned."""


class StarterError(GradeError):
    """`grade start` would overwrite files, or the folder is not a challenge workspace."""
