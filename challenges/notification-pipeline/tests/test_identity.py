"""Identity: every class made by ThreadSafeSingletonMeta has one instance, built once.

These tests call from a single thread; test_concurrency.py repeats the questions with many.
Each test executes the submission afresh, so no other test's instances are in the way.
The instance is the class's for the life of the process: two tests drop every reference to
it and run the garbage collector before calling the class again. They recognise the instance
by its state, not by id(), which a new object may reuse.
"""

import gc


def test_database_connection_returns_the_same_object_every_time(fresh_submission):
    mod = fresh_submission()
    first = mod.DatabaseConnection()
    second = mod.DatabaseConnection()
    assert first is second, (
        "DatabaseConnection() returned two different objects on two calls; "
        "every call must return the one instance"
    )
    assert isinstance(first, mod.DatabaseConnection), (
        f"DatabaseConnection() returned a {type(first).__name__}, not a DatabaseConnection"
    )
    third = mod.DatabaseConnection()
    assert third is first, "the third DatabaseConnection() call returned a new object"
    assert isinstance(mod.DatabaseConnection, mod.ThreadSafeSingletonMeta), (
        "DatabaseConnection must be declared with metaclass=ThreadSafeSingletonMeta"
    )


def test_each_class_using_the_metaclass_has_its_own_single_instance(fresh_submission):
    mod = fresh_submission()

    class Cache(metaclass=mod.ThreadSafeSingletonMeta):
        pass

    class Config(metaclass=mod.ThreadSafeSingletonMeta):
        pass

    cache, config = Cache(), Config()
    assert Cache() is cache, (
        "a second class using ThreadSafeSingletonMeta returned a new object on its second call"
    )
    assert Config() is config, (
        "a third class using ThreadSafeSingletonMeta returned a new object on its second call"
    )
    assert cache is not config, (
        "two different classes using ThreadSafeSingletonMeta got the same instance; "
        "each class needs its own"
    )
    assert type(cache) is Cache and type(config) is Config, (
        f"Cache() returned a {type(cache).__name__} and Config() a {type(config).__name__}; "
        "each class must get an instance of itself"
    )
    connection = mod.DatabaseConnection()
    assert connection is not cache and connection is not config, (
        "DatabaseConnection() returned the instance of another class using the metaclass"
    )


def test_init_runs_once_however_often_the_class_is_called(fresh_submission):
    mod = fresh_submission()
    calls = []

    class Settings(metaclass=mod.ThreadSafeSingletonMeta):
        def __init__(self, env="dev", *, debug=False):
            calls.append((env, debug))
            self.env = env
            self.debug = debug

    first = Settings("prod", debug=True)
    later = [Settings(), Settings("test"), Settings(env="stage", debug=False), Settings()]
    assert len(calls) == 1, (
        f"__init__ ran {len(calls)} times for 5 calls of the same class (arguments {calls}); "
        "it must run only for the call that creates the instance"
    )
    assert all(other is first for other in later), (
        "calling the class again with other arguments returned a new object; "
        "later calls must return the first instance and ignore their arguments"
    )
    assert (first.env, first.debug) == ("prod", True), (
        f"the instance holds env={first.env!r}, debug={first.debug!r} after later calls; "
        "the first call's arguments must be the ones kept"
    )


def count_init_calls(cls):
    """Wrap cls.__init__ so that each run appends to the returned list."""
    calls = []
    original = cls.__init__

    def counting_init(self, *args, **kwargs):
        calls.append(1)
        original(self, *args, **kwargs)

    cls.__init__ = counting_init
    return calls


def test_database_connection_init_runs_once(fresh_submission):
    mod = fresh_submission()
    calls = count_init_calls(mod.DatabaseConnection)
    connections = [mod.DatabaseConnection() for _ in range(5)]
    assert len(calls) == 1, (
        f"DatabaseConnection.__init__ ran {len(calls)} times for 5 calls; it must run once"
    )
    assert all(connection is connections[0] for connection in connections), (
        "DatabaseConnection() returned different objects on repeated calls"
    )


def _call_and_forget(cls, *args, **kwargs):
    """Call cls and let the result go: once this returns, the test holds no reference to it."""
    cls(*args, **kwargs)


def _mark_and_forget(cls, *args, mark):
    """Call cls, set an attribute on what it returned, and keep no reference to it."""
    cls(*args).mark = mark


def test_the_instance_outlives_every_reference_to_it(fresh_submission):
    mod = fresh_submission()
    calls = []

    class Settings(metaclass=mod.ThreadSafeSingletonMeta):
        def __init__(self, env="dev"):
            calls.append(env)
            self.env = env

    _mark_and_forget(Settings, "prod", mark="set on the first instance")
    gc.collect()
    later = Settings("test")
    assert calls == ["prod"], (
        f"__init__ ran for the calls with arguments {calls}: after the caller dropped the "
        "instance and gc.collect() ran, calling the class built a new one. The class keeps "
        "one instance for the life of the process, whether or not anyone else refers to it"
    )
    assert getattr(later, "mark", None) == "set on the first instance" and later.env == "prod", (
        "an attribute set on the first instance was gone on a later call, after the caller "
        "dropped the instance and gc.collect() ran; the class must keep its one instance for "
        "the life of the process, whether or not anyone else refers to it"
    )


def test_database_connection_outlives_every_reference_to_it(fresh_submission):
    mod = fresh_submission()
    calls = count_init_calls(mod.DatabaseConnection)
    for _ in range(3):
        _call_and_forget(mod.DatabaseConnection)
        gc.collect()
    assert len(calls) == 1, (
        f"DatabaseConnection.__init__ ran {len(calls)} times for 3 calls, each followed by "
        "gc.collect() with no reference kept: the connection must live for the whole process "
        "whether or not any caller holds it, and __init__ must run once"
    )
