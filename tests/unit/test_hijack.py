"""Hijacked connections (attach, exec) against a socket-level fake daemon, over TCP and unix sockets:
bytes buffered with the 101 head, frames split everywhere, connections dropped mid-frame,
half-close, read timeouts, communicate() without deadlock; and FrameDecoder's properties."""
from __future__ import annotations

import gc
import hashlib
import json
import os
import random
import socket
import struct
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docker_client import Client, streams
from docker_client.errors import (
    DockerException,
    DockerTimeout,
    InvalidArgument,
    InvalidVersion,
    NotFound,
    StreamInterrupted,
    StreamParseError,
)
from docker_client.streams import STDERR, STDIN, STDOUT, SYSTEMERR, FrameDecoder, Output, iter_frames

PROPERTY = settings(deadline=None, database=None, max_examples=200,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

UPGRADED = (b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
            b"Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
MULTIPLEXED_UPGRADED = UPGRADED.replace(b"raw-stream", b"multiplexed-stream")
NOT_UPGRADED = b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n"


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def frames_blob(frames: list[tuple[int, bytes]]) -> bytes:
    return b"".join(frame(stream, payload) for stream, payload in frames)


def per_stream(items: list[Any]) -> dict[int, bytes]:
    joined: dict[int, bytes] = {}
    for stream, data in items:
        joined[stream] = joined.get(stream, b"") + data
    return joined


# -- the fake daemon ---------------------------------------------------------------------------


class Conn:
    """One connection to the fake daemon, as its handler sees it."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def request(self) -> tuple[str, bytes] | None:
        """The next request's first line and body; None when the client has closed."""
        while b"\r\n\r\n" not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buffer += data
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            data = self.sock.recv(65536)
            if not data:
                return None
            rest += data
        self.buffer = rest[length:]
        return head.split(b"\r\n")[0].decode(), rest[:length]

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def answer_json(self, document: Any, status: int = 200) -> None:
        body = json.dumps(document).encode()
        self.send(b"HTTP/1.1 %d Status\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                  % (status, len(body), body))

    def stdin(self) -> Iterator[bytes]:
        """What the client writes after the head, until it half-closes."""
        if self.buffer:
            data, self.buffer = self.buffer, b""
            yield data
        while True:
            data = self.sock.recv(65536)
            if not data:
                return
            yield data

    def hold(self) -> None:
        """Wait (reading and dropping) until the client closes."""
        for _ in self.stdin():
            pass


Handler = Callable[[Conn], None]


class FakeDaemon:
    """Answers each connection with ``handler``; every socket and thread ends with stop()."""

    def __init__(self, handler: Handler, unix_path: str | None = None) -> None:
        self.handler = handler
        self.unix_path = unix_path
        self.errors: list[BaseException] = []
        self.lines: list[str] = []
        family = socket.AF_UNIX if unix_path else socket.AF_INET
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        self.listener.bind(unix_path or ("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(0.05)
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.conns: list[socket.socket] = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    @property
    def base_url(self) -> str:
        if self.unix_path:
            return "unix://" + self.unix_path
        return f"tcp://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            sock.settimeout(None)
            if sock.family == socket.AF_INET:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.conns.append(sock)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            self.handler(Conn(sock))
        except (BrokenPipeError, ConnectionResetError):
            pass
        except BaseException as exc:  # noqa: B036 - reported to the test
            self.errors.append(exc)
        finally:
            sock.close()

    def stop(self) -> None:
        self.stopping.set()
        self.acceptor.join(5)
        self.listener.close()
        for sock in self.conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self.threads:
            thread.join(5)
        if self.unix_path:
            Path(self.unix_path).unlink(missing_ok=True)


def lined(handler: Callable[[Conn, str], None]) -> Handler:
    """A handler called once per request with its line, the fake daemon noting each line."""
    def serve(conn: Conn) -> None:
        while True:
            request = conn.request()
            if request is None:
                return
            serve.lines.append(request[0])  # type: ignore[attr-defined]
            handler(conn, request[0])
    serve.lines = []  # type: ignore[attr-defined]
    return serve


MakeDaemon = Callable[..., "tuple[FakeDaemon, Client]"]


@pytest.fixture(params=["tcp", "unix"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_daemon(transport: str) -> Iterator[MakeDaemon]:
    made: list[tuple[FakeDaemon, Client]] = []
    directory = tempfile.TemporaryDirectory(prefix="dch")

    def make(handler: Handler, version: str = "1.41") -> tuple[FakeDaemon, Client]:
        path = str(Path(directory.name) / f"d{len(made)}.sock") if transport == "unix" else None
        daemon = FakeDaemon(handler, path)
        client = Client(base_url=daemon.base_url, version=version, timeout=10)
        made.append((daemon, client))
        return daemon, client

    try:
        yield make
    finally:
        for daemon, client in made:
            client.close()
            daemon.stop()
        directory.cleanup()
        for daemon, _ in made:
            assert not daemon.errors, daemon.errors


def upgrade_then(*parts: bytes | float, end: str = "close", head: bytes = UPGRADED) -> Handler:
    """Answer the first request with ``head`` and the parts (floats are pauses), then ``end``:
    "close" (FIN), "reset" (RST), "hold" (until the client closes or half-closes) or "linger"
    (a second longer)."""
    def handler(conn: Conn) -> None:
        if conn.request() is None:
            return
        conn.send(head)
        for part in parts:
            if isinstance(part, float):
                time.sleep(part)
            else:
                conn.send(part)
        if end == "hold":
            conn.hold()
        elif end == "linger":  # past the client's half-close too
            conn.hold()
            time.sleep(1.0)
        elif end == "reset":
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            conn.sock.shutdown(socket.SHUT_WR)
            conn.hold()
    return handler


def echo(conn: Conn) -> None:
    """An exec of ``sh -c 'cat; echo eof >&2'``: stdin echoed as stdout frames, then stderr."""
    if conn.request() is None:
        return
    conn.send(UPGRADED)
    for data in conn.stdin():
        conn.send(frame(STDOUT, data))
    conn.send(frame(STDERR, b"eof\n"))
    conn.sock.shutdown(socket.SHUT_WR)


# -- bytes that came with the head ---------------------------------------------------------------


def test_bytes_sent_with_the_101_head_are_kept(make_daemon: MakeDaemon) -> None:
    blob = frames_blob([(STDOUT, b"hello\n"), (STDERR, b"oops\n")])

    def handler(conn: Conn) -> None:
        if conn.request() is not None:
            conn.send(UPGRADED + blob)  # one write: http.client buffers the frames with the head
            conn.hold()

    for _ in range(3):
        _, client = make_daemon(handler)
        with client.exec_start("abc", socket=True) as sock:
            assert isinstance(sock, streams.HijackedSocket)
            assert sock._sock is sock  # docker-py's way to the socket sees the buffered bytes too
            received = b""
            while len(received) < len(blob):
                received += sock.recv(3)
            assert received == blob
        _, client = make_daemon(handler)
        with client.exec_start_duplex("abc") as duplex:
            assert duplex.read(5) == Output(STDOUT, b"hello\n")
            assert duplex.read(5) == Output(STDERR, b"oops\n")
            with pytest.raises(DockerTimeout):
                duplex.read(timeout=0.05)


def test_nothing_buffered_does_not_block(make_daemon: MakeDaemon) -> None:
    _, client = make_daemon(upgrade_then(0.3, frame(STDOUT, b"late"), end="hold"))
    started = time.monotonic()
    with client.exec_start_duplex("abc") as duplex:
        assert time.monotonic() - started < 0.25
        assert duplex.socket.pending() == 0
        assert duplex.read(5) == Output(STDOUT, b"late")


def test_a_daemon_that_does_not_upgrade(make_daemon: MakeDaemon) -> None:
    """Old daemons answer 200 and hijack the connection all the same."""
    blob = frames_blob([(STDOUT, b"out\n"), (STDERR, b"err\n")])
    _, client = make_daemon(upgrade_then(blob, head=NOT_UPGRADED))
    assert client.exec_start("abc", demux=True) == (b"out\n", b"err\n")
    _, client = make_daemon(upgrade_then(blob[:3], 0.05, blob[3:], head=NOT_UPGRADED))
    with client.exec_start_duplex("abc") as duplex:
        assert list(duplex) == [(STDOUT, b"out\n"), (STDERR, b"err\n")]


# -- docker-py's shapes ----------------------------------------------------------------------------


def test_exec_start_shapes(make_daemon: MakeDaemon) -> None:
    blob = frames_blob([(STDOUT, b"a"), (STDERR, b"b"), (STDOUT, b"c"), (STDIN, b"d")])
    _, client = make_daemon(upgrade_then(blob))
    assert client.exec_start("abc") == b"abcd"
    _, client = make_daemon(upgrade_then(blob))
    assert client.exec_start("abc", demux=True) == (b"acd", b"b")
    _, client = make_daemon(upgrade_then(blob[:9], 0.05, blob[9:]))
    with client.exec_start("abc", stream=True) as output:
        assert b"".join(output) == b"abcd"
    _, client = make_daemon(upgrade_then(blob))
    pairs = list(client.exec_start("abc", stream=True, demux=True))
    assert streams.collect(pairs, demux=True) == (b"acd", b"b")
    _, client = make_daemon(upgrade_then(b"raw \x01\x02 tty"))
    assert client.exec_start("abc", tty=True) == b"raw \x01\x02 tty"
    _, client = make_daemon(upgrade_then(b"raw"))
    assert client.exec_start("abc", tty=True, demux=True) == (b"raw", None)


def test_exec_start_detach_and_errors(make_daemon: MakeDaemon) -> None:
    def handler(conn: Conn, line: str) -> None:
        if "/exec/gone/" in line:
            conn.answer_json({"message": "No such exec instance: gone"}, 404)
        else:
            conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    serve = lined(handler)
    _, client = make_daemon(serve)
    assert client.exec_start({"Id": "abc"}, detach=True) == ""
    with pytest.raises(NotFound, match="No such exec instance"):
        client.exec_start("gone")
    with pytest.raises(NotFound):
        client.exec_start_duplex("gone")
    assert serve.lines[0].startswith("POST /v1.41/exec/abc/start ")  # type: ignore[attr-defined]


def test_version_gates_are_checked_before_sending() -> None:
    with Client(base_url="tcp://127.0.0.1:9", version="1.24") as client:
        with pytest.raises(InvalidVersion, match="Env"):
            client.exec_create("c", "true", environment={"A": "1"})
        with pytest.raises(InvalidVersion, match="WorkingDir"):
            client.exec_create("c", "true", workdir="/")
    with Client(base_url="tcp://127.0.0.1:9", version="1.41") as client:
        with pytest.raises(InvalidVersion, match="ConsoleSize"):
            client.exec_create("c", "true", console_size=(10, 20))
        with pytest.raises(InvalidVersion, match="ConsoleSize"):
            client.exec_start("abc", tty=True, console_size=(10, 20))
        with pytest.raises(InvalidArgument):
            client.exec_inspect({"Id": None})




def test_attach_before_1_42_inspects_for_the_tty(make_daemon: MakeDaemon) -> None:
    def handler(conn: Conn, line: str) -> None:
        if line.startswith("GET /v1.41/containers/tty/json"):
            conn.answer_json({"Config": {"Tty": True}})
        elif line.startswith("GET "):
            conn.answer_json({"Config": {"Tty": False}})
        else:
            conn.send(UPGRADED + (b"\x01raw" if "tty" in line else frame(STDOUT, b"framed")))
            conn.sock.shutdown(socket.SHUT_WR)

    _, client = make_daemon(lined(handler))
    assert client.attach("tty", stream=False, logs=True) == b"\x01raw"
    _, client = make_daemon(lined(handler))
    assert client.attach("plain", logs=True) == b"framed"


# -- frames split, connections dropped -------------------------------------------------------------


def test_frames_split_everywhere(make_daemon: MakeDaemon) -> None:
    rng = random.Random(7)
    frames = [(rng.choice([STDOUT, STDERR]), rng.randbytes(rng.randint(0, 40))) for _ in range(60)]
    blob = frames_blob(frames)
    parts: list[bytes | float] = []
    pos = 0
    while pos < len(blob):
        size = rng.randint(1, 11)
        parts += [blob[pos:pos + size], 0.0005]
        pos += size
    expected = per_stream(frames)
    _, client = make_daemon(upgrade_then(*parts))
    with client.exec_start_duplex("abc") as duplex:
        assert per_stream(list(duplex)) == {k: v for k, v in expected.items() if v}
    _, client = make_daemon(upgrade_then(*parts))
    assert client.exec_start("abc", demux=True) == (expected.get(STDOUT), expected.get(STDERR))


@pytest.mark.parametrize("ending", ["close", "reset"])
def test_connection_dropped_mid_frame(make_daemon: MakeDaemon,
                                      ending: str) -> None:
    blob = frame(STDOUT, b"complete") + frame(STDERR, b"cut short")[:-3]
    _, client = make_daemon(upgrade_then(blob, end=ending))
    with client.exec_start_duplex("abc") as duplex:
        received = []
        with pytest.raises(StreamInterrupted):
            while True:
                item = duplex.read(5)
                assert item is not None  # never a normal end
                received.append(item)
        if ending == "close":
            assert received == [(STDOUT, b"complete"), (STDERR, b"cut sh")]
    _, client = make_daemon(upgrade_then(blob, end=ending))
    with pytest.raises(StreamInterrupted):
        client.exec_start("abc")
    _, client = make_daemon(upgrade_then(blob, end=ending))
    with pytest.raises(StreamInterrupted):
        with client.exec_start("abc", stream=True) as output:
            for _ in output:
                pass


def test_a_header_cut_by_the_end(make_daemon: MakeDaemon) -> None:
    _, client = make_daemon(upgrade_then(frame(STDOUT, b"x") + b"\x01\x00\x00"))
    with client.exec_start_duplex("abc") as duplex:
        assert duplex.read(5) == (STDOUT, b"x")
        with pytest.raises(StreamInterrupted, match="inside a frame"):
            duplex.read(5)
        with pytest.raises(StreamInterrupted):
            duplex.read_all()


def test_daemon_error_and_malformed_frames(make_daemon: MakeDaemon) -> None:
    _, client = make_daemon(upgrade_then(frame(STDOUT, b"before") + frame(SYSTEMERR, b"boom"), end="hold"))
    with client.exec_start_duplex("abc") as duplex:
        assert duplex.read(5) == (STDOUT, b"before")
        with pytest.raises(StreamParseError, match="boom"):
            duplex.read(5)
    _, client = make_daemon(upgrade_then(frame(STDERR, b"fine") + b"\x61\x62\x63\x64\x00\x00\x00\x01x"))
    with client.exec_start_duplex("abc") as duplex:
        assert duplex.read(5) == (STDERR, b"fine")
        with pytest.raises(StreamParseError, match="out of step"):
            duplex.read(5)


# -- half-close, timeouts, communicate ---------------------------------------------------------------


def test_half_close_ends_stdin_while_output_goes_on(make_daemon: MakeDaemon) -> None:
    _, client = make_daemon(echo)
    with client.exec_start_duplex("abc") as duplex:
        assert duplex.write(b"ping") == 4
        assert duplex.read(5) == (STDOUT, b"ping")
        duplex.close_stdin()
        duplex.close_stdin()  # again: nothing
        assert duplex.stdin_closed
        with pytest.raises(InvalidArgument):
            duplex.write(b"more")
        assert duplex.read(5) == (STDERR, b"eof\n")  # sent by the daemon after the client's EOF
        assert duplex.read(5) is None
        assert duplex.read(5) is None
    assert duplex.closed


def test_hijacked_socket_half_close(make_daemon: MakeDaemon) -> None:
    _, client = make_daemon(echo)
    sock = client.exec_start("abc", socket=True)
    try:
        sock.settimeout(5)
        assert sock.gettimeout() == 5
        sock._sock.sendall(b"docker-py ")
        assert sock.write(b"style") == 5
        sock.shutdown(socket.SHUT_WR)
        output = sock.read()  # to the end
        frames = streams.demux(iter_frames([output]))
        assert streams.collect(frames, demux=True) == (b"docker-py style", b"eof\n")
        assert sock.fileno() >= 0 and sock.readable() and sock.writable()
    finally:
        sock.close()
    assert sock.closed and "closed" in repr(sock)
    sock.close()


def test_read_timeout_keeps_the_place(make_daemon: MakeDaemon) -> None:
    blob = frame(STDERR, b"split across a pause")
    _, client = make_daemon(upgrade_then(blob[:5], 0.4, blob[5:12], 0.4, blob[12:], end="hold"))
    with client.exec_start_duplex("abc") as duplex:
        started = time.monotonic()
        with pytest.raises(DockerTimeout):
            duplex.read(timeout=0.1)
        assert 0.08 < time.monotonic() - started < 0.35
        parts: list[bytes] = []
        while b"".join(parts) != b"split across a pause":
            try:
                item = duplex.read(timeout=0.1)
            except DockerTimeout:
                continue
            assert item is not None and item.stream == STDERR
            parts.append(item.data)


def test_communicate_big_input_and_output(make_daemon: MakeDaemon) -> None:
    """Echoing 12 MiB: the daemon writes while it reads, so writing alone would deadlock."""
    data = os.urandom(12 * 1024 * 1024)
    _, client = make_daemon(echo)
    with client.exec_start_duplex("abc") as duplex:
        out, err = duplex.communicate(data, timeout=60)
    assert hashlib.sha256(out).digest() == hashlib.sha256(data).digest() and err == b"eof\n"


def test_communicate_with_a_writer_thread(make_daemon: MakeDaemon,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The path taken for a connection poll cannot tell is writable (the ssh transport's)."""
    data = os.urandom(4 * 1024 * 1024)
    _, client = make_daemon(echo)
    monkeypatch.setattr(streams.duplex, "_waits_for_writing", lambda sock: False)
    with client.exec_start_duplex("abc") as duplex:
        assert duplex.communicate(data, timeout=60) == (data, b"eof\n")


def test_communicate_when_the_process_stops_reading(make_daemon: MakeDaemon) -> None:
    """Input the process does not take is dropped, as subprocess does."""
    def handler(conn: Conn) -> None:
        if conn.request() is None:
            return
        conn.send(UPGRADED)
        conn.send(frame(STDOUT, next(conn.stdin())[:4]))
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    _, client = make_daemon(handler)
    with client.exec_start_duplex("abc") as duplex:
        try:
            out, _ = duplex.communicate(os.urandom(8 * 1024 * 1024), timeout=30)
        except StreamInterrupted:  # a reset may also discard the output not read yet
            return
        assert len(out) == 4


def test_communicate_timeout_keeps_the_output(make_daemon: MakeDaemon) -> None:
    _, client = make_daemon(upgrade_then(frame(STDOUT, b"so far"), end="linger"))
    with client.exec_start_duplex("abc") as duplex:
        with pytest.raises(DockerTimeout):
            duplex.communicate(b"", timeout=0.2)
        assert duplex.read(1) == (STDOUT, b"so far")
        with pytest.raises(DockerTimeout):
            duplex.read_all(timeout=0.1)


def test_tty_output_is_raw(make_daemon: MakeDaemon) -> None:
    raw = b"\x01\x00\x00\x00\x00\x00\x00\x05not a frame\r\n"
    _, client = make_daemon(upgrade_then(raw))
    with client.exec_start_duplex("abc", tty=True) as duplex:
        assert duplex.tty and "(tty)" in repr(duplex)
        assert duplex.read_all(5) == (raw, b"")


def test_close_from_another_thread_ends_a_blocked_read(
        make_daemon: MakeDaemon) -> None:
    _, client = make_daemon(upgrade_then(end="hold"))
    duplex = client.exec_start_duplex("abc")
    closer = threading.Timer(0.2, duplex.close)
    closer.start()
    try:
        assert duplex.read() is None
    finally:
        closer.join()
    assert duplex.closed and "closed" in repr(duplex)


def test_wait_reads_to_the_end_and_asks_for_the_exit_code(
        make_daemon: MakeDaemon) -> None:
    inspections = []

    def handler(conn: Conn, line: str) -> None:
        if line.startswith("GET /v1.41/exec/abc/json"):
            inspections.append(line)
            running = len(inspections) < 3
            conn.answer_json({"Running": running, "ExitCode": None if running else 3})
        else:
            conn.send(UPGRADED + frame(STDOUT, b"dropped"))
            conn.sock.shutdown(socket.SHUT_WR)

    _, client = make_daemon(lined(handler))
    with client.exec_start_duplex({"Id": "abc"}) as duplex:
        assert duplex.exit_code is None
        assert duplex.wait(10) == 3
        assert duplex.exit_code == 3 and duplex.wait() == 3
        assert duplex.read() is None
    assert len(inspections) == 3


def test_wait_without_an_exit_code(make_daemon: MakeDaemon) -> None:
    _, client = make_daemon(upgrade_then())
    response = client._post(client._url("/exec/abc/start"), headers=streams.UPGRADE_HEADERS, stream=True)
    with streams.Duplex(streams.hijack(response)) as duplex:
        with pytest.raises(DockerException, match="exit code"):
            duplex.wait()


def test_hijack_refuses_a_consumed_response(make_daemon: MakeDaemon) -> None:
    def handler(conn: Conn, line: str) -> None:
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    _, client = make_daemon(lined(handler))
    response = client._get(client._url("/_ping"))
    assert response.content == b"ok"
    with pytest.raises(DockerException, match="no open connection"):
        streams.hijack(response)
    response.close()


# -- FrameDecoder ------------------------------------------------------------------------------------

payloads = st.one_of(st.just(b""), st.binary(max_size=48),
                     st.integers(0, 70_000).map(lambda n: random.Random(n).randbytes(n)))
frame_lists = st.lists(st.tuples(st.sampled_from([STDIN, STDOUT, STDERR]), payloads), max_size=10)


@st.composite
def chunkings(draw: st.DrawFn, data: bytes) -> list[bytes]:
    if len(data) <= 2048 and draw(st.integers(0, 4)) == 0:
        return [data[i:i + 1] for i in range(len(data))]
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=30)))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)])]


def decode_all(chunks: list[bytes]) -> tuple[list[tuple[int, bytes]], type[BaseException] | None]:
    decoder = FrameDecoder()
    items: list[tuple[int, bytes]] = []
    try:
        for chunk in chunks:
            items += decoder.feed(chunk)
        decoder.end()
    except (StreamParseError, StreamInterrupted) as exc:
        return items, type(exc)
    return items, None


@PROPERTY
@given(st.data(), frame_lists)
def test_frame_decoder_any_chunking(data: st.DataObject, frames: list[tuple[int, bytes]]) -> None:
    blob = frames_blob(frames)
    items, error = decode_all(data.draw(chunkings(blob)))
    assert error is None
    assert all(payload for _, payload in items)
    assert per_stream(items) == {k: v for k, v in per_stream(frames).items() if v}
    # the order of the streams' bytes is kept too
    assert b"".join(p for _, p in items) == b"".join(p for _, p in frames)
    assert per_stream(items) == per_stream(list(iter_frames([blob])))


@PROPERTY
@given(st.data(), frame_lists, st.sampled_from([b"\x05\x00\x00\x00", b"\x01\x00\x01\x00",
                                                b"\x03\x00\x00\x00"]))
def test_frame_decoder_stops_at_a_bad_frame(data: st.DataObject, frames: list[tuple[int, bytes]],
                                            bad: bytes) -> None:
    blob = frames_blob(frames) + bad + b"\x00\x00\x00\x02ab" + frame(STDOUT, b"after")
    items, error = decode_all(data.draw(chunkings(blob)))
    assert error is StreamParseError
    assert b"".join(p for _, p in items) == b"".join(p for _, p in frames)


@PROPERTY
@given(st.data(), frame_lists.filter(lambda frames: any(p for _, p in frames)))
def test_frame_decoder_truncated(data: st.DataObject, frames: list[tuple[int, bytes]]) -> None:
    blob = frames_blob(frames)
    cut = data.draw(st.integers(1, len(blob) - 1))
    items, error = decode_all(data.draw(chunkings(blob[:cut])))
    decoder = FrameDecoder()
    decoder.feed(blob[:cut])
    assert error is (StreamInterrupted if decoder.inside_frame else None)
    assert b"".join(p for _, p in frames).startswith(b"".join(p for _, p in items))


def test_frame_decoder_examples() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(frame(STDOUT, b"a") + frame(STDOUT, b"b") + frame(STDERR, b"")) == [(STDOUT, b"ab")]
    assert decoder.feed(frame(STDERR, b"long")[:10]) == [(STDERR, b"lo")]
    assert decoder.inside_frame
    assert decoder.feed(b"ng") == [(STDERR, b"ng")]
    assert not decoder.inside_frame
    assert decoder.feed(frame(SYSTEMERR, b"daemon says no")[:12]) == []
    assert decoder.feed(frame(SYSTEMERR, b"daemon says no")[12:] + frame(STDOUT, b"x")) == []
    assert isinstance(decoder.error, StreamParseError) and "daemon says no" in str(decoder.error)
    with pytest.raises(StreamParseError):
        decoder.feed(b"more")
    with pytest.raises(StreamParseError):
        decoder.end()


def test_websocket_needs_its_package_and_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("paramiko")
    with Client(base_url="ssh://user@127.0.0.1:9", version="1.41") as client:
        # over ssh too, through the client's own connections: here none can be made
        with pytest.raises(DockerException, match="ssh connection to 127.0.0.1 port 9 failed"):
            client.attach_socket("c", ws=True)
    monkeypatch.setitem(sys.modules, "websocket", None)  # as if not installed
    with Client(base_url="tcp://127.0.0.1:9", version="1.41") as client:
        with pytest.raises(DockerException, match="websocket-client"):
            client.attach_socket("c", ws=True)


def test_closing_releases_the_socket(make_daemon: MakeDaemon) -> None:
    _, client = make_daemon(upgrade_then(frame(STDOUT, b"x"), end="hold"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with client.exec_start_duplex("abc") as duplex:
            sock = duplex.socket.socket
            assert duplex.read(5) == (STDOUT, b"x")
        assert sock.fileno() == -1  # closed, not left to the garbage collector
        del duplex, sock
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_a_stream_closed_from_another_thread(make_daemon: MakeDaemon) -> None:
    _, client = make_daemon(upgrade_then(frame(STDOUT, b"first"), end="hold"))
    output = client.exec_start("abc", stream=True)
    assert next(output) == b"first"
    closer = threading.Timer(0.2, output.close)
    closer.start()
    try:
        assert list(output) == []  # the blocked read ends as the end of the stream
    finally:
        closer.join()
    assert output.closed
