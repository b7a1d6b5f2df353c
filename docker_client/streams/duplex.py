"""A process's stdin and output on one hijacked connection, both ways at once: :class:`Duplex`.

Waits and non-blocking I/O go through the transport's connection object (``wait``, ``pending``)."""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any, Callable, Iterator, NamedTuple

from ..errors import DockerException, DockerTimeout, InvalidArgument, StreamInterrupted
from .frames import STDERR, STDOUT, FrameDecoder
from .hijacked import HIJACK_READ_SIZE, HijackedSocket, _raise_mid_stream

#: The most one send() is given while writing and reading at once.
_WRITE_BLOCK = 256 * 1024
#: How long communicate() waits for its writer thread once the output has ended.
_WRITER_STOP_SECONDS = 5.0


class Output(NamedTuple):
    """A piece of a process's output: the stream it came from and its bytes."""

    #: :data:`STDOUT` or :data:`STDERR` (a TTY's output is all STDOUT).
    stream: int
    data: bytes


def _deadline(timeout: float | None) -> float | None:
    return None if timeout is None else time.monotonic() + timeout


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def _waits_for_writing(sock: HijackedSocket) -> bool:
    """Whether communicate() can wait on both directions of ``sock`` from one thread.

    A kernel socket (TCP, TLS, unix) can: poll reports it writable. The ssh transport's streams
    (a paramiko channel, an ssh process's pipes) are written by a thread of their own.
    """
    return hasattr(sock.socket, "getsockopt")  # socket.socket, ssl.SSLSocket


class Duplex:
    """A process's stdin and output on one connection, for ``attach_duplex`` and
    ``exec_start_duplex``.

    :meth:`write` feeds the process's stdin; :meth:`close_stdin` ends it (a half-close: ``cat``
    reads its end and exits) while the output can still be read; :meth:`read` returns the next
    piece of output, waiting at most ``timeout`` seconds; iterating reads to the end;
    :meth:`communicate` writes and reads at once, however much goes either way; :meth:`wait`
    returns the exit code. ``close()`` (or ``with``) releases the connection.

    One thread may write while another reads. Over TLS that shares one TLS session between two
    threads, which OpenSSL does not promise to support: prefer :meth:`communicate`, which does
    both from one thread.

    Args:
        sock: the connection, from :func:`hijack`.
        tty: the output is a TTY's, not multiplexed.
        get_exit_code: returns the process's exit code once it has ended, waiting at most the
            timeout it is given (None: no limit).
        name: what messages call the process.

    Example:
        >>> exec_id = client.exec_create(container, ["cat"], stdin=True)["Id"]
        >>> with client.exec_start_duplex(exec_id) as duplex:
        ...     duplex.communicate(b"hello")
        ...     duplex.wait()
        (b'hello', b'')
        0
    """

    def __init__(self, sock: HijackedSocket, tty: bool = False,
                 get_exit_code: Callable[[float | None], int] | None = None,
                 name: str = "the process") -> None:
        self._sock = sock
        self.tty = tty
        self.name = name
        self._decoder = None if tty else FrameDecoder()
        self._items: deque[Output] = deque()
        self._ended = False  # the connection has brought its last byte
        self._failure: DockerException | None = None  # raised once the items are read
        self._stdin_closed = False
        self._get_exit_code = get_exit_code
        self._exit_code: int | None = None
        # close() from another thread while this one reads only interrupts the connection; the
        # reading thread closes it when it is done, so that no descriptor is closed under a wait.
        self._reading = False
        self._closing = False
        sock.settimeout(None)  # read timeouts are waits in read(), not the socket's

    @property
    def socket(self) -> HijackedSocket:
        """The connection."""
        return self._sock

    @property
    def closed(self) -> bool:
        return self._closing or self._sock.closed

    @property
    def stdin_closed(self) -> bool:
        return self._stdin_closed

    @property
    def exit_code(self) -> int | None:
        """The exit code, once :meth:`wait` has returned it; None before."""
        return self._exit_code

    # -- stdin --

    def write(self, data: Any) -> int:
        """Send ``data`` (bytes-like) to the process's stdin; return its length once all is sent.

        Blocks while the process does not read (and its output is not read: see
        :meth:`communicate`).

        Raises:
            InvalidArgument: stdin was closed.
            StreamInterrupted: the connection broke, or the daemon stopped taking input.
        """
        if self._stdin_closed:
            raise InvalidArgument(f"the stdin of {self.name} is closed")
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise StreamInterrupted(f"writing to the stdin of {self.name} failed: {exc!r}") from exc
        return memoryview(data).nbytes

    def sendall(self, data: Any) -> None:
        """:meth:`write`, under the socket method's name."""
        self.write(data)

    def close_stdin(self) -> None:
        """End the process's input: it reads its end, while its output can still be read.

        A half-close (``shutdown(SHUT_WR)``; over TLS, of the TCP connection under the TLS
        session). For attach, the daemon closes the container's stdin then only if the container
        was created with ``stdin_once=True``. Safe to call again.
        """
        from .. import transport  # at call time: importing the decoders loads no transport

        if self._stdin_closed:
            return
        self._stdin_closed = True
        try:
            self._sock.shutdown(transport.SHUT_WR)
        except OSError:
            pass  # the daemon closed the connection already: the input has ended anyway

    # -- output --

    def read(self, timeout: float | None = None) -> Output | None:
        """The next piece of output, or None once the output has ended.

        Args:
            timeout: the most seconds to wait for output; None waits as long as it takes.

        Returns:
            ``Output(stream, data)``: ``stream`` is :data:`STDOUT` or :data:`STDERR` (always
            STDOUT for a TTY), ``data`` non-empty. Each stream's bytes are exact and in order.

        Raises:
            DockerTimeout: no output came in time; nothing is lost, read again.
            StreamInterrupted: the connection broke, or ended inside a frame.
            StreamParseError: a malformed frame, or an error the daemon sent in the stream.
        """
        deadline = _deadline(timeout)
        self._reading = True
        try:
            while not self._items:
                if self._failure is not None:
                    raise self._failure
                if self._ended:
                    return None
                self._receive(deadline, timeout)
            return self._items.popleft()
        finally:
            self._done_reading()

    def __iter__(self) -> Iterator[Output]:
        while True:
            item = self.read()
            if item is None:
                return
            yield item

    def read_all(self, timeout: float | None = None) -> tuple[bytes, bytes]:
        """All the output still to come, to its end, as ``(stdout, stderr)``.

        Args:
            timeout: the most seconds for the whole of it; None for no limit.

        Raises:
            DockerTimeout: the output did not end in time; what was read stays to be read.
            StreamInterrupted, StreamParseError: as :meth:`read`.
        """
        deadline = _deadline(timeout)
        self._reading = True
        try:
            while not self._ended:
                self._receive(deadline, timeout)
        finally:
            self._done_reading()
        return self._take_output()

    def communicate(self, input: Any = b"", timeout: float | None = None) -> tuple[bytes, bytes]:
        """Send ``input`` to stdin, close stdin, and read the output to its end, all at once.

        Writing and reading go on together, so however much goes either way a process that
        writes as it reads (``cat``) never waits on a full pipe. As ``subprocess``'s
        ``communicate()``; input the process does not take (it ended first) is dropped.

        Args:
            input: bytes-like; stdin is closed after it (even when it is empty).
            timeout: the most seconds for the whole exchange; None for no limit.

        Returns:
            ``(stdout, stderr)``: all the output not read before, each stream's bytes joined (a
            TTY's all in stdout).

        Raises:
            InvalidArgument: there is input but stdin was closed.
            DockerTimeout: the exchange took longer than ``timeout``. The output read so far
                stays to be read; how much input was sent is unknown: close the duplex.
            StreamInterrupted, StreamParseError: as :meth:`read`.
        """
        view = memoryview(input).cast("B")
        if self._stdin_closed and view.nbytes:
            raise InvalidArgument(f"the stdin of {self.name} is closed")
        deadline = _deadline(timeout)
        self._reading = True
        try:
            if self.closed:
                self._ended = True
            elif _waits_for_writing(self._sock):
                self._exchange_selecting(view, deadline, timeout)
            else:
                self._exchange_threaded(view, deadline, timeout)
        finally:
            self._done_reading()
        return self._take_output()

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the process to end; return its exit code.

        Output not read yet is read and dropped (read it first, or use :meth:`communicate`), so
        that a process blocked on writing can end. Close stdin first if the process waits for
        the end of its input.

        Args:
            timeout: the most seconds to wait; None for no limit.

        Raises:
            DockerTimeout: the process did not end in time.
            DockerException: there is no way to know this process's exit code.
        """
        if self._exit_code is not None:
            return self._exit_code
        if self._get_exit_code is None:
            raise DockerException(f"the exit code of {self.name} is not known to this duplex")
        deadline = _deadline(timeout)
        self._reading = True
        try:
            while not self._ended:
                self._receive(deadline, timeout)
        finally:
            self._done_reading()
        self._items.clear()
        self._exit_code = self._get_exit_code(_remaining(deadline))
        return self._exit_code

    def close(self) -> None:
        """Release the connection; safe to call again, and from another thread (where a read
        is blocked, it returns the end of the output)."""
        self._closing = True
        if self._reading:
            self._sock.interrupt()  # the reading thread closes it
        else:
            self._sock.close()

    def __enter__(self) -> Duplex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "ended" if self._ended else "open"
        return f"<Duplex {state}: {self.name}{' (tty)' if self.tty else ''}>"

    # -- the machinery --

    def _done_reading(self) -> None:
        self._reading = False
        if self._closing:  # close() came from another thread meanwhile
            self._sock.close()

    def _receive(self, deadline: float | None, timeout: float | None) -> None:
        """Read once from the connection (waiting until ``deadline``) and decode what came."""
        sock = self._sock
        if self.closed:
            self._ended = True
            return
        if not sock.pending() and not sock.wait_readable(_remaining(deadline)):
            raise DockerTimeout(f"no output from {self.name} within {timeout} seconds")
        try:
            data = sock.recv(HIJACK_READ_SIZE)
        except Exception:
            if self.closed:  # closed by another thread: the end
                self._ended = True
                return
            _raise_mid_stream(sock.where)
        self._take(data)

    def _receive_now(self) -> None:
        """Read once from the non-blocking connection, if it has something."""
        from .. import transport

        try:
            data = self._sock.recv(HIJACK_READ_SIZE)
        except transport.WOULD_BLOCK:
            return
        except Exception:
            if self.closed:  # closed by another thread: the end
                self._ended = True
                return
            _raise_mid_stream(self._sock.where)
        self._take(data)

    def _take(self, data: bytes) -> None:
        if not data:
            self._ended = True
            if self._decoder is not None and not self._closing:  # not cut short by close()
                try:
                    self._decoder.end()
                except DockerException as exc:
                    self._failure = exc
            return
        if self._decoder is None:
            self._items.append(Output(STDOUT, data))
            return
        for stream, payload in self._decoder.feed(data):
            self._items.append(Output(STDERR if stream == STDERR else STDOUT, payload))
        if self._decoder.error is not None:
            self._failure = self._decoder.error
            self._ended = True

    def _take_output(self) -> tuple[bytes, bytes]:
        """Everything queued, as ``(stdout, stderr)``; raises the failure that ended it, if any."""
        if self._failure is not None:
            raise self._failure
        items, self._items = self._items, deque()
        stdout = b"".join([data for stream, data in items if stream != STDERR])
        stderr = b"".join([data for stream, data in items if stream == STDERR])
        return stdout, stderr

    def _exchange_selecting(self, view: memoryview, deadline: float | None,
                            timeout: float | None) -> None:
        """communicate() on a socket: one thread, non-blocking, waiting on both directions."""
        from .. import transport

        hijacked = self._sock
        connection = hijacked.connection
        writing = not self._stdin_closed
        hijacked.setblocking(False)
        try:
            while True:
                if writing and not view.nbytes:
                    self.close_stdin()
                    writing = False
                if self._ended or self._closing:
                    return
                if hijacked.pending():
                    self._receive_now()
                    continue
                readable, writable = connection.wait(True, writing, _remaining(deadline))
                if not (readable or writable):
                    raise DockerTimeout(f"{self.name} did not finish within {timeout} seconds")
                if writing and writable:
                    try:
                        sent = hijacked.send(view[:_WRITE_BLOCK])
                    except transport.WOULD_BLOCK:
                        sent = 0
                    except (BrokenPipeError, ConnectionResetError):
                        sent = view.nbytes  # the daemon takes no more input: drop the rest
                    view = view[sent:]
                if readable:
                    self._receive_now()
        finally:
            if not hijacked.closed:
                hijacked.settimeout(None)

    def _exchange_threaded(self, view: memoryview, deadline: float | None,
                           timeout: float | None) -> None:
        """communicate() on a socket-like object that select cannot tell is writable (ssh):
        a thread writes while this one reads."""
        failures: list[BaseException] = []

        def send_input() -> None:
            try:
                if view.nbytes:
                    self._sock.sendall(view)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the daemon takes no more input: drop the rest
            except BaseException as exc:  # noqa: B036 - handed to the reading thread
                if not self.closed:
                    failures.append(exc)
            finally:
                self.close_stdin()

        writer: threading.Thread | None = None
        if not self._stdin_closed:
            writer = threading.Thread(target=send_input, name="docker_client-stdin", daemon=True)
            writer.start()
        # On an error or a timeout the writer may go on sending: closing the duplex stops it.
        while not self._ended:
            self._receive(deadline, timeout)
        if writer is not None:
            writer.join(0.1)
            if writer.is_alive():  # the output ended before the input: stop writing
                self.close_stdin()
                writer.join(_WRITER_STOP_SECONDS)
        if failures:
            raise StreamInterrupted(f"writing to the stdin of {self.name} failed: "
                                    f"{failures[0]!r}") from failures[0]
