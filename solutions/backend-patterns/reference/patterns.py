"""Backend design patterns: Singleton, Factory, Observer, Strategy and asyncio concurrency.

Reference solution for the backend-patterns challenge.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

# =============================================================================================
# 1. Singleton
# =============================================================================================


class Singleton:
    """One instance for the whole process, with a `data` dict that is created exactly once."""

    _instance: Singleton | None = None
    # One lock shared by every call: a lock created inside __new__ would be a new lock per call
    # and would exclude nobody.
    _lock = threading.Lock()

    def __new__(cls) -> Singleton:
        # Fast path: once the instance exists, no lock is needed to read it. It is only ever
        # stored below, after its `data` is in place, so nobody can see it half-built.
        instance = cls._instance
        if instance is not None:
            return instance
        with cls._lock:
            # Check again: another thread may have built it while this one waited for the lock.
            if cls._instance is None:
                instance = super().__new__(cls)
                # `data` is made here, once. Python calls __init__ after __new__ on *every*
                # Singleton() call, even when __new__ returns the old object, so a
                # `self.data = {}` in __init__ would empty the dict on every call.
                instance.data = {}
                cls._instance = instance
            return cls._instance


# =============================================================================================
# 2. Factory
# =============================================================================================


class Shape:
    """Anything that can draw itself."""

    def draw(self) -> str:
        raise NotImplementedError("a Shape subclass must implement draw()")


class Circle(Shape):
    def draw(self) -> str:
        return "Drawing a circle."


class Rectangle(Shape):
    def draw(self) -> str:
        return "Drawing a rectangle."


class Triangle(Shape):
    def draw(self) -> str:
        return "Drawing a triangle."


class ShapeFactory:
    """Makes shapes by name. The names map to classes (not to ready-made objects), so every
    call builds a new shape."""

    _kinds: dict[str, type[Shape]] = {
        "circle": Circle,
        "rectangle": Rectangle,
        "triangle": Triangle,
    }

    @classmethod
    def create_shape(cls, shape_type: str) -> Shape:
        # A classmethod works both as ShapeFactory.create_shape(...) and on an instance.
        try:
            kind = cls._kinds[shape_type]
        except KeyError:
            valid = ", ".join(repr(name) for name in cls._kinds)
            raise ValueError(f"unknown shape type {shape_type!r}; valid types: {valid}") from None
        return kind()

    @classmethod
    def register(cls, name: str) -> Callable[[type[Shape]], type[Shape]]:
        """Class decorator: `@ShapeFactory.register("hexagon")` makes "hexagon" a valid kind."""
        if name in cls._kinds:
            raise ValueError(f"shape type {name!r} is already registered")

        def decorate(shape_class: type[Shape]) -> type[Shape]:
            # Checked again when applied: two decorators made for one name before either ran.
            if name in cls._kinds:
                raise ValueError(f"shape type {name!r} is already registered")
            cls._kinds[name] = shape_class
            return shape_class  # a class decorator must hand the class back, unchanged

        return decorate


# =============================================================================================
# 3. Observer
# =============================================================================================


class Subject:
    """Keeps observers in attach order and tells each of them about every message."""

    def __init__(self) -> None:
        # A list, not a set: order matters and observers need not be hashable.
        self._observers: list[object] = []

    def attach(self, observer: object) -> None:
        # By identity: `observer in self._observers` would compare with ==, and two different
        # observers that compare equal would count as one.
        if not any(existing is observer for existing in self._observers):
            self._observers.append(observer)

    def detach(self, observer: object) -> None:
        self._observers = [existing for existing in self._observers if existing is not observer]

    def notify(self, message: str) -> None:
        # Iterate over a copy: an observer may attach or detach observers while it is being
        # notified, and changing a list while looping over it skips or repeats items.
        for observer in list(self._observers):
            observer.update(message)  # type: ignore[attr-defined]


# =============================================================================================
# 4. Strategy
# =============================================================================================


def no_discount(price: float) -> float:
    return price


def sale_discount(price: float) -> float:
    return price * 0.9


def member_discount(price: float) -> float:
    return price * 0.8


class Checkout:
    """Adds up prices with a pricing strategy that can be swapped at any time."""

    def __init__(self, strategy: Callable[[float], float] = no_discount) -> None:
        self.strategy = strategy

    def total(self, prices: list[float]) -> float:
        # Round once, at the end: rounding each price first lets the cents drift.
        return round(sum(self.strategy(price) for price in prices), 2)


# =============================================================================================
# 5. asyncio
# =============================================================================================


async def process_data(data: str, delay: float = 1.0) -> str:
    # asyncio.sleep hands the event loop to other tasks; time.sleep would block them all.
    await asyncio.sleep(delay)
    return f"Processed {data}"


async def main_async(items: list[str], delay: float = 1.0) -> list[str]:
    # gather runs the coroutines concurrently and returns their results in argument order,
    # whatever order they finish in.
    return list(await asyncio.gather(*(process_data(item, delay) for item in items)))
