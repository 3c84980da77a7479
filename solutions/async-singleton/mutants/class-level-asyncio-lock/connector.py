"""The blog post's AsyncDBConnector: double-checked locking with an asyncio.Lock on the class."""

from __future__ import annotations

import asyncio

import aiodriver


class AsyncDBConnector:
    DSN: str = "postgresql://app@db.internal:5432/orders"

    _instance: AsyncDBConnector | None = None
    _lock = asyncio.Lock()

    def __init__(self) -> None:
        self.connection: aiodriver.AsyncConnection | None = None

    @classmethod
    async def get_instance(cls) -> AsyncDBConnector:
        if cls._instance is None:
            async with cls._lock:
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
