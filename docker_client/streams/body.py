"""The body of a streamed response as it arrives: the input of every decoder.

How the bytes are read (chunked, sized, upgraded) is the transport's business."""
from __future__ import annotations

from typing import Iterator

import requests

from ..constants import STREAM_READ_SIZE


def iter_raw(response: requests.Response, chunk_size: int = STREAM_READ_SIZE) -> Iterator[bytes]:
    """Yield the body of a streamed response as it arrives, transfer-encoding removed.

    Works for chunked bodies, bodies with a ``Content-Length``, bodies read until the
    daemon closes the connection, and the raw connection behind a ``101`` upgrade
    (attach/exec with ``Upgrade: tcp``). Each item is what one read returned: an HTTP
    chunk, or what the socket had (never empty, at most ``chunk_size`` bytes); no read
    waits to fill a block.

    Args:
        response: a response opened with ``stream=True`` whose body has not been read.
        chunk_size: the largest read.

    Yields:
        The body bytes, in order.

    Raises:
        StreamInterrupted: the connection broke before the body ended (including a body
            shorter than its ``Content-Length``, or a chunked body without its last chunk).
        DockerTimeout: a read timed out.
    """
    from .. import transport  # at call time: importing the decoders loads no transport

    yield from transport.iter_body(response, chunk_size)
