"""Threads: the first Singleton() calls race from 32 threads with the GIL disabled.

Every round executes the module afresh, so `Singleton()` has never been called, and releases
`stress.threads` threads together. Each thread keeps what its call returned and writes its own
key into `.data`; afterwards every thread must hold the one instance and every key must be in
its `data`.

Free threading alone shows such a race in only a few rounds out of a hundred, so the suite
widens it, as the statement says: while the threads run, the worker threads sleep a random 0
to 2x the round's latency (up to about 2, 5 or 10 ms) just before each instruction of the
student's file that stores into an attribute, a global, a closure cell or an item (STORE_ATTR,
STORE_GLOBAL, STORE_NAME, STORE_DEREF, STORE_SUBSCR). Every "check, then store" is then wide
open, whatever line it is written on. Stores to local variables are not slowed: nobody else
can see them. Each thread draws from its own generator seeded by the run, the round and the
thread, so a verdict can be replayed.

The sleeps come from sys.monitoring INSTRUCTION events set on the student's code objects only.
sys.settrace would do the same, but installing it stops the world on a free-threaded build:
64 times a round, which on a busy two-core machine took seconds per round.
"""

import dis
import random
import sys
import threading
import time
import types

SLOWED_STORES = frozenset(
    {"STORE_ATTR", "STORE_GLOBAL", "STORE_NAME", "STORE_DEREF", "STORE_SUBSCR"}
)
monitoring = sys.monitoring


def _code_objects(module):
    """Every code object defined in the module's file that its namespace reaches: functions,
    methods (static, class, property), metaclass methods, wrapped functions, and the functions
    and classes nested in them."""
    path = module.__file__
    found = {}
    seen = set()

    def add_code(code):
        if code in found or code.co_filename != path:
            return
        found[code] = None
        for constant in code.co_consts:
            if isinstance(constant, types.CodeType):
                add_code(constant)

    def visit(obj):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, (staticmethod, classmethod)):
            visit(obj.__func__)
        elif isinstance(obj, property):
            for accessor in (obj.fget, obj.fset, obj.fdel):
                if accessor is not None:
                    visit(accessor)
        elif isinstance(obj, type):
            if _attribute(obj, "__module__") == module.__name__:
                for member in list(vars(obj).values()):
                    visit(member)
                visit(type(obj))
        else:
            code = _attribute(obj, "__code__")
            if isinstance(code, types.CodeType):
                add_code(code)
            wrapped = _attribute(obj, "__wrapped__")
            if wrapped is not None:
                visit(wrapped)

    for value in list(vars(module).values()):
        visit(value)
    return list(found)


def _attribute(obj, name):
    """obj.name, or None: an object of the student's may answer getattr in any way."""
    try:
        return getattr(obj, name, None)
    except Exception:
        return None


class StoreLatency:
    """Sleeps, in the threads that enable it, before each store instruction of some code."""

    def __init__(self, codes, latency):
        self._latency = latency
        self._stores = {
            code: frozenset(
                instruction.offset
                for instruction in dis.get_instructions(code)
                if instruction.opname in SLOWED_STORES
            )
            for code in codes
        }
        self._thread = threading.local()
        self._tool = None

    def enable_in_this_thread(self, seed):
        self._thread.random = random.Random(seed)

    def disable_in_this_thread(self):
        self._thread.random = None

    def _on_instruction(self, code, offset):
        if offset not in self._stores.get(code, ()):
            return monitoring.DISABLE  # not a store: never report this instruction again
        generator = getattr(self._thread, "random", None)
        if generator is not None:
            time.sleep(generator.uniform(0.0, 2.0 * self._latency))
        return None

    def __enter__(self):
        self._tool = next(
            tool for tool in (4, 3, 2, 1, 0, 5) if monitoring.get_tool(tool) is None
        )
        monitoring.use_tool_id(self._tool, "backend-patterns store latency")
        monitoring.register_callback(self._tool, monitoring.events.INSTRUCTION, self._on_instruction)
        for code in self._stores:
            monitoring.set_local_events(self._tool, code, monitoring.events.INSTRUCTION)
        return self

    def __exit__(self, *exc_info):
        for code in self._stores:
            monitoring.set_local_events(self._tool, code, 0)
        monitoring.register_callback(self._tool, monitoring.events.INSTRUCTION, None)
        monitoring.free_tool_id(self._tool)


def test_first_calls_from_32_threads_share_one_instance_and_one_data_dict(
    fresh_submission, stress
):
    for round_index in range(stress.rounds):
        module = fresh_submission()
        latency = stress.latency(round_index)
        slow_stores = StoreLatency(_code_objects(module), latency)

        def first_call(index):
            slow_stores.enable_in_this_thread(f"{stress.seed}:{round_index}:{index}")
            try:
                instance = module.Singleton()
                instance.data[f"thread-{index}"] = index
                return instance, None
            except Exception as exc:  # reported below, with the round and the thread
                return None, exc
            finally:
                slow_stores.disable_in_this_thread()

        with slow_stores:
            results = stress.run(first_call)
        slowed = f"stores slowed by up to {2000 * latency:.0f} ms"
        failures = [(index, exc) for index, (_, exc) in enumerate(results) if exc is not None]
        if failures:
            index, exc = failures[0]
            raise AssertionError(
                f"round {round_index}: in thread {index}, Singleton() or its .data raised "
                f"{type(exc).__name__}: {exc} ({len(failures)} of {stress.threads} threads "
                f"failed; {slowed}). Did a thread receive the instance before its data dict "
                "was in place?"
            )
        final = module.Singleton()
        others = sum(1 for instance, _ in results if instance is not final)
        assert others == 0, (
            f"round {round_index}: {others} of {stress.threads} threads got a different object "
            f"from Singleton() than a call made after they had all finished ({slowed}); when "
            "the first calls happen at once, more than one instance was built"
        )
        lost = [index for index in range(stress.threads) if f"thread-{index}" not in final.data]
        assert not lost, (
            f"round {round_index}: {len(lost)} of {stress.threads} threads wrote a key into "
            f"Singleton().data and it was gone afterwards ({slowed}); the data dict was "
            "created (or emptied) again after they wrote. It must be created once, also when "
            "the first calls happen at once"
        )
