"""Backend design patterns: Singleton, Factory, Observer, Strategy and asyncio concurrency.

Fill in every TODO. The names and signatures below are the ones the grader calls; keep them.
README.md (or `grade show backend-patterns`) states every requirement that is checked.
Your code runs on free-threaded CPython (GIL disabled), where threads really run in parallel.
"""

from __future__ import annotations

import asyncio  # you will need it
import threading  # you will need it
from collections.abc import Callable

# =============================================================================================
# 1. Singleton
# =============================================================================================


class Singleton:
    """One instance for the whole program, with a `data` dict that is created exactly once.

    - `Singleton()` returns the same object on every call, from every thread, whether or not
      anybody keeps a reference to it.
    - `Singleton().data` is a dict, created once: what is written into it stays there.

    Remember: every `Singleton()` call runs `__new__` and then `__init__`, even when `__new__`
    returns the object it made before.
    """

    _instance: Singleton | None = None

    def __new__(cls) -> Singleton:
        # TODO: return the one instance, creating it (and its `data` dict) only the first time.
        # Many threads may make the very first call at the same moment: make "check, then
        # create" safe for them.
        return super().__new__(cls)


# =============================================================================================
# 2. Factory
# =============================================================================================


class Shape:
    """Anything that can draw itself."""

    def draw(self) -> str:
        raise NotImplementedError("a Shape subclass must implement draw()")


class Circle(Shape):
    def draw(self) -> str:
        # TODO: return exactly "Drawing a circle."
        raise NotImplementedError("Circle.draw")


class Rectangle(Shape):
    def draw(self) -> str:
        # TODO: return exactly "Drawing a rectangle."
        raise NotImplementedError("Rectangle.draw")


class Triangle(Shape):
    def draw(self) -> str:
        # TODO: return exactly "Drawing a triangle."
        raise NotImplementedError("Triangle.draw")


class ShapeFactory:
    """Builds shapes by name: "circle", "rectangle", "triangle", and any registered kind."""

    # TODO: keep track of which name builds which class.

    @staticmethod
    def create_shape(shape_type: str) -> Shape:
        """Return a new shape of the kind named `shape_type` (exact, case-sensitive).

        Works on the class and on an instance. Any other name raises ValueError whose message
        contains `shape_type` and every valid kind, registered ones included.
        """
        # TODO
        raise NotImplementedError("ShapeFactory.create_shape")

    @staticmethod
    def register(name: str) -> Callable[[type[Shape]], type[Shape]]:
        """Class decorator: after `@ShapeFactory.register("hexagon")` on a Shape subclass,
        `create_shape("hexagon")` builds one. Returns the class unchanged. A name that is
        already taken raises ValueError."""
        # TODO
        raise NotImplementedError("ShapeFactory.register")


# =============================================================================================
# 3. Observer
# =============================================================================================


class Subject:
    """Tells every attached observer about each message: `observer.update(message)`."""

    def __init__(self) -> None:
        # TODO: set up whatever keeps the observers (in attach order; they may be unhashable).
        pass

    def attach(self, observer: object) -> None:
        """Add an observer. Attaching the same object again (by identity) changes nothing."""
        # TODO
        raise NotImplementedError("Subject.attach")

    def detach(self, observer: object) -> None:
        """Remove an observer; one that is not attached is not an error."""
        # TODO
        raise NotImplementedError("Subject.detach")

    def notify(self, message: str) -> None:
        """Call update(message) once on each observer attached when notify began, in attach
        order. Observers may attach or detach observers while this runs."""
        # TODO
        raise NotImplementedError("Subject.notify")


# =============================================================================================
# 4. Strategy
# =============================================================================================


def no_discount(price: float) -> float:
    """The price unchanged."""
    # TODO
    raise NotImplementedError("no_discount")


def sale_discount(price: float) -> float:
    """10% off."""
    # TODO
    raise NotImplementedError("sale_discount")


def member_discount(price: float) -> float:
    """20% off."""
    # TODO
    raise NotImplementedError("member_discount")


class Checkout:
    """Adds up prices with a pricing strategy that can be swapped at any time."""

    def __init__(self, strategy: Callable[[float], float] = no_discount) -> None:
        # TODO: keep the strategy in the attribute `strategy`.
        pass

    def total(self, prices: list[float]) -> float:
        """The strategy applied to each price, summed, and the sum rounded to cents once."""
        # TODO
        raise NotImplementedError("Checkout.total")


# =============================================================================================
# 5. asyncio
# =============================================================================================


async def process_data(data: str, delay: float = 1.0) -> str:
    """Wait `delay` seconds without blocking other tasks, then return f"Processed {data}"."""
    # TODO
    raise NotImplementedError("process_data")


async def main_async(items: list[str], delay: float = 1.0) -> list[str]:
    """Await process_data(item, delay) for every item, all at the same time; return the
    results in the order of `items`."""
    # TODO
    raise NotImplementedError("main_async")
