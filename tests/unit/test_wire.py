"""The wire lane (docker_client/transport/wire.py): WireBody's framings over a fake socket cut
anywhere, the return of connections to the pool, and Client calls over real sockets (TCP and
unix) compared byte for byte with what requests sends and builds; lane selection, retries,
errors without leaks, and threads sharing one client."""
from __future__ import annotations

import contextlib
import gc
import gzip
import io
import itertools
import json
import socket
import struct
import tempfile
import threading
import warnings
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pytest
import requests
import requests.adapters
import responses
import urllib3
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from docker_client import Client, streams
from docker_client.errors import (
    APIError,
    DockerConnectionError,
    DockerTimeout,
    NotFound,
    StreamInterrupted,
)
from docker_client.transport import wire
from docker_client.transport.wire import WireBody, WireLane

from .sockserver import Reply, SockServer, chunk, chunked_body, head

PROPERTY = settings(deadline=None, database=None, max_examples=200,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])
FEW = settings(PROPERTY, max_examples=150)

NONE, LENGTH, CHUNKED, UNTIL_CLOSE = wire._NONE, wire._LENGTH, wire._CHUNKED, wire._UNTIL_CLOSE
NEXT_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext"


# == WireBody over a fake socket ================================================================


class FakeSock:
    """A socket whose ``recv(n)`` returns the next piece (at most ``n`` bytes), then b""."""

    def __init__(self, pieces: Sequence[bytes]) -> None:
        self.pieces = [p for p in pieces if p]
        self.reads: list[int] = []
        self.shut = False

    def recv(self, size: int) -> bytes:
        assert size > 0
        self.reads.append(size)
        if not self.pieces:
            return b""
        piece = self.pieces[0]
        if len(piece) > size:
            self.pieces[0] = piece[size:]
            return piece[:size]
        self.pieces.pop(0)
        return piece

    def unread(self) -> bytes:
        return b"".join(self.pieces)

    def shutdown(self, how: int) -> None:
        self.shut = True


class FakeConn:
    def __init__(self, sock: FakeSock, log: list[str]) -> None:
        self.sock: FakeSock | None = sock
        self.log = log

    def close(self) -> None:
        self.log.append("close")
        self.sock = None


class FakePool:
    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.returned: list[FakeConn] = []

    def _put_conn(self, conn: FakeConn) -> None:
        self.log.append("put")
        self.returned.append(conn)


class Fixture:
    """A WireBody with its fake socket, connection and pool."""

    def __init__(self, buffered: bytes, pieces: Sequence[bytes], kind: int, length: int = -1,
                 keep_alive: bool = True, encoding: str | None = None) -> None:
        self.log: list[str] = []
        self.sock = FakeSock(pieces)
        self.conn = FakeConn(self.sock, self.log)
        self.pool = FakePool(self.log)
        self.body = WireBody(self.pool, self.conn, self.sock, buffered, kind, length, keep_alive,
                             encoding)

    @property
    def returned_open(self) -> bool:
        assert self.log in (["put"], ["close", "put"]), self.log
        assert self.pool.returned == [self.conn]
        return self.log == ["put"]


def cut(data: bytes, sizes: Sequence[int]) -> list[bytes]:
    """``data`` in pieces whose sizes cycle through ``sizes``."""
    pieces = []
    pos = 0
    for size in itertools.cycle(sizes):
        if pos >= len(data):
            break
        pieces.append(data[pos:pos + size])
        pos += size
    return pieces


def split_at(data: bytes, cuts: Sequence[int]) -> list[bytes]:
    bounds = [0, *sorted(set(cuts)), len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


EXTENSIONS = [b"", b";x=y", b";name", b';a="b c";d=e', b" ;q=1"]
TRAILERS = [b"", b"Expires: never\r\n", b"A: 1\r\nB-Long: " + b"v" * 300 + b"\r\n"]


@st.composite
def chunked_wires(draw: st.DrawFn, payload_strategy: Any = None) -> tuple[bytes, bytes]:
    """(payload, the payload in chunked framing with extensions, hex case, zeros and trailers)."""
    payload = draw(payload_strategy if payload_strategy is not None else st.binary(max_size=3000))
    cuts = draw(st.lists(st.integers(0, len(payload)), max_size=12))
    parts = []
    for piece in split_at(payload, cuts):
        size = b"%x" % len(piece)
        if draw(st.booleans()):
            size = size.upper()
        size = b"0" * draw(st.integers(0, 2)) + size
        parts.append(size + draw(st.sampled_from(EXTENSIONS)) + b"\r\n" + piece + b"\r\n")
    last = b"0" * draw(st.integers(1, 3)) + draw(st.sampled_from([b"", b";end=1"])) + b"\r\n"
    wire_bytes = b"".join(parts) + last + draw(st.sampled_from(TRAILERS)) + b"\r\n"
    return payload, wire_bytes


piece_sizes = st.one_of(st.just([1]), st.lists(st.integers(1, 40), min_size=1, max_size=8),
                        st.lists(st.integers(1, 5000), min_size=1, max_size=4))
read_sizes = st.one_of(st.sampled_from([1, 2, 3, 7, 64, 4096, 262144]), st.integers(1, 10000))
nexts = st.one_of(st.sampled_from([b"", b"", NEXT_RESPONSE, b"\r\n", b"0\r\n\r\n"]),
                  st.binary(min_size=1, max_size=50))


@PROPERTY
@given(data=st.data(), wire_pair=chunked_wires(), next_bytes=nexts, sizes=piece_sizes,
       size=read_sizes, keep_alive=st.booleans())
def test_chunked_any_framing_any_cuts(data: st.DataObject, wire_pair: tuple[bytes, bytes],
                                      next_bytes: bytes, sizes: list[int], size: int,
                                      keep_alive: bool) -> None:
    payload, wire_bytes = wire_pair
    full = wire_bytes + next_bytes
    buffered = data.draw(st.integers(0, len(full)), label="buffered")
    f = Fixture(full[:buffered], cut(full[buffered:], sizes), CHUNKED, keep_alive=keep_alive)
    items = list(f.body.iter_blocks(size))
    assert all(items)
    assert b"".join(items) == payload
    # What follows the body is never lost: it is left on the socket or in _buffered...
    assert f.body._buffered + f.sock.unread() == next_bytes
    # ...and a connection with bytes read past its body is not reused.
    assert f.returned_open == (keep_alive and not f.body._buffered)
    assert f.body.tell() == len(payload)
    f.body.close()
    f.body.release_conn()
    assert len(f.pool.returned) == 1


def test_chunked_every_single_and_double_cut() -> None:
    payload = b"hello, world!" * 3
    wire_bytes = (b"5;x=y\r\n" + payload[:5] + b"\r\n" + b"1C\r\n" + payload[5:33] + b"\r\n"
                  + b"%X\r\n" % (len(payload) - 33) + payload[33:] + b"\r\n0\r\nT: 1\r\n\r\n")
    for i in range(len(wire_bytes) + 1):
        for j in range(i, len(wire_bytes) + 1, 3):
            pieces = [wire_bytes[:i], wire_bytes[i:j], wire_bytes[j:]]
            f = Fixture(b"", pieces, CHUNKED)
            items = list(f.body.iter_blocks(65536))
            assert all(items) and b"".join(items) == payload, (i, j)
            assert f.returned_open and f.sock.unread() == b"" and f.body._buffered == b""


def test_chunked_one_byte_reads_with_one_byte_pieces() -> None:
    payload = bytes(range(256)) * 4
    f = Fixture(b"", cut(chunked_body(split_at(payload, [1, 2, 300, 301, 1000])), [1]), CHUNKED)
    items = list(f.body.iter_blocks(1))
    assert all(len(item) == 1 for item in items)
    assert b"".join(items) == payload
    assert f.returned_open


def test_chunked_complete_chunks_of_one_read_come_out_as_one_item() -> None:
    pieces = [b"a" * 10, b"b" * 20, b"c" * 30]
    f = Fixture(b"", [chunked_body(pieces)], CHUNKED)
    assert list(f.body.iter_blocks(65536)) == [b"".join(pieces)]


@PROPERTY
@given(wire_pair=chunked_wires(st.binary(min_size=1, max_size=500)), data=st.data(),
       sizes=piece_sizes)
def test_chunked_cut_short_anywhere_is_a_protocol_error(wire_pair: tuple[bytes, bytes],
                                                         data: st.DataObject,
                                                         sizes: list[int]) -> None:
    payload, wire_bytes = wire_pair
    end = data.draw(st.integers(0, len(wire_bytes) - 1), label="end")
    buffered = data.draw(st.integers(0, end), label="buffered")
    f = Fixture(wire_bytes[:buffered], cut(wire_bytes[buffered:end], sizes), CHUNKED)
    items: list[bytes] = []
    with pytest.raises(urllib3.exceptions.ProtocolError):
        for item in f.body.iter_blocks(4096):
            items.append(item)
    assert payload.startswith(b"".join(items))
    assert f.pool.returned == []
    f.body.close()
    f.body.close()
    assert not f.returned_open


@pytest.mark.parametrize("bad", [b"zz\r\nxx\r\n", b"\r\n", b"5\r\nhello\r\ng\r\n",
                                 b"1" * 2000, b"5 5\r\nhello\r\n0\r\n\r\n"])
def test_chunked_invalid_size_line_is_a_protocol_error(bad: bytes) -> None:
    f = Fixture(b"", [b"3\r\nabc\r\n" + bad], CHUNKED)
    blocks = f.body.iter_blocks(4096)
    with pytest.raises(urllib3.exceptions.ProtocolError):
        list(blocks)
    f.body.close()
    assert not f.returned_open


def test_chunked_negative_size_is_a_protocol_error() -> None:
    # "-4" is read as "4 bytes of CRLF still to skip": "xy\r\n" vanishes, "abcdef" comes out
    f = Fixture(b"", [b"3\r\nabc\r\n-4\r\nxy\r\n3\r\ndef\r\n0\r\n\r\n"], CHUNKED)
    with pytest.raises(urllib3.exceptions.ProtocolError):
        list(f.body.iter_blocks(4096))
    f.body.close()


def test_chunked_trailers_cut_anywhere_are_skipped() -> None:
    tail = b"0\r\nA: 1\r\nB: 2\r\n\r\n"
    wire_bytes = chunk(b"data") + tail
    for i in range(len(wire_bytes)):
        f = Fixture(wire_bytes[:i], cut(wire_bytes[i:], [1]), CHUNKED)
        assert f.body.read_all() == b"data"
        assert f.returned_open and f.sock.unread() == b""


# -- Content-Length and until-close bodies ----------------------------------------------------


@PROPERTY
@given(data=st.data(), payload=st.binary(max_size=3000), next_bytes=nexts, sizes=piece_sizes,
       size=read_sizes, keep_alive=st.booleans())
def test_sized_any_cuts(data: st.DataObject, payload: bytes, next_bytes: bytes, sizes: list[int],
                        size: int, keep_alive: bool) -> None:
    full = payload + next_bytes
    buffered = data.draw(st.integers(0, len(full)), label="buffered")
    # An empty body with bytes past it in the buffer: test_sized_empty_body_with_extra_bytes_...
    assume(payload or buffered == 0)
    f = Fixture(full[:buffered], cut(full[buffered:], sizes), LENGTH, len(payload), keep_alive)
    items = list(f.body.iter_blocks(size))
    assert all(items)
    assert b"".join(items) == payload
    assert f.body.tell() == len(payload)
    # Never reads the socket past the body; what the buffer held past it closes the connection.
    assert f.sock.unread() == full[max(buffered, len(payload)):]
    assert f.returned_open == (keep_alive and buffered <= len(payload))
    if f.returned_open:
        assert f.body._buffered == b""
    f.body.close()
    f.body.release_conn()
    assert len(f.pool.returned) == 1


def test_sized_empty_body_with_extra_bytes_yields_no_empty_item() -> None:
    f = Fixture(b"junk", [], LENGTH, 0)
    assert list(f.body.iter_blocks(4096)) == []
    assert not f.returned_open


@PROPERTY
@given(data=st.data(), payload=st.binary(min_size=1, max_size=2000), sizes=piece_sizes)
def test_sized_cut_short_is_a_protocol_error(data: st.DataObject, payload: bytes,
                                             sizes: list[int]) -> None:
    end = data.draw(st.integers(0, len(payload) - 1), label="end")
    buffered = data.draw(st.integers(0, end), label="buffered")
    f = Fixture(payload[:buffered], cut(payload[buffered:end], sizes), LENGTH, len(payload))
    items: list[bytes] = []
    with pytest.raises(urllib3.exceptions.ProtocolError):
        for item in f.body.iter_blocks(4096):
            items.append(item)
    assert b"".join(items) == payload[:end]
    f.body.close()
    f.body.close()
    assert not f.returned_open


@PROPERTY
@given(data=st.data(), payload=st.binary(max_size=3000), sizes=piece_sizes, size=read_sizes,
       keep_alive=st.booleans())
def test_until_close_any_cuts(data: st.DataObject, payload: bytes, sizes: list[int], size: int,
                              keep_alive: bool) -> None:
    buffered = data.draw(st.integers(0, len(payload)), label="buffered")
    f = Fixture(payload[:buffered], cut(payload[buffered:], sizes), UNTIL_CLOSE,
                keep_alive=keep_alive)
    items = list(f.body.iter_blocks(size))
    assert all(items) and b"".join(items) == payload
    assert not f.returned_open  # the daemon closed it: never back to the pool open


@PROPERTY
@given(data=st.data(), payload=st.binary(max_size=2000), kind=st.sampled_from([LENGTH, CHUNKED]),
       sizes=piece_sizes)
def test_read_amt_returns_exactly_amt_until_the_end(data: st.DataObject, payload: bytes, kind: int,
                                                    sizes: list[int]) -> None:
    wire_bytes = chunked_body(split_at(payload, [7, 100])) if kind == CHUNKED else payload
    f = Fixture(b"", cut(wire_bytes, sizes), kind, len(payload))
    amt = data.draw(st.integers(1, 300), label="amt")
    got = []
    while True:
        block = f.body.read(amt)
        if not block:
            break
        got.append(block)
    assert b"".join(got) == payload
    assert all(len(block) == amt for block in got[:-1]) and all(len(b) <= amt for b in got)
    assert f.body.read(amt) == b"" and f.body.read() == b""
    assert f.returned_open


def test_blocks_are_never_larger_than_the_read_size() -> None:
    for kind, wire_bytes in ((LENGTH, b"x" * 1000), (CHUNKED, chunked_body([b"x" * 1000]))):
        f = Fixture(wire_bytes, [], kind, 1000)
        items = list(f.body.stream(16))
        assert b"".join(items) == b"x" * 1000
        assert max(map(len, items)) <= 16, (kind, sorted(set(map(len, items))))


# -- return of the connection ------------------------------------------------------------------


def test_bodiless_kind_returns_the_connection_at_once() -> None:
    f = Fixture(b"", [NEXT_RESPONSE], NONE, 0)
    assert f.returned_open
    assert f.body.read() == b"" and list(f.body.iter_blocks()) == []
    f.body.close()
    f.body.release_conn()
    assert len(f.pool.returned) == 1 and f.sock.unread() == NEXT_RESPONSE
    assert f.body.take_over() is None


def test_bodiless_kind_with_extra_bytes_closes_the_connection() -> None:
    f = Fixture(b"garbage", [], NONE, 0)
    assert not f.returned_open


def test_release_conn_before_the_end_does_nothing_and_close_closes() -> None:
    f = Fixture(b"", [b"abc"], LENGTH, 6)
    f.body.release_conn()
    assert f.log == []
    assert f.body.read(2) == b"ab"
    f.body.close()
    assert not f.returned_open
    f.body.close()
    f.body.release_conn()
    assert f.log == ["close", "put"] and f.body.closed()


def test_close_after_the_end_keeps_the_connection() -> None:
    f = Fixture(b"", [b"abcdef"], LENGTH, 6)
    assert f.body.read() == b"abcdef"
    for _ in range(3):
        f.body.close()
        f.body.release_conn()
    assert f.returned_open


@pytest.mark.parametrize("read", ["none", "part", "all"])
def test_requests_response_close_returns_once(read: str) -> None:
    f = Fixture(b"", [b"abcdef"], LENGTH, 6)
    response = requests.Response()
    response.raw = f.body
    response.status_code = 200
    if read == "part":
        assert next(response.iter_content(2)) == b"ab"
    elif read == "all":
        assert b"".join(response.iter_content(4)) == b"abcdef"
    for _ in range(3):
        response.close()
    assert f.returned_open == (read == "all")


def test_close_from_many_threads_returns_once() -> None:
    for _ in range(20):
        f = Fixture(b"", [b"abc"], LENGTH, 100)
        barrier = threading.Barrier(8)

        def close(body: WireBody = f.body, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            body.close()

        threads = [threading.Thread(target=close) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not f.returned_open


def test_take_over_hands_the_socket_and_buffered_bytes() -> None:
    f = Fixture(b"first output", [b"more"], UNTIL_CLOSE)
    assert f.body.upgraded
    sock, buffered = f.body.take_over()  # type: ignore[misc]
    assert sock is f.sock and buffered == b"first output"
    assert f.body._buffered == b"" and f.log == []
    f.body.shutdown()
    assert f.sock.shut
    f.body.close()
    assert not f.returned_open
    assert f.body.take_over() is None


def test_take_over_after_the_end_is_none() -> None:
    f = Fixture(b"", [b"ab"], LENGTH, 2)
    assert not f.body.upgraded
    f.body.read_all()
    assert f.body.take_over() is None
    assert f.returned_open


# -- content encodings -------------------------------------------------------------------------


def _deflate(data: bytes, wbits: int) -> bytes:
    compressor = zlib.compressobj(wbits=wbits)
    return compressor.compress(data) + compressor.flush()


@PROPERTY
@given(payload=st.binary(max_size=5000) | st.text(max_size=2000).map(str.encode),
       encoding=st.sampled_from(["gzip", "x-gzip", "GZIP", "deflate", " deflate "]),
       kind=st.sampled_from([LENGTH, CHUNKED]), data=st.data(), sizes=piece_sizes,
       size=read_sizes)
def test_content_encoding_decoded(payload: bytes, encoding: str, kind: int, data: st.DataObject,
                                  sizes: list[int], size: int) -> None:
    compressed = (gzip.compress(payload) if "gzip" in encoding.lower()
                  else _deflate(payload, zlib.MAX_WBITS))
    if kind == CHUNKED:
        cuts = data.draw(st.lists(st.integers(0, len(compressed)), max_size=10), label="chunks")
        wire_bytes = chunked_body(split_at(compressed, cuts))
    else:
        wire_bytes = compressed
    buffered = data.draw(st.integers(0, len(wire_bytes)), label="buffered")
    f = Fixture(wire_bytes[:buffered], cut(wire_bytes[buffered:], sizes), kind, len(compressed),
                encoding=encoding)
    items = list(f.body.iter_blocks(size))
    assert all(items) and b"".join(items) == payload
    assert f.body.tell() == len(compressed)
    assert f.returned_open


def test_identity_and_unknown_encodings_are_left_alone() -> None:
    for encoding in ("identity", "br", ""):
        f = Fixture(b"", [b"raw"], LENGTH, 3, encoding=encoding)
        assert f.body.read() == b"raw"


# == Client over real sockets ===================================================================


@pytest.fixture(params=["tcp", "unix"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sockdir() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="dcw") as directory:
        yield directory


def _base_url(server: Any) -> str:
    if server.unix_path is not None:
        return "unix://" + server.unix_path
    return f"tcp://127.0.0.1:{server.port}"


@pytest.fixture
def make_server(transport: str, sockdir: str) -> Iterator[Callable[..., SockServer]]:
    servers: list[SockServer] = []

    def make(*replies: Reply, unix: bool | None = None) -> SockServer:
        use_unix = transport == "unix" if unix is None else unix
        path = str(Path(sockdir) / f"s{len(servers)}.sock") if use_unix else None
        server = SockServer(*replies, unix_path=path).start()
        server.unix_path = path  # type: ignore[attr-defined]
        servers.append(server)
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        assert server.errors == []


@pytest.fixture
def make_client() -> Iterator[Callable[..., Client]]:
    clients: list[Client] = []

    def make(server: Any, cls: type[Client] = Client, **kwargs: Any) -> Client:
        kwargs.setdefault("timeout", 10)
        c = cls(base_url=_base_url(server), version="1.41", **kwargs)
        clients.append(c)
        return c

    try:
        yield make
    finally:
        for c in clients:
            c.close()


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Calls that went through ``requests.Session.request``."""
    calls: list[tuple[str, str]] = []
    original = requests.Session.request

    def request(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        calls.append((method, url))
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", request)
    return calls


class PoolTracker:
    """Wraps a pool's ``_get_conn``/``_put_conn``: who holds which connection, each put's state."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.lock = threading.Lock()
        self.out: dict[int, Any] = {}
        self.gets = 0
        self.puts: list[bool] = []  # per put: was the connection still open?
        self.shared: list[Any] = []
        self.unknown_puts: list[Any] = []
        get, put = pool._get_conn, pool._put_conn

        def _get_conn(*args: Any, **kwargs: Any) -> Any:
            conn = get(*args, **kwargs)
            with self.lock:
                if id(conn) in self.out:
                    self.shared.append(conn)
                self.out[id(conn)] = conn
                self.gets += 1
            return conn

        def _put_conn(conn: Any) -> None:
            with self.lock:
                if self.out.pop(id(conn), None) is None:
                    self.unknown_puts.append(conn)
                self.puts.append(conn.sock is not None)
            put(conn)

        pool._get_conn = _get_conn
        pool._put_conn = _put_conn

    def balanced(self) -> bool:
        return (not self.out and not self.shared and not self.unknown_puts
                and self.gets == len(self.puts))


def lane_of(c: Client) -> WireLane:
    lane = c._lane(c.base_url + "/_ping", {})
    assert lane is not None
    return lane


def track(c: Client) -> PoolTracker:
    return PoolTracker(lane_of(c).pool)


@contextlib.contextmanager
def no_resource_warnings() -> Iterator[None]:
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


def ok_json(document: Any, status: int = 200, headers: dict[str, str] | None = None) -> bytes:
    body = json.dumps(document).encode()
    return head(status, {"Content-Type": "application/json", **(headers or {})},
                length=len(body)) + body


def keep(*parts: bytes | float) -> Reply:
    return Reply(list(parts), end="keep")


def url(c: Client, path: str = "/v1.41/info") -> str:
    return c.base_url + path


def call(c: Client, method: str, path: str = "/v1.41/info", **kwargs: Any) -> requests.Response:
    return c._send(method, url(c, path), kwargs)


def header_lines(raw_head: bytes) -> list[bytes]:
    return raw_head.split(b"\r\n")[1:-2]


# -- the request -------------------------------------------------------------------------------


CALLS = [
    ("GET", {}),
    ("GET", {"params": {"all": "1", "filters": '{"a": ["b"]}', "limit": None}}),
    ("HEAD", {}),
    ("DELETE", {"params": [("force", "1"), ("v", "0")]}),
    ("POST", {}),
    ("POST", {"data": b'{"Image": "x"}', "headers": {"Content-Type": "application/json"}}),
    ("POST", {"data": "text body", "headers": {"X-Registry-Auth": "abc", "Accept": "x/y"}}),
    ("PUT", {"data": b"\x00" * 70000, "headers": {"Content-Type": "application/x-tar"}}),
    ("POST", {"data": b""}),
    ("POST", {"headers": {"Content-Length": "0", "user-agent": "mine"}}),
    ("GET", {"headers": {"User-Agent": None, "X-Empty": ""}}),
    ("GET", {"data": b"body on a GET"}),
]


@pytest.mark.parametrize("method, kwargs", CALLS)
def test_request_bytes_are_those_requests_sends(make_server: Callable[..., SockServer],
                                                make_client: Callable[..., Client], spy: list[Any],
                                                method: str, kwargs: dict[str, Any]) -> None:
    answer = head(200, length=0)
    server = make_server(keep(answer), keep(answer))
    c = make_client(server)
    c.headers["X-Session"] = "s1"
    c.headers["X-Overridden"] = "session"
    kwargs = {**kwargs, "headers": {**kwargs.get("headers", {}), "X-Overridden": "call"}}
    lane_response = call(c, method, "/v1.41/containers/create", **kwargs)
    assert spy == []
    assert isinstance(lane_response.raw, WireBody)
    requests_response = c.request(method, url(c, "/v1.41/containers/create"), **kwargs)
    assert len(spy) == 1
    lane_request, requests_request = server.requests
    if kwargs["headers"].get("User-Agent", "") is None:
        # urllib3 puts its own User-Agent in when there is none; the lane sends none
        requests_request.head = b"".join(line + b"\r\n" for line in requests_request.head.split(
            b"\r\n")[:-2] if not line.startswith(b"User-Agent: python-urllib3")) + b"\r\n"
    assert lane_request.head == requests_request.head
    assert lane_request.body == requests_request.body
    lines = header_lines(lane_request.head)
    assert b"X-Session: s1" in lines and b"X-Overridden: call" in lines
    assert lines[0].startswith(b"Host: ")
    has_length = any(line.lower().startswith(b"content-length:") for line in lines)
    assert has_length == (method not in ("GET", "HEAD") or "data" in kwargs)
    for response in (lane_response, requests_response):
        assert response.status_code == 200 and response.content == b""


def test_host_header(make_server: Callable[..., SockServer], make_client: Callable[..., Client],
                     transport: str) -> None:
    server = make_server(keep(head(200, length=0)))
    c = make_client(server)
    call(c, "GET")
    expected = b"Host: localhost" if transport == "unix" else b"Host: 127.0.0.1:%d" % server.port
    assert header_lines(server.requests[0].head)[0] == expected


@pytest.mark.parametrize("host, port, scheme, expected", [
    ("127.0.0.1", 80, "http", "127.0.0.1"),
    ("127.0.0.1", 8080, "http", "127.0.0.1:8080"),
    ("example.com", 443, "https", "example.com"),
    ("example.com", 80, "https", "example.com:80"),
    ("::1", 2375, "http", "[::1]:2375"),
    ("[::1]", None, "http", "[::1]"),
    ("localhost", None, "http", "localhost"),
])
def test_host_header_forms(host: str, port: int | None, scheme: str, expected: str) -> None:
    pool = type("Pool", (), {"host": host, "port": port, "scheme": scheme})()
    assert WireLane(pool, None).host_header == expected


def test_call_host_header_is_sent_as_requests_does(make_server: Callable[..., SockServer],
                                                   make_client: Callable[..., Client]) -> None:
    server = make_server(keep(head(200, length=0)), keep(head(200, length=0)))
    c = make_client(server)
    call(c, "GET", headers={"Host": "daemon.example"})
    c.request("GET", url(c), headers={"Host": "daemon.example"})
    assert server.requests[0].head == server.requests[1].head


param_values = st.one_of(
    st.none(), st.sampled_from(["1", "0", "", "true"]), st.integers(-5, 10**6),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    st.binary(max_size=6),
)
param_keys = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=8)
params_strategy = st.one_of(
    st.dictionaries(param_keys, st.one_of(param_values, st.lists(param_values, max_size=4)),
                    max_size=5),
    st.lists(st.tuples(param_keys, param_values), max_size=5),
)


def test_query_parameters_as_requests_encodes_them(transport: str, sockdir: str) -> None:
    with EchoServer(str(Path(sockdir) / "echo.sock") if transport == "unix" else None) as server:
        with Client(base_url=_base_url(server), version="1.41", timeout=10) as c:
            tracker = track(c)

            @FEW
            @given(params=params_strategy, path=st.sampled_from(["/v1.41/images/json",
                                                                  "/v1.41/x?fixed=1&a=%20"]))
            def check(params: Any, path: str) -> None:
                response = call(c, "GET", path, params=params)
                assert isinstance(response.raw, WireBody)
                prepared = requests.Request("GET", url(c, path), params=params).prepare()
                assert response.json()["target"] == prepared.path_url
                assert response.url == prepared.url == response.request.url

            check()
            assert tracker.balanced() and server.overlaps == 0
        assert server.connections == 1


def _requoted_alike(path: str) -> bool:
    """Paths without the divergences of test_path_requoted_as_requests_does (see there)."""
    segments = path.partition("?")[0].split("/")
    return (not any(c in path for c in "%#[]") and not path.endswith("?")
            and not any(s in (".", "..") for s in segments))


path_text = st.lists(st.one_of(st.sampled_from(list("/.?&=+:@!$'()*,;~-_| \"<>{}^`\\\t")),
                               st.characters(exclude_categories=("Cs",)),
                               st.sampled_from(["a.b", "..x", "/.../", "?a=b&c", "%41"])),
                     max_size=8).map("".join).filter(_requoted_alike)


def test_any_path_reaches_the_daemon_as_requests_sends_it(transport: str, sockdir: str) -> None:
    with EchoServer(str(Path(sockdir) / "echo.sock") if transport == "unix" else None) as server:
        with Client(base_url=_base_url(server), version="1.41", timeout=10) as c:

            @FEW
            @given(path=path_text, params=st.one_of(st.none(), params_strategy))
            def check(path: str, params: Any) -> None:
                target = url(c, "/v1.41/" + path)
                try:
                    expected = c.request("GET", target, params=params)
                except (requests.exceptions.RequestException, ValueError) as exc:
                    with pytest.raises(type(exc)):
                        call(c, "GET", "/v1.41/" + path, params=params)
                    return
                response = call(c, "GET", "/v1.41/" + path, params=params)
                assert response.json()["target"] == expected.json()["target"]
                assert response.url == expected.url

            check()
            assert server.overlaps == 0


@pytest.mark.parametrize("path", [
    pytest.param("a/./b", id="dot-segment"),
    pytest.param("a/../b", id="dot-dot-segment"),
    pytest.param("a%7Eb%41", id="percent-escaped-unreserved"),
    pytest.param("caf%e9", id="percent-escape-lowercase"),
    pytest.param("100%", id="stray-percent"),
    pytest.param("x%zz", id="invalid-percent-escape"),
    pytest.param("x#", id="empty-fragment"),
    pytest.param("a[0]?b=[x]", id="square-brackets"),
    pytest.param("x?", id="empty-query"),
])
def test_path_requoted_as_requests_does(path: str) -> None:
    with EchoServer() as server, Client(base_url=_base_url(server), version="1.41", timeout=10) as c:
        expected = c.request("GET", url(c, "/v1.41/" + path))
        response = call(c, "GET", "/v1.41/" + path)
        assert (response.json()["target"], response.url) == (expected.json()["target"], expected.url)


def test_client_params_helper_values(make_server: Callable[..., SockServer],
                                     make_client: Callable[..., Client]) -> None:
    server = make_server(keep(head(200, length=0)))
    c = make_client(server)
    params = c._params(all=True, size=False, filters={"label": ["a=é"]}, limit=None, n=3)
    call(c, "GET", "/v1.41/containers/json", params=params)
    prepared = requests.Request("GET", url(c, "/v1.41/containers/json"), params=params).prepare()
    assert server.requests[0].startswith(b"GET %s HTTP/1.1\r\n" % prepared.path_url.encode())
    assert b"all=1&size=0&filters=" in server.requests[0].head


@pytest.mark.parametrize("path", ["/v1.41/x\r\nX-Injected:1\r\nY:", "/v1.41/a\tb\x7f",
                                  '/v1.41/\xe9"|{}'])
def test_unsafe_url_characters_are_quoted_as_requests_does(make_server: Callable[..., SockServer],
                                                           make_client: Callable[..., Client],
                                                           path: str) -> None:
    server = make_server(keep(head(200, length=0)), keep(head(200, length=0)))
    c = make_client(server)
    lane_response = call(c, "GET", path)
    requests_response = c.request("GET", url(c, path))
    assert b"X-Injected" not in header_lines(server.requests[0].head)[0]
    assert server.requests[0].head == server.requests[1].head
    assert lane_response.url == requests_response.url


def test_space_in_url_goes_through_requests(make_server: Callable[..., SockServer],
                                            make_client: Callable[..., Client],
                                            spy: list[Any]) -> None:
    server = make_server(keep(head(200, length=0)))
    c = make_client(server)
    call(c, "GET", "/v1.41/a b")
    assert len(spy) == 1
    assert server.requests[0].startswith(b"GET /v1.41/a%20b HTTP/1.1\r\n")


@pytest.mark.parametrize("headers", [{"X-Bad": "a\r\nX-Injected: 1"}, {"X-Bad": "a\nb"},
                                     {"X-Bad": b"a\rb"}, {"X-Bad\r\nX-Injected": "1"}])
def test_header_with_cr_or_lf_falls_back_to_requests_and_its_error(
        make_server: Callable[..., SockServer], make_client: Callable[..., Client],
        spy: list[Any], headers: dict[str, Any]) -> None:
    server = make_server(keep(head(200, length=0)))
    c = make_client(server)
    # requests' InvalidHeader is an OSError, which the client's error boundary wraps
    with pytest.raises((requests.exceptions.InvalidHeader, DockerConnectionError)) as info:
        call(c, "GET", headers=headers)
    assert isinstance(info.value, requests.exceptions.InvalidHeader) or isinstance(
        info.value.__cause__, requests.exceptions.InvalidHeader)
    assert len(spy) == 1
    del c.headers["User-Agent"]
    c.headers["X-Session-Bad"] = "x\r\nX-Injected: 1"
    with pytest.raises((requests.exceptions.InvalidHeader, DockerConnectionError)) as info:
        call(c, "GET")
    assert isinstance(info.value, requests.exceptions.InvalidHeader) or isinstance(
        info.value.__cause__, requests.exceptions.InvalidHeader)
    assert len(spy) == 2
    assert server.requests == []


def test_non_latin1_header_falls_back_to_requests(make_server: Callable[..., SockServer],
                                                  make_client: Callable[..., Client],
                                                  spy: list[Any]) -> None:
    server = make_server(keep(head(200, length=0)), keep(head(200, length=0)))
    c = make_client(server)
    with pytest.raises(UnicodeEncodeError):  # http.client's own refusal
        call(c, "GET", headers={"X-Name": "snow \u2603"})
    assert len(spy) == 1
    call(c, "GET", headers={"X-Name": "caf\xe9"})  # latin-1 goes out as latin-1, as http.client does
    c.request("GET", url(c), headers={"X-Name": "caf\xe9"})
    assert len(spy) == 2
    assert b"X-Name: caf\xe9" in header_lines(server.requests[0].head)
    assert server.requests[0].head == server.requests[1].head


@pytest.mark.parametrize("text", ["caf\xe9", "snow \u2603", ""])
def test_text_body_bytes_are_those_requests_sends(make_server: Callable[..., SockServer],
                                                  make_client: Callable[..., Client],
                                                  text: str) -> None:
    server = make_server(keep(head(200, length=0)), keep(head(200, length=0)))
    c = make_client(server)
    call(c, "POST", data=text)
    # the lane sends text as UTF-8, as urllib3 2 does (urllib3 1.26 sent Latin-1 or refused)
    assert server.requests[0].body == text.encode()
    if MODERN_URLLIB3:
        c.request("POST", url(c), data=text)
        assert server.requests[1].body == text.encode()
        assert server.requests[0].head == server.requests[1].head


# -- the answer --------------------------------------------------------------------------------


def test_response_fields(make_server: Callable[..., SockServer],
                         make_client: Callable[..., Client]) -> None:
    document = {"ID": "abc", "Name": "é☃"}
    server = make_server(keep(ok_json(document, headers={"Api-Version": "1.41",
                                                         "Content-Type": "application/json; charset=utf-8"})))
    c = make_client(server)
    response = call(c, "GET", "/v1.41/info", params={"a": "1"})
    assert isinstance(response, requests.Response) and isinstance(response.raw, WireBody)
    assert response.status_code == 200 and response.ok and response.reason == "OK"
    assert response.json() == document
    assert response.text == json.dumps(document)
    assert response.encoding == "utf-8"
    assert response.headers["api-version"] == "1.41"
    assert response.url == url(c, "/v1.41/info?a=1")
    assert response.request.method == "GET" and response.request.url == response.url
    assert response.request.path_url == "/v1.41/info?a=1"
    assert response.request.headers["User-Agent"] == c.headers["User-Agent"]
    assert isinstance(response.elapsed, timedelta) and response.elapsed >= timedelta(0)
    assert response.connection is c.get_adapter(url(c))


def test_repeated_response_headers_are_joined(make_server: Callable[..., SockServer],
                                              make_client: Callable[..., Client]) -> None:
    answer = (b"HTTP/1.1 200 OK\r\nX-A: 1\r\nWarning: one\r\nX-A: 2\r\nX-A:3\r\n"
              b"Content-Length: 2\r\n\r\nok")
    server = make_server(keep(answer), keep(answer))
    c = make_client(server)
    lane_response = call(c, "GET")
    requests_response = c.request("GET", url(c))
    assert lane_response.headers["x-a"] == requests_response.headers["x-a"] == "1, 2, 3"
    assert lane_response.headers["Warning"] == "one"
    assert {k.lower(): v for k, v in lane_response.headers.items()} == {
        k.lower(): v for k, v in requests_response.headers.items()}


def test_response_headers_and_reason_exactly_as_requests(make_server: Callable[..., SockServer],
                                                         make_client: Callable[..., Client]) -> None:
    answer = b"HTTP/1.1 200 OK  \r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 2\r\n\r\nok"
    server = make_server(keep(answer), keep(answer))
    c = make_client(server)
    lane_response = call(c, "GET")
    requests_response = c.request("GET", url(c))
    assert lane_response.reason == requests_response.reason
    assert dict(lane_response.headers) == dict(requests_response.headers)


def test_set_cookie_is_kept_as_requests_does(make_server: Callable[..., SockServer],
                                             make_client: Callable[..., Client]) -> None:
    server = make_server(keep(head(200, {"Set-Cookie": "lb=node1; Path=/"}, length=0)),
                         keep(head(200, length=0)))
    c = make_client(server)
    response = call(c, "GET")
    assert response.cookies.get("lb") == "node1"
    assert c.cookies.get("lb") == "node1"


def test_interim_1xx_answers_are_skipped(make_server: Callable[..., SockServer],
                                         make_client: Callable[..., Client]) -> None:
    server = make_server(keep(b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 102 Processing\r\nA: b\r\n\r\n",
                              ok_json({"a": 1})))
    c = make_client(server)
    response = call(c, "POST", data=b"x")
    assert response.status_code == 200 and response.json() == {"a": 1}
    assert "A" not in response.headers


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
@pytest.mark.parametrize("chunked", [False, True])
def test_content_encoding_decoded_as_requests_does(make_server: Callable[..., SockServer],
                                                   make_client: Callable[..., Client],
                                                   encoding: str, chunked: bool) -> None:
    payload = json.dumps([{"n": i, "s": "é" * i} for i in range(300)]).encode()
    compressed = gzip.compress(payload) if encoding == "gzip" else _deflate(payload, zlib.MAX_WBITS)
    if chunked:
        answer = head(200, {"Content-Encoding": encoding}, chunked=True) + chunked_body(
            split_at(compressed, range(0, len(compressed), 97)))
    else:
        answer = head(200, {"Content-Encoding": encoding}, length=len(compressed)) + compressed
    server = make_server(*[keep(answer)] * 4)
    c = make_client(server)
    assert call(c, "GET").content == payload
    streamed = call(c, "GET", stream=True)
    assert b"".join(streams.iter_raw(streamed, 100)) == payload
    assert c.request("GET", url(c)).content == payload
    with streams.Stream(streamed, iter([])):
        pass
    assert server.connections == 1


def test_raw_deflate_decoded_as_requests_does(make_server: Callable[..., SockServer],
                                              make_client: Callable[..., Client]) -> None:
    compressed = _deflate(b"hello raw deflate", -zlib.MAX_WBITS)
    answer = head(200, {"Content-Encoding": "deflate"}, length=len(compressed)) + compressed
    server = make_server(keep(answer), keep(answer))
    c = make_client(server)
    assert c.request("GET", url(c)).content == b"hello raw deflate"
    assert call(c, "GET").content == b"hello raw deflate"


def test_multi_member_gzip_decoded_as_requests_does(make_server: Callable[..., SockServer],
                                                    make_client: Callable[..., Client]) -> None:
    compressed = gzip.compress(b"one,") + gzip.compress(b"two")
    answer = head(200, {"Content-Encoding": "gzip"}, length=len(compressed)) + compressed
    server = make_server(keep(answer), keep(answer))
    c = make_client(server)
    assert c.request("GET", url(c)).content == b"one,two"
    assert call(c, "GET").content == b"one,two"


@pytest.mark.parametrize("method, status", [("HEAD", 200), ("GET", 204), ("GET", 304),
                                            ("DELETE", 204)])
def test_bodiless_answers(make_server: Callable[..., SockServer], make_client: Callable[..., Client],
                          method: str, status: int) -> None:
    bodiless = head(status, {"Content-Length": "1000"} if method == "HEAD" else {})
    server = make_server(keep(bodiless), keep(bodiless), keep(ok_json({})))
    c = make_client(server)
    tracker = track(c)
    assert call(c, method).content == b""
    streamed = call(c, method, stream=True)
    assert list(streams.iter_raw(streamed)) == []
    assert tracker.puts == [True, True]  # back at once, open, before the body was asked for
    streamed.close()
    assert call(c, "GET").json() == {}
    assert server.connections == 1 and tracker.balanced()


def test_switching_protocols_is_read_until_close(make_server: Callable[..., SockServer],
                                                 make_client: Callable[..., Client]) -> None:
    upgraded = head(101, {"Connection": "Upgrade", "Upgrade": "tcp",
                          "Content-Type": "application/vnd.docker.raw-stream"})
    server = make_server(Reply([upgraded + b"first", 0.02, b" second", 0.02, b" third"]))
    c = make_client(server)
    tracker = track(c)
    response = call(c, "POST", "/v1.41/containers/x/attach", stream=True,
                    headers={"Connection": "Upgrade", "Upgrade": "tcp"})
    assert response.status_code == 101 and response.raw.upgraded
    assert b"".join(streams.iter_raw(response)) == b"first second third"
    response.close()
    assert tracker.puts == [False] and tracker.balanced()


def test_hijacked_101_gets_the_bytes_read_with_the_head(make_server: Callable[..., SockServer],
                                                        make_client: Callable[..., Client]) -> None:
    upgraded = head(101, {"Connection": "Upgrade", "Upgrade": "tcp"})
    server = make_server(Reply([upgraded + b"hello", 0.02, b" world"], end="close"))
    c = make_client(server)
    response = call(c, "POST", "/v1.41/exec/x/start", stream=True, data=b"{}",
                    headers={"Connection": "Upgrade", "Upgrade": "tcp"})
    hijacked = streams.hijack(response)
    try:
        received = b""
        while len(received) < len(b"hello world"):
            data = hijacked.recv(4096)
            if not data:
                break
            received += data
        assert received == b"hello world"
    finally:
        hijacked.close()
    response.close()


# -- keep-alive and the return of connections ---------------------------------------------------


def test_keep_alive_streamed_read_to_the_end_goes_back_open(make_server: Callable[..., SockServer],
                                                            make_client: Callable[..., Client]) -> None:
    server = make_server(keep(head(200, chunked=True), chunked_body([b"a" * 100, b"b" * 10])),
                         keep(ok_json({"n": 2})))
    c = make_client(server)
    tracker = track(c)
    response = call(c, "GET", stream=True)
    assert b"".join(streams.iter_raw(response, 7)) == b"a" * 100 + b"b" * 10
    assert tracker.puts == [True]
    response.close()
    response.close()
    response.raw.release_conn()
    assert tracker.puts == [True]
    assert call(c, "GET").json() == {"n": 2}
    assert server.connections == 1 and tracker.puts == [True, True] and tracker.balanced()


@pytest.mark.parametrize("case", ["closed-early", "connection-close", "http-1.0", "extra-bytes",
                                  "until-close"])
def test_connection_closed_then_returned_once(make_server: Callable[..., SockServer],
                                              make_client: Callable[..., Client], case: str) -> None:
    answers = {
        "closed-early": head(200, length=10) + b"0123",
        "connection-close": head(200, {"Connection": "close"}, length=4) + b"0123",
        "http-1.0": b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\n0123",
        "extra-bytes": head(200, length=4) + b"0123" + b"HTTP/1.1 200 OK\r\n",
        "until-close": b"HTTP/1.1 200 OK\r\n\r\n0123",
    }
    ending = "close" if case == "until-close" else "keep"
    server = make_server(Reply([answers[case]], end=ending), keep(ok_json({"next": True})))
    c = make_client(server)
    tracker = track(c)
    with no_resource_warnings():
        response = call(c, "GET", stream=True)
        if case == "closed-early":
            assert response.raw.read(4) == b"0123"
        else:  # read to its end: only the framing and headers make it not reusable
            assert response.raw.read() == b"0123" and response.raw.read() == b""
        for _ in range(3):
            response.close()
            response.raw.close()
            response.raw.release_conn()
        assert tracker.puts == [False]
        assert call(c, "GET").json() == {"next": True}
        assert server.connections == 2 and tracker.puts == [False, True] and tracker.balanced()
        del response


def test_unread_non_streamed_answers_reuse_one_connection(make_server: Callable[..., SockServer],
                                                          make_client: Callable[..., Client]) -> None:
    server = make_server(*[keep(ok_json({"i": i})) for i in range(20)])
    c = make_client(server)
    tracker = track(c)
    for i in range(20):
        assert call(c, "GET").json() == {"i": i}
    assert server.connections == 1 and tracker.puts == [True] * 20 and tracker.balanced()


# -- closed connections and retries -------------------------------------------------------------


@pytest.mark.parametrize("ending", ["close", "reset"])
def test_reused_connection_closed_before_answering_is_retried_once(
        make_server: Callable[..., SockServer], make_client: Callable[..., Client],
        ending: str) -> None:
    server = make_server(keep(ok_json({"n": 1})), Reply([], end=ending), keep(ok_json({"n": 2})),
                         keep(ok_json({"n": 3})))
    c = make_client(server)
    tracker = track(c)
    with no_resource_warnings():
        assert call(c, "GET").json() == {"n": 1}
        response = call(c, "POST", "/v1.41/containers/x/start", data=b"payload")
        assert response.json() == {"n": 2}
        assert server.connections == 2
        assert server.requests[1].head == server.requests[2].head
        assert server.requests[1].body == server.requests[2].body == b"payload"
        assert call(c, "GET").json() == {"n": 3}
        assert server.connections == 2 and tracker.balanced()


def test_connection_closed_while_idle_is_replaced(make_server: Callable[..., SockServer],
                                                  make_client: Callable[..., Client]) -> None:
    # Answered without "Connection: close", then closed: the pool still holds the connection.
    server = make_server(Reply([ok_json({"n": 1})], end="close"), keep(ok_json({"n": 2})))
    c = make_client(server)
    tracker = track(c)
    with no_resource_warnings():
        assert call(c, "GET").json() == {"n": 1}
        assert call(c, "GET").json() == {"n": 2}
        assert server.connections == 2 and tracker.balanced()


def test_retry_happens_only_once(make_server: Callable[..., SockServer],
                                 make_client: Callable[..., Client]) -> None:
    server = make_server(keep(ok_json({"n": 1})), Reply([]), Reply([]), keep(ok_json({"n": 3})))
    c = make_client(server)
    tracker = track(c)
    with no_resource_warnings():
        assert call(c, "GET").json() == {"n": 1}
        with pytest.raises(DockerConnectionError) as info:
            call(c, "GET")
        assert not isinstance(info.value, StreamInterrupted)
        del info
        assert len(server.requests) == 3
        assert call(c, "GET").json() == {"n": 3}
        assert tracker.balanced()


def test_fresh_connection_closed_without_answer_is_a_connection_error(
        make_server: Callable[..., SockServer], make_client: Callable[..., Client],
        spy: list[Any]) -> None:
    server = make_server(Reply([]), keep(ok_json({"ok": 1})))
    c = make_client(server)
    tracker = track(c)
    with no_resource_warnings():
        with pytest.raises(DockerConnectionError) as info:
            call(c, "GET")
        assert "without an answer" in str(info.value)
        del info
        assert len(server.requests) == 1  # no retry on a fresh connection
        assert call(c, "GET").json() == {"ok": 1}
        assert tracker.puts == [False, True] and tracker.balanced() and spy == []


def test_reused_connection_closed_after_part_of_the_head_is_not_retried(
        make_server: Callable[..., SockServer], make_client: Callable[..., Client]) -> None:
    server = make_server(keep(ok_json({"n": 1})), Reply([b"HTTP/1.1 200 O"]), keep(ok_json({})))
    c = make_client(server)
    tracker = track(c)
    with no_resource_warnings():
        call(c, "GET")
        with pytest.raises(DockerConnectionError) as info:
            call(c, "GET")
        assert "cut short" in str(info.value)
        del info
        assert len(server.requests) == 2
        assert call(c, "GET").json() == {}
        assert tracker.balanced()


# -- errors ------------------------------------------------------------------------------------


def test_nothing_listening_names_the_socket(transport: str, sockdir: str, spy: list[Any]) -> None:
    if transport == "unix":
        path = str(Path(sockdir) / "absent.sock")
        base_url, where = "unix://" + path, path
    else:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        base_url, where = f"tcp://127.0.0.1:{port}", f"127.0.0.1:{port}"
    with no_resource_warnings():
        with Client(base_url=base_url, version="1.41", timeout=10) as c:
            tracker = track(c)
            for _ in range(2):
                with pytest.raises(DockerConnectionError) as info:
                    c.ping()
                assert where in str(info.value) and not isinstance(info.value, StreamInterrupted)
                del info
            assert tracker.puts == [False, False] and tracker.balanced() and spy == []
            if transport == "unix":  # the pool works once the daemon is there
                with SockServer(keep(head(200, {"Api-Version": "1.41"}, length=2) + b"OK"),
                                unix_path=path) as server:
                    assert c.ping() is True
                assert server.errors == []


@pytest.mark.parametrize("timeout", ["client", 0.2, (10, 0.2), urllib3.Timeout(connect=10, read=0.2)])
def test_silent_daemon_times_out_and_the_late_answer_is_not_misattributed(
        make_server: Callable[..., SockServer], make_client: Callable[..., Client],
        timeout: Any) -> None:
    server = make_server(keep(0.6, ok_json({"late": True})), keep(ok_json({"on": "time"})))
    c = make_client(server, timeout=0.2 if timeout == "client" else 10)
    tracker = track(c)
    kwargs = {} if timeout == "client" else {"timeout": timeout}
    with no_resource_warnings():
        with pytest.raises(DockerTimeout, match="did not answer"):
            call(c, "GET", **kwargs)
        assert tracker.puts == [False]
        c.timeout = 10
        assert call(c, "GET").json() == {"on": "time"}
        assert server.connections == 2 and tracker.balanced()


@pytest.mark.parametrize("answer", [head(200, length=100) + b"x" * 10,
                                    head(200, chunked=True) + chunk(b"x" * 10)])
def test_body_that_stops_coming_times_out(make_server: Callable[..., SockServer],
                                          make_client: Callable[..., Client], answer: bytes) -> None:
    server = make_server(Reply([answer], end="hold"), Reply([answer], end="hold"),
                         keep(ok_json({})))
    c = make_client(server, timeout=0.2)
    tracker = track(c)
    with no_resource_warnings():
        with pytest.raises(DockerTimeout):
            call(c, "GET")
        streamed = call(c, "GET", stream=True)
        with pytest.raises(DockerTimeout):
            list(streams.iter_raw(streamed))
        streamed.close()
        del streamed
        assert call(c, "GET").json() == {}
        assert tracker.puts == [False, False, True] and tracker.balanced()


@pytest.mark.parametrize("answer", [head(200, length=100) + b"x" * 10,
                                    head(200, chunked=True) + chunk(b"x" * 10) + b"20\r\nab",
                                    head(200, chunked=True) + chunk(b"x" * 10) + b"0\r\n",
                                    head(200, chunked=True) + b"nothex\r\n"])
def test_body_cut_mid_stream_is_interrupted(make_server: Callable[..., SockServer],
                                            make_client: Callable[..., Client],
                                            answer: bytes) -> None:
    server = make_server(Reply([answer]), Reply([answer]), keep(ok_json({})))
    c = make_client(server)
    tracker = track(c)
    with no_resource_warnings():
        with pytest.raises(StreamInterrupted):
            c._result(call(c, "GET"))
        streamed = call(c, "GET", stream=True)
        received = []
        with pytest.raises(StreamInterrupted):
            for block in streams.iter_raw(streamed):
                received.append(block)
        assert (b"x" * 10 + b"ab").startswith(b"".join(received))
        streamed.close()
        del streamed
        assert call(c, "GET").json() == {}
        assert tracker.puts == [False, False, True] and tracker.balanced()


def test_reset_mid_body_of_a_stream_is_interrupted() -> None:
    answer = head(200, length=100) + b"x" * 10
    with SockServer(Reply([answer, 0.1], end="reset"), keep(ok_json({}))) as server:
        with Client(base_url=f"tcp://127.0.0.1:{server.port}", version="1.41", timeout=10) as c:
            tracker = track(c)
            with no_resource_warnings():
                streamed = call(c, "GET", stream=True)
                with pytest.raises(StreamInterrupted):
                    list(streams.iter_raw(streamed))
                streamed.close()
                del streamed
                assert call(c, "GET").json() == {}
                assert tracker.balanced()
    assert server.errors == []


def test_reset_mid_body_is_interrupted() -> None:
    answer = head(200, length=100) + b"x" * 10
    with SockServer(Reply([answer, 0.1], end="reset"), Reply([answer, 0.1], end="reset")) as server:
        with Client(base_url=f"tcp://127.0.0.1:{server.port}", version="1.41", timeout=10) as c:
            with pytest.raises(StreamInterrupted):
                c.request("GET", url(c))  # requests
            with pytest.raises(StreamInterrupted):
                call(c, "GET")  # the lane


def test_not_http_at_all_is_an_error(make_server: Callable[..., SockServer],
                                     make_client: Callable[..., Client]) -> None:
    server = make_server(Reply([b"SSH-2.0-OpenSSH\r\n\r\n"]), keep(ok_json({})))
    c = make_client(server)
    with no_resource_warnings():
        with pytest.raises(StreamInterrupted, match="not an HTTP response"):
            call(c, "GET")
        assert call(c, "GET").json() == {}


@pytest.mark.parametrize("status, cls, message", [
    (404, NotFound, "No such container: nope"),
    (409, APIError, "conflict: name in use"),
    (500, APIError, "server error: boom"),
])
@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_error_status_raises_with_the_daemons_message(make_server: Callable[..., SockServer],
                                                      make_client: Callable[..., Client],
                                                      status: int, cls: type, message: str,
                                                      framing: str) -> None:
    body = json.dumps({"message": message}).encode()
    if framing == "length":
        answer = head(status, {"Content-Type": "application/json"}, length=len(body)) + body
    else:
        answer = head(status, {"Content-Type": "application/json"}, chunked=True) + chunked_body(
            [body[:5], body[5:]])
    server = make_server(keep(answer), keep(answer), keep(ok_json({"Id": "x"})))
    c = make_client(server)
    tracker = track(c)
    with no_resource_warnings():
        for stream in (False, True):
            with pytest.raises(cls) as info:
                c._result(call(c, "GET", "/v1.41/containers/nope/json", stream=stream), json=True)
            assert info.value.response.status_code == status
            assert message in str(info.value)
            assert info.value.explanation == message
            del info
        assert c.inspect_container("x") == {"Id": "x"}
        assert server.connections == 1 and tracker.puts == [True] * 3 and tracker.balanced()


def test_invalid_content_length_is_an_error(make_server: Callable[..., SockServer],
                                            make_client: Callable[..., Client]) -> None:
    server = make_server(keep(b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n0123456789"),
                         keep(ok_json({})))
    c = make_client(server)
    with no_resource_warnings():
        with pytest.raises(StreamInterrupted, match="Content-Length"):
            call(c, "GET")
        assert call(c, "GET").json() == {}


# -- lane selection ----------------------------------------------------------------------------


def _serve_twice(make_server: Callable[..., SockServer]) -> SockServer:
    return make_server(keep(ok_json({"a": 1})), keep(ok_json({"a": 1})))


def test_plain_client_uses_the_lane(make_server: Callable[..., SockServer],
                                    make_client: Callable[..., Client], spy: list[Any]) -> None:
    server = _serve_twice(make_server)
    c = make_client(server)
    response = call(c, "GET", params={"x": "1"}, headers={"X": "y"}, timeout=5, stream=False)
    assert isinstance(response.raw, WireBody) and spy == []
    assert c._lane(url(c), {}) is c._lane(url(c), {})  # made once


def test_response_hook_sends_through_requests(make_server: Callable[..., SockServer],
                                              make_client: Callable[..., Client],
                                              spy: list[Any]) -> None:
    server = _serve_twice(make_server)
    c = make_client(server)
    seen: list[int] = []
    c.hooks["response"].append(lambda response, **kwargs: seen.append(response.status_code))
    assert call(c, "GET").json() == {"a": 1}
    assert seen == [200] and len(spy) == 1


def test_auth_sends_through_requests(make_server: Callable[..., SockServer],
                                     make_client: Callable[..., Client], spy: list[Any]) -> None:
    server = _serve_twice(make_server)
    c = make_client(server)
    c.auth = ("user", "secret")
    call(c, "GET")
    assert b"Authorization: Basic dXNlcjpzZWNyZXQ=" in header_lines(server.requests[0].head)
    assert len(spy) == 1


def test_cookies_send_through_requests(make_server: Callable[..., SockServer],
                                       make_client: Callable[..., Client], spy: list[Any]) -> None:
    server = _serve_twice(make_server)
    c = make_client(server)
    c.cookies.set("session", "abc")
    call(c, "GET")
    assert b"Cookie: session=abc" in header_lines(server.requests[0].head)
    assert len(spy) == 1


def test_session_params_send_through_requests(make_server: Callable[..., SockServer],
                                              make_client: Callable[..., Client],
                                              spy: list[Any]) -> None:
    server = _serve_twice(make_server)
    c = make_client(server)
    c.params = {"session": "1"}
    call(c, "GET", params={"call": "2"})
    assert server.requests[0].startswith(b"GET /v1.41/info?session=1&call=2 HTTP/1.1")
    assert len(spy) == 1


def test_proxies_send_through_requests(spy: list[Any]) -> None:
    with SockServer(keep(ok_json({"via": "proxy"}))) as proxy:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with Client(base_url=f"tcp://127.0.0.1:{port}", version="1.41", timeout=10) as c:
            c.proxies = {"http": proxy.url}
            assert call(c, "GET").json() == {"via": "proxy"}
    assert proxy.requests[0].startswith(b"GET http://127.0.0.1:%d/v1.41/info HTTP/1.1" % port)
    assert len(spy) == 1 and proxy.errors == []


def test_subclass_overriding_request_or_send_sees_every_call(
        make_server: Callable[..., SockServer], make_client: Callable[..., Client]) -> None:
    seen: list[str] = []

    class WithRequest(Client):
        def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
            seen.append(f"request {method}")
            return super().request(method, url, *args, **kwargs)

    class WithSend(Client):
        def send(self, request: Any, **kwargs: Any) -> requests.Response:
            seen.append(f"send {request.method}")
            return super().send(request, **kwargs)

    server = _serve_twice(make_server)
    assert call(make_client(server, WithRequest), "GET").json() == {"a": 1}
    assert call(make_client(server, WithSend), "DELETE").json() == {"a": 1}
    assert seen == ["request GET", "send DELETE"]


def test_adapter_with_its_own_send_sees_every_call(make_server: Callable[..., SockServer],
                                                   make_client: Callable[..., Client],
                                                   transport: str) -> None:
    seen: list[str] = []
    server = _serve_twice(make_server)
    c = make_client(server)
    adapter = c.get_adapter(url(c))
    base = type(adapter)

    class Counting(base):  # type: ignore[valid-type, misc]
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(request.url)
            return super().send(request, *args, **kwargs)

    call(c, "GET")
    assert seen == []
    adapter.__class__ = Counting
    assert call(c, "GET").json() == {"a": 1}
    assert seen == [url(c)]


def test_responses_library_sees_every_call(make_server: Callable[..., SockServer],
                                           make_client: Callable[..., Client]) -> None:
    server = _serve_twice(make_server)
    c = make_client(server)
    assert call(c, "GET").json() == {"a": 1}  # the lane is made and cached first
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, url(c), json={"mocked": True})
        assert call(c, "GET").json() == {"mocked": True}
        assert c.info() == {"mocked": True}
    assert len(server.requests) == 1
    assert call(c, "GET").json() == {"a": 1}


def dechunk(raw: bytes) -> bytes:
    out = b""
    while True:
        line, _, raw = raw.partition(b"\r\n")
        size = int(line.split(b";")[0], 16)
        if not size:
            return out
        out += raw[:size]
        raw = raw[size + 2:]


def _blocks(*blocks: Any) -> Iterator[Any]:
    yield from blocks


class _Unsized(io.RawIOBase):
    """A readable file of unknown size (as a pipe is)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._data.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


BIG = bytes(range(256)) * 6000  # 1.5 MB: more than one file block, more than one send
BODIES: list[tuple[str, Callable[[], Any]]] = [
    ("generator", lambda: _blocks(b"ab", b"", b"cd", b"x" * 70000)),
    ("text generator", lambda: _blocks("caf\xe9", "!")),
    ("empty generator", lambda: _blocks()),
    ("file", lambda: io.BytesIO(BIG)),
    ("empty file", lambda: io.BytesIO(b"")),
    ("file at an offset", lambda: _seeked(io.BytesIO(b"skip-me:the rest"), 8)),
    ("unsized file", lambda: io.BufferedReader(_Unsized(b"piped " * 1000))),
    ("bytearray", lambda: bytearray(b"abcd")),
    ("memoryview", lambda: memoryview(b"abcdef")[1:5]),
    ("large bytes", lambda: BIG),
]


#: What the daemon receives for the generator bodies (empty chunks skipped, text as UTF-8).
SENT_BYTES = {"generator": b"abcd" + b"x" * 70000, "text generator": "caf\xe9!".encode()}
MODERN_URLLIB3 = int(urllib3.__version__.split(".")[0]) >= 2


def _seeked(f: io.BytesIO, offset: int) -> io.BytesIO:
    f.seek(offset)
    return f


@pytest.mark.parametrize("name, body", BODIES, ids=[name for name, _ in BODIES])
def test_other_bodies_are_sent_as_requests_sends_them(make_server: Callable[..., SockServer],
                                                      make_client: Callable[..., Client],
                                                      name: str, body: Callable[[], Any]) -> None:
    server = _serve_twice(make_server)
    c = make_client(server)
    tracker = track(c)
    assert call(c, "POST", data=body()).json() == {"a": 1}
    if name in SENT_BYTES:
        assert dechunk(server.requests[0].body) == SENT_BYTES[name]
        if not MODERN_URLLIB3:
            # requests 2.28 ends a generator's body at its first empty chunk and cannot send
            # text chunks: the lane sends what requests 2.32 with urllib3 2 sends
            return
    assert c.request("POST", url(c), data=body()).json() == {"a": 1}
    lane_request, requests_request = server.requests
    assert lane_request.head == requests_request.head
    if b"Transfer-Encoding: chunked" in header_lines(lane_request.head):
        assert dechunk(lane_request.body) == dechunk(requests_request.body)
    else:
        assert lane_request.body == requests_request.body
    assert server.connections == 1 and tracker.balanced()


def test_streamed_body_is_not_sent_again_on_a_closed_connection(
        make_server: Callable[..., SockServer], make_client: Callable[..., Client]) -> None:
    server = make_server(keep(ok_json({"n": 1})), Reply([]), keep(ok_json({"n": 3})))
    c = make_client(server)
    tracker = track(c)
    with no_resource_warnings():
        assert call(c, "GET").json() == {"n": 1}
        with pytest.raises(DockerConnectionError) as info:
            call(c, "POST", data=_blocks(b"once", b" only"))
        assert not isinstance(info.value, StreamInterrupted)
        del info
        assert len(server.requests) == 2 and dechunk(server.requests[1].body) == b"once only"
        assert call(c, "GET").json() == {"n": 3}
        assert tracker.balanced()


@pytest.mark.parametrize("body", [{"form": "abcd"}, [("form", "abcd")], (("form", "abcd"),)])
def test_form_bodies_send_through_requests(make_server: Callable[..., SockServer],
                                           make_client: Callable[..., Client], spy: list[Any],
                                           body: Any) -> None:
    server = _serve_twice(make_server)
    c = make_client(server)
    assert call(c, "POST", data=body).json() == {"a": 1}
    assert b"Content-Type: application/x-www-form-urlencoded" in header_lines(server.requests[0].head)
    assert server.requests[0].body == b"form=abcd"
    assert len(spy) == 1


@pytest.mark.parametrize("kwargs", [{"json": {"a": 1}}, {"allow_redirects": True},
                                    {"files": {"f": b"x"}}, {"verify": True}, {"cert": None}])
def test_unknown_kwargs_send_through_requests(make_server: Callable[..., SockServer],
                                              make_client: Callable[..., Client], spy: list[Any],
                                              kwargs: dict[str, Any]) -> None:
    server = _serve_twice(make_server)
    c = make_client(server)
    assert call(c, "POST", **kwargs).json() == {"a": 1}
    assert len(spy) == 1


def test_url_of_another_host_sends_through_requests(make_server: Callable[..., SockServer],
                                                    make_client: Callable[..., Client],
                                                    spy: list[Any]) -> None:
    server = _serve_twice(make_server)
    other = make_server(keep(ok_json({"other": True})), unix=False)
    c = make_client(server)
    assert c._send("GET", f"http://127.0.0.1:{other.port}/x", {}).json() == {"other": True}
    assert len(spy) == 1


# -- threads -----------------------------------------------------------------------------------


class EchoServer:
    """A keep-alive HTTP/1.1 server answering each request with a JSON echo of it.

    A target containing ``chunked`` gets a chunked answer, one containing ``close`` gets
    ``Connection: close`` and the connection closed. ``overlaps`` counts requests that arrived
    on a connection before the previous one was answered (two users of one connection).
    """

    def __init__(self, unix_path: str | None = None) -> None:
        self.unix_path = unix_path
        family = socket.AF_UNIX if unix_path else socket.AF_INET
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        self.listener.bind(unix_path or ("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.05)
        self.port = 0 if unix_path else self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.connections = 0
        self.overlaps = 0
        self.errors: list[BaseException] = []
        self.socks: list[socket.socket] = []
        self.threads: list[threading.Thread] = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> EchoServer:
        self.acceptor.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self.acceptor.join(5)
        self.listener.close()
        for thread in list(self.threads):
            thread.join(5)
        for sock in self.socks:
            sock.close()
        if self.unix_path:
            Path(self.unix_path).unlink(missing_ok=True)
        assert self.errors == []

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.connections += 1
                number = self.connections
                self.socks.append(sock)
            thread = threading.Thread(target=self._serve, args=(sock, number), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _recv(self, sock: socket.socket) -> bytes:
        while not self.stopping.is_set():
            try:
                return sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return b""
        return b""

    def _serve(self, sock: socket.socket, number: int) -> None:
        try:
            sock.settimeout(0.05)
            buffer = b""
            sequence = 0
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = self._recv(sock)
                    if not data:
                        return
                    buffer += data
                request_head, _, buffer = buffer.partition(b"\r\n\r\n")
                lines = request_head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ")
                headers = [line.split(": ", 1) for line in lines[1:]]
                length = sum(int(v) for k, v in headers if k.lower() == "content-length")
                while len(buffer) < length:
                    data = self._recv(sock)
                    if not data:
                        return
                    buffer += data
                body, buffer = buffer[:length], buffer[length:]
                if buffer:
                    with self.lock:
                        self.overlaps += 1
                sequence += 1
                document = json.dumps({"method": method, "target": target, "headers": headers,
                                       "body": body.decode("latin-1"), "conn": number,
                                       "seq": sequence}).encode()
                closing = "close" in target
                extra = b"Connection: close\r\n" if closing else b""
                if "chunked" in target:
                    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra
                              + b"Transfer-Encoding: chunked\r\n\r\n"
                              + chunked_body(split_at(document, [3, len(document) // 2])))
                else:
                    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra
                              + b"Content-Length: %d\r\n\r\n" % len(document) + document)
                sock.sendall(answer)
                if closing:
                    return
        except BaseException as exc:  # noqa: B036 - reported to the test
            self.errors.append(exc)
        finally:
            sock.close()


@pytest.mark.parametrize("pool_size", [10, 3])
def test_threads_share_one_client(transport: str, sockdir: str, pool_size: int) -> None:
    threads, calls = 8, 40
    with no_resource_warnings():
        with EchoServer(str(Path(sockdir) / "echo.sock") if transport == "unix" else None) as server:
            with Client(base_url=_base_url(server), version="1.41", timeout=10,
                        max_pool_size=pool_size) as c:
                tracker = track(c)
                failures: list[BaseException] = []
                barrier = threading.Barrier(threads)

                def work(number: int) -> None:
                    try:
                        barrier.wait()
                        for i in range(calls):
                            kind = ("chunked", "close", "plain", "post", "stream")[i % 5]
                            target = f"/v1.41/t{number}/{i}/{kind}"
                            if kind == "post":
                                body = f"body {number} {i}".encode() * (i + 1)
                                answer = call(c, "POST", target, data=body).json()
                                assert answer["body"] == body.decode()
                            elif kind == "stream":
                                response = call(c, "GET", target, stream=True, params={"n": i})
                                blob = b"".join(streams.iter_raw(response, 5))
                                response.close()
                                answer = json.loads(blob)
                                target += f"?n={i}"
                            else:
                                answer = call(c, "GET", target).json()
                            assert answer["target"] == target, (answer, target)
                    except BaseException as exc:  # noqa: B036 - reported below
                        failures.append(exc)

                workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
                for worker in workers:
                    worker.start()
                for worker in workers:
                    worker.join(60)
                assert failures == []
                assert tracker.gets == threads * calls and tracker.balanced()
                assert tracker.shared == [] and server.overlaps == 0
                assert server.connections >= threads * calls // 5  # each "close" call: a new one


# -- kernel timeouts ---------------------------------------------------------------------------


def _kernel_read_timeout(sock: socket.socket) -> tuple[int, int]:
    seconds, micros = struct.unpack("@ll", sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, 16))
    return seconds, micros


def test_kernel_timeout_is_cleared_before_the_connection_goes_back(
        make_server: Callable[..., SockServer], make_client: Callable[..., Client]) -> None:
    """A lane call's timeout lives in the kernel while the call runs; a pooled connection that
    requests (or a hijacking caller) then uses in blocking mode must not carry it."""
    server = make_server(keep(ok_json({"a": 1})), keep(ok_json({"b": 2})))
    c = make_client(server, timeout=2.5)
    pool = c._lane(url(c), {"timeout": 2.5}).pool  # type: ignore[union-attr]
    seen: list[tuple[tuple[int, int], float | None]] = []
    original = pool._get_conn

    def spying_get_conn(*args: Any, **kwargs: Any) -> Any:
        conn = original(*args, **kwargs)
        if conn.sock is not None:
            seen.append((_kernel_read_timeout(conn.sock), conn.sock.gettimeout()))
        return conn

    pool._get_conn = spying_get_conn
    assert call(c, "GET").json() == {"a": 1}
    assert call(c, "GET").json() == {"b": 2}
    # the second call borrowed the first one's socket: no kernel timeout left on it
    assert seen == [((0, 0), None)]


def test_kernel_timeout_ends_a_silent_stream(make_server: Callable[..., SockServer],
                                             make_client: Callable[..., Client]) -> None:
    server = make_server(Reply([head(200, chunked=True), chunk(b"x")], end="hold"))
    c = make_client(server, timeout=0.3)
    response = call(c, "GET", stream=True)
    assert response.raw.sock.gettimeout() is None  # blocking: the kernel keeps the time
    assert _kernel_read_timeout(response.raw.sock) == (0, 300000)
    with pytest.raises(DockerTimeout):
        list(streams.iter_raw(response))
    response.close()
