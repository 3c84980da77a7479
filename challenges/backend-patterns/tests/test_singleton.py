"""Singleton: one object, and its `data` dict created once (single thread).

Each test executes the module afresh, so no other test's instance is in the way. The instance is
recognised by what was written into its `data`, never by id(), which a new object may reuse.
"""

import gc


def test_singleton_returns_the_same_object_every_time(fresh_submission):
    module = fresh_submission()
    first = module.Singleton()
    later = [module.Singleton() for _ in range(4)]
    different = sum(1 for other in later if other is not first)
    assert different == 0, (
        f"{different} of 4 later Singleton() calls returned a different object from the first "
        "call; every call must return the one instance"
    )


def test_data_is_a_dict(fresh_submission):
    module = fresh_submission()
    data = getattr(module.Singleton(), "data", None)
    assert isinstance(data, dict), (
        f"Singleton().data is {type(data).__name__ if data is not None else 'missing'}; "
        "the instance must have a `data` attribute holding a dict"
    )


def test_data_written_once_is_still_there_after_more_calls(fresh_submission):
    module = fresh_submission()
    module.Singleton().data["k"] = 1
    module.Singleton()
    module.Singleton().data["second"] = 2
    module.Singleton()
    data = module.Singleton().data
    assert data.get("k") == 1 and data.get("second") == 2, (
        f"after Singleton().data['k'] = 1, more Singleton() calls left data = {data!r}; "
        "the data dict must be created once. Python calls __init__ after __new__ on every "
        "Singleton() call, even when __new__ returns the existing object: anything that sets "
        "self.data = {} in __init__ empties it each time"
    )


def test_data_is_the_same_dict_on_every_call(fresh_submission):
    module = fresh_submission()
    first = module.Singleton().data
    second = module.Singleton().data
    assert first is second, (
        "Singleton().data is a different dict object on the second call; it must be created "
        "once and kept"
    )


def _write_and_forget(module):
    """Write into the instance and keep no reference to it once this returns."""
    module.Singleton().data["kept"] = "yes"


def test_instance_lives_on_when_nobody_keeps_a_reference(fresh_submission):
    module = fresh_submission()
    _write_and_forget(module)
    gc.collect()
    data = module.Singleton().data
    assert data.get("kept") == "yes", (
        "after the caller dropped every reference to the instance and gc.collect() ran, "
        f"Singleton().data was {data!r}: the instance (or its data) was built again. Keep the "
        "instance with an ordinary reference (a class attribute, say) for the life of the "
        "process, not in a weak reference"
    )
