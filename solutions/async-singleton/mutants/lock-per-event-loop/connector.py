"""Double-checked locking with one asyncio.Lock per event loop."""

from __future__ import annotations

import asyncio
import weakref

import aiodriver


class AsyncDBConnector:
    DSN: str = "postgresql://app@db.internal:5432/orders"

    _instance: AsyncDBConnector | None = None
    # An asyncio.Lock belongs to one event loop, so each loop gets its own.
    _locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self) -> None:
        self.connection: aiodriver.AsyncConnection | None = None

    @classmethod
    def _lock_of_this_loop(cls) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = cls._locks.get(loop)
        if lock is None:
            lock = cls._locks[loop] = asyncio.Lock()
        return lock

    @classmethod
    async def get_instance(cls) -> AsyncDBConnector:
        if cls._instance is None:
            async with cls._lock_of_this_loop():
                if cls._instance is None:
                    instance = cls()
                    await instance._connect()
                    cls._instance = instance
        return cls._instance

    async def _connect(self) -> None:
        self.connection = await aiodriver.open_connection(self.DSN)

    @classmethod
    def reset_instance(cls) -> None:
        cls._instance = None
