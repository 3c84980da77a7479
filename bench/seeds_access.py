"""Run by each interpreter under test (stdlib only): the access cost of each way to a singleton.

Every way is built in a module of its own (`config`), as a program would import it, and its
instance is created before timing: what is timed is getting the one instance again, the call
a program makes over and over. Each round times every way once with `timeit` (`number`
accesses), `pass` included, so the loop's own cost is known; rounds interleave the ways so a
busy machine slows them alike. Prints every round's ns per access as one JSON object.
"""

from __future__ import annotations

import json
import sys
import sysconfig
import timeit
import types

CONFIG_SOURCE = '''
import functools
import threading


class Settings:
    def __init__(self):
        self.dsn = "postgresql://db/app"


settings = Settings()  # module-level instance: made once, at import

_settings = None


def get_settings_unlocked():
    """Module-level function caching in a global, lazily, without a lock."""
    global _settings
    if _settings is None:
        _settings = Settings()
    return _settings


@functools.lru_cache(maxsize=1)
def get_settings_lru():
    return Settings()


@functools.cache
def get_settings_cache():
    return Settings()


class NewSingleton:
    """Class-based: __new__ with a lock and a double check."""

    _instance = None
    _lock = threading.Lock()

    def __new__(cls):
        if cls._instance is None:
            with cls._lock:
                if cls._instance is None:
                    instance = super().__new__(cls)
                    instance.dsn = "postgresql://db/app"
                    cls._instance = instance
        return cls._instance


class UnlockedNewSingleton:
    """The same __new__ without the lock: what the lock costs once the instance exists."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            instance = super().__new__(cls)
            instance.dsn = "postgresql://db/app"
            cls._instance = instance
        return cls._instance


class SingletonMeta(type):
    """Class-based: a metaclass __call__ with a lock and a double check."""

    def __init__(cls, name, bases, namespace):
        super().__init__(name, bases, namespace)
        cls._instance = None
        cls._lock = threading.Lock()

    def __call__(cls, *args, **kwargs):
        if cls._instance is None:
            with cls._lock:
                if cls._instance is None:
                    cls._instance = super().__call__(*args, **kwargs)
        return cls._instance


class MetaSingleton(metaclass=SingletonMeta):
    def __init__(self):
        self.dsn = "postgresql://db/app"
'''

WAYS = {
    "module attribute": "config.settings",
    "module function, global, no lock": "config.get_settings_unlocked()",
    "lru_cache(maxsize=1) getter": "config.get_settings_lru()",
    "functools.cache getter": "config.get_settings_cache()",
    "__new__, lock + double check": "config.NewSingleton()",
    "__new__, check without a lock": "config.UnlockedNewSingleton()",
    "metaclass __call__, lock + double check": "config.MetaSingleton()",
}


def main() -> None:
    number = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    config = types.ModuleType("config")
    exec(compile(CONFIG_SOURCE, "config.py", "exec"), config.__dict__)
    namespace = {"config": config}
    for statement in WAYS.values():  # every instance exists before anything is timed
        eval(statement, namespace)
    timers = {name: timeit.Timer(statement, globals=namespace) for name, statement in {"loop": "pass", **WAYS}.items()}
    samples: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(rounds):  # every way once a round, so the machine's drift hits them alike
        for name, timer in timers.items():
            samples[name].append(timer.timeit(number) / number * 1e9)
    print(json.dumps({
        "version": sys.version.split()[0],
        "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled": getattr(sys, "_is_gil_enabled", lambda: True)(),
        "number": number,
        "rounds": rounds,
        "samples_ns": samples,
    }))


if __name__ == "__main__":
    main()
