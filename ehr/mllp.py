"""MLLP, both ways, on python-hl7's asyncio streams: a server that answers every framed message on a
connection in order (the handler runs in a thread: it may use the database), and a blocking client for the
delivery worker (one connection, kept open, one message and its ACK at a time)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from hl7.mllp import InvalidBlockError, open_hl7_connection, start_hl7_server

log = logging.getLogger(__name__)

Handler = Callable[[bytes], bytes]  # a framed message's bytes -> its ACK's bytes
UNFRAMED = b""  # what the handler is given for bytes that were not an MLLP block
LIMIT_BYTES = 64 * 2**20


class NotSentError(ConnectionError):
    """The peer could not be reached: nothing was sent."""


class MaybeSentError(ConnectionError):
    """The message went out but no ACK came back (timeout, connection closed): it may have arrived."""


def serve(
    host: str,
    port: int,
    handle: Handler,
    *,
    stop: threading.Event,
    idle_timeout: float,
    ready: Callable[[int], object] = lambda _port: None,
) -> None:
    """Listen on host:port until `stop` is set; `ready` is called with the port once listening."""
    asyncio.run(_serve(host, port, handle, stop=stop, idle_timeout=idle_timeout, ready=ready))


async def _serve(
    host: str,
    port: int,
    handle: Handler,
    *,
    stop: threading.Event,
    idle_timeout: float,
    ready: Callable[[int], object],
) -> None:
    async def connected(reader: Any, writer: Any) -> None:
        await _conversation(reader, writer, handle, idle_timeout)

    server = await start_hl7_server(connected, host, port, limit=LIMIT_BYTES)
    bound = server.sockets[0].getsockname()[1]
    log.info("listening for HL7 v2 (MLLP) on %s:%d", host, bound)
    ready(bound)
    async with server:
        await asyncio.get_running_loop().run_in_executor(None, stop.wait)
    log.info("HL7 listener stopped")


async def _conversation(reader: Any, writer: Any, handle: Handler, idle_timeout: float) -> None:
    """Answer each message of one connection in order, until the peer closes it or stays idle."""
    try:
        while True:
            try:
                block = await asyncio.wait_for(reader.readblock(), idle_timeout)
            except InvalidBlockError:
                block = UNFRAMED
            except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
                return
            except ValueError:  # larger than LIMIT_BYTES: the buffer was cleared
                block = UNFRAMED
            answer = await asyncio.get_running_loop().run_in_executor(None, handle, block)
            writer.writeblock(answer)
            await writer.drain()
    finally:
        writer.close()


class MllpClient:
    """A blocking MLLP client with timeouts: `exchange` sends one message and returns its answer."""

    def __init__(self, host: str, port: int, *, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._loop = asyncio.new_event_loop()
        self._streams: tuple[Any, Any] | None = None

    def exchange(self, message: bytes) -> bytes:
        """Send `message` framed and wait for one framed answer; NotSentError or MaybeSentError on failure."""
        if self._streams is None:
            self._streams = self._run(self._connect(), NotSentError)
        reader, writer = self._streams
        try:
            writer.writeblock(message)
            return bytes(self._run(self._answer(reader, writer), MaybeSentError))
        except MaybeSentError:
            self.close()
            raise

    def close(self) -> None:
        if self._streams is not None:
            _, writer = self._streams
            writer.close()
            self._streams = None

    def shutdown(self) -> None:
        self.close()
        self._loop.close()

    async def _connect(self) -> tuple[Any, Any]:
        return await asyncio.wait_for(open_hl7_connection(self.host, self.port), self.timeout)

    async def _answer(self, reader: Any, writer: Any) -> bytes:
        await writer.drain()
        block: bytes = await asyncio.wait_for(reader.readblock(), self.timeout)
        return block

    def _run(self, work: Any, failure: type[ConnectionError]) -> Any:
        try:
            return self._loop.run_until_complete(work)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, InvalidBlockError, ValueError) as e:
            raise failure(f"{self.host}:{self.port}: {type(e).__name__}") from e
