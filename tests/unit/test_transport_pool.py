"""The transport's connections over real sockets (TCP and unix): keep-alive and reuse, what is
done with a connection that cannot be reused, when a request is sent again on a new connection
(an idempotent one whose reused connection closed before answering; never a POST), a daemon
restarted behind a kept connection, threads sharing one client, and chunked answers split
anywhere. The request and answer themselves: test_transport.py; failures:
test_transport_failures.py."""
from __future__ import annotations

import io
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from docker_client import Client, streams
from docker_client.errors import DockerConnectionError, StreamInterrupted

from .sockserver import Reply, SockServer, chunk, chunked_body, head
from .transport_support import (
    FEW,
    ClientFactory,
    EchoServer,
    ServerFactory,
    base_url,
    dechunk,
    generator,
    keep,
    no_resource_warnings,
    ok_json,
    split_at,
    wait_until_server_closed,
)


def call(c: Client, method: str, path: str = "/v1.41/info", **kwargs: Any) -> requests.Response:
    """One of the client's own calls (``Client._send``, as every API method makes them)."""
    return c._send(method, c.base_url + path, kwargs)


# == keep-alive, and when a request is sent again ================================================


def test_streamed_answer_read_to_its_end_gives_its_connection_back(
        make_server: ServerFactory, make_client: ClientFactory) -> None:
    server = make_server(keep(head(200, chunked=True), chunked_body([b"a" * 100, b"b" * 10])),
                         *[keep(ok_json({"n": n})) for n in range(20)])
    c = make_client(server)
    response = call(c, "GET", stream=True)
    assert b"".join(streams.iter_raw(response, 7)) == b"a" * 100 + b"b" * 10
    for _ in range(3):
        response.close()
    for n in range(20):  # non-streamed answers, read whole, keep using it
        assert call(c, "GET").json() == {"n": n}
    assert server.connections == 1


@pytest.mark.parametrize("case", ["closed-early", "connection-close", "http-1.0", "extra-bytes",
                                  "until-close"])
def test_connection_not_reusable_is_closed_once(make_server: ServerFactory,
                                                make_client: ClientFactory, case: str) -> None:
    answers: dict[str, list[bytes | float]] = {
        "closed-early": [head(200, length=10) + b"0123"],
        "connection-close": [head(200, {"Connection": "close"}, length=4) + b"0123"],
        "http-1.0": [b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\n0123"],
        "extra-bytes": [head(200, length=4) + b"0123", 0.05, b"HTTP/1.1 200 OK\r\n"],
        "until-close": [b"HTTP/1.1 200 OK\r\n\r\n0123"],
    }
    ending = "close" if case == "until-close" else "keep"
    server = make_server(Reply(answers[case], end=ending), keep(ok_json({"next": True})))
    c = make_client(server)
    with no_resource_warnings():
        response = call(c, "GET", stream=True)
        if case == "closed-early":
            assert response.raw.read(4) == b"0123"
        else:  # read to its end: only the framing and headers make it not reusable
            assert response.raw.read() == b"0123" and response.raw.read() == b""
        for _ in range(3):
            response.close()
            response.raw.close()
        if case == "extra-bytes":
            time.sleep(0.3)  # the bytes nobody asked for have come: the pool sees them
        assert call(c, "GET").json() == {"next": True}
        assert server.connections == 2
        del response


def test_bytes_past_the_body_in_the_same_read_are_not_taken_for_the_next_answer(
        make_server: ServerFactory, make_client: ClientFactory) -> None:
    server = make_server(keep(head(200, length=4) + b"0123" + b"HTTP/1.1 200 OK\r\nX-Stale: 1\r\n"),
                         keep(ok_json({"next": True})), keep(ok_json({"next": True})))
    c = make_client(server)
    with no_resource_warnings():
        assert call(c, "GET").content == b"0123"
        response = call(c, "GET")
        assert response.json() == {"next": True} and "X-Stale" not in response.headers


def test_connection_closed_while_idle_is_replaced(make_server: ServerFactory,
                                                  make_client: ClientFactory) -> None:
    # Answered without "Connection: close", then closed: the pool still holds the connection.
    server = make_server(Reply([ok_json({"n": 1})], end="close"), keep(ok_json({"n": 2})),
                         keep(ok_json({"n": 3})))
    c = make_client(server)
    with no_resource_warnings():
        assert call(c, "GET").json() == {"n": 1}
        wait_until_server_closed(server)
        assert call(c, "POST", data=b"once").json() == {"n": 2}  # found closed before sending
        assert call(c, "GET").json() == {"n": 3}
    assert server.connections == 2 and len(server.requests) == 3


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "DELETE", "PUT"])
@pytest.mark.parametrize("ending", ["close", "reset"])
def test_reused_connection_closed_before_answering(make_server: ServerFactory,
                                                   make_client: ClientFactory, method: str,
                                                   ending: str) -> None:
    """Go's rule: an idempotent request without a streamed body is sent again, once, on a new
    connection when its reused connection ended before any byte of the answer; another is not."""
    server = make_server(keep(ok_json({"n": 1})), Reply([], end=ending), keep(ok_json({"n": 2})))
    c = make_client(server)
    with no_resource_warnings():
        assert call(c, "GET").json() == {"n": 1}
        if method in ("GET", "HEAD", "OPTIONS"):
            response = call(c, method, "/v1.41/containers/x/json")
            assert response.status_code == 200 and server.connections == 2
            assert server.requests[1].head == server.requests[2].head
        else:
            with pytest.raises(DockerConnectionError, match="closed the connection") as info:
                call(c, method, "/v1.41/containers/x/json", data=b"{}")
            assert info.value.__cause__ is not None
            del info
            assert len(server.requests) == 2 and server.connections == 1
        assert server.requests[1].startswith(method.encode() + b" /v1.41/containers/x/json")


def test_a_request_is_sent_again_only_once(make_server: ServerFactory,
                                           make_client: ClientFactory) -> None:
    server = make_server(keep(ok_json({"n": 1})), Reply([]), Reply([]), keep(ok_json({"n": 3})))
    c = make_client(server)
    with no_resource_warnings():
        assert call(c, "GET").json() == {"n": 1}
        with pytest.raises(DockerConnectionError) as info:
            call(c, "GET")
        assert not isinstance(info.value, StreamInterrupted)
        assert info.value.__cause__ is not None
        del info
        assert len(server.requests) == 3  # the first and the one sent again
        assert call(c, "GET").json() == {"n": 3}


@pytest.mark.parametrize("body", ["bytes", "generator", "file"])
def test_a_post_is_never_sent_twice(make_server: ServerFactory, make_client: ClientFactory,
                                    body: str) -> None:
    """The daemon read the POST on a reused connection and closed it without answering (it
    may have acted on it): the caller is told, and the POST is not sent again."""
    server = make_server(keep(ok_json({"n": 1})), Reply([]), keep(ok_json({"n": 3})))
    c = make_client(server)
    data = {"bytes": lambda: b'{"Image": "x"}', "generator": lambda: generator(b"once", b" only"),
            "file": lambda: io.BytesIO(b"once only")}[body]()
    with no_resource_warnings():
        assert call(c, "GET").json() == {"n": 1}
        with pytest.raises(DockerConnectionError, match="without answering") as info:
            call(c, "POST", "/v1.41/containers/create", data=data)
        assert info.value.__cause__ is not None
        del info
        posts = [r for r in server.requests if r.startswith(b"POST ")]
        assert len(posts) == 1 and server.connections == 1
        sent = dechunk(posts[0].body) if body == "generator" else posts[0].body
        assert sent in (b'{"Image": "x"}', b"once only")
        assert call(c, "GET").json() == {"n": 3}


def test_fresh_connection_closed_without_answer_is_not_sent_again(
        make_server: ServerFactory, make_client: ClientFactory) -> None:
    server = make_server(Reply([]), keep(ok_json({"ok": 1})))
    c = make_client(server)
    with no_resource_warnings():
        with pytest.raises(DockerConnectionError, match="without answering"):
            call(c, "GET")
        assert len(server.requests) == 1
        assert call(c, "GET").json() == {"ok": 1}


def test_reused_connection_closed_in_the_middle_of_the_head_is_not_sent_again(
        make_server: ServerFactory, make_client: ClientFactory) -> None:
    server = make_server(keep(ok_json({"n": 1})), Reply([b"HTTP/1.1 200 O"]), keep(ok_json({})))
    c = make_client(server)
    with no_resource_warnings():
        call(c, "GET")
        with pytest.raises(DockerConnectionError, match="middle of its answer's head"):
            call(c, "GET")
        assert len(server.requests) == 2
        assert call(c, "GET").json() == {}


def test_daemon_restart_behind_a_kept_connection(sockdir: str) -> None:
    path = str(Path(sockdir) / "docker.sock")
    ping = keep(head(200, {"Api-Version": "1.41"}, length=2) + b"OK")
    started = keep(head(204, reason="No Content"))
    with no_resource_warnings(), Client(base_url="unix://" + path, version="1.41", timeout=10) as c:
        with SockServer(ping, ping, unix_path=path) as first:
            assert c.ping() is True and c.ping() is True
        assert first.connections == 1 and first.errors == []
        with SockServer(ping, keep(ok_json({"Id": "x"})), unix_path=path) as second:  # restarted
            assert c.ping() is True
            assert c.inspect_container("x") == {"Id": "x"}
        assert second.connections == 1 and len(second.requests) == 2 and second.errors == []
        with SockServer(started, unix_path=path) as third:  # restarted again; a POST comes first
            c.start("x")
        assert third.connections == 1 and len(third.requests) == 1 and third.errors == []
        assert third.requests[0].startswith(b"POST /v1.41/containers/x/start ")


# == threads ====================================================================================


@pytest.mark.parametrize("pool_size", [10, 2])
def test_threads_share_one_client(transport: str, sockdir: str, pool_size: int) -> None:
    threads, calls = 8, 40
    path = str(Path(sockdir) / "echo.sock") if transport == "unix" else None
    with no_resource_warnings(), EchoServer(path) as server:
        with Client(base_url=base_url(server), version="1.41", timeout=10,
                    max_pool_size=pool_size) as c:
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
            assert server.overlaps == 0  # never two requests at once on one connection
            assert server.connections >= threads * calls // 5  # each "close" answer: a new one


# == properties ==================================================================================


EXTENSIONS = [b"", b";x=y", b";name", b';a="b c";d=e']
TRAILERS = [b"", b"Expires: never\r\n", b"A: 1\r\nB-Long: " + b"v" * 300 + b"\r\n"]


@st.composite
def chunked_wires(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """(payload, the payload in chunked framing with extensions, hex case, zeros and trailers)."""
    payload = draw(st.binary(max_size=3000))
    parts = []
    for piece in split_at(payload, draw(st.lists(st.integers(0, len(payload)), max_size=12))):
        size = b"%x" % len(piece)
        if draw(st.booleans()):
            size = size.upper()
        size = b"0" * draw(st.integers(0, 2)) + size
        parts.append(size + draw(st.sampled_from(EXTENSIONS)) + b"\r\n" + piece + b"\r\n")
    last = b"0" * draw(st.integers(1, 3)) + b"\r\n" + draw(st.sampled_from(TRAILERS)) + b"\r\n"
    return payload, b"".join(parts) + last


@FEW
@given(wire=chunked_wires(), data=st.data(), read_size=st.sampled_from([1, 7, 4096, 1 << 20]),
       unix=st.booleans())
def test_any_chunked_framing_split_anywhere_gives_the_same_bytes(
        wire: tuple[bytes, bytes], data: st.DataObject, read_size: int, unix: bool) -> None:
    payload, framed = wire
    answer = head(200, chunked=True) + framed
    cuts = data.draw(st.lists(st.integers(1, len(answer) - 1), max_size=6), label="cuts")
    parts: list[bytes | float] = []
    for piece in split_at(answer, cuts):
        parts += [piece, 0.001]
    with tempfile.TemporaryDirectory(prefix="dct") as directory:
        path = str(Path(directory) / "s.sock") if unix else None
        with SockServer(keep(*parts), keep(ok_json({"next": 1})), unix_path=path) as server:
            server.unix_path = path  # type: ignore[attr-defined]
            with Client(base_url=base_url(server), version="1.41", timeout=10) as c:
                response = call(c, "GET", stream=True)
                items = list(streams.iter_raw(response, read_size))
                assert all(0 < len(item) <= read_size for item in items)
                assert b"".join(items) == payload
                assert call(c, "GET").json() == {"next": 1}  # the connection was reused
        assert server.connections == 1 and server.errors == []


def test_chunked_body_with_trailers_then_the_next_answer(make_server: ServerFactory,
                                                         make_client: ClientFactory) -> None:
    answer = head(200, chunked=True) + chunk(b"data") + b"0\r\nA: 1\r\nB: 2\r\n\r\n"
    server = make_server(keep(answer), keep(answer), keep(ok_json({})))
    c = make_client(server)
    assert call(c, "GET").content == b"data"
    assert b"".join(streams.iter_raw(call(c, "GET", stream=True))) == b"data"
    assert call(c, "GET").json() == {} and server.connections == 1
