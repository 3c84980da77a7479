"""Register: @ShapeFactory.register(name) adds a kind the factory can build.

Each test executes the module afresh, so the registry starts with the three built-in kinds.
"""

import pytest


def _hexagon(module):
    class Hexagon(module.Shape):
        def draw(self):
            return "Drawing a hexagon."

    return Hexagon


def test_register_used_as_a_decorator_returns_the_class_itself(fresh_submission):
    module = fresh_submission()
    Hexagon = _hexagon(module)
    returned = module.ShapeFactory.register("hexagon")(Hexagon)
    assert returned is Hexagon, (
        f"ShapeFactory.register('hexagon') applied to a class returned {returned!r}; a class "
        "decorator must return the very class it was given, or the decorated name no longer "
        "refers to the class"
    )


def test_a_registered_kind_is_built_by_create_shape(fresh_submission):
    module = fresh_submission()

    @module.ShapeFactory.register("hexagon")
    class Hexagon(module.Shape):
        def draw(self):
            return "Drawing a hexagon."

    shape = module.ShapeFactory.create_shape("hexagon")
    assert isinstance(shape, Hexagon), (
        f"after @ShapeFactory.register('hexagon'), create_shape('hexagon') returned {shape!r}; "
        "expected an instance of the registered class"
    )
    again = module.ShapeFactory().create_shape("hexagon")
    assert isinstance(again, Hexagon), (
        "after @ShapeFactory.register('hexagon'), create_shape('hexagon') on a ShapeFactory "
        f"instance returned {again!r}; expected an instance of the registered class"
    )
    assert again is not shape, "create_shape('hexagon') must build a new object on every call"
    assert shape.draw() == "Drawing a hexagon."


def test_two_registered_kinds_and_the_built_in_ones_all_work(fresh_submission):
    module = fresh_submission()
    Hexagon = module.ShapeFactory.register("hexagon")(_hexagon(module))

    @module.ShapeFactory.register("star")
    class Star(module.Shape):
        def draw(self):
            return "Drawing a star."

    assert isinstance(module.ShapeFactory.create_shape("hexagon"), Hexagon)
    assert isinstance(module.ShapeFactory.create_shape("star"), Star), (
        "after registering 'hexagon' and then 'star', create_shape('star') did not build a Star"
    )
    assert isinstance(module.ShapeFactory.create_shape("circle"), module.Circle), (
        "after registering new kinds, create_shape('circle') no longer builds a Circle"
    )


def test_an_unknown_kind_error_names_the_registered_kinds_too(fresh_submission):
    module = fresh_submission()
    module.ShapeFactory.register("hexagon")(_hexagon(module))
    try:
        got = module.ShapeFactory.create_shape("octagon")
    except ValueError as exc:
        message = str(exc)
    else:
        raise AssertionError(f"create_shape('octagon') returned {got!r}; expected ValueError")
    missing = [kind for kind in ("octagon", "circle", "rectangle", "triangle", "hexagon")
               if kind not in message]
    assert not missing, (
        f"after registering 'hexagon', the ValueError for 'octagon' says {message!r}; it must "
        f"name 'octagon' and every valid kind, registered ones included: {', '.join(missing)} "
        "is not there"
    )


@pytest.mark.parametrize("taken", ["circle", "rectangle", "triangle"])
def test_registering_a_built_in_name_raises_value_error(fresh_submission, taken):
    module = fresh_submission()

    class Impostor(module.Shape):
        def draw(self):
            return "Drawing an impostor."

    try:
        module.ShapeFactory.register(taken)(Impostor)
    except ValueError:
        return
    raise AssertionError(
        f"registering a new class under the built-in name {taken!r} raised nothing; a taken "
        "name must raise ValueError (from register(name) or when the decorator is applied)"
    )


def test_registering_a_registered_name_again_raises_value_error(fresh_submission):
    module = fresh_submission()
    module.ShapeFactory.register("hexagon")(_hexagon(module))
    try:
        module.ShapeFactory.register("hexagon")(_hexagon(module))
    except ValueError:
        return
    raise AssertionError(
        "registering 'hexagon' a second time raised nothing; a taken name must raise "
        "ValueError (from register(name) or when the decorator is applied)"
    )
