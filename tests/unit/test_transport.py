"""The transport (docker_client/transport/) at its boundary, over real sockets (TCP and unix):
the bytes a call sends (request line, Host, query, path, headers, bodies) compared with what
requests itself sends through urllib3, the ``requests.Response`` it builds (fields, headers,
cookies, 1xx, content-codings, bodiless and upgraded answers, ``raw``), the session settings and
test libraries it honours, and its log line. Connections (keep-alive, sending again, threads):
test_transport_pool.py; failures (refused, TLS, timeouts, broken answers):
test_transport_failures.py."""
from __future__ import annotations

import gzip
import inspect
import io
import json
import logging
import os
import re
import subprocess
import sys
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

import pytest
import requests
import requests.adapters
import responses
import urllib3.response
from hypothesis import given
from hypothesis import strategies as st

import docker_client
from docker_client import Client, streams
from docker_client.transport import adapter as adapter_module

from .sockserver import Reply, SockServer, chunked_body, head
from .transport_support import (
    FEW,
    MODERN_URLLIB3,
    ClientFactory,
    EchoServer,
    ServerFactory,
    base_url,
    dechunk,
    generator,
    genuine_session,
    header_lines,
    keep,
    no_resource_warnings,
    ok_json,
    split_at,
)


def url(c: Client, path: str = "/v1.41/info") -> str:
    return c.base_url + path


def call(c: Client, method: str, path: str = "/v1.41/info", **kwargs: Any) -> requests.Response:
    """One of the client's own calls (``Client._send``, as every API method makes them)."""
    return c._send(method, url(c, path), kwargs)


def genuine(c: Client, method: str, path: str = "/v1.41/info",
            **kwargs: Any) -> requests.Response:
    """The same call sent by requests itself (urllib3) to the same daemon."""
    with genuine_session(c) as session:
        response = session.request(method, url(c, path), allow_redirects=False, **kwargs)
        response.content  # noqa: B018
        return response


def without_urllib3_user_agent(raw_head: bytes) -> bytes:
    """urllib3 adds its own User-Agent when a request has none; our transport sends none."""
    return b"".join(line + b"\r\n" for line in raw_head.split(b"\r\n")[:-2]
                    if not line.startswith(b"User-Agent: python-urllib3")) + b"\r\n"


# == the request =================================================================================


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
def test_request_bytes_are_those_requests_sends(make_server: ServerFactory,
                                                make_client: ClientFactory, method: str,
                                                kwargs: dict[str, Any]) -> None:
    server = make_server(*[keep(head(200, length=0))] * 3)
    c = make_client(server)
    c.headers["X-Session"] = "s1"
    c.headers["X-Overridden"] = "session"
    kwargs = {**kwargs, "headers": {**kwargs.get("headers", {}), "X-Overridden": "call"}}
    ours = call(c, method, "/v1.41/containers/create", **kwargs)
    through_session = c.request(method, url(c, "/v1.41/containers/create"), **kwargs)
    theirs = genuine(c, method, "/v1.41/containers/create", **kwargs)
    sent, via_request, expected = server.requests
    assert sent.head == via_request.head == without_urllib3_user_agent(expected.head)
    assert sent.body == via_request.body == expected.body
    lines = header_lines(sent.head)
    assert b"X-Session: s1" in lines and b"X-Overridden: call" in lines
    assert lines[0].startswith(b"Host: ")
    for response in (ours, through_session, theirs):
        assert response.status_code == 200 and response.content == b""


def test_host_header(make_server: ServerFactory, make_client: ClientFactory,
                     transport: str) -> None:
    server = make_server(keep(head(200, length=0)), keep(head(200, length=0)))
    c = make_client(server)
    call(c, "GET")
    genuine(c, "GET")
    expected = b"Host: localhost" if transport == "unix" else b"Host: 127.0.0.1:%d" % server.port
    assert header_lines(server.requests[0].head)[0] == expected
    assert header_lines(server.requests[1].head)[0] == expected


def test_host_header_leaves_out_the_default_port(monkeypatch: pytest.MonkeyPatch) -> None:
    with SockServer(keep(head(200, length=0))) as server:
        real_open_tcp = adapter_module.open_tcp
        monkeypatch.setattr(adapter_module, "open_tcp", lambda host, port, timeout: real_open_tcp(
            "127.0.0.1", server.port, timeout))
        with Client(base_url="tcp://127.0.0.1:80", version="1.41", timeout=10) as c:
            call(c, "GET")
    assert header_lines(server.requests[0].head)[0] == b"Host: 127.0.0.1"  # as urllib3 sends it


def test_call_host_header_is_sent_as_requests_does(make_server: ServerFactory,
                                                   make_client: ClientFactory) -> None:
    server = make_server(keep(head(200, length=0)), keep(head(200, length=0)))
    c = make_client(server)
    call(c, "GET", headers={"Host": "daemon.example"})
    genuine(c, "GET", headers={"Host": "daemon.example"})
    assert server.requests[0].head == server.requests[1].head
    assert header_lines(server.requests[0].head).count(b"Host: daemon.example") == 1


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
name_text = st.text(st.one_of(st.sampled_from(list("/.?&=+:@!$'()*,;~-_| \"<>{}^`\\\t%#[]\r\n")),
                              st.characters(exclude_categories=("Cs",))), min_size=1, max_size=10)
path_text = st.lists(st.one_of(st.sampled_from(list("/.?&=+:@!$'()*,;~-_| \"<>{}^`\\\t%#[]")),
                               st.characters(exclude_categories=("Cs",)),
                               st.sampled_from(["a.b", "..x", "/.../", "?a=b&c", "%41", "%zz",
                                                "/../", "/./"])),
                     max_size=8).map("".join)


def _check_against_requests(c: Client, session: requests.Session, target: str, params: Any) -> None:
    try:
        expected = session.get(target, params=params)
    except (requests.exceptions.RequestException, ValueError) as exc:
        with pytest.raises(type(exc)):
            c._send("GET", target, {"params": params})
        return
    response = c._send("GET", target, {"params": params})
    assert response.json()["target"] == expected.json()["target"]
    assert response.url == expected.url == response.request.url


def test_paths_and_queries_the_client_builds_reach_the_daemon_as_requests_sends_them(
        transport: str, sockdir: str) -> None:
    path = str(Path(sockdir) / "echo.sock") if transport == "unix" else None
    with EchoServer(path) as server:
        with Client(base_url=base_url(server), version="1.41", timeout=10) as c, \
                genuine_session(c) as session:

            @FEW
            @given(name=name_text, params=st.one_of(st.none(), params_strategy),
                   endpoint=st.sampled_from(["/containers/{0}/json", "/images/{0}/push",
                                             "/plugins/{0}"]))
            def check(name: str, params: Any, endpoint: str) -> None:
                try:
                    target = c._url(endpoint, name)
                except docker_client.errors.InvalidArgument:
                    return  # "." and ".." segments are refused before anything is sent
                _check_against_requests(c, session, target, params)

            check()
        assert server.overlaps == 0


def test_any_url_reaches_the_daemon_as_requests_sends_it() -> None:
    # over TCP, where the reference is requests' own HTTPAdapter (requests-unixsocket, the unix
    # reference, cannot connect at all for some of these paths)
    with EchoServer(None) as server:
        with Client(base_url=base_url(server), version="1.41", timeout=10) as c, \
                genuine_session(c) as session:

            @FEW
            @given(path=path_text, params=st.one_of(st.none(), params_strategy))
            def check(path: str, params: Any) -> None:
                _check_against_requests(c, session, url(c, "/v1.41/" + path), params)

            check()


REQUOTED_BY_REQUESTS = ["a/./b", "a/../b", "a%7Eb%41", "caf%e9", "100%", "x%zz", "a\tb\x7f",
                        "a b", 'a"b<c>', "x\r\nX-Injected: 1"]


@pytest.mark.parametrize("path", [
    *REQUOTED_BY_REQUESTS,
    "x#", "a[0]?b=[x]", "x?", '\xe9"|{}', "a%20b", "a?b c=d e"])
def test_path_requoted_as_requests_does(path: str) -> None:
    with EchoServer() as server, Client(base_url=base_url(server), version="1.41",
                                        timeout=10) as c, genuine_session(c) as session:
        _check_against_requests(c, session, url(c, "/v1.41/" + path), None)


@pytest.mark.parametrize("path", ["x\r\nX-Injected: 1\r\nY:", "x\nX-Injected: 1", "x?a=\r\nX-Injected: 1"])
def test_line_breaks_in_a_url_never_reach_the_wire(make_server: ServerFactory,
                                                   make_client: ClientFactory, path: str) -> None:
    server = make_server(keep(head(200, length=0)))
    c = make_client(server)
    call(c, "GET", "/v1.41/" + path)
    request_line, *lines = server.requests[0].head.split(b"\r\n")
    assert request_line.startswith(b"GET /v1.41/x") and request_line.endswith(b" HTTP/1.1")
    assert not any(line.startswith(b"X-Injected") for line in lines)


def test_client_params_helper_values(make_server: ServerFactory,
                                     make_client: ClientFactory) -> None:
    server = make_server(keep(head(200, length=0)))
    c = make_client(server)
    params = c._params(all=True, size=False, filters={"label": ["a=é"]}, limit=None, n=3)
    call(c, "GET", "/v1.41/containers/json", params=params)
    prepared = requests.Request("GET", url(c, "/v1.41/containers/json"), params=params).prepare()
    assert server.requests[0].startswith(b"GET %s HTTP/1.1\r\n" % prepared.path_url.encode())
    assert b"all=1&size=0&filters=" in server.requests[0].head


@pytest.mark.parametrize("headers", [{"X-Bad": "a\r\nX-Injected: 1"}, {"X-Bad": "a\nb"},
                                     {"X-Bad": b"a\rb"}, {"X-Bad\r\nX-Injected": "1"}])
def test_header_with_cr_or_lf_is_refused_with_requests_error(make_server: ServerFactory,
                                                             make_client: ClientFactory,
                                                             headers: dict[str, Any]) -> None:
    server = make_server(keep(head(200, length=0)))
    c = make_client(server)
    with pytest.raises(requests.exceptions.InvalidHeader):
        call(c, "GET", headers=headers)
    with pytest.raises(requests.exceptions.InvalidHeader):
        c.request("GET", url(c), headers=headers)
    c.headers.update(headers)
    with pytest.raises(requests.exceptions.InvalidHeader):
        c.info()
    assert server.requests == []


def test_non_latin1_header_is_refused_and_latin1_sent_as_requests_does(
        make_server: ServerFactory, make_client: ClientFactory) -> None:
    server = make_server(keep(head(200, length=0)), keep(head(200, length=0)))
    c = make_client(server)
    with pytest.raises(UnicodeEncodeError):  # http.client's own refusal
        call(c, "GET", headers={"X-Name": "snow \u2603"})
    call(c, "GET", headers={"X-Name": "caf\xe9"})
    genuine(c, "GET", headers={"X-Name": "caf\xe9"})
    assert b"X-Name: caf\xe9" in header_lines(server.requests[0].head)
    assert server.requests[0].head == server.requests[1].head


@pytest.mark.parametrize("text", ["caf\xe9", "snow \u2603", "", "ascii"])
def test_text_body_is_sent_as_utf8_with_its_length(make_server: ServerFactory,
                                                   make_client: ClientFactory, text: str) -> None:
    server = make_server(*[keep(head(200, length=0))] * 3)
    c = make_client(server)
    call(c, "POST", data=text)
    call(c, "POST", data="next")  # on the same connection: nothing was left over
    sent, following = server.requests
    assert sent.body == text.encode()
    assert b"Content-Length: %d" % len(text.encode()) in header_lines(sent.head)
    assert following.startswith(b"POST /v1.41/info HTTP/1.1\r\n") and following.body == b"next"
    if MODERN_URLLIB3:  # urllib3 1.26 sent text as Latin-1 or refused it
        genuine(c, "POST", data=text)
        assert server.requests[2].body == sent.body and server.requests[2].head == sent.head


# == the answer ==================================================================================


def test_response_fields(make_server: ServerFactory, make_client: ClientFactory) -> None:
    document = {"ID": "abc", "Name": "é☃"}
    server = make_server(keep(ok_json(document, headers={
        "Api-Version": "1.41", "Content-Type": "application/json; charset=utf-8"})))
    c = make_client(server)
    response = call(c, "GET", "/v1.41/info", params={"a": "1"})
    assert isinstance(response, requests.Response)
    assert response.status_code == 200 and response.ok and response.reason == "OK"
    assert response.json() == document and response.text == json.dumps(document)
    assert response.encoding == "utf-8" and response.headers["api-version"] == "1.41"
    assert response.url == url(c, "/v1.41/info?a=1") == response.request.url
    assert response.request.method == "GET" and response.request.path_url == "/v1.41/info?a=1"
    assert response.request.headers["User-Agent"] == c.headers["User-Agent"]
    assert isinstance(response.elapsed, timedelta) and response.elapsed >= timedelta(0)
    assert response.connection is c.get_adapter(url(c))


@pytest.mark.parametrize("answer, x_a", [
    (b"HTTP/1.1 200 OK\r\nX-A: 1\r\nWarning: one\r\nX-A: 2\r\nX-A:3\r\nContent-Length: 2\r\n\r\nok",
     "1, 2, 3"),
    (b"HTTP/1.1 200 OK  \r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 2\r\n\r\nok", "1, 2"),
    (b"HTTP/1.1 404 Nope, not here\r\nContent-Length: 2\r\n\r\nok", None),
    (b"HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok", None),
])
def test_headers_and_reason_exactly_as_requests(make_server: ServerFactory,
                                                make_client: ClientFactory, answer: bytes,
                                                x_a: str | None) -> None:
    server = make_server(keep(answer), keep(answer))
    c = make_client(server)
    ours = call(c, "GET")
    theirs = genuine(c, "GET")
    assert (ours.status_code, ours.reason) == (theirs.status_code, theirs.reason)
    assert dict(ours.headers) == dict(theirs.headers)
    assert ours.headers.get("x-a") == x_a  # repeated fields joined, in order


def test_set_cookie_is_kept_and_later_calls_are_sent_alike(make_server: ServerFactory,
                                                           make_client: ClientFactory) -> None:
    set_cookie = keep(head(200, {"Set-Cookie": "lb=node1; Path=/"}, length=0))
    server = make_server(set_cookie, keep(head(200, length=0)), keep(head(200, length=0)),
                         set_cookie, keep(head(200, length=0)))
    c = make_client(server)
    response = call(c, "GET")
    assert response.cookies.get("lb") == "node1" and c.cookies.get("lb") == "node1"
    later = call(c, "GET", "/v1.41/containers/json")
    assert isinstance(later.raw, adapter_module.DockerResponse)  # still our adapter's answer
    c.request("GET", url(c, "/v1.41/containers/json"))
    with genuine_session(c) as session:
        session.get(url(c))
        session.get(url(c, "/v1.41/containers/json"))
    ours, via_request, theirs = server.requests[1], server.requests[2], server.requests[4]
    assert b"Cookie: lb=node1" in header_lines(ours.head)
    assert ours.head == via_request.head == theirs.head


def test_interim_1xx_answers_are_skipped(make_server: ServerFactory,
                                         make_client: ClientFactory) -> None:
    server = make_server(keep(b"HTTP/1.1 100 Continue\r\n\r\n", 0.05,
                              b"HTTP/1.1 102 Processing\r\nA: b\r\n\r\n", 0.05,
                              head(200, chunked=True), 0.05, chunked_body([b"abc", b"def"])),
                         keep(ok_json({"b": 2})))
    c = make_client(server)
    response = call(c, "POST", data=b"x")
    assert (response.status_code, response.reason, response.content) == (200, "OK", b"abcdef")
    assert "A" not in response.headers
    assert call(c, "GET").json() == {"b": 2} and server.connections == 1


def test_interim_1xx_answer_read_with_the_final_head(make_server: ServerFactory,
                                                     make_client: ClientFactory) -> None:
    server = make_server(keep(b"HTTP/1.1 100 Continue\r\nA: b\r\n\r\n" + head(200, chunked=True),
                              0.05, chunked_body([b"abc", b"def"])),
                         keep(ok_json({"b": 2})))
    c = make_client(server)
    response = call(c, "POST", data=b"x")
    assert (response.status_code, response.reason, response.content) == (200, "OK", b"abcdef")
    assert "A" not in response.headers
    assert call(c, "GET").json() == {"b": 2}


def _deflate(data: bytes, wbits: int) -> bytes:
    compressor = zlib.compressobj(wbits=wbits)
    return compressor.compress(data) + compressor.flush()


PAYLOAD = json.dumps([{"n": i, "s": "é" * i} for i in range(300)]).encode()
ENCODED = {
    "gzip": ("gzip", gzip.compress(PAYLOAD)),
    "deflate": ("deflate", _deflate(PAYLOAD, zlib.MAX_WBITS)),
    "raw deflate": ("deflate", _deflate(PAYLOAD, -zlib.MAX_WBITS)),
    # (not cut where a 100-byte read ends: urllib3 2.7's stream(100) then stops after the first)
    "multi-member gzip": ("gzip", gzip.compress(PAYLOAD[:1000]) + gzip.compress(PAYLOAD[1000:])),
    "x-gzip": ("x-gzip", gzip.compress(PAYLOAD)),
}


@pytest.mark.parametrize("name", sorted(ENCODED))
@pytest.mark.parametrize("chunked", [False, True])
def test_content_encoding_decoded_as_requests_does(make_server: ServerFactory,
                                                   make_client: ClientFactory, name: str,
                                                   chunked: bool) -> None:
    encoding, compressed = ENCODED[name]
    if chunked:
        answer = head(200, {"Content-Encoding": encoding}, chunked=True) + chunked_body(
            split_at(compressed, range(0, len(compressed), 97)))
    else:
        answer = head(200, {"Content-Encoding": encoding}, length=len(compressed)) + compressed
    server = make_server(*[keep(answer)] * 4)
    c = make_client(server)
    expected = genuine(c, "GET").content
    assert expected == PAYLOAD or (name == "x-gzip" and not MODERN_URLLIB3)
    assert call(c, "GET").content == expected
    streamed = call(c, "GET", stream=True)
    assert b"".join(streams.iter_raw(streamed, 100)) == expected
    streamed.close()
    assert b"".join(call(c, "GET", stream=True).iter_content(33)) == expected
    assert server.connections <= 2  # ours: one, reused for each answer read to its end


@pytest.mark.parametrize("method, status", [("HEAD", 200), ("GET", 204), ("GET", 304),
                                            ("DELETE", 204)])
def test_bodiless_answers(make_server: ServerFactory, make_client: ClientFactory, method: str,
                          status: int) -> None:
    bodiless = head(status, {"Content-Length": "1000"} if method == "HEAD" else {})
    server = make_server(keep(bodiless), keep(bodiless), keep(ok_json({})))
    c = make_client(server)
    assert call(c, method).content == b""
    streamed = call(c, method, stream=True)
    assert list(streams.iter_raw(streamed)) == []
    streamed.close()
    assert call(c, "GET").json() == {}
    assert server.connections == 1


UPGRADED = head(101, {"Connection": "Upgrade", "Upgrade": "tcp",
                      "Content-Type": "application/vnd.docker.raw-stream"})


def test_switching_protocols_is_read_until_close(make_server: ServerFactory,
                                                 make_client: ClientFactory) -> None:
    server = make_server(Reply([UPGRADED + b"first", 0.02, b" second", 0.02, b" third"]),
                         keep(ok_json({})))
    c = make_client(server)
    with no_resource_warnings():
        response = call(c, "POST", "/v1.41/containers/x/attach", stream=True,
                        headers=streams.UPGRADE_HEADERS)
        assert response.status_code == 101
        assert b"".join(streams.iter_raw(response)) == b"first second third"
        response.close()
        assert call(c, "GET").json() == {}
    assert server.connections == 2  # an upgraded connection is never reused


def test_hijacked_101_keeps_the_bytes_read_with_the_head(make_server: ServerFactory,
                                                         make_client: ClientFactory) -> None:
    server = make_server(Reply([UPGRADED + b"hello", 0.05, b" world"], end="close"))
    c = make_client(server)
    response = call(c, "POST", "/v1.41/exec/x/start", stream=True, data=b"{}",
                    headers=streams.UPGRADE_HEADERS)
    with streams.hijack(response) as hijacked:
        received = b""
        while len(received) < len(b"hello world"):
            data = hijacked.recv(4096)
            if not data:
                break
            received += data
    assert received == b"hello world"
    response.close()


def test_raw_is_a_urllib3_response(make_server: ServerFactory, make_client: ClientFactory) -> None:
    body = b"0123456789" * 10
    answer = head(200, chunked=True) + chunked_body(split_at(body, [3, 50]))
    server = make_server(*[keep(answer)] * 3)
    c = make_client(server)
    response = call(c, "GET", stream=True)
    raw = response.raw
    assert isinstance(raw, urllib3.response.HTTPResponse)
    assert isinstance(inspect.getattr_static(type(raw), "closed"), property)
    assert raw.closed is False and raw.status == 200
    buffer = bytearray(4)
    assert raw.readinto(buffer) == 4 and bytes(buffer) == b"0123"
    assert raw.read(6) == b"456789"
    assert b"".join(response.iter_content(7)) == body[10:]
    assert raw.closed is True
    response.close()
    assert call(c, "GET", stream=True).raw.data == body
    assert b"".join(call(c, "GET", stream=True).iter_content(None)) == body
    assert server.connections == 1


# == request bodies ==============================================================================


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


def _seeked(f: io.BytesIO, offset: int) -> io.BytesIO:
    f.seek(offset)
    return f


BIG = bytes(range(256)) * 6000  # 1.5 MB: more than one file block, more than one send
BODIES: list[tuple[str, Callable[[], Any]]] = [
    ("generator", lambda: generator(b"ab", b"", b"cd", b"x" * 70000)),
    ("text generator", lambda: generator("caf\xe9", "!")),
    ("empty generator", lambda: generator()),
    ("list of chunks", lambda: [b"ab", b"cd"]),
    ("file", lambda: io.BytesIO(BIG)),
    ("empty file", lambda: io.BytesIO(b"")),
    ("file at an offset", lambda: _seeked(io.BytesIO(b"skip-me:the rest"), 8)),
    ("unsized file", lambda: io.BufferedReader(_Unsized(b"piped " * 1000))),
    ("bytearray", lambda: bytearray(b"abcd")),
    ("memoryview", lambda: memoryview(b"abcdef")[1:5]),
    ("large bytes", lambda: BIG),
    ("form dict", lambda: {"form": "abcd", "b": "é"}),
    ("form pairs", lambda: [("form", "abcd"), ("form", "e f")]),
]
#: What the daemon receives for the generator bodies (empty chunks skipped, text as UTF-8).
SENT_BYTES = {"generator": b"abcd" + b"x" * 70000, "text generator": "caf\xe9!".encode()}


@pytest.mark.parametrize("name, body", BODIES, ids=[name for name, _ in BODIES])
def test_bodies_are_sent_as_requests_sends_them(make_server: ServerFactory,
                                                make_client: ClientFactory, name: str,
                                                body: Callable[[], Any]) -> None:
    server = make_server(keep(ok_json({"a": 1})), keep(ok_json({"a": 1})))
    c = make_client(server)
    assert call(c, "POST", data=body()).json() == {"a": 1}
    if name in SENT_BYTES:
        assert dechunk(server.requests[0].body) == SENT_BYTES[name]
        if not MODERN_URLLIB3:
            # requests 2.28 ends a generator's body at its first empty chunk and cannot send
            # text chunks: ours sends what requests 2.32 with urllib3 2 sends
            return
    assert genuine(c, "POST", data=body()).json() == {"a": 1}
    ours, theirs = server.requests
    assert ours.head == theirs.head
    if b"Transfer-Encoding: chunked" in header_lines(ours.head):
        assert dechunk(ours.body) == dechunk(theirs.body)
    else:
        assert ours.body == theirs.body


# == session settings and test libraries, honoured ===============================================


def _two_answers(make_server: ServerFactory) -> SockServer:
    return make_server(keep(ok_json({"a": 1})), keep(ok_json({"a": 1})))


def test_response_hooks_run(make_server: ServerFactory, make_client: ClientFactory) -> None:
    server = _two_answers(make_server)
    c = make_client(server)
    seen: list[tuple[int, bool]] = []
    c.hooks["response"].append(lambda response, **kwargs: seen.append(
        (response.status_code, kwargs["stream"])))
    c.hooks["response"].append(lambda response, **kwargs: setattr(response, "hooked", True))
    assert c.info() == {"a": 1}
    assert call(c, "GET", stream=True).hooked  # type: ignore[attr-defined]
    assert seen == [(200, False), (200, True)]


def test_session_auth_is_sent(make_server: ServerFactory, make_client: ClientFactory) -> None:
    server = _two_answers(make_server)
    c = make_client(server)
    c.auth = ("user", "secret")
    call(c, "GET")
    c.request("GET", url(c))
    assert b"Authorization: Basic dXNlcjpzZWNyZXQ=" in header_lines(server.requests[0].head)
    assert server.requests[0].head == server.requests[1].head


def test_netrc_is_read_when_the_environment_is_trusted(make_server: ServerFactory,
                                                       make_client: ClientFactory, sockdir: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    server = make_server(*[keep(ok_json({}))] * 3, unix=False)
    netrc = Path(sockdir) / "netrc"
    netrc.write_text("machine 127.0.0.1 login user password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    c = make_client(server)
    call(c, "GET")  # the client does not trust the environment unless told
    c.trust_env = True
    call(c, "GET")
    c.request("GET", url(c))
    assert not any(line.startswith(b"Authorization") for line in header_lines(server.requests[0].head))
    assert b"Authorization: Basic dXNlcjpzZWNyZXQ=" in header_lines(server.requests[1].head)
    assert server.requests[1].head == server.requests[2].head


def test_session_cookies_are_sent(make_server: ServerFactory, make_client: ClientFactory) -> None:
    server = make_server(keep(ok_json({})), keep(ok_json({})), keep(ok_json({})))
    c = make_client(server)
    c.cookies.set("session", "abc")
    call(c, "GET")
    c.request("GET", url(c))
    with genuine_session(c) as session:
        session.cookies.set("session", "abc")
        session.get(url(c))
    assert b"Cookie: session=abc" in header_lines(server.requests[0].head)
    assert server.requests[0].head == server.requests[1].head == server.requests[2].head


def test_session_params_are_sent(make_server: ServerFactory, make_client: ClientFactory) -> None:
    server = _two_answers(make_server)
    c = make_client(server)
    c.params = {"session": "1", "both": "s"}
    call(c, "GET", params={"call": "2", "both": "c"})
    c.request("GET", url(c), params={"call": "2", "both": "c"})
    assert server.requests[0].startswith(b"GET /v1.41/info?session=1&both=c&call=2 HTTP/1.1")
    assert server.requests[0].head == server.requests[1].head


def test_other_request_arguments_are_honoured(make_server: ServerFactory,
                                             make_client: ClientFactory) -> None:
    server = make_server(keep(ok_json({})), keep(ok_json({})))
    c = make_client(server)
    call(c, "POST", json={"a": ["é"]})
    call(c, "POST", files={"f": ("name.txt", b"file body")})
    as_json, multipart = server.requests
    assert as_json.body == b'{"a": ["\\u00e9"]}'
    assert b"Content-Type: application/json" in header_lines(as_json.head)
    assert b'name="f"; filename="name.txt"' in multipart.body and b"file body" in multipart.body
    # (a relative Location cannot be followed on http+unix:// URLs, by requests either)
    tcp = make_server(keep(head(301, {"Location": "/v1.41/moved"}, length=0)),
                      keep(ok_json({"at": 1})), unix=False)
    assert call(make_client(tcp), "GET", allow_redirects=True).json() == {"at": 1}
    assert tcp.requests[1].startswith(b"GET /v1.41/moved HTTP/1.1\r\n")


def test_a_url_of_another_daemon_reaches_it(make_server: ServerFactory,
                                             make_client: ClientFactory) -> None:
    server = make_server()
    other = make_server(keep(ok_json({"other": True})), unix=False)
    c = make_client(server)
    assert c._send("GET", f"http://127.0.0.1:{other.port}/x", {}).json() == {"other": True}
    assert server.requests == [] and other.requests[0].startswith(b"GET /x HTTP/1.1\r\n")


def test_proxies_are_used(make_client: ClientFactory) -> None:
    with SockServer(keep(ok_json({"via": "proxy"}))) as proxy:
        c = make_client(None, base_url="tcp://127.0.0.1:1")  # no daemon there: only the proxy
        c.proxies = {"http": proxy.url}
        assert call(c, "GET").json() == {"via": "proxy"}
    assert proxy.requests[0].startswith(b"GET http://127.0.0.1:1/v1.41/info HTTP/1.1")
    assert proxy.errors == []


def test_subclass_overriding_request_send_or_prepare_request_sees_every_call(
        make_server: ServerFactory, make_client: ClientFactory) -> None:
    seen: list[str] = []

    class WithRequest(Client):
        def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
            seen.append(f"request {method}")
            return super().request(method, url, *args, **kwargs)

    class WithSend(Client):
        def send(self, request: Any, **kwargs: Any) -> requests.Response:
            seen.append(f"send {request.method}")
            return super().send(request, **kwargs)

    class WithPrepare(Client):
        def prepare_request(self, request: Any) -> requests.PreparedRequest:
            seen.append(f"prepare {request.method}")
            return super().prepare_request(request)

    server = make_server(*[keep(ok_json({"a": 1}))] * 3)
    assert make_client(server, WithRequest).info() == {"a": 1}
    assert call(make_client(server, WithSend), "DELETE").json() == {"a": 1}
    assert call(make_client(server, WithPrepare), "POST").json() == {"a": 1}
    assert seen == ["request GET", "send DELETE", "prepare POST"]


def test_mounted_adapter_and_its_own_send_see_every_call(make_server: ServerFactory,
                                                         make_client: ClientFactory) -> None:
    seen: list[str] = []
    server = make_server(*[keep(ok_json({"a": 1}))] * 3)
    c = make_client(server)
    adapter = c.get_adapter(url(c))

    class Counting(type(adapter)):  # type: ignore[misc]
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(request.url)
            return super().send(request, *args, **kwargs)

    call(c, "GET")
    assert seen == []
    adapter.__class__ = Counting
    assert call(c, "GET").json() == {"a": 1}
    assert seen == [url(c)]

    class Plain(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append("plain")
            response = requests.Response()
            response.status_code, response._content = 200, b'{"plain": true}'
            response.request, response.url = request, request.url
            return response

    c.mount(c.base_url, Plain())
    assert c.info() == {"plain": True} and seen[-1] == "plain"


def test_responses_library_sees_every_call(make_server: ServerFactory,
                                           make_client: ClientFactory) -> None:
    server = _two_answers(make_server)
    c = make_client(server)
    assert call(c, "GET").json() == {"a": 1}  # the adapter's pool is made and used first
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, url(c), json={"mocked": True})
        assert call(c, "GET").json() == {"mocked": True}
        assert c.info() == {"mocked": True}
        assert len(mocked.calls) == 2
    assert len(server.requests) == 1
    assert call(c, "GET").json() == {"a": 1}


RESPONSES_FIRST = """
import responses
responses.start()
responses.add(responses.GET, "http://127.0.0.1:1/v1.41/info", json={"mocked": True})
responses.add(responses.POST, "http://127.0.0.1:1/v1.41/containers/x/start", status=204)
import docker_client
with docker_client.Client(base_url="tcp://127.0.0.1:1", version="1.41", timeout=5) as c:
    assert c.info() == {"mocked": True}
    c.start("x")
    assert [call.request.method for call in responses.calls] == ["GET", "POST"]
responses.stop()
responses.reset()
print("seen by responses")
"""


def test_responses_started_before_docker_client_is_imported() -> None:
    root = str(Path(docker_client.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-W", "error", "-c", RESPONSES_FIRST], env=env,
                          capture_output=True, text=True, timeout=60, cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "seen by responses"


# == logging ===================================================================================


def test_debug_log_line_per_call(make_server: ServerFactory, make_client: ClientFactory,
                                 caplog: pytest.LogCaptureFixture) -> None:
    server = make_server(keep(head(200, {"Api-Version": "1.41"}, length=2) + b"OK"),
                         keep(head(404, reason="Not Found", length=0)),
                         keep(ok_json({"status": "ok"})))
    c = make_client(server)
    secret = "c2VjcmV0LWNyZWRlbnRpYWxzLXZhbHVl"
    with caplog.at_level(logging.DEBUG, logger="docker_client.transport"):
        assert c.ping() is True
        assert call(c, "GET", "/v1.41/images/x/json").status_code == 404
        call(c, "POST", "/v1.41/images/x/push", headers={"X-Registry-Auth": secret})
    lines = [r for r in caplog.records if r.name == "docker_client.transport"]
    assert len(lines) == 3
    assert re.fullmatch(r"GET (/v1\.41)?/_ping -> 200 OK \(\d+\.\d ms\)", lines[0].getMessage())
    assert lines[1].getMessage().startswith("GET /v1.41/images/x/json -> 404 Not Found (")
    assert lines[2].getMessage().startswith("POST /v1.41/images/x/push -> 200 OK (")
    assert all(secret not in record.getMessage() and secret not in str(record.args)
               for record in caplog.records)
    assert secret.encode() in server.requests[2].head  # it was sent, only not logged
