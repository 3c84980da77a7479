"""Identity: every class made by ThreadSafeSingletonMeta has one instance, built once.

These tests call from a single thread; test_concurrency.py repeats the questions with many.
Each test executes the submission afresh, so no other test's instances are in the way.
"""


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


def test_database_connection_init_runs_once(fresh_submission):
    mod = fresh_submission()
    calls = []
    original = mod.DatabaseConnection.__init__

    def counting_init(self, *args, **kwargs):
        calls.append(1)
        original(self, *args, **kwargs)

    mod.DatabaseConnection.__init__ = counting_init
    connections = [mod.DatabaseConnection() for _ in range(5)]
    assert len(calls) == 1, (
        f"DatabaseConnection.__init__ ran {len(calls)} times for 5 calls; it must run once"
    )
    assert all(connection is connections[0] for connection in connections), (
        "DatabaseConnection() returned different objects on repeated calls"
    )
