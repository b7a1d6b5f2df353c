"""What the transport raises when a call fails, over real sockets (TCP and unix) and TLS: each
failure is ours (DockerConnectionError, DockerTimeout, StreamInterrupted, APIError), says its true
cause (refused, no socket, permission, name resolution, proxy, certificate, timeout, a body cut
short, an answer that is not HTTP) and chains the low-level one; the client stays usable after.
Also the timeouts of streaming calls: the client's timeout limits the wait for the answer's
head, never the body that follows."""
from __future__ import annotations

import datetime
import gzip
import io
import ipaddress
import json
import os
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest
import requests
import urllib3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import docker_client
from docker_client import Client, streams
from docker_client.errors import (
    APIError,
    DockerConnectionError,
    DockerTimeout,
    NotFound,
    StreamInterrupted,
)
from docker_client.tls import TLSConfig
from docker_client.transport import HeadTimeout
from docker_client.transport.failures import ConnectFailure, translate

from .sockserver import LAST_CHUNK, Reply, SockServer, chunk, chunked_body, head
from .transport_support import (
    ClientFactory,
    ServerFactory,
    keep,
    no_resource_warnings,
    ok_json,
    resource_warnings_ignored,
    split_at,
)

FEW = settings(deadline=None, database=None, max_examples=50,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def call(c: Client, method: str = "GET", path: str = "/v1.41/info",
         **kwargs: Any) -> requests.Response:
    """One of the client's own calls (``Client._send``, as every API method makes them)."""
    return c._send(method, c.base_url + path, kwargs)


def raised(run: Callable[[], Any], expected: type[BaseException]) -> tuple[BaseException, float]:
    """The exception ``run`` raised (of type ``expected``) and how long it took."""
    started = time.monotonic()
    with pytest.raises(expected) as info:
        run()
    return info.value, time.monotonic() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# == connecting ==================================================================================


def test_refused_connection_says_so_quickly() -> None:
    with Client(base_url="tcp://127.0.0.1:1", version="1.41", timeout=10) as c:
        error, took = raised(c.ping, DockerConnectionError)
    message = str(error)
    assert "connection refused" in message and "timed out" not in message
    assert "http://127.0.0.1:1" in message and not isinstance(error, StreamInterrupted)
    assert isinstance(error.__cause__, ConnectFailure)
    assert isinstance(error.__cause__.__cause__, ConnectionRefusedError)
    assert took < 2


def test_nothing_listening_names_the_address(
        transport: str, sockdir: str) -> None:
    if transport == "unix":
        path = str(Path(sockdir) / "docker.sock")
        base, where = "unix://" + path, path
    else:
        port = free_port()
        base, where = f"tcp://127.0.0.1:{port}", f"127.0.0.1:{port}"
    with no_resource_warnings(), Client(base_url=base, version="1.41", timeout=10) as c:
        for _ in range(2):
            error, _ = raised(c.ping, DockerConnectionError)
            assert where in str(error) and error.__cause__ is not None
            del error
        if transport == "unix":  # the daemon starts: the same client reaches it
            ping = keep(head(200, {"Api-Version": "1.41"}, length=2) + b"OK")
            with SockServer(ping, unix_path=path) as server:
                assert c.ping() is True
            assert server.errors == []


def test_no_socket_at_the_path(sockdir: str) -> None:
    path = str(Path(sockdir) / "absent" / "docker.sock")
    with Client(base_url="unix://" + path, version="1.41", timeout=10) as c:
        error, took = raised(c.ping, DockerConnectionError)
    assert f"no socket at {path}" in str(error) and took < 2
    assert isinstance(error.__cause__.__cause__, FileNotFoundError)  # type: ignore[union-attr]


PERMISSION_CHILD = """
import os, sys
import docker_client
from docker_client.errors import DockerConnectionError
with docker_client.Client(base_url="unix://" + sys.argv[1], version="1.41", timeout=5) as c:
    if os.geteuid() == 0:  # become nobody (everything is imported by now)
        os.setgid(65534)
        os.setuid(65534)
    try:
        c.ping()
    except DockerConnectionError as exc:
        print(type(exc.__cause__.__cause__).__name__, exc, sep="|")
"""


def test_permission_denied_on_the_socket(sockdir: str) -> None:
    """A socket this user may not open (as root the test runs the client as nobody)."""
    os.chmod(sockdir, 0o755)
    path = str(Path(sockdir) / "docker.sock")
    with SockServer(unix_path=path) as server:
        os.chmod(path, 0)
        root = str(Path(docker_client.__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
        done = subprocess.run([sys.executable, "-W", "error", "-c", PERMISSION_CHILD, path],
                              env=env, capture_output=True, text=True, timeout=60, cwd="/")
    assert done.returncode == 0, done.stderr
    cause, message = done.stdout.strip().split("|")
    assert cause == "PermissionError" and "permission denied" in message and path in message
    assert server.connections == 0


def test_permission_denied_in_the_failures_table() -> None:
    path = "/var/run/docker.sock"
    error = translate(ConnectFailure(PermissionError(13, "Permission denied"), path), path)
    assert isinstance(error, DockerConnectionError)
    assert "permission denied" in str(error) and path in str(error)


def test_unresolvable_host_name() -> None:
    with Client(base_url="tcp://no-such-host.invalid:2375", version="1.41", timeout=10) as c:
        error, _ = raised(c.ping, DockerConnectionError)
    assert "cannot resolve the host name" in str(error) and "no-such-host.invalid" in str(error)
    assert isinstance(error.__cause__.__cause__, socket.gaierror)  # type: ignore[union-attr]


def test_proxy_failure_names_the_proxy() -> None:
    with SockServer(keep(ok_json({}))) as daemon:  # the daemon is up: only the proxy is down
        with Client(base_url=f"tcp://127.0.0.1:{daemon.port}", version="1.41", timeout=10) as c:
            c.proxies = {"http": "http://127.0.0.1:1"}
            error, took = raised(c.info, DockerConnectionError)
    message = str(error)
    assert "proxy" in message and "cannot connect to the Docker daemon" not in message
    assert error.__cause__ is not None and took < 5
    assert daemon.requests == []


def _urllib3_connect_timeout(explicit: bool) -> requests.exceptions.ConnectTimeout:
    """What requests' own adapter raises for a connect timeout: urllib3 2 chains the socket's
    timeout with ``from``, urllib3 1.26 only implicitly."""
    try:
        try:
            raise socket.timeout("timed out")
        except socket.timeout as timeout:
            error = urllib3.exceptions.ConnectTimeoutError(
                None, "Connection to 10.1.2.3 timed out. (connect timeout=1)")
            if explicit:
                raise error from timeout
            raise error  # noqa: B904 - as urllib3 1.26 raises it
    except urllib3.exceptions.ConnectTimeoutError as error:
        return requests.exceptions.ConnectTimeout(urllib3.exceptions.MaxRetryError(
            None, "/_ping", error))  # type: ignore[arg-type]


@pytest.mark.parametrize("failure", [
    ConnectFailure(socket.timeout("timed out"), "tcp://10.1.2.3:2375"),
    ConnectFailure(TimeoutError("timed out"), "tcp://10.1.2.3:2375"),
    _urllib3_connect_timeout(explicit=True),
    _urllib3_connect_timeout(explicit=False),
], ids=["socket.timeout", "TimeoutError", "urllib3 2", "urllib3 1.26"])
def test_connect_timeout_in_the_failures_table(failure: Exception) -> None:
    error = translate(failure, "http://10.1.2.3:2375")
    assert isinstance(error, DockerConnectionError) and not isinstance(error, DockerTimeout)
    assert str(error) == "timed out connecting to the Docker daemon at http://10.1.2.3:2375"


# -- TLS -----------------------------------------------------------------------------------------


class PKI:
    """Certificates for the TLS tests: a CA, daemon certificates it signs (for localhost and
    127.0.0.1, or for another name), one it did not sign, a self-signed one."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        try:
            import cryptography  # noqa: F401
        except ImportError:  # pragma: no cover - cryptography is installed where we run
            self._with_openssl()
        else:
            self._with_cryptography()

    def _with_cryptography(self) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        now = datetime.datetime.now(datetime.timezone.utc)

        def issue(name: str, sans: list[Any], issuer: Any = None, ca: bool = False) -> Any:
            key = ec.generate_private_key(ec.SECP256R1())
            subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
            signer_key, signer_name = (issuer[0], issuer[1].subject) if issuer else (key, subject)
            builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(signer_name)
                       .public_key(key.public_key()).serial_number(x509.random_serial_number())
                       .not_valid_before(now - datetime.timedelta(days=1))
                       .not_valid_after(now + datetime.timedelta(days=2))
                       .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
            if sans:
                builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
            if ca:
                builder = builder.add_extension(x509.KeyUsage(
                    digital_signature=True, key_cert_sign=True, crl_sign=True,
                    content_commitment=False, key_encipherment=False, data_encipherment=False,
                    key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            cert = builder.sign(signer_key, hashes.SHA256())
            (self.directory / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
            (self.directory / f"{name}.key").write_bytes(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
            return key, cert

        local = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        ca = issue("ca", [], ca=True)
        other_ca = issue("other-ca", [], ca=True)
        issue("daemon", local, ca)
        issue("elsewhere", [x509.DNSName("other.example")], ca)
        issue("foreign", local, other_ca)
        issue("self-signed", local)

    def _with_openssl(self) -> None:  # pragma: no cover - see __init__
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.fail("neither the cryptography package nor the openssl command is there")

        def run(*args: str) -> None:
            subprocess.run([openssl, *args], check=True, capture_output=True, cwd=self.directory)

        def new(name: str, *extra: str) -> list[str]:
            return ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", f"{name}.key", "-subj", f"/CN={name}", *extra]

        local = "subjectAltName=DNS:localhost,IP:127.0.0.1"
        for ca in ("ca", "other-ca"):
            run(*new(ca, "-x509", "-days", "2", "-out", f"{ca}.pem"))
        run(*new("self-signed", "-x509", "-days", "2", "-addext", local, "-out", "self-signed.pem"))
        for name, ca, sans in (("daemon", "ca", local), ("foreign", "other-ca", local),
                               ("elsewhere", "ca", "subjectAltName=DNS:other.example")):
            (self.directory / f"{name}.ext").write_text(sans + "\n")
            run(*new(name, "-out", f"{name}.csr"))
            run("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
                "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext", "-out", f"{name}.pem")

    def path(self, name: str, kind: str = "pem") -> str:
        return str(self.directory / f"{name}.{kind}")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    return PKI(tmp_path_factory.mktemp("pki"))


class TLSServer:
    """A TLS daemon on 127.0.0.1 answering each ping; records the handshakes that failed."""

    ANSWER = b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nConnection: close\r\nContent-Length: 2\r\n\r\nOK"

    def __init__(self, pki: PKI, name: str) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(pki.path(name), pki.path(name, "key"))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.failed: list[BaseException] = []
        self.answered = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TLSServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(10)
        self.listener.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            conn.settimeout(5)
            try:
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    data = b""
                    while b"\r\n\r\n" not in data:
                        more = tls.recv(65536)
                        if not more:
                            break
                        data += more
                    tls.sendall(self.ANSWER)
                    self.answered += 1
            except (ssl.SSLError, OSError) as exc:
                self.failed.append(exc)
            finally:
                conn.close()


def _tls_ping(pki: PKI, certificate: str, host: str = "127.0.0.1") -> tuple[Any, TLSServer]:
    with TLSServer(pki, certificate) as server:
        tls = TLSConfig(ca_cert=pki.path("ca"), verify=True)
        with Client(base_url=f"tcp://{host}:{server.port}", version="1.41", timeout=10,
                    tls=tls) as c:
            assert c.base_url.startswith("https://")
            try:
                return c.ping(), server
            except DockerConnectionError as exc:
                return exc, server


def test_tls_with_a_trusted_certificate_works(pki: PKI) -> None:
    result, server = _tls_ping(pki, "daemon")
    assert result is True and server.answered == 1 and server.failed == []


@pytest.mark.parametrize("certificate, why", [("self-signed", "self-signed certificate"),
                                              ("foreign", "unable to get local issuer certificate")])
def test_tls_untrusted_certificate_says_it_did_not_verify_and_why(pki: PKI, certificate: str,
                                                                  why: str) -> None:
    error, server = _tls_ping(pki, certificate)
    assert isinstance(error, DockerConnectionError), error
    message = str(error).replace("self signed", "self-signed")  # OpenSSL < 3 spells it so
    assert "TLS" in message and "certificate did not verify" in message and why in message
    assert isinstance(error.__cause__.__cause__, ssl.SSLCertVerificationError)
    assert server.answered == 0


@pytest.mark.parametrize("host, mismatch", [("localhost", "Hostname mismatch"),
                                            ("127.0.0.1", "IP address mismatch")])
def test_tls_hostname_mismatch_says_so(pki: PKI, host: str, mismatch: str) -> None:
    error, server = _tls_ping(pki, "elsewhere", host)
    assert isinstance(error, DockerConnectionError), error
    assert "certificate did not verify" in str(error) and mismatch in str(error)
    assert f"not valid for '{host}'" in str(error)
    assert error.__cause__ is not None and server.answered == 0


# == the answer ==================================================================================


@pytest.mark.parametrize("timeout", ["client", 0.3, (10, 0.3), urllib3.Timeout(connect=10, read=0.3),
                                     HeadTimeout(10, 0.3)], ids=str)
def test_silent_daemon_times_out_and_its_late_answer_is_not_misattributed(
        make_server: ServerFactory, make_client: ClientFactory, timeout: Any) -> None:
    server = make_server(keep(1.0, ok_json({"late": True})), keep(ok_json({"on": "time"})))
    c = make_client(server, timeout=0.3 if timeout == "client" else 10)
    kwargs = {} if timeout == "client" else {"timeout": timeout}
    with no_resource_warnings():
        error, took = raised(lambda: call(c, **kwargs), DockerTimeout)
        assert "did not answer in time" in str(error) and error.__cause__ is not None
        assert 0.25 < took < 2
        del error
        c.timeout = 10
        assert call(c).json() == {"on": "time"}
    assert server.connections == 2


BODY_STOPS = [head(200, length=100) + b"x" * 10, head(200, chunked=True) + chunk(b"x" * 10)]
#: The daemon says nothing for 5 s, then closes: a client that does not time out fails in 5 s
#: (with another error) rather than waiting forever.
SILENCE = 5.0


@pytest.mark.parametrize("answer", BODY_STOPS, ids=["length", "chunked"])
def test_body_that_stops_coming_times_out(make_server: ServerFactory, make_client: ClientFactory,
                                          answer: bytes) -> None:
    server = make_server(Reply([answer, SILENCE]), Reply([answer, SILENCE]), keep(ok_json({})))
    c = make_client(server, timeout=0.3)
    with resource_warnings_ignored():  # see test_non_streamed_answer_whose_body_failed_...
        error, took = raised(lambda: call(c), DockerTimeout)
        assert error.__cause__ is not None and took < 2
        del error
    with no_resource_warnings():
        streamed = call(c, stream=True)
        received: list[bytes] = []
        with pytest.raises(DockerTimeout):
            for block in streams.iter_raw(streamed):
                received.append(block)
        assert b"".join(received) == b"x" * 10
        streamed.close()
        del streamed
        assert call(c).json() == {}


CUT_SHORT = {
    "length": head(200, length=100) + b"x" * 10,
    "in a chunk": head(200, chunked=True) + chunk(b"x" * 10) + b"20\r\nab",
    "in a size line": head(200, chunked=True) + chunk(b"x" * 10) + b"2",
    "no last chunk": head(200, chunked=True) + chunk(b"x" * 10),
    "in the trailers": head(200, chunked=True) + chunk(b"x" * 10) + b"0\r\n",
    "gzip": head(200, {"Content-Encoding": "gzip"}, length=100) + gzip.compress(b"x" * 1000)[:30],
}


@pytest.mark.parametrize("name", sorted(CUT_SHORT))
@pytest.mark.parametrize("ending", ["close", "reset"])
def test_body_cut_short_is_interrupted(make_server: ServerFactory, make_client: ClientFactory,
                                       name: str, ending: str) -> None:
    answer = CUT_SHORT[name]
    server = make_server(Reply([answer, 0.05], end=ending), Reply([answer, 0.05], end=ending),
                         keep(ok_json({})))
    c = make_client(server)
    with resource_warnings_ignored():  # see test_non_streamed_answer_whose_body_failed_...
        error, _ = raised(lambda: c._result(call(c)), StreamInterrupted)
        assert error.__cause__ is not None
        del error
    with no_resource_warnings():
        streamed = call(c, stream=True)
        received = []
        with pytest.raises(StreamInterrupted) as info:
            for block in streams.iter_raw(streamed):
                received.append(block)
        assert info.value.__cause__ is not None
        if name != "gzip":
            assert (b"x" * 10 + b"ab").startswith(b"".join(received))
        streamed.close()
        del streamed, info
        assert call(c).json() == {}


@FEW
@given(payload=st.binary(min_size=1, max_size=3000), data=st.data(), chunked=st.booleans(),
       reset=st.booleans())
def test_any_body_cut_short_is_interrupted(payload: bytes, data: st.DataObject, chunked: bool,
                                           reset: bool) -> None:
    if chunked:
        cuts = data.draw(st.lists(st.integers(0, len(payload)), max_size=5), label="chunks")
        answer = head(200, chunked=True) + chunked_body(split_at(payload, cuts))
    else:
        answer = head(200, length=len(payload)) + payload
    head_size = answer.index(b"\r\n\r\n") + 4
    end = data.draw(st.integers(head_size, len(answer) - 1), label="end")
    parts: list[bytes | float] = []
    for piece in split_at(answer[:end], data.draw(st.lists(st.integers(1, end), max_size=4),
                                                  label="reads")):
        parts += [piece, 0.001]
    with SockServer(Reply(parts, end="reset" if reset else "close")) as server:
        with Client(base_url=f"tcp://127.0.0.1:{server.port}", version="1.41", timeout=10) as c:
            streamed = call(c, stream=True)
            received = []
            with pytest.raises(StreamInterrupted):
                for block in streams.iter_raw(streamed):
                    received.append(block)
            streamed.close()
    assert payload.startswith(b"".join(received)) and server.errors == []


@pytest.mark.parametrize("answer", [b"SSH-2.0-OpenSSH_9.6\r\n", b"\x16\x03\x01\x00\xa5\x01\x00",
                                    b"HTTP/1.1 2OO OK\r\n\r\n", b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n"])
def test_an_answer_that_is_not_http_is_a_clear_connection_error(
        make_server: ServerFactory, make_client: ClientFactory, answer: bytes) -> None:
    server = make_server(Reply([answer]), keep(ok_json({})))
    c = make_client(server)
    with no_resource_warnings():
        error, _ = raised(lambda: call(c), DockerConnectionError)
        assert "is not HTTP/1.1" in str(error) and not isinstance(error, StreamInterrupted)
        assert error.__cause__ is not None
        del error
        assert call(c).json() == {}


@pytest.mark.parametrize("lengths", [[b"5, 6"], [b"5", b"6"], [b"5,6"], [b"6", b"5"], [b"ten"],
                                     [b"-5"], [b"5 6"], [b"5", b"5"], [b"0x5"]], ids=repr)
def test_a_bad_content_length_is_an_error_never_read_as_5(make_server: ServerFactory,
                                                          make_client: ClientFactory,
                                                          lengths: list[bytes]) -> None:
    fields = b"".join(b"Content-Length: %s\r\n" % value for value in lengths)
    answer = b"HTTP/1.1 200 OK\r\n" + fields + b"\r\nhello!"
    server = make_server(Reply([answer]), Reply([answer]), keep(ok_json({})))
    c = make_client(server)
    with no_resource_warnings():
        for stream in (False, True):
            error, _ = raised(lambda stream=stream: call(c, stream=stream), DockerConnectionError)
            assert "Content-Length" in str(error) and error.__cause__ is not None
            del error
        assert call(c).json() == {}


@pytest.mark.parametrize("status, cls, message", [
    (404, NotFound, "No such container: nope"),
    (409, APIError, "conflict: name in use"),
    (500, APIError, "server error: boom"),
])
@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_error_status_raises_with_the_daemons_message(make_server: ServerFactory,
                                                      make_client: ClientFactory, status: int,
                                                      cls: type, message: str, framing: str) -> None:
    body = json.dumps({"message": message}).encode()
    if framing == "length":
        answer = head(status, {"Content-Type": "application/json"}, length=len(body)) + body
    else:
        answer = head(status, {"Content-Type": "application/json"}, chunked=True) + chunked_body(
            [body[:5], body[5:]])
    server = make_server(keep(answer), keep(answer), keep(ok_json({"Id": "x"})))
    c = make_client(server)
    with no_resource_warnings():
        for stream in (False, True):
            with pytest.raises(cls) as info:
                c._result(call(c, "GET", "/v1.41/containers/nope/json", stream=stream), json=True)
            assert info.value.response.status_code == status
            assert message in str(info.value) and info.value.explanation == message
            del info
        assert c.inspect_container("x") == {"Id": "x"}
    assert server.connections == 1


@pytest.mark.parametrize("parts", [[CUT_SHORT["length"]], [BODY_STOPS[0], SILENCE], [CUT_SHORT["gzip"]]],
                         ids=["cut short", "stops coming", "encoded"])
def test_non_streamed_answer_whose_body_failed_closes_its_connection(
        make_server: ServerFactory, make_client: ClientFactory, parts: list[Any]) -> None:
    server = make_server(Reply(parts))
    c = make_client(server, timeout=0.3)
    with no_resource_warnings():
        with pytest.raises((StreamInterrupted, DockerTimeout)):
            call(c)


# == the timeouts of streaming calls =============================================================


def frame(stream: int, data: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(data)) + data


SILENT = Reply([SILENCE])
JSON = {"Content-Type": "application/json"}
MUX = {"Content-Type": "application/vnd.docker.multiplexed-stream"}
INSPECTED = ok_json({"Id": "c", "Config": {"Tty": False}})
UPGRADED = head(101, {"Connection": "Upgrade", "Upgrade": "tcp"})
STREAMING_CALLS: dict[str, Callable[[Client], Any]] = {
    "logs": lambda c: list(c.logs("c", stream=True, follow=True)),
    "get_archive": lambda c: b"".join(c.get_archive("c", "/x")[0]),
    "export": lambda c: b"".join(c.export("c")),
    "events": lambda c: list(c.events(decode=True)),
    "pull": lambda c: c.pull("busybox"),
    "push": lambda c: c.push("localhost:5000/x"),
    "get_image": lambda c: b"".join(c.get_image("x")),
    "load_image": lambda c: c.load_image(b"tar"),
    "import_image": lambda c: c.import_image(src=b"tar"),
    "build": lambda c: list(c.build(fileobj=io.BytesIO(b"FROM scratch"))),
    "attach": lambda c: list(c.attach("c", stream=True)),
    "stats": lambda c: list(c.stats("c")),
}


@pytest.mark.parametrize("name", list(STREAMING_CALLS))
def test_streaming_call_times_out_waiting_for_the_head(make_server: ServerFactory,
                                                       make_client: ClientFactory, name: str) -> None:
    # attach asks for the container's TTY first (API 1.41): that answer comes, the attach's not
    server = make_server(*([keep(INSPECTED)] if name == "attach" else []), SILENT)
    c = make_client(server, timeout=0.3)
    with no_resource_warnings():
        error, took = raised(lambda: STREAMING_CALLS[name](c), DockerTimeout)
        assert "did not answer in time" in str(error) and error.__cause__ is not None
        del error
    assert 0.25 < took < 5
    assert server.requests[-1].head.split(b" ")[0] in (b"GET", b"POST")


def _after_a_pause(first: bytes, *rest: bytes) -> list[bytes | float]:
    return [first, PAUSE, *rest]


PAUSE = 0.6  # three times the client's timeout (0.2): the body has no limit
STREAMED_ANSWERS: dict[str, tuple[list[Reply], Any]] = {
    "logs": ([Reply(_after_a_pause(head(200, MUX, chunked=True) + chunk(frame(1, b"one\n")),
                                   chunk(frame(1, b"two\n")), LAST_CHUNK))], [b"one\n", b"two\n"]),
    "get_archive": ([Reply(_after_a_pause(head(200, length=8) + b"tar:", b"ball"))], b"tar:ball"),
    "export": ([Reply(_after_a_pause(head(200, chunked=True) + chunk(b"a" * 10), chunk(b"b"),
                                     LAST_CHUNK))], b"a" * 10 + b"b"),
    "events": ([Reply(_after_a_pause(head(200, JSON, chunked=True) + chunk(b'{"a": 1}\n'),
                                     chunk(b'{"a": 2}\n'), LAST_CHUNK))], [{"a": 1}, {"a": 2}]),
    "pull": ([Reply(_after_a_pause(head(200, JSON, chunked=True) + chunk(b'{"status": "a"}\n'),
                                   chunk(b'{"status": "b"}\n'), LAST_CHUNK))],
             '{"status": "a"}\n{"status": "b"}\n'),
    "get_image": ([Reply(_after_a_pause(head(200, length=7) + b"ima", b"ge.."))], b"image.."),
    "build": ([Reply(_after_a_pause(head(200, JSON, chunked=True) + chunk(b'{"stream": "a"}\n'),
                                    chunk(b'{"stream": "b"}\n'), LAST_CHUNK))],
              [b'{"stream": "a"}', b'{"stream": "b"}']),
    "attach": ([keep(INSPECTED), Reply(_after_a_pause(UPGRADED + frame(1, b"one"), frame(2, b"two")))],
               [b"one", b"two"]),
}


@pytest.mark.parametrize("name", list(STREAMED_ANSWERS))
def test_streaming_body_is_not_limited_by_the_timeout(make_server: ServerFactory,
                                                      make_client: ClientFactory, name: str) -> None:
    replies, expected = STREAMED_ANSWERS[name]
    server = make_server(*replies)
    c = make_client(server, timeout=0.2)
    with no_resource_warnings():
        started = time.monotonic()
        assert STREAMING_CALLS[name](c) == expected
        assert PAUSE <= time.monotonic() - started < 5


def test_a_plain_call_body_is_limited_by_the_timeout(make_server: ServerFactory,
                                                     make_client: ClientFactory) -> None:
    """The other side of the test above: a call that is not streaming waits no longer than the
    timeout for each read of its body."""
    server = make_server(Reply(_after_a_pause(head(200, JSON, length=12) + b'{"a": ', b'1}    ')))
    c = make_client(server, timeout=0.2)
    with resource_warnings_ignored():  # see test_non_streamed_answer_whose_body_failed_...
        error, took = raised(c.info, DockerTimeout)
        assert error.__cause__ is not None and took < PAUSE
        del error


def test_head_timeout_of_a_streaming_call_is_the_clients_read_timeout(sockdir: str) -> None:
    with Client(base_url="unix://" + str(Path(sockdir) / "x.sock"), version="1.41",
                timeout=(3, 7)) as c:
        assert c._head_timeout() == (3, 7) and isinstance(c._head_timeout(), HeadTimeout)
