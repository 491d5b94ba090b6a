"""Stream a body made in one thread (the chunks of an export that reads the store), or one
already made, in slices (:func:`in_slices`).

pyoxigraph's iterators (over quads, over query solutions) are bound to the thread that made
them and abort the process when another thread advances them. Starlette iterates a plain
iterator on its pool of worker threads, one ``next`` here, the next there; :func:`in_one_thread`
instead runs the whole iterator on a thread of its own and hands its chunks over through a
small queue, so a slow client holds back the reading (at most ``depth`` chunks wait) and a
client that goes away stops it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass

from anyio import to_thread

SLICE = 1 << 20
"""Bytes handed to the server at a time by :func:`in_slices`."""

POLL = 0.5
"""Seconds between looks at whether the other side has stopped."""


@dataclass
class _End:
    error: BaseException | None = None


def in_one_thread(chunks: Iterable[bytes], *, depth: int = 4, name: str = "stream") -> AsyncGenerator[bytes, None]:
    """``chunks`` as an async iterator, every chunk made on one thread started for it.

    ``chunks`` should be lazy (a generator): it is iterated, then closed, on that thread. An
    error while making the chunks is raised to the reader when it reaches that point."""
    handover: queue.Queue[bytes | _End] = queue.Queue(maxsize=depth)
    stopped = threading.Event()

    def hand(item: bytes | _End) -> bool:
        while not stopped.is_set():
            try:
                handover.put(item, timeout=POLL)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        iterator = iter(chunks)
        end = _End()
        try:
            for chunk in iterator:
                if chunk and not hand(chunk):
                    return
        except BaseException as err:  # handed to the reader, which raises it
            end = _End(err)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
        hand(end)

    def take() -> bytes | _End | None:
        try:
            return handover.get(timeout=POLL)
        except queue.Empty:
            return None

    async def consume() -> AsyncGenerator[bytes, None]:
        thread = threading.Thread(target=produce, name=name, daemon=True)
        thread.start()
        try:
            while True:
                item = await to_thread.run_sync(take)
                if item is None:
                    if not thread.is_alive() and handover.empty():
                        raise RuntimeError(f"{name}: the thread making the body stopped without a word")
                    continue
                if isinstance(item, _End):
                    if item.error is not None:
                        raise item.error
                    return
                yield item
        finally:
            stopped.set()

    return consume()


async def in_slices(body: bytes | bytearray, size: int = SLICE) -> AsyncGenerator[memoryview, None]:
    """``body`` in slices of ``size`` bytes, views, not copies.

    Why: a body handed to the server whole waits in the socket's send buffer, a second copy of
    it, for as long as the client takes to read it (a 96 MB SPARQL answer at Atlas 10×); in
    slices, the server sends each once the socket has drained the last.
    """
    view = memoryview(body)
    for at in range(0, len(view), size):
        yield view[at : at + size]
