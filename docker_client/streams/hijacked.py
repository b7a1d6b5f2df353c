"""Hijacked connections: what an attach or exec-start connection carries after its HTTP head.

:class:`HijackedSocket` wraps the transport's connection; :func:`read_hijacked` reads it as docker-py."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Iterator, NoReturn

import requests

from ..constants import STREAM_READ_SIZE
from .frames import collect, frame_payloads, iter_frames
from .frames import demux as _demux_frames  # read_hijacked() has an argument of that name
from .stream import Stream, T

if TYPE_CHECKING:
    from ..transport import Upgraded

#: The headers that ask the daemon to upgrade an attach or exec-start connection (answered by
#: ``101 UPGRADED``; proxies then know the connection is hijacked).
UPGRADE_HEADERS = {"Connection": "Upgrade", "Upgrade": "tcp"}
#: Content types of a hijacked stream (sent by API 1.42+ daemons).
MULTIPLEXED_STREAM = "application/vnd.docker.multiplexed-stream"
RAW_STREAM = "application/vnd.docker.raw-stream"
#: The most a read from a hijacked connection asks for.
HIJACK_READ_SIZE = STREAM_READ_SIZE


def hijack(response: requests.Response) -> HijackedSocket:
    """Take over the connection of an attach or exec-start response whose head has been read.

    Call it once the status is known to be good. The bytes already read past the head (with a
    quick process, often its first output) are kept and come first.

    Raises:
        DockerException: the response has no connection left (its body was read or closed).
    """
    from .. import transport  # at call time: importing the decoders loads no transport

    return HijackedSocket(response, transport.take_over(response))


def _where(response: requests.Response) -> str:
    return str(getattr(response, "url", None) or "the Docker daemon")


def _raise_mid_stream(where: str) -> NoReturn:
    """Raise the exception being handled (a read's) as ours, by the transport's one table of
    failures: a broken connection is StreamInterrupted, a read that timed out DockerTimeout."""
    from .. import transport

    with transport.map_errors(where):
        raise  # the exception being handled, translated on its way out
    raise AssertionError("unreachable")  # pragma: no cover


class HijackedSocket:
    """The two-way connection of an attach or exec call after its HTTP head: a socket-like object.

    What ``exec_start(socket=True)`` and ``attach_socket()`` return. It reads like a socket
    (``recv``, ``recv_into``) and like the ``SocketIO`` docker-py returned (``read``,
    ``readinto``), writes like both (``send``, ``sendall``, ``write``), and its first bytes are
    those read past the head before it was taken over, which a bare socket would lose. docker-py
    code that goes through ``sock._sock`` reaches this same object. Errors are a socket's
    (``OSError``; ``TimeoutError`` when the timeout runs out).

    The timeout starts as the client's; ``settimeout(None)`` waits without limit.
    ``shutdown(socket.SHUT_WR)`` ends the process's input while its output can still be read,
    over TLS too (see :meth:`shutdown`). ``close()`` (or ``with``) releases the connection.

    Args:
        response: the response whose connection this is; closed with it.
        connection: the transport's socket-like object for that connection (from
            ``transport.take_over``), which every operation goes through.

    Attributes:
        where: the request's URL, for messages.

    Example:
        >>> sock = client.attach_socket(container, {"stdin": 1, "stdout": 1, "stream": 1})
        >>> sock.sendall(b"echo hi\\n")
        >>> sock.shutdown(socket.SHUT_WR)
        >>> sock.recv(4096)
    """

    def __init__(self, response: requests.Response, connection: Upgraded) -> None:
        self._response = response
        self._connection = connection
        self.where = _where(response)
        self._closed = False
        self._close_lock = threading.Lock()

    @property
    def _sock(self) -> HijackedSocket:
        """docker-py's way to the socket (``sock._sock.sendall(...)``): this object itself."""
        return self

    @property
    def socket(self) -> Any:
        """The connection's own socket (``socket.socket``, ``ssl.SSLSocket`` or the ssh
        transport's socket); read and write through this object rather than it."""
        return self._connection.raw_socket

    @property
    def connection(self) -> Upgraded:
        """The transport's object for the connection, which this one delegates to."""
        return self._connection

    @property
    def response(self) -> requests.Response:
        """The response the connection came with."""
        return self._response

    @property
    def closed(self) -> bool:
        return self._closed

    # -- reading --

    def pending(self) -> int:
        """How many bytes a read returns at once: read past the head, or decrypted and kept by TLS."""
        return 0 if self._closed else self._connection.pending()

    def wait_readable(self, timeout: float | None) -> bool:
        """Wait until a read would not block (bytes, or the end); False if ``timeout`` ran out.

        Raises:
            ValueError: the connection is closed.
        """
        if self._closed:
            raise ValueError(f"the connection to {self.where} is closed")
        if self._connection.pending():
            return True
        readable, _ = self._connection.wait(True, False, timeout)
        return readable

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Up to ``bufsize`` bytes, as one read of the socket returns them; ``b""`` at the end."""
        return self._connection.recv(bufsize, flags)

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Read into ``buffer`` (up to ``nbytes`` bytes, or its size); return the count."""
        return self._connection.recv_into(buffer, nbytes, flags)

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes, as one read returns them; with a negative size, all to the end."""
        if size is not None and size >= 0:
            return self.recv(size)
        pieces: list[bytes] = []
        while True:
            data = self.recv(HIJACK_READ_SIZE)
            if not data:
                return b"".join(pieces)
            pieces.append(data)

    def readinto(self, buffer: Any) -> int:
        return self.recv_into(buffer)

    def readable(self) -> bool:
        return not self._closed

    # -- writing --

    def send(self, data: Any, flags: int = 0) -> int:
        return self._connection.send(data, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._connection.sendall(data, flags)

    def write(self, data: Any) -> int:
        """Send all of ``data``; return its length."""
        self._connection.sendall(data)
        return memoryview(data).nbytes

    def writable(self) -> bool:
        return not self._closed

    def shutdown(self, how: int) -> None:
        """Shut down reading, writing (``socket.SHUT_WR``: the process's input ends), or both.

        Over TLS, the transport shuts down the TCP connection under the TLS session: shutting the
        session down would leave the output still to come undecryptable. The daemon (Go's
        crypto/tls) reads a FIN between records as the end of the input, which is what the docker
        CLI relies on too.
        """
        self._connection.shutdown(how)

    # -- the socket --

    def fileno(self) -> int:
        return self._connection.fileno()

    def settimeout(self, timeout: float | None) -> None:
        self._connection.settimeout(timeout)

    def gettimeout(self) -> float | None:
        return self._connection.gettimeout()

    def setblocking(self, flag: bool) -> None:
        self._connection.setblocking(flag)

    def interrupt(self) -> None:
        """Shut the connection down without closing it: a read blocked in another thread returns
        the end of the stream, and that thread can then close it."""
        self._connection.interrupt()

    def close(self) -> None:
        """Release the connection; safe to call again, and from another thread (a read blocked
        there returns the end of the stream)."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self.interrupt()  # wakes a read blocked in another thread
        try:
            self._response.close()
        finally:
            self._connection.close()

    def __enter__(self) -> HijackedSocket:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<HijackedSocket {state}: {self.where}>"


def iter_socket(sock: HijackedSocket, chunk_size: int = HIJACK_READ_SIZE) -> Iterator[bytes]:
    """Yield what a hijacked connection brings until the daemon ends it: the decoders' input.

    Args:
        sock: the connection, from :func:`hijack`.
        chunk_size: the most one read asks for.

    Yields:
        What each read returned (never empty).

    Raises:
        StreamInterrupted: the connection broke. (A clean end inside a frame is for
            :func:`iter_frames` to find.)
        DockerTimeout: a read waited longer than the socket's timeout.
    """
    blocks = sock.connection.blocks(chunk_size)
    while True:
        try:
            block = next(blocks)
        except StopIteration:
            return
        except Exception:
            _raise_mid_stream(sock.where)
        yield block


def read_hijacked(sock: HijackedSocket, tty: bool = False, stream: bool = False,
                  demux: bool = False) -> Any:
    """What docker-py's ``attach()`` and ``exec_start()`` return, from their connection.

    Reads wait as long as the process runs (there is no timeout, as with docker-py).

    Args:
        sock: the connection, from :func:`hijack`; closed once the output is read (or the
            stream closed).
        tty: the output is a TTY's, as it is, not multiplexed.
        stream: return a :class:`Stream` of the output as it comes, not all of it at the end.
        demux: ``(stdout, None)``/``(None, stderr)`` pairs, or with ``stream=False`` one pair
            ``(stdout, stderr)`` (a TTY's output is all stdout).

    Returns:
        ``bytes``, a ``(stdout, stderr)`` pair, or a :class:`Stream` of either.

    Raises:
        StreamInterrupted: the connection broke, or ended inside a frame.
        StreamParseError: a malformed frame, or an error the daemon sent in the stream.
    """
    sock.settimeout(None)
    chunks = iter_socket(sock)
    items: Iterator[Any]
    if tty:
        items = ((chunk, None) for chunk in chunks) if demux else chunks
    elif demux:
        items = _demux_frames(iter_frames(chunks, views=not stream))
    else:
        items = frame_payloads(iter_frames(chunks, views=not stream))
    if stream:
        return Stream(sock.response, _closing(items, sock))
    try:
        return collect(items, demux)
    finally:
        sock.close()


def _closing(items: Iterator[T], sock: HijackedSocket) -> Iterator[T]:
    try:
        yield from items
    finally:
        sock.close()
