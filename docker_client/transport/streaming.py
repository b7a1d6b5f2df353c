"""What ``streams`` gets from a response: its body in large blocks, its connection taken over
(attach, exec, session), or its reads interrupted from another thread.

Works for the responses of our adapters and, more slowly, for any other ``requests.Response``
(a mocked one, or one through a proxy): ``streams`` never needs to know which.
"""
from __future__ import annotations

import selectors
import socket
import ssl
from typing import Any, Iterator

import requests

from ..constants import STREAM_READ_SIZE
from ..errors import DockerException
from .adapter import Answer, DockerResponse
from .failures import translate

__all__ = ["SHUT_RD", "SHUT_RDWR", "SHUT_WR", "WOULD_BLOCK", "Upgraded", "interrupt",
           "iter_body", "take_over", "wait_readable"]

SHUT_RD, SHUT_WR, SHUT_RDWR = socket.SHUT_RD, socket.SHUT_WR, socket.SHUT_RDWR
#: Errors that mean "nothing now" from a socket-like object (a zero timeout included).
WOULD_BLOCK: tuple[type[BaseException], ...] = (
    BlockingIOError, InterruptedError, ssl.SSLWantReadError, ssl.SSLWantWriteError, socket.timeout)
#: poll() where there is one: no descriptor of its own per wait, and a socket closed meanwhile is
#: reported rather than waited on forever.
_Selector: type[selectors.BaseSelector] = getattr(selectors, "PollSelector", selectors.SelectSelector)


def wait_readable(sock: Any, timeout: float | None = None) -> bool:
    """Wait until ``sock`` (anything with ``fileno()``) has something to read, or ``timeout``
    passes; True when it has."""
    with _Selector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        return bool(selector.select(timeout))


def shutdown_socket(sock: Any, how: int) -> None:
    """``sock.shutdown(how)``; for TLS, of the TCP connection under the session (kept usable)."""
    if isinstance(sock, ssl.SSLSocket):
        socket.socket.shutdown(sock, how)
    else:
        sock.shutdown(how)


def _where(response: requests.Response) -> str:
    return str(getattr(response, "url", None) or "the Docker daemon")


def iter_body(response: requests.Response, chunk_size: int = STREAM_READ_SIZE) -> Iterator[bytes]:
    """The body as it arrives: each item non-empty and at most ``chunk_size`` bytes.

    Transfer- and content-encoding are removed; after a ``101`` the connection's bytes until it
    closes. No read waits to fill a block.

    Raises:
        StreamInterrupted: the connection broke, or the body is shorter than announced.
        DockerTimeout: a read timed out.
    """
    body = _body_of(response)
    if body is not None and not response.headers.get("content-encoding"):
        blocks: Iterator[bytes] = body.blocks(chunk_size)
    else:
        blocks = _generic_blocks(response.raw, chunk_size)
    where = _where(response)
    while True:
        try:
            block = next(blocks)
        except StopIteration:
            return
        except Exception as exc:
            translated = translate(exc, where)
            if translated is None or translated is exc:
                raise
            raise translated from exc
        yield block


def _body_of(response: Any) -> Any:
    """The transport's reader under a response of ours (None for any other response)."""
    if isinstance(response, Answer) and response._raw_args is not None:
        return response.body
    raw = getattr(response, "raw", None)
    return raw.body if isinstance(raw, DockerResponse) else None


def _generic_blocks(raw: Any, chunk_size: int) -> Iterator[bytes]:
    """Blocks of any urllib3 response: ``read1`` where urllib3 has it (2.3+), else ``stream``."""
    read1 = getattr(raw, "read1", None)
    if read1 is not None:
        while True:
            data = read1(chunk_size, decode_content=True)
            if not data:
                return
            yield data
    for data in raw.stream(chunk_size, decode_content=True):
        if data:
            yield data


def take_over(response: requests.Response) -> Upgraded:
    """The response's connection as a socket-like object (for attach, exec, session).

    Call it once the status is known to be good. The bytes already read past the head come first.

    Raises:
        DockerException: the response has no open connection (its body was read or closed, or it
            did not come from a daemon connection, e.g. a mocked one).
    """
    body = _body_of(response)
    taken = body.take_over() if body is not None else None
    if taken is None:
        raise DockerException(f"cannot take over the connection of {_where(response)}: the "
                              "response has no open connection (its body was read or closed)")
    conn, buffered = taken
    return Upgraded(conn.sock, buffered)


def interrupt(response: requests.Response | None) -> None:
    """Shut the response's connection down so that a read blocked in another thread returns."""
    body = _body_of(response)
    if body is not None:
        body.shutdown()
        return
    raw = getattr(response, "raw", None)
    shutdown = getattr(raw, "shutdown", None)  # urllib3 >= 2.3
    if shutdown is not None:
        try:
            shutdown()
        except (ValueError, RuntimeError, OSError):
            pass


class Upgraded:
    """A connection taken over after its HTTP head: a socket, with the bytes read past the head.

    Args:
        sock: a ``socket.socket``, an ``ssl.SSLSocket`` or an ssh socket.
        buffered: bytes already read past the head; they come first.
    """

    def __init__(self, sock: Any, buffered: bytes = b"") -> None:
        self.raw_socket = sock
        self._buffered = buffered
        self.closed = False

    def _take(self, size: int) -> bytes:
        data = self._buffered[:size]
        self._buffered = self._buffered[size:]
        return data

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        if self._buffered:
            return self._take(bufsize)
        if flags:
            return self.raw_socket.recv(bufsize, flags)  # type: ignore[no-any-return]
        return self.raw_socket.recv(bufsize)  # type: ignore[no-any-return]

    def blocks(self, size: int) -> Iterator[bytes]:
        """Yield what each read brings (never empty, at most ``size`` bytes) until the end: the
        buffered bytes first, then one ``recv`` per item with no other call between.

        Raises:
            OSError: from the socket (a timeout included), as ``recv`` raises it.
        """
        while self._buffered:
            yield self._take(size)
        recv = self.raw_socket.recv
        while True:
            data = recv(size)
            if not data:
                return
            yield data

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        if self._buffered:
            view = memoryview(buffer).cast("B")
            data = self._take(nbytes or len(view))
            view[:len(data)] = data
            return len(data)
        if flags:
            return self.raw_socket.recv_into(buffer, nbytes, flags)  # type: ignore[no-any-return]
        return self.raw_socket.recv_into(buffer, nbytes)  # type: ignore[no-any-return]

    def send(self, data: Any, flags: int = 0) -> int:
        return self.raw_socket.send(data, flags) if flags else self.raw_socket.send(data)  # type: ignore[no-any-return]

    def sendall(self, data: Any, flags: int = 0) -> None:
        if flags:
            self.raw_socket.sendall(data, flags)
        else:
            self.raw_socket.sendall(data)

    def shutdown(self, how: int) -> None:
        """Shut down reading, writing (``SHUT_WR``: the process's input ends), or both.

        Over TLS the TCP connection under the session is shut down: ``SSLSocket.shutdown`` drops
        the session, so the output still to come could not be decrypted, and Python cannot send
        TLS's close_notify alone. The daemon (Go's crypto/tls) reads a FIN between records as the
        end of the input, as the docker CLI relies on too.
        """
        shutdown_socket(self.raw_socket, how)

    def settimeout(self, timeout: float | None) -> None:
        self.raw_socket.settimeout(timeout)

    def gettimeout(self) -> float | None:
        return self.raw_socket.gettimeout()  # type: ignore[no-any-return]

    def setblocking(self, flag: bool) -> None:
        self.raw_socket.setblocking(flag)

    def fileno(self) -> int:
        return self.raw_socket.fileno()  # type: ignore[no-any-return]

    def pending(self) -> int:
        """Bytes readable without waiting: those buffered here and in the TLS layer."""
        count = len(self._buffered)
        sock = self.raw_socket
        if isinstance(sock, ssl.SSLSocket) and not self.closed:
            count += sock.pending()
        return count

    def wait(self, read: bool, write: bool, timeout: float | None) -> tuple[bool, bool]:
        """Wait until the connection is readable and/or writable; ``(False, False)`` on timeout."""
        if read and self.pending():
            return True, False
        events = (selectors.EVENT_READ if read else 0) | (selectors.EVENT_WRITE if write else 0)
        with _Selector() as selector:
            selector.register(self.raw_socket, events)
            ready = selector.select(timeout)
        if not ready:
            return False, False
        mask = ready[0][1]
        return bool(mask & selectors.EVENT_READ), bool(mask & selectors.EVENT_WRITE)

    def interrupt(self) -> None:
        """Shut the socket down (both ways) so that a blocked read returns; errors ignored."""
        try:
            shutdown_socket(self.raw_socket, socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._buffered = b""
        try:
            self.raw_socket.close()
        except OSError:
            pass
