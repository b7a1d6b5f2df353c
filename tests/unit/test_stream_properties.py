"""Property tests of the stream decoders (``docker_client.streams``): whatever the documents or
frames, and however the bytes are split into chunks, the decoders give back exactly what was
encoded, as early as promised, and fail only with the package's own exceptions."""
from __future__ import annotations

import json
import random
import struct
from typing import Any, Callable, Iterable, Iterator, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docker_client import streams
from docker_client.errors import StreamInterrupted, StreamParseError
from docker_client.streams import (
    STDERR,
    STDIN,
    STDOUT,
    SYSTEMERR,
    FrameDecoder,
    collect,
    demux,
    frame_payloads,
    iter_frames,
    iter_json,
    iter_json_lines,
)

PROPERTY = settings(deadline=None, database=None, max_examples=150,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HOLD = streams._FRAME_HOLD_LIMIT

# -- splitting -------------------------------------------------------------------------------


def split_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    """``data`` cut at the given offsets (a repeated offset gives an empty chunk)."""
    points = sorted(min(max(cut, 0), len(data)) for cut in cuts)
    chunks = []
    start = 0
    for point in points:
        chunks.append(data[start:point])
        start = point
    chunks.append(data[start:])
    return chunks


@st.composite
def splits(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """Any split of ``data``: chosen cut points, or one byte per chunk."""
    if len(data) <= 2048 and draw(st.integers(0, 4)) == 0:
        return [data[i:i + 1] for i in range(len(data))]
    return split_at(data, draw(st.lists(st.integers(0, len(data)), max_size=30)))


class Recording:
    """An iterable of chunks that counts how many bytes the decoder has pulled from it."""

    def __init__(self, chunks: Sequence[bytes]) -> None:
        self.chunks = chunks
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.pulled += len(chunk)
            yield chunk


def outcome(decoder: Callable[[Any], Iterator[Any]], chunks: Iterable[bytes]) -> tuple[list[Any], Any]:
    """What a decoder yields, and the exception it ends with (or None)."""
    items: list[Any] = []
    try:
        for item in decoder(chunks):
            items.append(item)
    except Exception as exc:
        return items, exc
    return items, None


# -- JSON documents --------------------------------------------------------------------------

scalars = (st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=12)
#: Documents that no prefix of is a document: what can be cut short at the end of a stream.
containers = (st.lists(values, max_size=4)
              | st.dictionaries(st.text(max_size=6), values, max_size=4))


def same_json(left: Any, right: Any) -> bool:
    """Equal as JSON (``True`` is not ``1``, ``1.0`` is not ``1``)."""
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


def encode(document: Any, ascii_only: bool) -> bytes:
    return json.dumps(document, ensure_ascii=ascii_only).encode()


@st.composite
def newline_streams(draw: st.DrawFn) -> tuple[list[Any], list[bytes], bytes]:
    """Documents of any kind, each followed by a line end (and maybe blank lines or spaces)."""
    documents = draw(st.lists(values, max_size=10))
    ascii_only = draw(st.booleans())
    texts = [encode(document, ascii_only) for document in documents]
    parts = []
    for text in texts:
        parts.append(draw(st.sampled_from([b"", b" ", b"\t"])) + text
                     + draw(st.sampled_from([b"\n", b"\r\n", b" \n", b"\n\n", b"\r\n\r\n"])))
    return documents, texts, b"".join(parts)


@st.composite
def packed_streams(draw: st.DrawFn) -> tuple[list[Any], list[bytes], bytes]:
    """Objects and arrays one after another with nothing between (``{...}{...}``)."""
    documents = draw(st.lists(containers, max_size=10))
    ascii_only = draw(st.booleans())
    texts = [encode(document, ascii_only) for document in documents]
    return documents, texts, b"".join(texts)


@st.composite
def spaced_streams(draw: st.DrawFn) -> tuple[list[Any], list[bytes], bytes]:
    """Documents of any kind on one line, separated by spaces or tabs."""
    documents = draw(st.lists(values, max_size=10))
    texts = [encode(document, draw(st.booleans())) for document in documents]
    parts = [draw(st.sampled_from([b"", b" "]))]
    for text in texts:
        parts.append(text + draw(st.sampled_from([b" ", b"\t", b"  "])))
    return documents, texts, b"".join(parts)


@st.composite
def long_line_streams(draw: st.DrawFn) -> tuple[list[Any], list[bytes], bytes]:
    """A line past 64 KiB, where documents are looked for before it ends: a number at the end
    of a chunk must wait for the rest of it."""
    documents = [{"log": "x" * draw(st.integers(64 * 1024, 80 * 1024))}]
    documents += draw(st.lists(st.integers(10, 10 ** 12) | values, min_size=1, max_size=5))
    texts = [encode(document, True) for document in documents]
    return documents, texts, b" ".join(texts) + b" "


json_streams = newline_streams() | packed_streams() | spaced_streams() | long_line_streams()


@st.composite
def json_splits(draw: st.DrawFn, blob: bytes, texts: Sequence[bytes]) -> list[bytes]:
    """Any split of a JSON stream, with cuts inside documents (in numbers, in multibyte
    characters) more often than chance would make them."""
    if len(blob) <= 2048 and draw(st.integers(0, 4)) == 0:
        return [blob[i:i + 1] for i in range(len(blob))]
    cuts = draw(st.lists(st.integers(0, len(blob)), max_size=20))
    position = 0
    for text in texts:
        start = blob.index(text, position)
        position = start + len(text)
        if len(text) > 1 and draw(st.booleans()):
            cuts.append(start + draw(st.integers(1, len(text) - 1)))
    return split_at(blob, cuts)


# Derandomized: one CI run (in 8) raised Hypothesis's FlakyStrategyDefinition here while
# generating ("the second run stopped drawing earlier"), which no seed reproduced; the same 150
# examples each run keep it a test of iter_json, not of the generator.
@settings(PROPERTY, derandomize=True)
@given(st.data(), json_streams)
def test_json_any_split_gives_the_documents(data: st.DataObject,
                                            stream: tuple[list[Any], list[bytes], bytes]) -> None:
    documents, texts, blob = stream
    chunks = data.draw(json_splits(blob, texts))
    assert same_json(list(iter_json(chunks)), documents)
    # undecoded: each document's exact bytes, whatever surrounded it
    assert list(iter_json_lines(chunks)) == texts


def due_offsets(texts: Sequence[bytes], blob: bytes, chunks: Sequence[bytes]) -> list[tuple[int, int]]:
    """For each document: where it ends, and how far the stream may have been read when it is
    yielded: to the end of the chunk where its line ends, or of the first chunk after it that
    ends with ``}`` or ``]`` (trailing whitespace aside), whichever comes first."""
    chunk_ends = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        chunk_ends.append((total, chunk))
    due = []
    position = 0
    for text in texts:
        end = blob.index(text, position) + len(text)
        position = end
        for chunk_end, chunk in chunk_ends:
            if chunk_end < end:
                continue
            line_tail = chunk.rsplit(b"\n", 1)[-1].rstrip(b" \t\r\n")
            if b"\n" in blob[end:chunk_end] or line_tail[-1:] in (b"}", b"]"):
                due.append((end, chunk_end))
                break
        else:
            due.append((end, len(blob)))
    return due


@PROPERTY
@given(st.data(), json_streams)
def test_json_documents_come_out_as_soon_as_promised(
        data: st.DataObject, stream: tuple[list[Any], list[bytes], bytes]) -> None:
    """A document is yielded once its line ends, or once a chunk ends with a document; not
    later (no waiting for more of the stream) and not sooner (no reading ahead of its end)."""
    documents, texts, blob = stream
    chunks = data.draw(json_splits(blob, texts))
    due = due_offsets(texts, blob, chunks)
    for decoder in (iter_json, iter_json_lines):
        recording = Recording(chunks)
        count = 0
        for index, item in enumerate(decoder(recording)):
            if decoder is iter_json:
                assert same_json(item, documents[index])
            else:
                assert item == texts[index]
            end, latest = due[index]
            assert end <= recording.pulled <= latest, (index, end, recording.pulled, latest)
            count += 1
        assert count == len(documents)


@PROPERTY
@given(st.data(), st.lists(containers, max_size=6), containers,
       st.sampled_from([b"\n", b"\r\n", b"", b" "]))
def test_json_truncated_document_raises_stream_parse_error(
        data: st.DataObject, before: list[Any], last: Any, separator: bytes) -> None:
    """A document cut short at the end is reported, after the complete ones before it."""
    text = encode(last, data.draw(st.booleans()))
    cut = data.draw(st.integers(1, len(text) - 1))
    blob = b"".join(encode(document, False) + separator for document in before) + text[:cut]
    for decoder in (iter_json, iter_json_lines):
        items, error = outcome(decoder, data.draw(splits(blob)))
        assert type(error) is StreamParseError
        decoded = items if decoder is iter_json else [json.loads(item) for item in items]
        assert same_json(decoded, before)


@PROPERTY
@given(st.data(), st.binary(max_size=200) | st.text(alphabet='{}[]":,0123456789-.eE tfnrule\\\n'
                                                    "é\ufffd", max_size=120).map(str.encode))
def test_json_any_bytes_fail_only_with_stream_parse_error(data: st.DataObject, blob: bytes) -> None:
    chunks = data.draw(splits(blob))
    for decoder in (iter_json, iter_json_lines):
        items, error = outcome(decoder, chunks)
        assert error is None or type(error) is StreamParseError, repr(error)
        whole_items, whole_error = outcome(decoder, [blob])
        assert type(error) is type(whole_error)
        assert json.dumps(items, default=repr) == json.dumps(whole_items, default=repr)


# -- multiplexed frames ----------------------------------------------------------------------

def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def encode_frames(frames: Sequence[tuple[int, bytes]]) -> bytes:
    return b"".join(frame(stream, payload) for stream, payload in frames)


small_payloads = st.binary(max_size=40)
#: Now and then a payload larger than what iter_frames holds back before yielding a part.
payloads = small_payloads | st.tuples(st.integers(0, 3 * HOLD // 2), st.integers(0, 2 ** 32)).map(
    lambda spec: random.Random(spec[1]).randbytes(spec[0]))
stream_types = st.sampled_from([STDIN, STDOUT, STDERR])
frame_lists = st.lists(st.tuples(stream_types, payloads), max_size=10)
small_frame_lists = st.lists(st.tuples(stream_types, small_payloads), max_size=12)


def boundaries(frames: Sequence[tuple[int, bytes]]) -> list[int]:
    """The stream offsets where a frame starts or the stream may end."""
    offsets = [0]
    for _, payload in frames:
        offsets.append(offsets[-1] + 8 + len(payload))
    return offsets


def payload_bytes_before(frames: Sequence[tuple[int, bytes]], length: int) -> dict[int, bytes]:
    """Each stream's payload bytes within the first ``length`` bytes of the encoded frames."""
    received: dict[int, bytes] = {STDIN: b"", STDOUT: b"", STDERR: b""}
    position = 0
    for stream, payload in frames:
        start = position + 8
        if start >= length:
            break
        received[stream] += payload[:length - start]
        position = start + len(payload)
    return received


def per_stream(items: Iterable[tuple[int, Any]]) -> dict[int, bytes]:
    joined: dict[int, list[bytes]] = {STDIN: [], STDOUT: [], STDERR: []}
    for stream, payload in items:
        joined[stream].append(bytes(payload))
    return {stream: b"".join(parts) for stream, parts in joined.items()}


@PROPERTY
@given(st.data(), frame_lists, st.booleans())
def test_frames_any_split_gives_back_exactly_the_frames(
        data: st.DataObject, frames: list[tuple[int, bytes]], views: bool) -> None:
    chunks = data.draw(splits(encode_frames(frames)))
    items = [(stream, bytes(payload)) for stream, payload in iter_frames(chunks, views=views)]
    # Walk the frames: each item is the next part of the current (non-empty) frame, a frame's
    # parts are all but the last at least the hold limit, and a frame below it is one item.
    expected = [(stream, payload) for stream, payload in frames if payload]
    index = 0
    for stream, payload in expected:
        parts = []
        while sum(len(part) for part in parts) < len(payload):
            assert index < len(items), "a frame is missing"
            item_stream, part = items[index]
            index += 1
            assert item_stream == stream and part
            parts.append(part)
        assert b"".join(parts) == payload
        assert all(len(part) >= HOLD for part in parts[:-1])
        if len(payload) < HOLD:
            assert len(parts) == 1
    assert index == len(items), "items past the last frame"


@PROPERTY
@given(st.data(), small_frame_lists)
def test_frame_decoder_gives_each_byte_as_soon_as_it_arrives(
        data: st.DataObject, frames: list[tuple[int, bytes]]) -> None:
    blob = encode_frames(frames)
    chunks = data.draw(splits(blob))
    decoder = FrameDecoder()
    fed = 0
    out: list[tuple[int, bytes]] = []
    ends = set(boundaries(frames))
    for chunk in chunks:
        items = decoder.feed(chunk)
        fed += len(chunk)
        # parts of one stream within a piece are joined, and no part is empty
        assert all(payload for _, payload in items)
        assert all(a[0] != b[0] for a, b in zip(items, items[1:]))
        out.extend(items)
        assert per_stream(out) == payload_bytes_before(frames, fed)
        assert decoder.inside_frame == (fed not in ends)
    decoder.end()  # the whole stream was fed: it ended between frames
    assert decoder.error is None


@PROPERTY
@given(st.data(), frame_lists)
def test_frame_decoder_over_any_split_equals_iter_frames(
        data: st.DataObject, frames: list[tuple[int, bytes]]) -> None:
    blob = encode_frames(frames)
    chunks = data.draw(splits(blob))
    decoder = FrameDecoder()
    fed = [item for chunk in chunks for item in decoder.feed(chunk)]
    decoder.end()

    def runs(items: Iterable[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
        joined: list[tuple[int, bytes]] = []
        for stream, payload in items:
            if joined and joined[-1][0] == stream:
                joined[-1] = (stream, joined[-1][1] + payload)
            else:
                joined.append((stream, bytes(payload)))
        return joined

    pulled = list(iter_frames(data.draw(splits(blob))))
    assert runs(fed) == runs(pulled) == runs((s, p) for s, p in frames if p)


@PROPERTY
@given(st.data(), frame_lists)
def test_demux_and_frame_payloads_keep_each_frame(data: st.DataObject,
                                                  frames: list[tuple[int, bytes]]) -> None:
    chunks = data.draw(splits(encode_frames(frames)))
    items = list(iter_frames(chunks))
    # one item per frame item, in place: stderr on the right, stdout (and stdin) on the left
    assert list(demux(iter_frames(chunks))) == [
        (None, payload) if stream == STDERR else (payload, None) for stream, payload in items]
    assert list(frame_payloads(iter_frames(chunks))) == [payload for _, payload in items]
    assert b"".join(payload for _, payload in items) == b"".join(p for _, p in frames)


@PROPERTY
@given(st.data(), frame_lists)
def test_collect_joins_each_stream(data: st.DataObject, frames: list[tuple[int, bytes]]) -> None:
    blob = encode_frames(frames)
    chunks = data.draw(splits(blob))
    carried = [p for s, p in frames if p]
    assert collect(frame_payloads(iter_frames(chunks)), demux=False) == b"".join(carried)
    out = [p for s, p in frames if s != STDERR and p]
    err = [p for s, p in frames if s == STDERR and p]
    assert collect(demux(iter_frames(chunks)), demux=True) == (
        b"".join(out) if out else None, b"".join(err) if err else None)


optional_bytes = st.none() | st.binary(max_size=8)


@PROPERTY
@given(st.lists(st.tuples(optional_bytes, optional_bytes), max_size=12), st.lists(st.binary(max_size=8)))
def test_collect_of_any_items(pairs: list[tuple[bytes | None, bytes | None]], items: list[bytes]) -> None:
    """docker-py's consume_socket_output: a stream no item carried is None, not b""."""
    assert collect(iter(items), demux=False) == b"".join(items)
    stdout, stderr = collect(iter(pairs), demux=True)  # type: ignore[misc]
    outs = [out for out, _ in pairs if out is not None]
    errs = [err for _, err in pairs if err is not None]
    assert stdout == (b"".join(outs) if outs else None)
    assert stderr == (b"".join(errs) if errs else None)


@st.composite
def bad_headers(draw: st.DrawFn) -> bytes:
    """A header with an unknown stream type or nonzero padding."""
    header = bytearray(draw(st.binary(min_size=8, max_size=8)))
    if header[0] <= SYSTEMERR and header[1:4] == b"\0\0\0":
        if draw(st.booleans()):
            header[0] = draw(st.integers(SYSTEMERR + 1, 255))
        else:
            header[draw(st.integers(1, 3))] = draw(st.integers(1, 255))
    return bytes(header)


@PROPERTY
@given(st.data(), small_frame_lists, bad_headers(), st.binary(max_size=20))
def test_a_bad_header_raises_stream_parse_error(data: st.DataObject, frames: list[tuple[int, bytes]],
                                                header: bytes, rest: bytes) -> None:
    good = encode_frames(frames)
    blob = good + header + rest
    chunks = data.draw(splits(blob))
    items, error = outcome(iter_frames, chunks)
    assert type(error) is StreamParseError
    assert f"{header.hex()} at byte {len(good)} " in str(error)
    assert per_stream(items) == per_stream(frames)

    decoder = FrameDecoder()
    fed: list[tuple[int, bytes]] = []
    for chunk in chunks:
        if decoder.error is not None:
            with pytest.raises(StreamParseError):
                decoder.feed(chunk)
            break
        fed.extend(decoder.feed(chunk))
    assert decoder.error is not None and str(decoder.error) == str(error)
    assert per_stream(fed) == per_stream(frames)
    with pytest.raises(StreamParseError):
        decoder.end()


@PROPERTY
@given(st.data(), small_frame_lists, st.text(max_size=30))
def test_a_daemon_error_frame_raises_with_its_text(data: st.DataObject, frames: list[tuple[int, bytes]],
                                                   message: str) -> None:
    blob = encode_frames(frames) + frame(SYSTEMERR, message.encode()) + frame(STDOUT, b"after")
    chunks = data.draw(splits(blob))
    expected = f"the Docker daemon reported an error in the stream: {message.strip()}"
    items, error = outcome(iter_frames, chunks)
    assert type(error) is StreamParseError and str(error) == expected
    assert per_stream(items) == per_stream(frames)
    decoder = FrameDecoder()
    fed = [item for chunk in chunks if decoder.error is None for item in decoder.feed(chunk)]
    assert decoder.error is not None and str(decoder.error) == expected
    assert per_stream(fed) == per_stream(frames)


@PROPERTY
@given(st.data(), st.lists(st.tuples(stream_types, small_payloads), min_size=1, max_size=8))
def test_a_stream_cut_inside_a_frame_raises_stream_interrupted(
        data: st.DataObject, frames: list[tuple[int, bytes]]) -> None:
    blob = encode_frames(frames)
    offsets = boundaries(frames)
    cut = data.draw(st.sampled_from([c for c in range(len(blob)) if c not in offsets]))
    start = max(offset for offset in offsets if offset < cut)  # where the cut frame starts
    size = len(frames[offsets.index(start)][1])
    missing = 8 - (cut - start) if cut - start < 8 else start + 8 + size - cut
    chunks = data.draw(splits(blob[:cut]))
    items, error = outcome(iter_frames, chunks)
    assert type(error) is StreamInterrupted
    assert f"({missing} bytes missing)" in str(error)
    assert per_stream(items) == payload_bytes_before(frames, start)  # the cut frame is held back
    decoder = FrameDecoder()
    fed = [item for chunk in chunks for item in decoder.feed(chunk)]
    assert per_stream(fed) == payload_bytes_before(frames, cut)  # what arrived of it is not
    assert decoder.inside_frame
    with pytest.raises(StreamInterrupted, match=f"\\({missing} bytes missing\\)"):
        decoder.end()
