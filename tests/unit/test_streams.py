"""Tests for docker_client.streams: the decoders (property tests over arbitrary chunkings),
their errors, and iter_raw/Stream over real TCP and unix sockets (tests/unit/sockserver.py)."""
from __future__ import annotations

import gc
import hashlib
import json
import random
import struct
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import pytest
import requests
import requests.adapters
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docker_client import streams
from docker_client import transport as dc_transport
from docker_client.errors import DockerTimeout, StreamInterrupted, StreamParseError
from docker_client.streams import (
    STDERR,
    STDIN,
    STDOUT,
    CancellableStream,
    Stream,
    collect,
    demux,
    frame_payloads,
    iter_frames,
    iter_json,
    iter_json_lines,
    iter_raw,
)

from .sockserver import LAST_CHUNK, Reply, SockServer, chunk, chunked_body, head

PROPERTY = settings(deadline=None, database=None, max_examples=100,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(deadline=None, database=None, max_examples=25,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- helpers -------------------------------------------------------------------------------


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def split_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    """Split ``data`` at the given offsets (repeated offsets give empty chunks)."""
    points = sorted(min(max(cut, 0), len(data)) for cut in cuts)
    chunks = []
    start = 0
    for point in points:
        chunks.append(data[start:point])
        start = point
    chunks.append(data[start:])
    return chunks


def bytewise(data: bytes) -> list[bytes]:
    return [data[i:i + 1] for i in range(len(data))]


@st.composite
def chunkings(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """Arbitrary splits of ``data``: hypothesis-chosen cut points, or one byte per chunk."""
    if len(data) <= 4096 and draw(st.integers(0, 5)) == 0:
        return bytewise(data)
    cuts = draw(st.lists(st.integers(0, len(data)), max_size=40))
    return split_at(data, cuts)


def merged(frames: Iterable[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
    """Frames with empty payloads dropped and adjacent payloads of one stream joined."""
    out: list[tuple[int, bytes]] = []
    for stream, payload in frames:
        if not payload:
            continue
        if out and out[-1][0] == stream:
            out[-1] = (stream, out[-1][1] + payload)
        else:
            out.append((stream, payload))
    return out


def outcome(function: Callable[[Any], Iterator[Any]], chunks: Sequence[bytes]) -> tuple[list[Any], Any]:
    """The items a decoder yields, and the class of the exception it ends with (or None)."""
    items: list[Any] = []
    try:
        for item in function(iter(chunks)):
            items.append(item)
    except Exception as exc:
        return items, type(exc)
    return items, None


# -- JSON ----------------------------------------------------------------------------------

json_scalars = (st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda children: (st.lists(children, max_size=5)
                      | st.dictionaries(st.text(max_size=8), children, max_size=5)),
    max_leaves=15,
)
json_documents = st.dictionaries(st.text(max_size=10), json_values, max_size=6) | json_values
SEPARATORS = ["\n", "\r\n", "\n\n", "\r\n\r\n", " ", "\t\n", "", ""]


def is_number(document: Any) -> bool:
    return isinstance(document, (int, float)) and not isinstance(document, bool)


@st.composite
def json_streams(draw: st.DrawFn) -> tuple[list[Any], bytes]:
    """Documents, and a stream of them with mixed separators (none, at times)."""
    documents = draw(st.lists(json_documents, max_size=12))
    ascii_only = draw(st.booleans())
    parts = []
    for index, document in enumerate(documents):
        parts.append(json.dumps(document, ensure_ascii=ascii_only,
                                separators=draw(st.sampled_from([(",", ":"), (", ", ": ")]))))
        separator = draw(st.sampled_from(SEPARATORS))
        following = documents[index + 1] if index + 1 < len(documents) else None
        if not separator.strip(" \t") and separator == "" and is_number(document) and is_number(following):
            separator = "\n"  # 1 then 2 with nothing between is 12
        parts.append(separator)
    if draw(st.booleans()):
        parts.insert(0, draw(st.sampled_from(["", "\n", "\r\n", "  "])))
    return documents, "".join(parts).encode()


def json_equal(left: Any, right: Any) -> bool:
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


@PROPERTY
@given(st.data(), json_streams())
def test_iter_json_any_chunking(data: st.DataObject, stream: tuple[list[Any], bytes]) -> None:
    documents, blob = stream
    chunks = data.draw(chunkings(blob))
    assert b"".join(chunks) == blob
    split = list(iter_json(chunks))
    whole = list(iter_json([blob]))
    assert json_equal(split, documents)
    assert json_equal(whole, documents)


@PROPERTY
@given(st.data(), json_streams())
def test_iter_json_lines_any_chunking(data: st.DataObject, stream: tuple[list[Any], bytes]) -> None:
    documents, blob = stream
    chunks = data.draw(chunkings(blob))
    split = list(iter_json_lines(chunks))
    assert split == list(iter_json_lines([blob]))
    assert all(isinstance(item, bytes) for item in split)
    assert json_equal([json.loads(item) for item in split], documents)
    # each item is the exact text of one document: no separators, no surrounding space
    assert all(item == item.strip(b" \t\r\n") and b"\n" not in item for item in split)


@FEW
@given(st.data(), st.integers(50_000, 200_000), st.integers(0, 2 ** 32))
def test_iter_json_large_documents(data: st.DataObject, size: int, seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice("abc é漢\U0001F600\"\\\n") for _ in range(size // 4))
    documents = [{"stream": text, "n": i, "nested": {"list": [text[:100]] * 3}} for i in range(3)]
    separator = data.draw(st.sampled_from(["\n", "\r\n", ""]))
    blob = separator.join(json.dumps(d, ensure_ascii=False) for d in documents).encode()
    chunks = data.draw(chunkings(blob))
    assert list(iter_json(chunks)) == documents
    assert [json.loads(item) for item in iter_json_lines(chunks)] == documents


def test_iter_json_multibyte_split_in_every_place() -> None:
    document = {"text": "é漢\U0001F600 mixed ascii", "x": ["ü", {"ß": "\u2028"}]}
    blob = json.dumps(document, ensure_ascii=False).encode() + b"\r\n"
    for cut in range(len(blob) + 1):
        for second in range(cut, len(blob) + 1):
            assert list(iter_json(split_at(blob, [cut, second]))) == [document]


def test_iter_json_yields_a_document_before_the_stream_goes_on() -> None:
    """A document is available as soon as its chunk arrives, newline or not."""
    received: list[Any] = []

    def chunks() -> Iterator[bytes]:
        yield b'{"a": 1}\n{"b"'
        assert received == [{"a": 1}]
        yield b': 2}'
        assert received[-1] == {"b": 2}  # no separator followed it yet
        yield b'{"c": 3}{"d": 4}'
        assert received[-2:] == [{"c": 3}, {"d": 4}]
        yield b"\n"

    for document in iter_json(chunks()):
        received.append(document)
    assert received == [{"a": 1}, {"b": 2}, {"c": 3}, {"d": 4}]


def test_iter_json_number_at_chunk_end_waits_for_more() -> None:
    assert list(iter_json([b'{"a": 1} 1', b'2 [3]'])) == [{"a": 1}, 12, [3]]
    assert list(iter_json([b"1", b"2\n", b"3"])) == [12, 3]


def test_iter_json_long_unfinished_line_is_searched_for_documents() -> None:
    """Past 64 KiB without a newline, complete documents are taken (a number at the end waits)."""
    big = {"a": "x" * 70_000}
    first = json.dumps(big).encode() + b" 1"
    received: list[Any] = []

    def chunks() -> Iterator[bytes]:
        yield first
        assert received == [big]
        yield b"2\n"

    for document in iter_json(chunks()):
        received.append(document)
    assert received == [big, 12]


def test_iter_json_invalid_utf8_in_a_chunk_ending_a_document() -> None:
    for decoder in (iter_json, iter_json_lines):
        items, error = outcome(decoder, [b'{"a": 1}{"b": "\xff"}', b"\n"])
        assert error is StreamParseError
        assert json.loads(items[0]) == {"a": 1} if decoder is iter_json_lines else items == [{"a": 1}]


def test_iter_json_blank_lines_and_whitespace_only() -> None:
    assert list(iter_json([b"\n\r\n  \n", b"\t\n"])) == []
    assert list(iter_json([])) == []
    assert list(iter_json([b"", b'{"a":1}', b"", b"\n\n"])) == [{"a": 1}]


def test_iter_json_accepts_bytearray_and_memoryview() -> None:
    assert list(iter_json([bytearray(b'{"a":'), memoryview(b' 1}\n')])) == [{"a": 1}]


@pytest.mark.parametrize("blob, excerpt", [
    (b'{"a": 1}\n{bad json}\n{"b": 2}\n', "{bad json}"),
    (b'{"a": 1}{"b": }\n', '{"b": }'),
    (b'{"a": 1}\n{"b": 2', '{"b": 2'),  # truncated at EOF
    (b'{"a": 1}\n{"b": "unterminated', '{"b": "unterminated'),
    (b'{"a": 1}\n}\n', "}"),
    (b'[1, 2,]\n', "[1, 2,]"),
    (b"nul\n", "nul"),
    (b'{"a": "\xff"}\n', "\\xff"),  # invalid UTF-8
    (b'{"a": 1}\n' + b"[" * 100_000 + b"]" * 100_000 + b"\n", "[[[["),  # too deep
])
def test_iter_json_malformed(blob: bytes, excerpt: str) -> None:
    for decoder in (iter_json, iter_json_lines):
        for chunks in ([blob], split_at(blob, [3, 9, 12])):
            items, error = outcome(decoder, chunks)
            assert error is StreamParseError
            assert len(items) <= 1
            with pytest.raises(StreamParseError) as caught:
                list(decoder(chunks))
            assert caught.type is StreamParseError
            assert excerpt in str(caught.value)


def test_iter_json_error_excerpt_is_short() -> None:
    blob = b'{"a": ' + b"x" * 10_000 + b"}\n"
    with pytest.raises(StreamParseError) as caught:
        list(iter_json([blob]))
    assert len(str(caught.value)) < 300


@st.composite
def json_garbage(draw: st.DrawFn) -> bytes:
    pieces = [b"{", b"}", b"[", b"]", b'"', b":", b",", b"1", b"0", b" ", b"\n", b"\r", b"-", b".", b"e",
              b"a", "é".encode(), "漢".encode(), b"\xff", b"true", b"null", b'{"a":1}', b"[1,2]", b'"s"']
    return b"".join(draw(st.lists(st.sampled_from(pieces), max_size=40)))


@PROPERTY
@given(st.data(), json_garbage())
def test_iter_json_chunking_never_changes_the_outcome(data: st.DataObject, blob: bytes) -> None:
    """Whatever the bytes, a split stream gives the same documents and the same error class."""
    chunks = data.draw(chunkings(blob))
    for decoder in (iter_json, iter_json_lines):
        split_items, split_error = outcome(decoder, chunks)
        whole_items, whole_error = outcome(decoder, [blob])
        assert split_error is whole_error
        assert whole_error in (None, StreamParseError)
        assert json.dumps(split_items, default=repr) == json.dumps(whole_items, default=repr)


@PROPERTY
@given(st.data(), st.lists(st.dictionaries(st.text(max_size=5), json_values, min_size=1, max_size=4),
                           min_size=1, max_size=5))
def test_iter_json_truncated_document_at_eof(data: st.DataObject, documents: list[Any]) -> None:
    blob = b"\n".join(json.dumps(d, ensure_ascii=False).encode() for d in documents)
    last_start = blob.rindex(b"\n") + 1 if b"\n" in blob else 0
    cut = data.draw(st.integers(last_start + 1, len(blob) - 1))
    truncated = blob[:cut]
    chunks = data.draw(chunkings(truncated))
    items, error = outcome(iter_json, chunks)
    assert error is StreamParseError
    assert items == documents[:-1]


# -- frames ----------------------------------------------------------------------------------

payloads = st.one_of(
    st.just(b""),
    st.binary(max_size=64),
    st.tuples(st.integers(0, 200_000), st.integers(0, 2 ** 32)).map(
        lambda spec: random.Random(spec[1]).randbytes(spec[0])),
)
frame_lists = st.lists(st.tuples(st.sampled_from([STDIN, STDOUT, STDERR]), payloads), max_size=12)


def frames_blob(frames: list[tuple[int, bytes]]) -> bytes:
    return b"".join(frame(stream, payload) for stream, payload in frames)


@PROPERTY
@given(st.data(), frame_lists)
def test_iter_frames_any_chunking(data: st.DataObject, frames: list[tuple[int, bytes]]) -> None:
    blob = frames_blob(frames)
    chunks = data.draw(chunkings(blob))
    split = list(iter_frames(chunks))
    whole = list(iter_frames([blob]))
    assert all(payload for _, payload in split)  # empty frames are skipped
    assert merged(split) == merged(frames)
    assert merged(whole) == merged(frames)
    # one unsplit buffer: each frame comes out as its own item, as in docker-py
    assert whole == [(stream, payload) for stream, payload in frames if payload]


@PROPERTY
@given(st.data(), frame_lists)
def test_demux_payloads_and_collect(data: st.DataObject, frames: list[tuple[int, bytes]]) -> None:
    blob = frames_blob(frames)
    chunks = data.draw(chunkings(blob))
    everything = b"".join(payload for _, payload in frames)
    stdout = [payload for stream, payload in frames if stream in (STDIN, STDOUT) and payload]
    stderr = [payload for stream, payload in frames if stream == STDERR and payload]

    assert b"".join(frame_payloads(iter_frames(chunks))) == everything
    assert collect(frame_payloads(iter_frames(chunks)), demux=False) == everything

    pairs = list(demux(iter_frames(chunks)))
    assert all((out is None) != (err is None) for out, err in pairs)
    assert b"".join(out for out, _ in pairs if out is not None) == b"".join(stdout)
    assert b"".join(err for _, err in pairs if err is not None) == b"".join(stderr)
    assert collect(demux(iter_frames(chunks)), demux=True) == (
        b"".join(stdout) if stdout else None, b"".join(stderr) if stderr else None)


def test_collect_matches_docker_py_none_cases() -> None:
    assert collect(iter([]), demux=True) == (None, None)
    assert collect(iter([]), demux=False) == b""
    assert collect(iter([(b"a", None), (b"b", None)]), demux=True) == (b"ab", None)
    assert collect(iter([(None, b"e")]), demux=True) == (None, b"e")
    assert collect(iter([(b"", None)]), demux=True) == (b"", None)
    stdout_only = frame(STDOUT, b"out") + frame(STDERR, b"")
    assert collect(demux(iter_frames([stdout_only])), demux=True) == (b"out", None)


def test_iter_frames_stream_attribution_in_one_buffer() -> None:
    blob = (frame(STDOUT, b"a") + frame(STDOUT, b"b") + frame(STDERR, b"c") + frame(STDOUT, b"")
            + frame(STDOUT, b"d") + frame(STDIN, b"i") + frame(STDERR, b"e") + frame(STDERR, b"f"))
    assert list(iter_frames([blob])) == [(STDOUT, b"a"), (STDOUT, b"b"), (STDERR, b"c"),
                                         (STDOUT, b"d"), (STDIN, b"i"), (STDERR, b"e"),
                                         (STDERR, b"f")]


def test_iter_frames_accepts_bytearray_and_memoryview() -> None:
    blob = frame(STDOUT, b"abc") + frame(STDERR, b"de")
    chunks = [bytearray(blob[:5]), memoryview(blob[5:])]
    assert merged(iter_frames(chunks)) == [(STDOUT, b"abc"), (STDERR, b"de")]


def test_iter_frames_header_split_in_every_place() -> None:
    blob = frame(STDOUT, b"hello") + frame(STDERR, b"world!") + frame(STDOUT, b"x" * 300)
    for cut in range(len(blob) + 1):
        for second in range(cut, len(blob) + 1, 3):
            assert merged(iter_frames(split_at(blob, [cut, second]))) == [
                (STDOUT, b"hello"), (STDERR, b"world!"), (STDOUT, b"x" * 300)]


def test_iter_frames_one_frame_spanning_many_chunks_is_one_item() -> None:
    payload = bytes(range(256)) * 200
    items = list(iter_frames(bytewise(frame(STDERR, payload)) + [frame(STDOUT, b"z")]))
    assert items == [(STDERR, payload), (STDOUT, b"z")]


def test_iter_frames_very_large_frame_comes_out_in_bounded_parts() -> None:
    payload = random.Random(7).randbytes(3 * 1024 * 1024)
    blob = frame(STDOUT, payload)
    items = list(iter_frames(split_at(blob, range(0, len(blob), 32 * 1024))))
    assert all(stream == STDOUT for stream, _ in items)
    assert b"".join(part for _, part in items) == payload
    assert 1 < len(items) <= 3 * 1024 * 1024 // streams._FRAME_HOLD_LIMIT + 1


BAD_FRAMES = [
    pytest.param(frame(7, b"abc"), StreamParseError, "0700000000000003", id="stream-7"),
    pytest.param(frame(4, b""), StreamParseError, "04000000", id="stream-4-empty"),
    pytest.param(b"\x01\x00\x01\x00\x00\x00\x00\x01x", StreamParseError, "0100010000000001", id="padding"),
    pytest.param(b"\x02\x00\x00\x09\x00\x00\x00\x01x", StreamParseError, "out of step", id="padding-last"),
    pytest.param(b"HTTP/1.1 200 OK\r\n", StreamParseError, "out of step", id="text"),
    pytest.param(frame(3, b"cannot attach: container is stopped"), StreamParseError,
                 "cannot attach: container is stopped", id="systemerr"),
    pytest.param(frame(3, b""), StreamParseError, "error", id="systemerr-empty"),
    pytest.param(frame(STDOUT, b"abcdef")[:-2], StreamInterrupted, "2 bytes missing", id="payload-cut"),
    pytest.param(frame(STDOUT, b"abcdef")[:5], StreamInterrupted, "3 bytes missing", id="header-cut"),
    pytest.param(frame(3, b"boom")[:-1], StreamInterrupted, "missing", id="systemerr-cut"),
]


@pytest.mark.parametrize("bad, error, message", BAD_FRAMES)
def test_iter_frames_malformed(bad: bytes, error: type[Exception], message: str) -> None:
    good = frame(STDOUT, b"before") + frame(STDERR, b"err")
    blob = good + bad
    for chunks in ([blob], bytewise(blob), split_at(blob, [5, len(good) + 3])):
        items, raised = outcome(iter_frames, chunks)
        assert raised is error
        assert merged(items) == [(STDOUT, b"before"), (STDERR, b"err")]
        with pytest.raises(error) as caught:
            list(iter_frames(chunks))
        assert caught.type is error
        assert message in str(caught.value)


@PROPERTY
@given(st.data(), st.lists(st.tuples(st.sampled_from([STDOUT, STDERR]), st.binary(max_size=40)),
                           min_size=1, max_size=8))
def test_iter_frames_truncated_anywhere(data: st.DataObject, frames: list[tuple[int, bytes]]) -> None:
    blob = frames_blob(frames)
    boundaries = {0}
    position = 0
    for _, payload in frames:
        position += 8 + len(payload)
        boundaries.add(position)
    cut = data.draw(st.integers(0, len(blob)))
    chunks = data.draw(chunkings(blob[:cut]))
    items, raised = outcome(iter_frames, chunks)
    assert raised is (None if cut in boundaries else StreamInterrupted)
    got = b"".join(p for _, p in items)
    assert got == b"".join(p for _, p in frames)[:len(got)]


@PROPERTY
@given(st.data(), frame_lists, st.binary(min_size=8, max_size=8))
def test_iter_frames_garbage_header_never_leaks_other_errors(
        data: st.DataObject, frames: list[tuple[int, bytes]], header: bytes) -> None:
    blob = frames_blob(frames) + header + b"tail"
    chunks = data.draw(chunkings(blob))
    items, raised = outcome(iter_frames, chunks)
    assert raised in (None, StreamParseError, StreamInterrupted)
    valid = header[0] in (0, 1, 2, 3) and header[1:4] == b"\x00\x00\x00"
    if not valid:
        assert raised is StreamParseError
        assert merged(items) == merged(frames)


def test_throughput_sanity_64_mib_of_16_kib_frames() -> None:
    """Not timed: decoding 64 MiB of 16 KiB frames in 32 KiB chunks yields exactly the bytes."""
    frame_size = 16 * 1024
    count = 64 * 1024 * 1024 // frame_size
    expected = {STDOUT: hashlib.sha256(), STDERR: hashlib.sha256()}
    parts = []
    for index in range(count):
        stream = STDERR if index % 5 == 4 else STDOUT
        payload = index.to_bytes(4, "big") * (frame_size // 4)
        expected[stream].update(payload)
        parts.append(frame(stream, payload))
    blob = b"".join(parts)
    del parts
    view = memoryview(blob)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(blob), 32 * 1024):
            yield bytes(view[start:start + 32 * 1024])

    got = {STDOUT: hashlib.sha256(), STDERR: hashlib.sha256()}
    total = 0
    for stream, payload in iter_frames(chunks()):
        got[stream].update(payload)
        total += len(payload)
    view.release()
    assert total == count * frame_size
    assert got[STDOUT].digest() == expected[STDOUT].digest()
    assert got[STDERR].digest() == expected[STDERR].digest()


# -- Stream (in memory) ------------------------------------------------------------------------


class FakeResponse:
    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def test_stream_closes_on_exhaustion() -> None:
    response = FakeResponse()
    stream: Stream[int] = Stream(response, iter([1, 2]))
    assert list(stream) == [1, 2]
    assert stream.closed and response.closed == 1
    with pytest.raises(StopIteration):
        next(stream)
    stream.close()
    assert response.closed == 1


def test_stream_loop_break_leaves_it_open_for_next() -> None:
    response = FakeResponse()
    stream: Stream[int] = Stream(response, iter([1, 2, 3]))
    for item in stream:
        assert item == 1
        break
    assert not stream.closed and response.closed == 0
    assert next(stream) == 2
    assert list(stream) == [3]
    assert stream.closed and response.closed == 1


def test_stream_closed_inside_its_loop_stops_and_releases_once() -> None:
    response = FakeResponse()
    stream: Stream[int] = Stream(response, iter(range(10)))
    seen = []
    for item in stream:
        seen.append(item)
        if item == 2:
            stream.close()
    assert seen == [0, 1, 2]
    assert stream.closed and response.closed == 1


def test_stream_close_is_idempotent_and_stops_iteration() -> None:
    response = FakeResponse()
    generator_closed = []

    def items() -> Iterator[int]:
        try:
            yield 1
            yield 2
        finally:
            generator_closed.append(True)

    stream = Stream(response, items())
    assert stream.next() == 1
    stream.close()
    stream.close()
    assert stream.closed and response.closed == 1 and generator_closed == [True]
    with pytest.raises(StopIteration):
        stream.next()
    assert list(stream) == []


def test_stream_closes_when_the_iterator_raises() -> None:
    response = FakeResponse()

    def items() -> Iterator[int]:
        yield 1
        raise StreamParseError("bad")

    stream = Stream(response, items())
    with pytest.raises(StreamParseError):
        list(stream)
    assert stream.closed and response.closed == 1
    with pytest.raises(StopIteration):
        next(stream)


def test_stream_context_manager_and_repr() -> None:
    response = FakeResponse()
    with Stream(response, iter([1, 2, 3])) as stream:
        assert next(stream) == 1
        assert repr(stream) == "<Stream open>"
    assert stream.closed and response.closed == 1
    assert repr(stream) == "<Stream closed>"
    assert CancellableStream is Stream
    assert Stream(None, []).closed is False


def test_stream_closed_during_a_read_drops_the_item() -> None:
    """close() while another thread is inside next(): that next() ends the stream."""
    response = FakeResponse()
    holder: list[Stream[int]] = []

    def items() -> Iterator[int]:
        holder[0].close()  # as another thread would, while this read is under way
        yield 1

    stream = Stream(response, items())
    holder.append(stream)
    with pytest.raises(StopIteration):
        next(stream)
    assert stream.closed and response.closed == 1
    assert stream.response is response


# -- iter_raw and Stream over real sockets ----------------------------------------------------


@pytest.fixture(params=["tcp", "unix"])
def transport(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


@pytest.fixture
def make_server(transport: str) -> Iterator[Callable[..., SockServer]]:
    servers: list[SockServer] = []
    directory = tempfile.TemporaryDirectory(prefix="dcs")

    def make(*replies: Reply) -> SockServer:
        path = str(Path(directory.name) / f"s{len(servers)}.sock") if transport == "unix" else None
        server = SockServer(*replies, unix_path=path).start()
        servers.append(server)
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()
        directory.cleanup()
    for server in servers:
        assert server.errors == []


class _UnixSockets(requests.adapters.BaseAdapter):
    """docker_client's unix socket adapter for whichever socket a URL names."""

    def __init__(self) -> None:
        super().__init__()
        self._adapters: dict[str, dc_transport.UnixHTTPAdapter] = {}

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        base = "/".join((request.url or "").split("/", 3)[:3])
        adapter = self._adapters.setdefault(base, dc_transport.UnixHTTPAdapter(base))
        return adapter.send(request, **kwargs)

    def close(self) -> None:
        for adapter in self._adapters.values():
            adapter.close()


@pytest.fixture
def session() -> Iterator[requests.Session]:
    """A plain requests session with docker_client's adapters mounted: the streams' real source."""
    with requests.Session() as s:
        s.mount("http://", dc_transport.TCPAdapter())
        s.mount("http+unix://", _UnixSockets())
        yield s


def get(session: requests.Session, server: SockServer, path: str = "/stream",
        **kwargs: Any) -> requests.Response:
    kwargs.setdefault("timeout", 10)
    return session.get(server.url + path, stream=True, **kwargs)


EVENTS = [{"Type": "container", "Action": "start", "id": "é" * i, "n": i} for i in range(20)]
EVENTS_BLOB = b"".join(json.dumps(e, ensure_ascii=False).encode() + b"\n" for e in EVENTS)


def test_socket_chunked_json_split_documents(make_server: Callable[..., SockServer],
                                             session: requests.Session) -> None:
    pieces = split_at(EVENTS_BLOB, range(7, len(EVENTS_BLOB), 37))  # splits documents and characters
    parts: list[bytes | float] = [head(200, {"Content-Type": "application/json"}, chunked=True)]
    for index, piece in enumerate(pieces):
        parts.append(chunk(piece))
        if index % 10 == 0:
            parts.append(0.01)
    parts.append(LAST_CHUNK)
    server = make_server(Reply(parts))
    response = get(session, server, "/events")
    with Stream(response, iter_json(iter_raw(response))) as events:
        assert repr(events) == "<Stream open: GET /events>"
        assert list(events) == EVENTS
        assert events.closed
    assert server.requests[0].startswith(b"GET /events ")


def test_socket_chunked_frames_exact_per_stream(make_server: Callable[..., SockServer],
                                                session: requests.Session) -> None:
    rng = random.Random(3)
    frames = [(rng.choice([STDOUT, STDERR]), rng.randbytes(rng.choice([0, 1, 100, 5000, 70_000])))
              for _ in range(60)]
    blob = frames_blob(frames)
    pieces = split_at(blob, sorted(rng.sample(range(len(blob)), 80)))
    server = make_server(Reply([head(200, chunked=True), chunked_body(pieces)]))
    response = get(session, server, "/containers/x/logs")
    with Stream(response, iter_frames(iter_raw(response))) as logs:
        items = list(logs)
    assert merged(items) == merged(frames)


# Inside a chunk: its bytes that came are body bytes (the start of a third frame here).
_PART_OF_A_CHUNK = b"40\r\n" + b"\x01\x00\x00\x00\x00\x00\x00\x38" + b"x" * 2


@pytest.mark.parametrize("tail, ending", [
    (_PART_OF_A_CHUNK, "close"),  # inside a chunk
    (b"", "close"),  # between chunks, no last chunk
    (b"4", "close"),  # inside a chunk-size line
    (_PART_OF_A_CHUNK, "reset"),
])
def test_socket_chunked_dropped_mid_stream(make_server: Callable[..., SockServer], session: requests.Session,
                                           tail: bytes, ending: str) -> None:
    body = frame(STDOUT, b"a" * 100) + frame(STDERR, b"b" * 10)
    server = make_server(Reply([head(200, chunked=True), chunk(body[:50]), chunk(body[50:]), 0.02, tail],
                               end=ending))
    response = get(session, server)
    received: list[tuple[int, bytes]] = []
    with pytest.raises(StreamInterrupted) as caught:
        for item in Stream(response, iter_frames(iter_raw(response))):
            received.append(item)
    assert caught.type is StreamInterrupted
    expected = [(STDOUT, b"a" * 100), (STDERR, b"b" * 10)]
    if ending == "close":
        assert merged(received) == expected
    else:  # a reset may discard what the client had not read yet
        got = b"".join(payload for _, payload in received)
        assert got == b"".join(payload for _, payload in expected)[:len(got)]


def test_socket_chunked_json_dropped_mid_stream(make_server: Callable[..., SockServer],
                                                session: requests.Session) -> None:
    server = make_server(Reply([head(200, chunked=True), chunk(b'{"a": 1}\n{"b"'), 0.02, b"20\r\n: 2"]))
    response = get(session, server)
    events = Stream(response, iter_json(iter_raw(response)))
    assert next(events) == {"a": 1}
    with pytest.raises(StreamInterrupted):
        next(events)
    assert events.closed


def test_socket_bad_chunk_size_is_interrupted(make_server: Callable[..., SockServer],
                                              session: requests.Session) -> None:
    server = make_server(Reply([head(200, chunked=True), chunk(b"ok"), b"zz\r\nxx\r\n"]))
    response = get(session, server)
    with pytest.raises(StreamInterrupted):
        list(Stream(response, iter_raw(response)))


def test_socket_content_length_cut_short(make_server: Callable[..., SockServer],
                                         session: requests.Session) -> None:
    server = make_server(Reply([head(200, length=1000), b"x" * 300, 0.02, b"y" * 200]))
    response = get(session, server)
    received = []
    with pytest.raises(StreamInterrupted) as caught:
        for block in Stream(response, iter_raw(response)):
            received.append(block)
    assert caught.type is StreamInterrupted
    assert b"".join(received) == b"x" * 300 + b"y" * 200


def test_socket_content_length_complete(make_server: Callable[..., SockServer],
                                        session: requests.Session) -> None:
    body = EVENTS_BLOB
    server = make_server(Reply([head(200, length=len(body)), body[:100], 0.02, body[100:]]))
    response = get(session, server)
    assert list(Stream(response, iter_json(iter_raw(response)))) == EVENTS


def test_socket_read_until_close(make_server: Callable[..., SockServer], session: requests.Session) -> None:
    frames = [(STDOUT, b"o" * 3000), (STDERR, b"e" * 10), (STDOUT, b"")]
    blob = frames_blob(frames)
    server = make_server(Reply([
        head(200, {"Content-Type": "application/vnd.docker.raw-stream", "Connection": "close"}),
        blob[:11], 0.02, blob[11:]]))
    response = get(session, server)
    stream = Stream(response, frame_payloads(iter_frames(iter_raw(response))))
    assert b"".join(stream) == b"o" * 3000 + b"e" * 10
    assert stream.closed


def test_socket_upgraded_connection(make_server: Callable[..., SockServer],
                                    session: requests.Session) -> None:
    """A 101 response: the raw stream follows the headers, here in the same packet."""
    frames = [(STDOUT, b"hello\n"), (STDERR, b"oops\n"), (STDOUT, b"x" * 100_000)]
    blob = frames_blob(frames)
    server = make_server(Reply([
        head(101, {"Content-Type": "application/vnd.docker.raw-stream", "Connection": "Upgrade",
                   "Upgrade": "tcp"}) + blob[:20],
        0.02, blob[20:]]))
    response = session.post(server.url + "/containers/x/attach?stream=1", stream=True, timeout=10,
                            headers={"Connection": "Upgrade", "Upgrade": "tcp"})
    assert response.status_code == 101
    with Stream(response, demux(iter_frames(iter_raw(response)))) as attach:
        assert collect(attach, demux=True) == (b"hello\n" + b"x" * 100_000, b"oops\n")


@pytest.mark.parametrize("ending", ["close", "reset"])
def test_socket_upgraded_connection_dropped_in_a_frame(make_server: Callable[..., SockServer],
                                                       session: requests.Session, ending: str) -> None:
    blob = frame(STDOUT, b"complete") + frame(STDERR, b"cut short")[:-3]
    server = make_server(Reply([head(101, {"Connection": "Upgrade", "Upgrade": "tcp"}), blob], end=ending))
    response = session.post(server.url + "/exec/x/start", stream=True, timeout=10,
                            headers={"Connection": "Upgrade", "Upgrade": "tcp"})
    received: list[tuple[int, bytes]] = []
    with pytest.raises(StreamInterrupted) as caught:
        for item in Stream(response, iter_frames(iter_raw(response))):
            received.append(item)
    assert caught.type is StreamInterrupted
    if ending == "close":  # a reset may discard what the client had not read yet
        assert received == [(STDOUT, b"complete")]  # the cut frame is not yielded


@pytest.mark.parametrize("framing", ["chunked", "length", "close", "upgrade"])
def test_socket_reads_do_not_wait_to_fill_a_block(make_server: Callable[..., SockServer],
                                                  session: requests.Session, framing: str) -> None:
    """The first bytes come out while the server sends nothing more (it holds the connection)."""
    first = frame(STDOUT, b"first")
    if framing == "chunked":
        parts = [head(200, chunked=True), chunk(first)]
    elif framing == "length":
        parts = [head(200, length=1000), first]
    elif framing == "close":
        parts = [head(200, {"Connection": "close"}), first]
    else:
        parts = [head(101, {"Connection": "Upgrade", "Upgrade": "tcp"}), first]
    server = make_server(Reply(parts, end="hold"))
    response = get(session, server, timeout=(10, 10))
    with Stream(response, iter_frames(iter_raw(response))) as logs:
        assert next(logs) == (STDOUT, b"first")
    assert server.client_closed.wait(10)


@pytest.mark.parametrize("framing", ["chunked", "length", "upgrade"])
def test_socket_read_timeout(make_server: Callable[..., SockServer], session: requests.Session,
                             framing: str) -> None:
    first = b'{"a": 1}\n'
    if framing == "chunked":
        parts = [head(200, chunked=True), chunk(first)]
    elif framing == "length":
        parts = [head(200, length=100), first]
    else:
        parts = [head(101, {"Connection": "Upgrade", "Upgrade": "tcp"}), first]
    server = make_server(Reply(parts, end="hold"))
    response = get(session, server, timeout=(10, 0.2))  # the read timeout: head and body
    events = Stream(response, iter_json(iter_raw(response)))
    assert next(events) == {"a": 1}
    with pytest.raises(DockerTimeout):
        next(events)
    assert events.closed
    assert server.client_closed.wait(10)


def test_socket_close_mid_stream_releases_the_connection(make_server: Callable[..., SockServer],
                                                         session: requests.Session) -> None:
    server = make_server(Reply([head(200, chunked=True), chunk(b'{"a": 1}\n{"b": 2}\n')], end="hold"))
    response = get(session, server)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        events = Stream(response, iter_json(iter_raw(response)))
        assert next(events) == {"a": 1}
        events.close()
        assert events.closed
        assert server.client_closed.wait(10)
        with pytest.raises(StopIteration):
            next(events)
        del events, response
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_socket_with_block_releases_the_connection(make_server: Callable[..., SockServer],
                                                   session: requests.Session) -> None:
    server = make_server(Reply([head(200, chunked=True), chunk(frame(STDOUT, b"line\n"))], end="hold"))
    response = get(session, server)
    with Stream(response, frame_payloads(iter_frames(iter_raw(response)))) as logs:
        assert next(logs) == b"line\n"
    assert logs.closed
    assert server.client_closed.wait(10)


def test_socket_exhaustion_closes(make_server: Callable[..., SockServer], session: requests.Session) -> None:
    server = make_server(Reply([head(200, chunked=True), chunked_body([b'{"a": 1}\n'])], end="keep"),
                         Reply([head(200, length=2), b"{}"], end="keep"))
    response = get(session, server)
    events = Stream(response, iter_json(iter_raw(response)))
    assert list(events) == [{"a": 1}]
    assert events.closed and response.raw.closed
    # the fully read connection went back to the pool: the next request reuses it
    second = session.get(server.url + "/stream", timeout=10)
    assert second.json() == {}
    assert len(server.requests) == 2
    assert server.connections == 1


def test_socket_close_from_another_thread(make_server: Callable[..., SockServer],
                                          session: requests.Session) -> None:
    """docker-py's CancellableStream use: a thread blocked reading ends when another closes."""
    server = make_server(Reply([head(200, chunked=True), chunk(b'{"a": 1}\n')], end="hold"))
    response = get(session, server, timeout=(10, 30))
    events: CancellableStream[Any] = Stream(response, iter_json(iter_raw(response)))
    received: list[Any] = []
    errors: list[BaseException] = []

    def consume() -> None:
        try:
            for event in events:
                received.append(event)
        except BaseException as exc:
            errors.append(exc)

    reader = threading.Thread(target=consume)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not (received and events._busy) and time.monotonic() < deadline:
            time.sleep(0.005)
        events.close()
        reader.join(10)
        assert not reader.is_alive()
    finally:
        events.close()
        reader.join(10)
    assert received == [{"a": 1}] and errors == []
    assert events.closed
    assert server.client_closed.wait(10)


def test_socket_abandoned_stream_warns_nothing(make_server: Callable[..., SockServer],
                                               session: requests.Session) -> None:
    server = make_server(Reply([head(200, chunked=True), chunk(b'{"a": 1}\n')], end="hold"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = get(session, server)
        events = Stream(response, iter_json(iter_raw(response)))
        assert next(events) == {"a": 1}
        del events, response
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert server.client_closed.wait(10)


def test_sockserver_records_requests_and_bodies(make_server: Callable[..., SockServer],
                                                session: requests.Session) -> None:
    server = make_server(Reply([head(200, length=2), b"ok"], end="keep"),
                         Reply([head(204)], end="keep"))
    assert session.post(server.url + "/a", data=b"body!", timeout=10).content == b"ok"
    assert session.post(server.url + "/b", data=iter([b"chunked ", b"body"]), timeout=10).status_code == 204
    assert server.requests[0].startswith(b"POST /a ") and server.requests[0].body == b"body!"
    assert server.requests[1].body.endswith(LAST_CHUNK)
    assert server.port >= 0
    with pytest.raises(requests.ConnectionError):
        session.get(server.url + "/none-left", timeout=10)


def test_public_names() -> None:
    assert set(streams.__all__) >= {"iter_raw", "iter_json", "iter_json_lines", "iter_frames", "demux",
                                    "frame_payloads", "collect", "Stream", "CancellableStream"}
