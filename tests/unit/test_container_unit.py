"""Container endpoints without a daemon: argument checks before sending, the requests built,
and what no daemon under test produces (malformed answers, read timeouts). The API 1.42
Content-Types and signals are checked on real daemons in tests/integration/test_modern_containers.py."""
from __future__ import annotations

import base64
import json
import signal as signal_module
import struct
from datetime import datetime, timezone
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from hypothesis import given, settings
from hypothesis import strategies as st

from docker_client import Client, errors, transport
from docker_client.api import container as container_api

HOST = "http://127.0.0.1:2375"
CID = "abc123"


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def make_client() -> Iterator[Callable[[str], Client]]:
    clients: list[Client] = []

    def make(version: str = "1.41") -> Client:
        client = Client(base_url="tcp://127.0.0.1:2375", version=version)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def url(version: str, path: str) -> str:
    return f"{HOST}/v{version}{path}"


def query(call: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def stat_header(stat: Any) -> str:
    return base64.b64encode(json.dumps(stat).encode()).decode()


# -- arguments refused before anything is sent ----------------------------------------------------


BAD_CALLS: list[tuple[str, Callable[[Client], Any]]] = [
    ("stop bool timeout", lambda c: c.stop(CID, timeout=True)),
    ("stop nan timeout", lambda c: c.stop(CID, timeout=float("nan"))),
    ("kill bool", lambda c: c.kill(CID, True)),
    ("port bad protocol", lambda c: c.port(CID, "80/icmp")),
    ("port not a number", lambda c: c.port(CID, "http")),
    ("port zero", lambda c: c.port(CID, 0)),
    ("port too high", lambda c: c.port(CID, 65536)),
    ("logs negative since", lambda c: c.logs(CID, since=-1)),
    ("logs string since", lambda c: c.logs(CID, since="1h")),
    ("wait zero timeout", lambda c: c.wait(CID, timeout=0)),
    ("resize float", lambda c: c.resize(CID, 24.0, 80)),
    ("stats decode without stream", lambda c: c.stats(CID, decode=True, stream=False)),
    ("stats one_shot with stream", lambda c: c.stats(CID, one_shot=True)),
    ("export chunk size", lambda c: c.export(CID, chunk_size=0)),
    ("get_archive chunk size", lambda c: c.get_archive(CID, "/", chunk_size=-1)),
    ("stat_archive path type", lambda c: c.stat_archive(CID, None)),
    ("put_archive text", lambda c: c.put_archive(CID, "/", "text")),
    ("put_archive None", lambda c: c.put_archive(CID, "/", None)),
    ("put_archive number", lambda c: c.put_archive(CID, "/", 3)),
    ("containers limit not a number", lambda c: c.containers(limit="--5")),
    ("resize not a number", lambda c: c.resize(CID, "24x", 80)),
    ("containers since twice", lambda c: c.containers(since="a", filters={"since": "b"})),
    ("update restart policy", lambda c: c.update_container(CID, restart_policy="always")),
    ("update memory", lambda c: c.update_container(CID, mem_limit="lots")),
    ("container empty", lambda c: c.inspect_container("")),
    ("container None", lambda c: c.inspect_container(None)),
    ("container dict without id", lambda c: c.inspect_container({"Names": ["/x"]})),
    ("container number", lambda c: c.inspect_container(42)),
    ("container dot segment", lambda c: c.inspect_container("../images/json")),
]


@pytest.mark.parametrize("call", [call for _, call in BAD_CALLS], ids=[name for name, _ in BAD_CALLS])
def test_bad_arguments_raise_before_sending(mocked: responses.RequestsMock,
                                            make_client: Callable[[str], Client],
                                            call: Callable[[Client], Any]) -> None:
    with pytest.raises(errors.InvalidArgument):
        call(make_client("1.41"))
    assert len(mocked.calls) == 0


# What docker-py sends as it is and the daemon judges: sent, and the daemon's answer raised.
LEFT_TO_THE_DAEMON: list[tuple[str, Callable[[Client], Any], str, dict[str, list[str]]]] = [
    ("kill unknown name", lambda c: c.kill(CID, "SIGBOGUS"), "POST /containers/abc123/kill",
     {"signal": ["SIGBOGUS"]}),
    ("kill empty name", lambda c: c.kill(CID, ""), "POST /containers/abc123/kill", {"signal": [""]}),
    ("kill number 0", lambda c: c.kill(CID, 0), "POST /containers/abc123/kill", {"signal": ["0"]}),
    ("kill number 65", lambda c: c.kill(CID, 65), "POST /containers/abc123/kill", {"signal": ["65"]}),
    ("kill realtime out of range", lambda c: c.kill(CID, "RTMIN+16"), "POST /containers/abc123/kill",
     {"signal": ["RTMIN+16"]}),
    ("rename empty", lambda c: c.rename(CID, ""), "POST /containers/abc123/rename", {"name": [""]}),
    ("get_archive empty path", lambda c: c.get_archive(CID, ""), "GET /containers/abc123/archive",
     {"path": [""]}),
    ("resize zero height", lambda c: c.resize(CID, 0, 80), "POST /containers/abc123/resize",
     {"h": ["0"], "w": ["80"]}),
    ("resize string sizes", lambda c: c.resize(CID, "24", "80"), "POST /containers/abc123/resize",
     {"h": ["24"], "w": ["80"]}),
    ("kill float", lambda c: c.kill(CID, 9.0), "POST /containers/abc123/kill", {"signal": ["9"]}),
    ("wait unknown condition", lambda c: c.wait(CID, condition="exited"), "POST /containers/abc123/wait",
     {"condition": ["exited"]}),
]


@pytest.mark.parametrize("call,endpoint,sent", [case[1:] for case in LEFT_TO_THE_DAEMON],
                         ids=[case[0] for case in LEFT_TO_THE_DAEMON])
def test_values_the_daemon_judges_are_sent(mocked: responses.RequestsMock,
                                           make_client: Callable[[str], Client],
                                           call: Callable[[Client], Any], endpoint: str,
                                           sent: dict[str, list[str]]) -> None:
    method, path = endpoint.split(" ")
    mocked.add(method, url("1.41", path), status=400, json={"message": "the daemon says no"})
    with pytest.raises(errors.APIError) as info:
        call(make_client("1.41"))
    assert info.value.explanation == "the daemon says no"
    assert len(mocked.calls) == 1
    assert query(mocked.calls[0]) == sent


def test_docker_py_values_the_daemon_reads(mocked: responses.RequestsMock,
                                           make_client: Callable[[str], Client]) -> None:
    """Values docker-py sends and the daemon understands: a negative tail is all lines, a
    negative stop timeout waits as long as it takes (no read limit), a limit as a string."""
    mocked.add(responses.GET, url("1.41", f"/containers/{CID}/json"), json={"Config": {"Tty": True}})
    mocked.add(responses.GET, url("1.41", f"/containers/{CID}/logs"), body=b"all")
    mocked.add(responses.POST, url("1.41", f"/containers/{CID}/stop"), status=204)
    mocked.add(responses.POST, url("1.41", f"/containers/{CID}/restart"), status=204)
    mocked.add(responses.GET, url("1.41", "/containers/json"), json=[])
    client = make_client("1.41")
    assert client.logs(CID, tail=-1) == b"all"
    def last_logs_query() -> dict[str, list[str]]:
        return query([c for c in mocked.calls if "/logs" in c.request.url][-1])

    for tail in (None, "some", True):  # docker-py sends "all" for these
        client.logs(CID, tail=tail)
        assert last_logs_query()["tail"] == ["all"]
    client.logs(CID, stdout=False, stderr=False)  # the daemon's to refuse
    assert last_logs_query()["stdout"] == ["0"]
    client.stop(CID, timeout=-1)
    client.restart(CID, timeout=-3)
    assert client.containers(limit="3") == []
    calls = {c.request.path_url.split("?")[0]: c for c in mocked.calls}
    assert query(calls[f"/v1.41/containers/{CID}/logs"])["tail"] == ["all"]
    assert query(calls[f"/v1.41/containers/{CID}/stop"])["t"] == ["-1"]
    assert query(calls[f"/v1.41/containers/{CID}/restart"])["t"] == ["-1"]
    assert query(calls["/v1.41/containers/json"])["limit"] == ["3"]
    assert calls[f"/v1.41/containers/{CID}/stop"].request.req_kwargs["timeout"][1] is None
    client.stop(CID, timeout="5")  # docker-py sends it as it is; the daemon reads the number
    assert query(mocked.calls[-1])["t"] == ["5"]


def test_start_with_configuration_is_deprecated(mocked: responses.RequestsMock,
                                                make_client: Callable[[str], Client]) -> None:
    with pytest.raises(errors.DeprecatedMethod):
        make_client("1.41").start(CID, port_bindings={80: 8080})
    with pytest.raises(errors.DeprecatedMethod):
        make_client("1.41").start(CID, None)
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("version, call, needs", [
    ("1.41", lambda c: c.stop(CID, signal="SIGINT"), "1.42"),
    ("1.41", lambda c: c.restart(CID, signal=2), "1.42"),
    ("1.29", lambda c: c.wait(CID, condition="removed"), "1.30"),
    ("1.34", lambda c: c.logs(CID, until=10), "1.35"),
    ("1.40", lambda c: c.stats(CID, stream=False, one_shot=True), "1.41"),
    ("1.29", lambda c: c.put_archive(CID, "/", b"", copy_uid_gid=True), "1.30"),
    ("1.24", lambda c: c.prune_containers(), "1.25"),
])
def test_version_gates(mocked: responses.RequestsMock, make_client: Callable[[str], Client],
                       version: str, call: Callable[[Client], Any], needs: str) -> None:
    with pytest.raises(errors.InvalidVersion, match=needs):
        call(make_client(version))
    assert len(mocked.calls) == 0


# -- signals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("given_signal, sent", [
    ("SIGKILL", "SIGKILL"), ("KILL", "SIGKILL"), ("kill", "SIGKILL"), ("sigKill", "SIGKILL"),
    (" term ", "SIGTERM"), ("SIGCLD", "SIGCLD"), ("iot", "SIGIOT"), ("RTMIN", "SIGRTMIN"),
    ("rtmin+15", "SIGRTMIN+15"), ("SIGRTMAX-14", "SIGRTMAX-14"), ("rtmax", "SIGRTMAX"),
    (9, "9"), ("9", "9"), (64, "64"), (signal_module.SIGUSR1, "10"),
])
def test_signals_accepted(given_signal: Any, sent: str) -> None:
    assert container_api._signal(given_signal) == sent


def test_kill_sends_the_signal(mocked: responses.RequestsMock, make_client: Callable[[str], Client]) -> None:
    mocked.add(responses.POST, url("1.41", f"/containers/{CID}/kill"), status=204)
    client = make_client("1.41")
    client.kill(CID)
    client.kill({"Id": CID}, "hup")
    client.kill({"ID": CID}, 15)
    assert [query(call) for call in mocked.calls] == [{}, {"signal": ["SIGHUP"]}, {"signal": ["15"]}]


# -- lifecycle requests -----------------------------------------------------------------------------


def test_stop_and_restart_requests(mocked: responses.RequestsMock,
                                   make_client: Callable[[str], Client]) -> None:
    # the signal (API 1.42) is checked on real daemons: tests/integration/test_modern_containers.py
    mocked.add(responses.POST, url("1.41", f"/containers/{CID}/stop"), status=204)
    mocked.add(responses.POST, url("1.41", f"/containers/{CID}/restart"), status=204)
    old = make_client("1.41")
    old.stop(CID)
    old.stop(CID, timeout=2.5)
    old.restart(CID)
    old.stop(CID, timeout=0)
    sent = [(call.request.path_url.split("?")[0], query(call), call.request.req_kwargs["timeout"])
            for call in mocked.calls]
    assert sent == [
        (f"/v1.41/containers/{CID}/stop", {}, 70),
        (f"/v1.41/containers/{CID}/stop", {"t": ["3"]}, 63),
        (f"/v1.41/containers/{CID}/restart", {"t": ["10"]}, 70),
        (f"/v1.41/containers/{CID}/stop", {"t": ["0"]}, 60),
    ]


def test_stop_without_client_timeout(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.POST, url("1.41", f"/containers/{CID}/stop"), status=204)
    with Client(base_url="tcp://127.0.0.1:2375", version="1.41", timeout=None) as client:
        client.stop(CID, timeout=5)
    assert mocked.calls[0].request.req_kwargs["timeout"] is None


def test_remove_rename_resize_pause_requests(mocked: responses.RequestsMock,
                                             make_client: Callable[[str], Client]) -> None:
    base = url("1.41", f"/containers/{CID}")
    mocked.add(responses.DELETE, base, status=204)
    for action in ("rename", "resize", "pause", "unpause", "start"):
        mocked.add(responses.POST, f"{base}/{action}", status=204)
    client = make_client("1.41")
    client.remove_container(CID)
    client.remove_container(CID, v=True, link=True, force=True)
    client.rename(CID, "new-name")
    client.resize(CID, 24, 80)
    client.pause(CID)
    client.unpause(CID)
    client.start(f"/{CID}")
    assert [query(call) for call in mocked.calls] == [
        {"v": ["0"], "link": ["0"], "force": ["0"]},
        {"v": ["1"], "link": ["1"], "force": ["1"]},
        {"name": ["new-name"]}, {"h": ["24"], "w": ["80"]}, {}, {}, {},
    ]


def test_update_container_json_is_docker_pys(mocked: responses.RequestsMock,
                                             make_client: Callable[[str], Client]) -> None:
    mocked.add(responses.POST, url("1.41", f"/containers/{CID}/update"), json={"Warnings": None})
    client = make_client("1.41")
    assert client.update_container(CID, blkio_weight=300, cpu_period=100000, cpu_quota=50000,
                                   cpu_shares=512, cpuset_cpus="0,1", cpuset_mems="0",
                                   mem_limit="64m", mem_reservation=1024, memswap_limit=-1,
                                   kernel_memory="1g",
                                   restart_policy={"Name": "on-failure", "MaximumRetryCount": 4},
                                   ) == {"Warnings": None}
    client.update_container(CID, cpu_shares=0, cpu_quota=None, mem_limit=0)
    bodies = [json.loads(call.request.body) for call in mocked.calls]
    assert bodies == [{
        "BlkioWeight": 300, "CpuPeriod": 100000, "CpuShares": 512, "CpuQuota": 50000,
        "CpusetCpus": "0,1", "CpusetMems": "0", "Memory": 64 * 1024 * 1024,
        "MemoryReservation": 1024, "MemorySwap": -1, "KernelMemory": 1024 ** 3,
        "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 4},
    }, {}]


def test_commit_request(mocked: responses.RequestsMock, make_client: Callable[[str], Client]) -> None:
    mocked.add(responses.POST, url("1.41", "/commit"), json={"Id": "sha256:1"}, status=201)
    client = make_client("1.41")
    answer = client.commit(CID, repository="repo", tag="t", message="m", author="a",
                           changes=["ENV A=1", "EXPOSE 80"], conf={"Cmd": ["x"], "User": None})
    assert answer == {"Id": "sha256:1"}
    client.commit({"Id": CID}, pause=False, changes="ENV B=2")
    first, second = mocked.calls
    assert query(first) == {"container": [CID], "repo": ["repo"], "tag": ["t"], "comment": ["m"],
                            "author": ["a"], "pause": ["1"], "changes": ["ENV A=1", "EXPOSE 80"]}
    assert json.loads(first.request.body) == {"Cmd": ["x"]}
    assert query(second) == {"container": [CID], "pause": ["0"], "changes": ["ENV B=2"]}
    assert json.loads(second.request.body) == {}


def test_prune_request(mocked: responses.RequestsMock, make_client: Callable[[str], Client]) -> None:
    answer = {"ContainersDeleted": ["a"], "SpaceReclaimed": 10}
    mocked.add(responses.POST, url("1.41", "/containers/prune"), json=answer)
    client = make_client("1.41")
    assert client.prune_containers() == answer
    assert client.prune_containers(filters={"label": ["a=b"], "until": "10m"}) == answer
    assert query(mocked.calls[0]) == {}
    assert json.loads(query(mocked.calls[1])["filters"][0]) == {"label": ["a=b"], "until": ["10m"]}


# -- listing ------------------------------------------------------------------------------------


def test_containers_requests_and_shapes(mocked: responses.RequestsMock,
                                        make_client: Callable[[str], Client]) -> None:
    listed = [{"Id": "a" * 64, "Names": ["/x"]}, {"Id": "b" * 64, "Names": ["/y"]}]
    mocked.add(responses.GET, url("1.41", "/containers/json"), json=listed)
    client = make_client("1.41")
    assert client.containers() == listed
    assert client.containers(quiet=True) == [{"Id": "a" * 64}, {"Id": "b" * 64}]
    assert [c["Id"] for c in client.containers(trunc=True)] == ["a" * 12, "b" * 12]
    client.containers(all=True, latest=True, size=True, since="x", before="y", filters={"status": "exited"})
    client.containers(limit=5, since="x", filters={"since": ["x"]})
    queries = [query(call) for call in mocked.calls]
    assert queries[0] == {"all": ["0"], "size": ["0"], "trunc_cmd": ["0"]}
    assert queries[2]["trunc_cmd"] == ["1"]
    latest = queries[3]
    assert (latest["all"], latest["size"], latest["limit"]) == (["1"], ["1"], ["1"])
    assert json.loads(latest["filters"][0]) == {"status": ["exited"], "since": ["x"], "before": ["y"]}
    assert "since" not in latest and "before" not in latest
    assert queries[4]["limit"] == ["5"] and json.loads(queries[4]["filters"][0]) == {"since": ["x"]}


def test_port_shapes(mocked: responses.RequestsMock, make_client: Callable[[str], Client]) -> None:
    ports = {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}],
             "53/udp": [{"HostIp": "", "HostPort": "53"}],
             "9/sctp": None, "9/udp": [{"HostIp": "", "HostPort": "9"}]}
    mocked.add(responses.GET, url("1.41", "/containers/pub/json"), json={"NetworkSettings": {"Ports": ports}})
    mocked.add(responses.GET, url("1.41", "/containers/host/json"),
               json={"NetworkSettings": {"Ports": None}})
    mocked.add(responses.GET, url("1.41", "/containers/none/json"), json={})
    client = make_client("1.41")
    assert client.port("pub", 80) == ports["80/tcp"]
    assert client.port("pub", "53") == ports["53/udp"]
    assert client.port("pub", "53/UDP") == ports["53/udp"]
    assert client.port("pub", "53/tcp") is None
    assert client.port("pub", 9) == ports["9/udp"]
    assert client.port("pub", "9/sctp") is None
    assert client.port("host", 80) is None
    assert client.port("none", 80) is None


# -- logs -----------------------------------------------------------------------------------------

MUXED = frame(1, b"out1\n") + frame(2, b"err1\n") + frame(1, b"out2\n")


def _logs_route(mocked: responses.RequestsMock, version: str, body: bytes, content_type: str | None) -> None:
    # Without a type of the daemon's own, responses' default (text/plain) stands in for none.
    mocked.add(responses.GET, url(version, f"/containers/{CID}/logs"), body=body,
               content_type=content_type or "text/plain")


def _inspect_route(mocked: responses.RequestsMock, version: str, tty: bool) -> None:
    mocked.add(responses.GET, url(version, f"/containers/{CID}/json"), json={"Config": {"Tty": tty}})






def test_logs_raw_content_type_before_1_42_is_not_trusted(mocked: responses.RequestsMock,
                                                          make_client: Callable[[str], Client]) -> None:
    # Daemons answer requests below 1.42 with raw-stream even when the stream is multiplexed.
    _logs_route(mocked, "1.41", MUXED, "application/vnd.docker.raw-stream")
    _inspect_route(mocked, "1.41", tty=False)
    client = make_client("1.41")
    assert client.logs(CID) == b"out1\nerr1\nout2\n"
    assert [call.request.path_url.split("?")[0] for call in mocked.calls] == [
        f"/v1.41/containers/{CID}/logs", f"/v1.41/containers/{CID}/json"]


def test_logs_without_content_type_asks_config_tty(mocked: responses.RequestsMock,
                                                   make_client: Callable[[str], Client]) -> None:
    _logs_route(mocked, "1.41", b"raw\n", None)
    _inspect_route(mocked, "1.41", tty=True)
    client = make_client("1.41")
    assert client.logs(CID) == b"raw\n"
    assert client.logs(CID, stdout=False, demux=True) == (b"raw\n", None)




def test_logs_parameters(mocked: responses.RequestsMock, make_client: Callable[[str], Client]) -> None:
    _logs_route(mocked, "1.41", b"", None)
    _inspect_route(mocked, "1.41", tty=False)
    client = make_client("1.41")
    client.logs(CID)
    when = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    client.logs(CID, stderr=False, timestamps=True, tail=10, since=when, until=1577934245.5, follow=True)
    with client.logs(CID, stream=True):
        pass
    client.logs(CID, since=0, tail="7")
    logs_calls = [query(call) for call in mocked.calls if "/logs" in call.request.path_url]
    assert logs_calls[0] == {"stdout": ["1"], "stderr": ["1"], "timestamps": ["0"], "follow": ["0"],
                             "tail": ["all"]}
    assert logs_calls[1] == {"stdout": ["1"], "stderr": ["0"], "timestamps": ["1"], "follow": ["1"],
                             "tail": ["10"], "since": ["1577934245"], "until": ["1577934245.5"]}
    assert logs_calls[2]["follow"] == ["1"]
    assert logs_calls[3]["since"] == ["0"] and logs_calls[3]["tail"] == ["7"]
    timeouts = [call.request.req_kwargs["timeout"] for call in mocked.calls
                if "/logs" in call.request.path_url]
    # following: the client's timeout for the answer's head, none for the body
    assert timeouts == [60, (60, 60), (60, 60), 60]
    assert [isinstance(t, transport.HeadTimeout) for t in timeouts] == [False, True, True, False]


def test_logs_malformed_frames_raise(mocked: responses.RequestsMock,
                                     make_client: Callable[[str], Client]) -> None:
    bad_header = b"\x07\x00\x00\x00\x00\x00\x00\x01x"
    _logs_route(mocked, "1.42", bad_header, "application/vnd.docker.multiplexed-stream")
    with pytest.raises(errors.StreamParseError):
        make_client("1.42").logs(CID)


# -- wait and stats -------------------------------------------------------------------------------


def test_wait_requests(mocked: responses.RequestsMock, make_client: Callable[[str], Client]) -> None:
    mocked.add(responses.POST, url("1.41", f"/containers/{CID}/wait"), json={"StatusCode": 3, "Error": None})
    client = make_client("1.41")
    assert client.wait(CID) == {"StatusCode": 3, "Error": None}
    assert client.wait(CID, timeout=7, condition="next-exit") == {"StatusCode": 3, "Error": None}
    assert [query(call) for call in mocked.calls] == [{}, {"condition": ["next-exit"]}]
    assert [call.request.req_kwargs["timeout"] for call in mocked.calls] == [(60, None), (60, 7)]


def test_wait_timeout_is_a_docker_timeout(mocked: responses.RequestsMock,
                                          make_client: Callable[[str], Client]) -> None:
    mocked.add(responses.POST, url("1.41", f"/containers/{CID}/wait"),
               body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(errors.DockerTimeout, match=f"container {CID} did not stop within 2 seconds") as info:
        make_client("1.41").wait(CID, timeout=2)
    assert isinstance(info.value, requests.exceptions.ReadTimeout)
    # docker-py surfaces a read timeout on a unix socket as a ConnectionError: both catch it
    assert isinstance(info.value, requests.exceptions.ConnectionError)
    assert not isinstance(info.value, errors.DockerConnectionError)


@pytest.mark.parametrize("body", [b"[1]", b"", b'{"StatusCode": 0}{"StatusCode": 1}'])
def test_wait_malformed_answer(mocked: responses.RequestsMock, make_client: Callable[[str], Client],
                               body: bytes) -> None:
    mocked.add(responses.POST, url("1.41", f"/containers/{CID}/wait"), body=body)
    with pytest.raises(errors.StreamParseError):
        make_client("1.41").wait(CID)


def test_stats_requests(mocked: responses.RequestsMock, make_client: Callable[[str], Client]) -> None:
    documents = b'{"read": "1"}\n{"read": "2"}\n'
    mocked.add(responses.GET, url("1.41", f"/containers/{CID}/stats"), body=documents)
    client = make_client("1.41")
    with client.stats(CID) as raw:
        assert list(raw) == [b'{"read": "1"}', b'{"read": "2"}']
    with client.stats(CID, decode=True) as decoded:
        assert list(decoded) == [{"read": "1"}, {"read": "2"}]
    mocked.replace(responses.GET, url("1.41", f"/containers/{CID}/stats"), json={"read": "1"})
    assert client.stats(CID, stream=False) == {"read": "1"}
    assert client.stats(CID, stream=False, one_shot=True) == {"read": "1"}
    assert client.stats(CID, one_shot=False) is not None
    assert [query(call) for call in mocked.calls] == [
        {"stream": ["1"]}, {"stream": ["1"]}, {"stream": ["0"]}, {"stream": ["0"], "one-shot": ["1"]},
        {"stream": ["1"], "one-shot": ["0"]},
    ]


# -- archives -------------------------------------------------------------------------------------

STAT = {"name": "hosts", "size": 174, "mode": 420, "mtime": "2024-01-01T00:00:00Z", "linkTarget": ""}


def test_get_archive_and_stat(mocked: responses.RequestsMock, make_client: Callable[[str], Client]) -> None:
    archive = bytes(range(256)) * 10
    mocked.add(responses.GET, url("1.41", f"/containers/{CID}/archive"), body=archive,
               headers={"X-Docker-Container-Path-Stat": stat_header(STAT)})
    mocked.add(responses.HEAD, url("1.41", f"/containers/{CID}/archive"),
               headers={"X-Docker-Container-Path-Stat": stat_header(STAT)})
    client = make_client("1.41")
    bits, stat = client.get_archive(CID, "/etc/hosts", chunk_size=1000)
    with bits:
        chunks = list(bits)
    assert stat == STAT
    assert [len(c) for c in chunks] == [1000, 1000, 560] and b"".join(chunks) == archive
    bits, _ = client.get_archive(CID, "/etc/hosts", encode_stream=True)
    bits.close()
    assert client.stat_archive(CID, "/etc/hosts") == STAT
    gets = [call for call in mocked.calls if call.request.method == "GET"]
    assert [call.request.headers["Accept-Encoding"] for call in gets] == ["identity", "gzip, deflate"]
    assert all(query(call) == {"path": ["/etc/hosts"]} for call in mocked.calls)


@pytest.mark.parametrize("header", [
    "not base64!", base64.b64encode(b"not json").decode(), stat_header([1, 2]),
    base64.b64encode(b"\xff\xfe").decode(),
])
def test_malformed_stat_header(mocked: responses.RequestsMock, make_client: Callable[[str], Client],
                               header: str) -> None:
    mocked.add(responses.HEAD, url("1.41", f"/containers/{CID}/archive"),
               headers={"X-Docker-Container-Path-Stat": header})
    with pytest.raises(errors.StreamParseError, match="X-Docker-Container-Path-Stat"):
        make_client("1.41").stat_archive(CID, "/x")


def test_missing_stat_header(mocked: responses.RequestsMock, make_client: Callable[[str], Client]) -> None:
    mocked.add(responses.HEAD, url("1.41", f"/containers/{CID}/archive"))
    mocked.add(responses.GET, url("1.41", f"/containers/{CID}/archive"), body=b"tar")
    client = make_client("1.41")
    with pytest.raises(errors.StreamParseError):
        client.stat_archive(CID, "/x")
    bits, stat = client.get_archive(CID, "/x")
    assert stat is None and b"".join(bits) == b"tar"


def test_put_archive_request(mocked: responses.RequestsMock, make_client: Callable[[str], Client]) -> None:
    mocked.add(responses.PUT, url("1.41", f"/containers/{CID}/archive"))
    client = make_client("1.41")
    assert client.put_archive(CID, "/tmp", b"tar bytes") is True
    assert client.put_archive(CID, "/tmp", b"tar", no_overwrite_dir_non_dir=True, copy_uid_gid=False) is True
    first, second = mocked.calls
    assert query(first) == {"path": ["/tmp"]} and first.request.body == b"tar bytes"
    assert first.request.headers["Content-Type"] == "application/x-tar"
    assert query(second) == {"path": ["/tmp"], "noOverwriteDirNonDir": ["1"], "copyUIDGID": ["0"]}


def test_request_bodies() -> None:
    assert container_api._request_body(b"x") == b"x"
    chunks = container_api._request_body([b"a", bytearray(b"b"), memoryview(b"c"), b""])
    assert list(chunks) == [b"a", b"b", b"c"]
    with pytest.raises(errors.InvalidArgument):
        list(container_api._request_body([b"a", "b"]))


def test_copy_is_readable_and_iterable(mocked: responses.RequestsMock,
                                       make_client: Callable[[str], Client]) -> None:
    mocked.add(responses.GET, url("1.41", f"/containers/{CID}/archive"), body=b"0123456789")
    client = make_client("1.41")
    with client.copy(CID, "/etc") as copied:
        assert copied.read(3) == b"012"
        assert copied.read(0) == b""
        assert copied.read(4) == b"3456"
        assert b"".join(copied) == b"789"
        assert copied.read() == b""
    with client.copy({"Id": CID}, "/etc") as copied:
        assert copied.read() == b"0123456789"
    assert query(mocked.calls[0]) == {"path": ["/etc"]}


@settings(deadline=None, max_examples=100, database=None)
@given(data=st.binary(max_size=5000), size=st.integers(1, 700), cuts=st.lists(st.integers(0, 5000)))
def test_sized_chunks_any_split(data: bytes, size: int, cuts: list[int]) -> None:
    points = sorted({0, len(data), *(min(cut, len(data)) for cut in cuts)})
    chunks = [data[a:b] for a, b in zip(points, points[1:])]
    out = list(container_api._sized_chunks(size)(chunks))
    assert b"".join(out) == data
    assert all(len(c) == size for c in out[:-1]) and all(0 < len(c) <= size for c in out)
