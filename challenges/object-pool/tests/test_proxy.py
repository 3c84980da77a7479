"""The Proxy: forwarding to its object, the shared scope, filling a Proxy created empty, and
the errors for a bad scope or a Proxy used before it has an object or a fun.

Through a Proxy the suite reads only the names `serial`, `tag`, `whoami`, `describe` (of its own
objects) and `upper` (of a str), and calls str().
"""

import pytest

SET_NAMES = ("_set_obj", "_set_fun")


def _names_a_setter(error):
    return any(name in str(error) for name in SET_NAMES)


def test_a_proxy_forwards_attribute_reads_method_calls_and_str(submission, resource):
    obj = resource(7)
    proxy = submission.Proxy(obj)
    assert proxy.serial == 7 and proxy.tag == "resource-7", (
        "reading an attribute through Proxy(obj) must give the object's attribute"
    )
    assert proxy.whoami() is obj, "calling a method through the Proxy must call the object's"
    assert proxy.describe() == "resource #7" and proxy.describe("item") == "item #7", (
        "a method called through the Proxy must receive the arguments given"
    )
    assert str(proxy) == "Resource #7", (
        f"str(proxy) gave {str(proxy)!r}; it must be str() of the object, 'Resource #7' "
        "(str() looks __str__ up on the Proxy's class, not through __getattr__)"
    )


def test_reads_through_the_proxy_see_the_object_as_it_is_now(submission, resource):
    obj = resource(1)
    proxy = submission.Proxy(obj)
    assert proxy.tag == "resource-1"
    obj.tag = "renamed"
    assert proxy.tag == "renamed", "the Proxy must read the object's attribute at each access"


def test_a_proxy_forwards_to_a_builtin_object_even_a_falsy_one(submission):
    words = submission.Proxy("hello world!")
    assert str(words) == "hello world!" and words.upper() == "HELLO WORLD!", (
        "Proxy('hello world!'): str() and .upper() must reach the string"
    )
    empty = submission.Proxy("")
    assert str(empty) == "" and empty.upper() == "", (
        "Proxy('') wraps the empty string: an object that is falsy is still an object "
        "(only obj=None means no object)"
    )


def test_a_proxy_created_empty_is_filled_later_with_set_obj(submission, resource):
    stuff = submission.Proxy()  # at import time, before the application is configured
    with pytest.raises(RuntimeError) as raised:
        stuff.tag
    assert _names_a_setter(raised.value), (
        f"using an empty Proxy raised RuntimeError({str(raised.value)!r}); the message must "
        "name _set_obj or _set_fun, so the user knows what to call"
    )
    obj = resource(3)
    stuff._set_obj(obj)
    assert stuff.tag == "resource-3" and str(stuff) == "Resource #3", (
        "after _set_obj(obj), the Proxy must forward to obj"
    )
    assert stuff.whoami() is obj


def test_str_and_method_calls_on_an_empty_proxy_raise_runtime_error(submission):
    for scope in ("shared", "thread"):
        proxy = submission.Proxy(scope=scope)
        with pytest.raises(RuntimeError) as raised:
            str(proxy)
        assert _names_a_setter(raised.value), (
            f"str() of an empty Proxy(scope={scope!r}) raised RuntimeError"
            f"({str(raised.value)!r}); the message must name _set_obj or _set_fun"
        )
        with pytest.raises(RuntimeError) as raised:
            proxy.describe()
        assert _names_a_setter(raised.value), (
            f"a method call on an empty Proxy(scope={scope!r}) must raise RuntimeError naming "
            f"_set_obj or _set_fun; got {str(raised.value)!r}"
        )


def test_an_unknown_scope_is_refused_when_the_proxy_is_made(submission, make_fun, resource):
    for scope in ("process", "threads", ""):
        with pytest.raises(ValueError):
            submission.Proxy(resource(0), scope=scope)
        with pytest.raises(ValueError):
            submission.Proxy(fun=make_fun(), scope=scope)


def test_a_shared_proxy_with_a_fun_makes_one_object_on_first_use(submission, make_fun, bounded):
    fun = make_fun()
    proxy = submission.Proxy(fun=fun)
    assert fun.count == 0, "Proxy(fun=fun) must not call fun before the Proxy is first used"
    assert proxy.tag == "resource-0" and fun.calls == [0], (
        f"the first use of a shared Proxy(fun=fun) must make its object with fun(0); fun was "
        f"called with {fun.calls}"
    )
    here = proxy.whoami()
    there = bounded(lambda: proxy.whoami())
    assert there.wait(5.0) and there.value is here, (
        "a shared Proxy must reach the same object from another thread "
        f"({there.describe_error()} raised)"
    )
    assert str(proxy) == "Resource #0" and fun.count == 1, (
        f"fun must be called once for a shared Proxy; it was called {fun.count} times"
    )


def test_a_shared_proxy_created_empty_is_filled_later_with_set_fun(submission, make_fun):
    proxy = submission.Proxy()
    fun = make_fun()
    proxy._set_fun(fun)
    assert fun.count == 0, "_set_fun(fun) on a shared Proxy must not call fun before first use"
    first = proxy.whoami()
    assert proxy.whoami() is first and fun.calls == [0], (
        f"a shared Proxy filled with _set_fun(fun) must make one object with fun(0); fun was "
        f"called with {fun.calls}"
    )


def test_threads_using_a_shared_proxy_for_the_first_time_together_get_one_object(
    submission, make_fun, stress
):
    for round_index in range(max(1, stress.rounds // 2)):
        fun = make_fun(delay=stress.latency(round_index))
        proxy = submission.Proxy(fun=fun)
        seen = stress.run(lambda _: proxy.whoami())
        count = len({id(obj) for obj in seen})
        assert count == 1 and fun.count == 1, (
            f"round {round_index}: {stress.threads} threads used a new shared Proxy(fun=fun) "
            f"at once (fun sleeps {fun.delay * 1000:.1f} ms): fun was called {fun.count} "
            f"times and they reached {count} objects; one object for everyone, made once"
        )
