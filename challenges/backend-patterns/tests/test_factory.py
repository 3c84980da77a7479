"""Factory: the three built-in shapes, by exact name, a new object each call.

Each test executes the module afresh, so shapes registered by another test are not in the way.
"""

import pytest

KINDS = (
    ("circle", "Circle", "Drawing a circle."),
    ("rectangle", "Rectangle", "Drawing a rectangle."),
    ("triangle", "Triangle", "Drawing a triangle."),
)


@pytest.mark.parametrize("class_name, drawn", [(name, drawn) for _, name, drawn in KINDS])
def test_each_shape_class_draws_its_exact_text(fresh_submission, class_name, drawn):
    module = fresh_submission()
    shape_class = getattr(module, class_name)
    assert issubclass(shape_class, module.Shape), f"{class_name} must be a subclass of Shape"
    got = shape_class().draw()
    assert got == drawn, f"{class_name}().draw() returned {got!r}; expected exactly {drawn!r}"


@pytest.mark.parametrize("kind, class_name, drawn", KINDS)
def test_create_shape_on_the_class_builds_the_named_shape(fresh_submission, kind, class_name, drawn):
    module = fresh_submission()
    shape = module.ShapeFactory.create_shape(kind)
    assert isinstance(shape, getattr(module, class_name)), (
        f"ShapeFactory.create_shape({kind!r}) returned {shape!r}; expected a {class_name}"
    )
    assert shape.draw() == drawn, (
        f"ShapeFactory.create_shape({kind!r}).draw() returned {shape.draw()!r}; expected {drawn!r}"
    )


@pytest.mark.parametrize("kind, class_name, drawn", KINDS)
def test_create_shape_on_an_instance_builds_the_named_shape(fresh_submission, kind, class_name, drawn):
    module = fresh_submission()
    factory = module.ShapeFactory()
    shape = factory.create_shape(kind)
    assert isinstance(shape, getattr(module, class_name)), (
        f"ShapeFactory().create_shape({kind!r}) on an instance returned {shape!r}; "
        f"expected a {class_name}"
    )
    assert shape.draw() == drawn


@pytest.mark.parametrize("kind", [kind for kind, _, _ in KINDS])
def test_every_call_builds_a_new_shape(fresh_submission, kind):
    module = fresh_submission()
    first = module.ShapeFactory.create_shape(kind)
    second = module.ShapeFactory.create_shape(kind)
    third = module.ShapeFactory().create_shape(kind)
    assert first is not second and second is not third and first is not third, (
        f"create_shape({kind!r}) returned the same object on two calls; every call must build "
        "a new shape (map each name to its class, not to one ready-made object)"
    )


@pytest.mark.parametrize("bad", ["Circle", "CIRCLE", "square", "circle ", " triangle", "oval", "hexagon"])
def test_an_unknown_kind_raises_value_error_naming_it_and_every_valid_kind(fresh_submission, bad):
    module = fresh_submission()
    try:
        got = module.ShapeFactory.create_shape(bad)
    except ValueError as exc:
        message = str(exc)
    else:
        raise AssertionError(
            f"ShapeFactory.create_shape({bad!r}) returned {got!r}; names are exact and "
            "case-sensitive, and any other string must raise ValueError"
        )
    assert bad in message, (
        f"the ValueError for {bad!r} says {message!r}; it must name the string it was given"
    )
    missing = [kind for kind, _, _ in KINDS if kind not in message]
    assert not missing, (
        f"the ValueError for {bad!r} says {message!r}; it must name every valid kind, and "
        f"{', '.join(missing)} is not there"
    )


def test_the_empty_string_raises_value_error(fresh_submission):
    module = fresh_submission()
    with pytest.raises(ValueError):
        module.ShapeFactory.create_shape("")
