"""Double-checked locking with an asyncio.Lock made on the first call, inside a running loop."""

from __future__ import annotations

import asyncio

import aiodriver


class AsyncDBConnector:
    DSN: str = "postgresql://app@db.internal:5432/orders"

    _instance: AsyncDBConnector | None = None
    _lock: asyncio.Lock | None = None

    def __init__(self) -> None:
        self.connection: aiodriver.AsyncConnection | None = None

    @classmethod
    def _get_lock(cls) -> asyncio.Lock:
        # Made lazily, so that it is not created at import time, outside any event loop...
        # but then kept for good, and used by every later loop too.
        if cls._lock is None:
            cls._lock = asyncio.Lock()
        return cls._lock

    @classmethod
    async def get_instance(cls) -> AsyncDBConnector:
        if cls._instance is None:
            async with cls._get_lock():
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
