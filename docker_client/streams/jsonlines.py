"""The JSON streams of events, progress and stats: documents one after another, split anywhere.

:func:`iter_json` decodes them, :func:`iter_json_lines` yields each one's bytes undecoded."""
from __future__ import annotations

import json
import re
from typing import Any, Generator, Iterable, Iterator

from ..errors import StreamParseError

_DECODER = json.JSONDecoder()
_decode_one = _DECODER.decode
_raw_decode = _DECODER.raw_decode
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_WS = b" \t\r\n"
_CLOSERS = (b"}", b"]")
_RETRY_BYTES = 64 * 1024
_EXCERPT_CHARS = 80


def iter_json(chunks: Iterable[bytes]) -> Iterator[Any]:
    """Yield the JSON documents of a daemon's JSON stream (events, progress, stats).

    Documents may be separated by ``\\n``, ``\\r\\n`` or blank lines, or follow each
    other with nothing between (``{...}{...}``); chunks may split them anywhere,
    including inside a UTF-8 character. A document is yielded as soon as its line
    ends, or as soon as a chunk ends with it.

    Args:
        chunks: the stream's bytes, e.g. :func:`~docker_client.streams.iter_raw`'s output.

    Yields:
        Each document, decoded.

    Raises:
        StreamParseError: a malformed document, invalid UTF-8, or an incomplete
            document at the end of the stream.
    """
    return _json_documents(chunks, True)


def iter_json_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the documents of a JSON stream undecoded, one ``bytes`` item per document.

    The same documents :func:`iter_json` finds (and the same errors), each as its exact
    bytes without surrounding whitespace or line ends.

    Args:
        chunks: the stream's bytes.

    Yields:
        Each document's bytes.

    Raises:
        StreamParseError: as :func:`iter_json`.
    """
    return _json_documents(chunks, False)


def _json_documents(chunks: Iterable[bytes], decode: bool) -> Generator[Any, None, None]:
    pending: list[bytes] = []  # the start of the current line, received so far
    pending_size = 0
    next_try = _RETRY_BYTES  # look for documents in an unfinished line once it is this long
    for chunk in chunks:
        if not chunk:
            continue
        if type(chunk) is not bytes:
            chunk = bytes(chunk)
        lines = chunk.split(b"\n")
        tail = lines.pop()
        if lines:
            if pending:
                pending.append(lines[0])
                lines[0] = b"".join(pending)
                pending = []
                pending_size = 0
                next_try = _RETRY_BYTES
            for line in lines:
                try:
                    document = _decode_one(line.decode())
                except (ValueError, RecursionError):
                    # A blank line, documents with no separator, or an error to report.
                    yield from _line_documents(line, decode, False)
                    continue
                yield document if decode else line.strip(_WS)
        if tail:
            pending.append(tail)
            pending_size += len(tail)
            # Documents not followed by a newline: taken when a chunk ends with one (as
            # daemons that send no separator write them), or when the line keeps growing
            # (each retry after the unfinished part doubled: linear time overall).
            if tail.rstrip(_WS)[-1:] in _CLOSERS or pending_size >= next_try:
                buffered = b"".join(pending) if len(pending) > 1 else tail
                rest = yield from _leading_documents(buffered, decode)
                pending = [rest] if rest else []
                pending_size = len(rest)
                next_try = max(_RETRY_BYTES, 2 * pending_size)
    if pending:
        buffered = b"".join(pending)
        if buffered.strip(_WS):
            yield from _line_documents(buffered, decode, True)


def _leading_documents(buffered: bytes, decode: bool) -> Generator[Any, None, bytes]:
    """Yield the complete documents at the start of ``buffered``; return the rest.

    Whatever does not parse yet is kept: it may be completed by the next chunk, and is
    reported when its line ends if not.
    """
    try:
        text = buffered.decode()
    except UnicodeDecodeError:
        return buffered
    length = len(text)
    pos = _skip_ws(text, 0)
    start = pos
    while pos < length:
        try:
            document, end = _raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        if end == length and text[end - 1].isdigit():
            break  # a number at the very end may go on in the next chunk
        yield document if decode else text[pos:end].encode()
        pos = _skip_ws(text, end)
    if pos == start:
        return buffered
    return text[pos:].encode() if pos < length else b""


def _skip_ws(text: str, pos: int) -> int:
    """The index of the first non-whitespace character at or after ``pos``."""
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def _line_documents(data: bytes, decode: bool, at_end: bool) -> Iterator[Any]:
    """Yield every document in ``data`` (a whole line, or what is left at the end)."""
    bad_utf8: UnicodeDecodeError | None = None
    try:
        text = data.decode()
    except UnicodeDecodeError as exc:
        bad_utf8 = exc
        text = data[:exc.start].decode()
    length = len(text)
    pos = _skip_ws(text, 0)
    while pos < length:
        try:
            document, end = _raw_decode(text, pos)
        except (ValueError, RecursionError) as exc:
            if bad_utf8 is not None:
                break
            raise _json_error(exc, text, pos, at_end) from None
        yield document if decode else text[pos:end].encode()
        pos = _skip_ws(text, end)
    if bad_utf8 is not None:
        excerpt = data[max(0, bad_utf8.start - 20):bad_utf8.start + 20]
        raise StreamParseError(f"invalid UTF-8 in a JSON stream ({bad_utf8.reason}) near {excerpt!r}")


def _json_error(exc: Exception, text: str, start: int, at_end: bool) -> StreamParseError:
    excerpt = repr(text[start:start + _EXCERPT_CHARS]) + ("..." if len(text) - start > _EXCERPT_CHARS else "")
    if isinstance(exc, json.JSONDecodeError):
        reason = f"{exc.msg} at character {exc.pos - start}"
    else:
        reason = str(exc)
    if at_end:
        return StreamParseError(f"incomplete or malformed JSON document at the end of the stream "
                                f"({reason}): {excerpt}")
    return StreamParseError(f"malformed JSON document in the stream ({reason}): {excerpt}")
