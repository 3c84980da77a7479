"""One AsyncDBConnector per process, shared by every task, every event loop and every thread.

The instance is created by the first caller, who connects; everybody who arrives meanwhile
waits for that caller's outcome. The waiting is done on a `concurrent.futures.Future`, which
belongs to no event loop, so tasks on any loop, in any thread, can wait on it together.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import aiodriver


class AsyncDBConnector:
    DSN: str = "postgresql://app@db.internal:5432/orders"

    # Choice: a threading.Lock guards the class's state, not an asyncio.Lock. An asyncio.Lock
    # belongs to the first event loop that waits on it: one made at import, or made once and
    # kept, fails on the next loop ("bound to a different event loop"), and it cannot stop two
    # threads, each running its own loop, from both connecting. A threading.Lock belongs to no
    # loop. It is held for a few lines with no `await` inside, so it never stalls a loop, and a
    # task can never wait on it while another task of the same loop holds it.
    _guard = threading.Lock()
    _instance: AsyncDBConnector | None = None
    # While a connect is under way: where its outcome will appear (the instance, or None when
    # the connecting caller failed or was cancelled and somebody else must try).
    _pending: concurrent.futures.Future[AsyncDBConnector | None] | None = None

    def __init__(self) -> None:
        self.connection: aiodriver.AsyncConnection | None = None

    async def _connect(self) -> None:
        self.connection = await aiodriver.open_connection(self.DSN)

    @classmethod
    async def get_instance(cls) -> AsyncDBConnector:
        """The one connected instance: made and connected by the first call, shared after."""
        while True:
            with cls._guard:
                if cls._instance is not None:
                    return cls._instance
                pending = cls._pending
                connecting = pending is None
                if connecting:
                    pending = cls._pending = concurrent.futures.Future()
            assert pending is not None
            if connecting:
                return await cls._create(pending)
            # Choice: shield, so that a waiter being cancelled cancels only its own wait, never
            # the future every other waiter is watching (wrap_future passes cancellation on).
            instance = await asyncio.shield(asyncio.wrap_future(pending))
            if instance is not None:
                return instance
            # The connecting caller failed or was cancelled: look again, and maybe connect.

    @classmethod
    async def _create(
        cls, pending: concurrent.futures.Future[AsyncDBConnector | None]
    ) -> AsyncDBConnector:
        try:
            instance = cls()
            await instance._connect()
        except Exception:
            # A failed connect hands over to the waiters; the caller gets its own exception.
            with cls._guard:
                cls._pending = None
            pending.set_result(None)
            raise
        with cls._guard:
            # Published only now that it is connected: nobody ever sees a half-made instance.
            cls._instance = instance
            cls._pending = None
        pending.set_result(instance)
        return instance

    @classmethod
    def reset_instance(cls) -> None:
        """Forget the instance: the next get_instance() builds and connects a new one."""
        with cls._guard:
            cls._instance = None
