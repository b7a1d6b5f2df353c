"""docker_client.buildkit without a daemon: the trace decoder on traces recorded from Engine 28.5
(tests/unit/data/buildkit_trace_*.jsonl), the plain renderer, gRPC framing, and the session's
HTTP/2 server driven by an h2 client over a socket pair.
"""
from __future__ import annotations

import base64
import io
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Dict, List, Tuple

import h2.config
import h2.connection
import h2.events
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docker_client import Client, errors, streams
from docker_client.buildkit import Session, Trace, TraceDecodeError, decode_status
from docker_client.buildkit.http2 import GrpcError, Http2Server, grpc_frame, grpc_unframe
from docker_client.buildkit.render import format_bytes
from docker_client.buildkit.session import CREDENTIALS, GET_SECRET, HEALTH_CHECK, read_secrets
from docker_client.progress import show

DATA = Path(__file__).resolve().parent / "data"
REPO_ROOT = Path(__file__).resolve().parents[2]


def _raw(name: str) -> bytes:
    return (DATA / f"buildkit_trace_{name}.jsonl").read_bytes()


def _documents(name: str) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in _raw(name).splitlines() if line.strip()]


def _trace(name: str) -> Trace:
    trace = Trace()
    for document in _documents(name):
        trace.feed(document)
    return trace


# -- the generated messages --------------------------------------------------------------------

def test_the_committed_messages_are_what_protoc_makes() -> None:
    result = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "gen_buildkit_pb.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


# -- the trace ---------------------------------------------------------------------------------

def test_a_build_trace_decodes_step_by_step() -> None:
    trace = _trace("ok")
    names = [step.name for step in trace.steps]
    assert names == [
        "[internal] load remote build context", "copy /context /",
        "[internal] load metadata for docker.io/dctest/busybox:latest",
        "[3/3] RUN false || true", "[2/3] RUN echo hello && echo err >&2",
        "[1/3] FROM docker.io/dctest/busybox:latest", "exporting to image"]
    run = next(step for step in trace.steps if step.name.startswith("[2/3]"))
    assert run.done and not run.cached and not run.error
    assert run.started is not None and run.completed is not None and 0 < (run.duration or 0) < 5
    assert run.output(1) == b"hello\n" and run.output(2) == b"err\n"
    assert [line.stream for line in run.logs] == [2, 1] or [line.stream for line in run.logs] == [1, 2]
    assert len(run.inputs) == 1 and trace.step(run.inputs[0]).name.startswith("[1/3] FROM")
    export = trace.steps[-1]
    assert list(export.progress) == [
        "exporting layers", f"writing image {trace.image_id}", "naming to docker.io/library/bk1:latest"]
    assert all(p.completed is not None for p in export.progress.values())
    assert trace.image_id and trace.image_id.startswith("sha256:") and trace.error is None
    assert [step.number for step in trace.steps] == list(range(1, 8))


def test_a_second_build_is_cached() -> None:
    trace = _trace("cached")
    cached = {step.name for step in trace.steps if step.cached}
    assert {"[2/3] RUN echo hello && echo err >&2", "[3/3] RUN false || true"} <= cached
    assert all(not step.logs for step in trace.steps)
    assert trace.image_id == _trace("ok").image_id  # the same image: every step from the cache


def test_a_failed_step_carries_its_error_and_its_output() -> None:
    trace = _trace("failed")
    step = trace.failed_step
    assert step is not None and step.name == "[2/2] RUN echo about to fail; echo oops >&2; exit 3"
    assert step.error.endswith("did not complete successfully: exit code: 3")
    assert step.output() == b"about to fail\noops\n"
    assert trace.error and "exit code: 3" in trace.error and trace.image_id is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=40))
def test_any_split_of_the_stream_gives_the_same_trace(sizes: List[int]) -> None:
    raw = _raw("ok")
    chunks, offset = [], 0
    for size in sizes * (len(raw) // max(1, sum(sizes)) + 1):
        if offset >= len(raw):
            break
        chunks.append(raw[offset:offset + size])
        offset += size
    chunks.append(raw[offset:])
    trace = Trace()
    for document in streams.iter_json(iter(chunks)):
        trace.feed(document)
    expected = _trace("ok")
    assert [(s.name, s.cached, s.completed, s.output()) for s in trace.steps] == \
        [(s.name, s.cached, s.completed, s.output()) for s in expected.steps]
    assert trace.image_id == expected.image_id


@pytest.mark.parametrize("aux", [
    "not base64!", "QUJD=", "QUJDRA", 42, None, {"ID": "x"},
])
def test_aux_that_is_not_base64_text_is_our_error(aux: Any) -> None:
    with pytest.raises(TraceDecodeError):
        Trace().feed({"id": "moby.buildkit.trace", "aux": aux})


def test_a_truncated_message_is_our_error() -> None:
    aux = _documents("ok")[0]["aux"]
    raw = base64.b64decode(aux)
    for cut in range(1, len(raw)):
        piece = base64.b64encode(raw[:cut]).decode()
        try:
            decode_status(piece)
        except TraceDecodeError as exc:
            assert "not a valid protobuf message" in str(exc)
        # a cut at a field boundary is a shorter valid message: decoded, never another exception


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_garbage_decodes_or_is_our_error(garbage: bytes) -> None:
    try:
        decode_status(base64.b64encode(garbage).decode())
    except TraceDecodeError:
        pass


def test_trace_errors_are_stream_parse_errors() -> None:
    assert issubclass(TraceDecodeError, errors.StreamParseError)
    assert issubclass(TraceDecodeError, errors.DockerException)


# -- the renderer ------------------------------------------------------------------------------

def test_the_trace_is_shown_as_docker_build_plain() -> None:
    out = io.StringIO()
    documents = show([line for line in _raw("ok").splitlines() if line.strip()], file=out)
    assert len(documents) == len(_documents("ok"))
    text = out.getvalue()
    blocks = text.strip().split("\n\n")
    assert blocks[0] == "#1 [internal] load remote build context\n#1 DONE 0.0s"
    assert "#2 copy /context /\n#2 CACHED" in blocks
    run = next(block for block in blocks if "RUN echo hello" in block).splitlines()
    number = run[0].split()[0]
    assert run[0] == f"{number} [2/3] RUN echo hello && echo err >&2"
    assert sorted(line.split(" ", 2)[2] for line in run[1:3]) == ["err", "hello"]
    assert all(line.split(" ", 2)[1].startswith("0.0") for line in run[1:3])  # seconds into the step
    assert run[3] == f"{number} DONE 0.1s"
    assert blocks[-1].splitlines()[-1].endswith(" DONE 0.0s")
    assert "naming to docker.io/library/bk1:latest done" in blocks[-1]


def test_a_cached_build_shows_cached_steps() -> None:
    out = io.StringIO()
    show(_documents("cached"), file=out)
    assert "[2/3] RUN echo hello && echo err >&2\n#5 CACHED" in out.getvalue()


def test_a_failed_step_is_shown_then_raised_as_build_error() -> None:
    out = io.StringIO()
    with pytest.raises(errors.BuildError) as caught:
        show(_documents("failed"), file=out)
    text = out.getvalue()
    assert "#5 [2/2] RUN echo about to fail; echo oops >&2; exit 3\n#5 0.058 about to fail\n#5 0.058 oops\n" \
        "#5 ERROR: process" in text
    error = caught.value
    assert str(error).splitlines() == [
        '[2/2] RUN echo about to fail; echo oops >&2; exit 3: process "/bin/sh -c echo about to fail; '
        'echo oops >&2; exit 3" did not complete successfully: exit code: 3',
        " > about to fail", " > oops"]
    assert error.step.name.startswith("[2/2] RUN")  # type: ignore[attr-defined]
    assert error.build_log[-1]["errorDetail"]


@pytest.mark.parametrize(("count", "text"), [
    (0, "0B"), (999, "999B"), (1000, "1.00kB"), (1234, "1.23kB"), (45_600_000, "45.60MB"),
    (3 * 10**12, "3.00TB"),
])
def test_bytes_are_shown_in_decimal_units(count: int, text: str) -> None:
    assert format_bytes(count) == text


# -- gRPC framing ------------------------------------------------------------------------------

def test_grpc_messages_are_length_prefixed() -> None:
    assert grpc_frame(b"abc") == b"\x00\x00\x00\x00\x03abc"
    assert grpc_unframe(grpc_frame(b"abc")) == b"abc"
    for bad in (b"", b"\x00\x00\x00", b"\x00\x00\x00\x00\x05abc", b"\x00\x00\x00\x00\x01ab"):
        with pytest.raises(GrpcError):
            grpc_unframe(bad)
    with pytest.raises(GrpcError) as caught:
        grpc_unframe(b"\x01\x00\x00\x00\x01a")
    assert caught.value.code == 12


# -- the session's HTTP/2 server ---------------------------------------------------------------

class _Daemon:
    """The daemon's side of a session: an h2 client calling over a socket pair."""

    def __init__(self, server_sock: socket.socket, client_sock: socket.socket) -> None:
        self.sock = client_sock
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True,
                                                                          header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.sock.sendall(self.conn.data_to_send())

    def call(self, path: str, message: bytes) -> Tuple[Dict[str, str], bytes, Dict[str, str]]:
        stream_id = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream_id, [(":method", "POST"), (":scheme", "http"), (":path", path),
                                           (":authority", "localhost"), ("content-type", "application/grpc"),
                                           ("te", "trailers")])
        self.conn.send_data(stream_id, grpc_frame(message), end_stream=True)
        self.sock.sendall(self.conn.data_to_send())
        headers: Dict[str, str] = {}
        trailers: Dict[str, str] = {}
        body = bytearray()
        while True:
            data = self.sock.recv(65536)
            assert data, "the server closed the connection"
            for event in self.conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived) and event.stream_id == stream_id:
                    headers = dict(event.headers)
                elif isinstance(event, h2.events.DataReceived) and event.stream_id == stream_id:
                    body.extend(event.data)
                    self.conn.acknowledge_received_data(event.flow_controlled_length, stream_id)
                elif isinstance(event, h2.events.TrailersReceived) and event.stream_id == stream_id:
                    trailers = dict(event.headers)
                elif isinstance(event, h2.events.StreamEnded) and event.stream_id == stream_id:
                    self.sock.sendall(self.conn.data_to_send())
                    return headers, bytes(body), trailers
            self.sock.sendall(self.conn.data_to_send())


class _FakeClient:
    credstore_env = None

    def __init__(self, auths: Dict[str, Any]) -> None:
        from docker_client import auth

        self._auth_configs = auth.AuthConfig({"auths": auths})


def _serving(session: Session) -> Tuple[_Daemon, threading.Thread, socket.socket]:
    server_sock, client_sock = socket.socketpair()
    thread = threading.Thread(target=Http2Server(server_sock, session._call).run, daemon=True)
    thread.start()
    return _Daemon(server_sock, client_sock), thread, server_sock


def test_the_session_serves_health_credentials_and_secrets() -> None:
    from docker_client.buildkit import _protobuf

    pb = _protobuf.modules()
    big = bytes(range(256)) * 1024  # 256 KiB: beyond the default HTTP/2 windows of 64 KiB
    client: Any = _FakeClient({"127.0.0.1:5001": {"username": "me", "password": "pw"}})
    session = Session(client, secrets={"tok": b"s3cret", "big": big})
    assert set(session.methods) == {HEALTH_CHECK, CREDENTIALS, GET_SECRET}
    daemon, thread, server_sock = _serving(session)

    headers, body, trailers = daemon.call(HEALTH_CHECK, b"")
    assert headers[":status"] == "200" and headers["content-type"] == "application/grpc"
    assert trailers["grpc-status"] == "0"
    assert pb.buildkit_health_pb2.HealthCheckResponse.FromString(grpc_unframe(body)).status == 1

    request = pb.buildkit_auth_pb2.CredentialsRequest(Host="127.0.0.1:5001").SerializeToString()
    _, body, trailers = daemon.call(CREDENTIALS, request)
    answer = pb.buildkit_auth_pb2.CredentialsResponse.FromString(grpc_unframe(body))
    assert (answer.Username, answer.Secret, trailers["grpc-status"]) == ("me", "pw", "0")

    request = pb.buildkit_auth_pb2.CredentialsRequest(Host="registry-1.docker.io").SerializeToString()
    _, body, _ = daemon.call(CREDENTIALS, request)
    answer = pb.buildkit_auth_pb2.CredentialsResponse.FromString(grpc_unframe(body))
    assert (answer.Username, answer.Secret) == ("", "")  # no credential of another host

    for ident, value in (("tok", b"s3cret"), ("big", big)):
        request = pb.buildkit_secrets_pb2.GetSecretRequest(ID=ident).SerializeToString()
        _, body, trailers = daemon.call(GET_SECRET, request)
        assert pb.buildkit_secrets_pb2.GetSecretResponse.FromString(grpc_unframe(body)).data == value

    request = pb.buildkit_secrets_pb2.GetSecretRequest(ID="nope").SerializeToString()
    _, body, trailers = daemon.call(GET_SECRET, request)
    assert body == b"" and trailers["grpc-status"] == "5" and "nope" in trailers["grpc-message"]

    _, body, trailers = daemon.call("/moby.sshforward.v1.SSH/ForwardAgent", b"")
    assert trailers["grpc-status"] == "12"

    _, _, trailers = daemon.call(HEALTH_CHECK, b"\x00\x00\x00")  # a malformed request
    assert trailers["grpc-status"] == "13"

    assert session.calls == [(CREDENTIALS, "127.0.0.1:5001"), (CREDENTIALS, "registry-1.docker.io"),
                             (GET_SECRET, "tok"), (GET_SECRET, "big"), (GET_SECRET, "nope"),
                             ("/moby.sshforward.v1.SSH/ForwardAgent", "")]
    daemon.sock.close()
    thread.join(5)
    assert not thread.is_alive()  # the daemon's close ends the server
    server_sock.close()


def test_an_identity_token_is_sent_as_the_secret() -> None:
    client: Any = _FakeClient({"reg.example:5000": {"identitytoken": "tok-123", "username": "u"}})
    session = Session(client)
    assert session._lookup("reg.example:5000") == ("", "tok-123")
    assert GET_SECRET not in session.methods  # no secrets: the service is not announced


def test_secrets_are_bytes_or_paths(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_bytes(b"from a file")
    assert read_secrets({"a": b"x", "b": str(path), "c": path}) == {"a": b"x", "b": b"from a file",
                                                                  "c": b"from a file"}
    with pytest.raises(errors.InvalidType):
        read_secrets({"a": 42})  # type: ignore[dict-item]
    with pytest.raises(errors.InvalidArgument) as caught:
        read_secrets({"a": str(tmp_path / "missing")})
    assert "missing" in str(caught.value)
    with pytest.raises(errors.InvalidArgument):
        read_secrets({"": b"x"})


# -- build(version=...) before anything is sent ----------------------------------------------

def test_build_arguments_are_checked_before_sending() -> None:
    client = Client(base_url="unix:///nonexistent/docker.sock", version="1.41")
    dockerfile = io.BytesIO(b"FROM scratch\n")
    with pytest.raises(errors.InvalidArgument, match="'1' .* or '2'"):
        client.build(fileobj=dockerfile, version="3")
    with pytest.raises(errors.InvalidArgument, match="secrets need BuildKit"):
        client.build(fileobj=dockerfile, secrets={"a": b"x"})
    with pytest.raises(errors.InvalidVersion):
        old = Client(base_url="unix:///nonexistent/docker.sock", version="1.38")
        old.build(fileobj=dockerfile, version="2")


def test_without_the_extra_a_build_runs_without_a_session(monkeypatch: pytest.MonkeyPatch) -> None:
    import responses

    from docker_client.buildkit import _protobuf

    def missing() -> Any:
        raise errors.DockerException("BuildKit's messages need the protobuf package")

    monkeypatch.setattr(_protobuf, "modules", missing)
    host = "http://127.0.0.1:2375"
    with responses.RequestsMock() as rsps, Client(base_url="tcp://127.0.0.1:2375", version="1.41") as client:
        rsps.add(responses.HEAD, f"{host}/v1.41/_ping",
                 headers={"Api-Version": "1.41", "Builder-Version": "2"})
        rsps.add(responses.POST, f"{host}/v1.41/build", body=_raw("ok"))
        documents = list(client.build(fileobj=io.BytesIO(b"FROM scratch\n"), version="2", decode=True))
        assert documents == _documents("ok")
        sent = [call.request for call in rsps.calls if "/build" in call.request.url][0]
        assert "version=2" in sent.url and "session=" not in sent.url
        with pytest.raises(errors.DockerException, match="protobuf"):
            client.build(fileobj=io.BytesIO(b"FROM scratch\n"), version="2", secrets={"a": b"x"})
        assert len([call for call in rsps.calls if "/build" in call.request.url]) == 1
