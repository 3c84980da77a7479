"""once: the first call runs the body, every later call returns its result, reset forgets it.

These tests call from one thread; test_concurrency.py races the first call from many.
"""

import pytest


class Body:
    """A function body that records its arguments and returns the next of `results`."""

    def __init__(self, *results):
        self.results = list(results)
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        outcome = self.results[min(len(self.calls), len(self.results)) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def decorate(submission, body):
    def load_settings(*args, **kwargs):
        return body(*args, **kwargs)

    return submission.once(load_settings)


def test_the_first_call_runs_the_body_and_later_calls_return_its_result(submission):
    settings = {"env": "prod"}
    body = Body(settings, {"env": "other"})
    wrapper = decorate(submission, body)
    first = wrapper("prod", debug=False)
    later = [wrapper(), wrapper("test"), wrapper(env="stage", debug=True)]
    assert first is settings, (
        f"@once: the first call must return what the body returned ({settings!r}); got {first!r}"
    )
    assert body.calls == [(("prod",), {"debug": False})], (
        f"@once: 4 calls (the later ones with other arguments) must run the body once, with "
        f"the first call's arguments; it ran as {body.calls}"
    )
    assert all(result is settings for result in later), (
        f"@once: later calls, whatever their arguments, must return the first result itself; "
        f"they returned {later!r}"
    )


@pytest.mark.parametrize("result", [None, 0, "", False], ids=repr)
def test_a_result_of_none_or_another_false_value_is_cached_too(submission, result):
    body = Body(result, "second run")
    wrapper = decorate(submission, body)
    results = [wrapper() for _ in range(3)]
    assert len(body.calls) == 1 and results == [result] * 3, (
        f"@once on a function that returns {result!r}: 3 calls must run the body once and "
        f"return {result!r} each time; the body ran {len(body.calls)} times and the calls "
        f"returned {results!r} (is {result!r} taken to mean 'no result yet'?)"
    )


def test_a_call_that_raises_caches_nothing(submission):
    error = ConnectionError("database not up yet")
    body = Body(error, "connected", "reconnected")
    wrapper = decorate(submission, body)
    with pytest.raises(BaseException) as raised:
        wrapper(1)
    assert raised.value is error, (
        f"@once: the body raised ConnectionError on the first call; the call must let it "
        f"propagate, but {type(raised.value).__name__}({raised.value}) was raised"
    )
    second, third = wrapper(2), wrapper(3)
    assert (second, third) == ("connected", "connected"), (
        f"@once: after a first call that raised, the next call must run the body again and its "
        f"result be kept; the next two calls returned {second!r} and {third!r} (expected "
        "'connected' twice)"
    )
    assert [args for args, _ in body.calls] == [(1,), (2,)], (
        f"@once: a raising first call, then two calls: the body must run for the first two "
        f"only; it ran with the arguments {[args for args, _ in body.calls]}"
    )


def test_reset_forgets_the_result(submission):
    body = Body("first", "second", "third")
    wrapper = decorate(submission, body)
    assert wrapper("a") == "first"
    reset = getattr(wrapper, "reset", None)
    assert callable(reset), "@once: the wrapper has no callable `reset` attribute"
    reset()
    after = [wrapper("b"), wrapper("c")]
    assert after == ["second", "second"], (
        f"@once: after wrapper.reset() the next call must run the body again and later calls "
        f"return that new result; they returned {after!r} (expected 'second' twice)"
    )
    assert [args for args, _ in body.calls] == [("a",), ("b",)], (
        f"@once: a call, reset(), two calls: the body must run twice, for the calls with 'a' "
        f"and 'b'; it ran with {[args for args, _ in body.calls]}"
    )


def test_each_decorated_function_keeps_its_own_result(submission):
    config, pool = Body("config"), Body("pool")
    get_config, get_pool = decorate(submission, config), decorate(submission, pool)
    results = [get_config(), get_pool(), get_config(), get_pool()]
    assert results == ["config", "pool", "config", "pool"], (
        f"@once on two functions: each must run its own body once and return its own result; "
        f"the calls returned {results!r}"
    )


def test_decorating_an_async_function_is_a_type_error(submission):
    async def connect():
        return "connection"

    with pytest.raises(TypeError):
        submission.once(connect)
