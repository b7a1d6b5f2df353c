"""The :class:`Stream` every streaming call returns: an iterator that releases its connection.

Closed at the end, on an error, or by ``close()`` from any thread (the transport interrupts)."""
from __future__ import annotations

import threading
from typing import Generic, Iterable, Iterator, Optional, TypeVar

import requests

T = TypeVar("T")


class Stream(Generic[T]):
    """What every streaming call returns: an iterator that releases its connection.

    The connection is released (``response.close()``) when the stream is closed, when
    it is exhausted, or when reading it raises. ``close()`` may also be called from
    another thread to stop a blocked read, as with docker-py's ``CancellableStream``:
    the reading thread then sees the end of the stream.

    Args:
        response: the streamed response the items come from (None if there is none).
        iterator: the items.

    Example::

        with client.events(decode=True) as events:
            for event in events:
                ...
    """

    def __init__(self, response: Optional[requests.Response], iterator: Iterable[T]) -> None:
        self._response = response
        self._iterator: Iterator[T] = iter(iterator)
        self._closed = False
        self._busy = False  # a thread is inside next(self._iterator)
        self._released = False
        self._release_lock = threading.Lock()

    def __iter__(self) -> Iterator[T]:
        """The items, for ``for`` loops: a generator over the same items ``next()`` returns.

        It does what :meth:`__next__` does without a Python-level call per item. Leaving a
        loop early (``break``) leaves the stream open, as with ``next()``. A subclass with a
        ``__next__`` of its own is iterated through it.
        """
        if type(self).__next__ is not Stream.__next__:
            return self
        return self._items()

    def _items(self) -> Iterator[T]:
        next_item = self._iterator.__next__
        while not self._closed:
            self._busy = True
            try:
                item = next_item()
            except StopIteration:
                self._busy = False
                self._release()
                return
            except BaseException:
                self._busy = False
                cancelled = self._closed  # close() from another thread broke the read
                self._release()
                if cancelled:
                    return
                raise
            self._busy = False
            if self._closed:  # closed from another thread while this one was reading
                self._release()
                return
            yield item
        self._release()

    def __next__(self) -> T:
        self._busy = True
        try:
            if self._closed:
                raise StopIteration
            item = next(self._iterator)
        except StopIteration:
            self._busy = False
            self._release()
            raise
        except BaseException:
            self._busy = False
            cancelled = self._closed  # close() from another thread broke the read
            self._release()
            if cancelled:
                raise StopIteration from None
            raise
        self._busy = False
        if self._closed:  # closed from another thread while this one was reading
            self._release()
            raise StopIteration
        return item

    next = __next__

    def close(self) -> None:
        """Stop the stream and release its connection; safe to call again, from any thread."""
        self._closed = True
        if self._busy:
            # Another thread is blocked reading: wake it; it releases the connection.
            self._interrupt()
        else:
            self._release()

    @property
    def closed(self) -> bool:
        """Whether the stream was closed or has ended."""
        return self._closed

    @property
    def response(self) -> Optional[requests.Response]:
        """The response the stream reads."""
        return self._response

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        request = getattr(self._response, "request", None)
        if request is None:
            return f"<Stream {state}>"
        return f"<Stream {state}: {request.method} {request.path_url}>"

    def _release(self) -> None:
        with self._release_lock:
            if self._released:
                return
            self._released = True
        self._closed = True
        try:
            close = getattr(self._iterator, "close", None)
            if close is not None:
                try:
                    close()
                except ValueError:  # "generator already executing": closing the response ends it
                    pass
        finally:
            if self._response is not None:
                self._response.close()

    def _interrupt(self) -> None:
        """Shut the connection down so that a read blocked in another thread returns."""
        if self._response is None:
            return
        from .. import transport  # at call time: importing the decoders loads no transport

        transport.interrupt(self._response)


#: docker-py's name for a stream that can be closed (``close()``) and read (``next()``).
CancellableStream = Stream
