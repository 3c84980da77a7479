"""Wrappers keep name, doc, signature and async-ness.

Each decorator is applied to functions defined here, with a docstring, annotations, a default
and a keyword-only parameter, so that a wrapper which only looks like the function is told
apart from one that carries its metadata.
"""

import inspect

ATTRIBUTES = ("__name__", "__qualname__", "__doc__")


def make_plain():
    def fetch(url: str, retries: int = 2, *, timeout: float = 1.5) -> bytes:
        """Fetch one URL and return its body."""
        return url.encode()

    return fetch


def make_async():
    async def fetch_async(url: str, *, timeout: float = 1.5) -> bytes:
        """Fetch one URL without blocking the event loop."""
        return url.encode()

    return fetch_async


def metadata_problems(wrapper, original):
    """What the wrapper lost of `original`, in words; empty when it kept everything."""
    problems = []
    for name in ATTRIBUTES:
        kept, expected = getattr(wrapper, name, None), getattr(original, name)
        if kept != expected:
            problems.append(f"{name} is {kept!r}, expected {expected!r}")
    wrapped = getattr(wrapper, "__wrapped__", None)
    if wrapped is not original:
        problems.append(f"__wrapped__ is {wrapped!r}, expected the decorated function itself")
    try:
        signature = inspect.signature(wrapper)
    except (TypeError, ValueError) as error:
        problems.append(f"inspect.signature(wrapper) raised {type(error).__name__}: {error}")
    else:
        if signature != inspect.signature(original):
            problems.append(
                f"inspect.signature(wrapper) is {signature}, expected {inspect.signature(original)}"
            )
    return problems


def assert_metadata_kept(wrapper, original, applied):
    problems = metadata_problems(wrapper, original)
    assert not problems, f"{applied} lost the function's metadata: " + "; ".join(problems)


def test_retry_keeps_the_function_metadata(submission):
    original = make_plain()
    wrapper = submission.retry(3)(original)
    assert_metadata_kept(wrapper, original, "@retry(3) on a plain function")
    assert not inspect.iscoroutinefunction(wrapper), (
        "@retry(3) on a plain function made a coroutine function; a plain function must stay plain"
    )


def test_timed_keeps_the_function_metadata(submission):
    original = make_plain()
    wrapper = submission.timed(original)
    assert_metadata_kept(wrapper, original, "@timed on a plain function")
    assert not inspect.iscoroutinefunction(wrapper), (
        "@timed on a plain function made a coroutine function; a plain function must stay plain"
    )


def test_once_keeps_the_function_metadata(submission):
    original = make_plain()
    wrapper = submission.once(original)
    assert_metadata_kept(wrapper, original, "@once on a plain function")
    assert not inspect.iscoroutinefunction(wrapper), (
        "@once on a plain function made a coroutine function; a plain function must stay plain"
    )


def test_retry_keeps_an_async_function_a_coroutine_function(submission):
    original = make_async()
    wrapper = submission.retry(2, (OSError,), 0.01)(original)
    assert inspect.iscoroutinefunction(wrapper), (
        "@retry on an `async def` function returned a wrapper for which "
        "inspect.iscoroutinefunction() is False; it must stay a coroutine function"
    )
    assert_metadata_kept(wrapper, original, "@retry on an `async def` function")


def test_timed_keeps_an_async_function_a_coroutine_function(submission):
    original = make_async()
    wrapper = submission.timed(original)
    assert inspect.iscoroutinefunction(wrapper), (
        "@timed on an `async def` function returned a wrapper for which "
        "inspect.iscoroutinefunction() is False; it must stay a coroutine function"
    )
    assert_metadata_kept(wrapper, original, "@timed on an `async def` function")
