"""Plugins and the session endpoint against the private daemon.

The plugin is built here: a static C program in its rootfs listens on the plugin socket and
answers the daemon's plugin calls (``Plugin.Activate`` and enough of the VolumeDriver protocol
to make volumes), and a ``config.json`` declares it. It is created with ``create_plugin``,
pushed to and pulled from the harness's loopback registry, configured, enabled, upgraded and
removed.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

import docker_client
from docker_client import errors, versions
from docker_client.api import plugin as plugin_module
from docker_client.api.plugin import PluginApiMixin
from docker_client.api.session import SessionApiMixin

from ..conftest import API_VERSION, DAEMON_EXPECTED
from ..unit.sockserver import Reply, SockServer, head
from .conftest import env_or_fail


class _Client(docker_client.Client, PluginApiMixin, SessionApiMixin):
    """The Client with the mixins under test, until ``Client`` has them itself."""


#: The plugin's socket, as config.json names it: the daemon mounts its directory for the plugin
#: at /run/docker/plugins.
_SOCKET = "dctest.sock"
_ENTRYPOINT = "/dctest-plugin"
_SETTABLE = "DCTEST_LEVEL"
#: What the daemon asks of a plugin with network type "host".
_PRIVILEGES = [{"Name": "network", "Description": "permissions to access a network", "Value": ["host"]}]
_H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

_PLUGIN_C = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* A volume plugin: enough of the protocol for the daemon to enable it and make volumes with it. */

#define SOCKET_DIR "/run/docker/plugins"
#define SOCKET_PATH SOCKET_DIR "/" SOCKET_NAME

static void on_signal(int sig) { (void)sig; _exit(0); }  /* as PID 1, only a handler stops us */

/* The calls' answers; a volume exists for as long as the daemon asks about it (no state). */
static const char *answer(const char *path, const char *body, int *status) {
    static char reply[512];
    char name[128] = "";
    const char *field = strstr(body, "\"Name\":\"");
    if (field) sscanf(field + 8, "%127[^\"]", name);
    *status = 200;
    if (strcmp(path, "/Plugin.Activate") == 0)
        return "{\"Implements\": [\"VolumeDriver\"]}";
    if (strcmp(path, "/VolumeDriver.Capabilities") == 0)
        return "{\"Capabilities\": {\"Scope\": \"local\"}}";
    if (strcmp(path, "/VolumeDriver.List") == 0)
        return "{\"Volumes\": []}";
    if (strcmp(path, "/VolumeDriver.Create") == 0 || strcmp(path, "/VolumeDriver.Remove") == 0)
        return "{\"Err\": \"\"}";
    if (strcmp(path, "/VolumeDriver.Get") == 0) {
        snprintf(reply, sizeof reply, "{\"Volume\": {\"Name\": \"%s\", \"Status\": {\"%s\": \"%s\"}}}",
                 name, SETTABLE, getenv(SETTABLE) ? getenv(SETTABLE) : "");
        return reply;
    }
    if (strncmp(path, "/VolumeDriver.", 14) == 0)
        return "{\"Err\": \"the docker_client test plugin cannot mount\"}";
    *status = 404;
    return "{\"Err\": \"not implemented\"}";
}

static int write_all(int fd, const char *data, size_t size) {
    while (size) {
        ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        data += n;
        size -= (size_t)n;
    }
    return 0;
}

static void serve(int conn) {
    char buf[16384];
    size_t used = 0;
    char *end = NULL;
    while (!end && used < sizeof buf - 1) {
        ssize_t n = read(conn, buf + used, sizeof buf - 1 - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        used += (size_t)n;
        buf[used] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    if (!end) return;
    size_t length = 0;
    char *field = strcasestr(buf, "\r\nContent-Length:");
    if (field && field < end) length = strtoul(field + 17, NULL, 10);
    char *body = end + 4;
    size_t wanted = (size_t)(body - buf) + length;
    while (used < wanted && used < sizeof buf - 1) {  /* the body: small JSON arguments */
        ssize_t n = read(conn, buf + used, sizeof buf - 1 - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        used += (size_t)n;
    }
    buf[used] = 0;
    char method[16], path[256];
    if (sscanf(buf, "%15s %255s", method, path) != 2) return;
    int status;
    const char *reply = answer(path, body, &status);
    char top[256];
    int top_size = snprintf(top, sizeof top,
        "HTTP/1.1 %d %s\r\nContent-Type: application/vnd.docker.plugins.v1+json\r\n"
        "Content-Length: %zu\r\nConnection: close\r\n\r\n",
        status, status == 200 ? "OK" : "Not Found", strlen(reply));
    if (write_all(conn, top, (size_t)top_size) == 0) write_all(conn, reply, strlen(reply));
    fprintf(stderr, "dctest-plugin: %s %s -> %d\n", method, path, status);
}

int main(void) {
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    mkdir("/run", 0755);
    mkdir("/run/docker", 0755);
    mkdir(SOCKET_DIR, 0755);
    unlink(SOCKET_PATH);
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strncpy(addr.sun_path, SOCKET_PATH, sizeof addr.sun_path - 1);
    if (server < 0 || bind(server, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(server, 16) < 0) {
        perror("dctest-plugin: " SOCKET_PATH);
        return 1;
    }
    for (;;) {
        int conn = accept(server, NULL, NULL);
        if (conn < 0) {
            if (errno == EINTR) continue;
            perror("dctest-plugin: accept");
            return 1;
        }
        serve(conn);
        close(conn);
    }
}
"""


def _plugin_config(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "documentation": "https://github.com/docker/docker-py",
        "entrypoint": [_ENTRYPOINT],
        "env": [{"name": _SETTABLE, "description": "a setting for configure_plugin",
                 "settable": ["value"], "value": "0"}],
        "interface": {"socket": _SOCKET, "types": ["docker.volumedriver/1.0"]},
        "network": {"type": "host"},
    }


def _missing_tools() -> str | None:
    if shutil.which("gcc") is None:
        return "gcc is not installed"
    probe = subprocess.run(["gcc", "-print-file-name=libc.a"], capture_output=True, text=True)
    if not os.path.isabs(probe.stdout.strip()):
        return "static libc (libc.a, from libc6-dev) is not installed"
    return None


@pytest.fixture(scope="session")
def plugin_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin's program, compiled once per session."""
    missing = _missing_tools()
    if missing is not None:
        if DAEMON_EXPECTED:
            pytest.fail(f"the plugin tests build a static C program: {missing}")
        pytest.skip(missing)
    build = tmp_path_factory.mktemp("plugin-build")
    source = build / "plugin.c"
    source.write_text(_PLUGIN_C)
    binary = build / "dctest-plugin"
    compiled = subprocess.run(["gcc", "-static", "-Os", "-Wall", f'-DSOCKET_NAME="{_SOCKET}"',
                               f'-DSETTABLE="{_SETTABLE}"', "-o", str(binary), str(source)],
                              capture_output=True, text=True)
    if compiled.returncode != 0:
        pytest.fail(f"the test plugin does not compile:\n{compiled.stderr}")
    return binary


@pytest.fixture
def make_plugin_dir(plugin_binary: Path, tmp_path: Path) -> Callable[[str], Path]:
    """Plugin directories (``config.json`` and ``rootfs/``) with the given description."""
    def make(description: str) -> Path:
        directory = tmp_path / f"plugin-{len(list(tmp_path.iterdir()))}"
        rootfs = directory / "rootfs"
        rootfs.mkdir(parents=True)
        shutil.copy2(plugin_binary, rootfs / _ENTRYPOINT.lstrip("/"))
        (rootfs / "etc").mkdir()
        (rootfs / "etc" / "motd").write_text("docker_client\n")
        (rootfs / "etc" / "motd.link").symlink_to("motd")
        # The daemon refuses a rootfs it already holds ("content ... already exists"), even
        # under another name: make each one unique.
        (rootfs / "etc" / "release").write_text(f"{description} {uuid.uuid4()}\n")
        (directory / "config.json").write_text(json.dumps(_plugin_config(description)))
        (directory / "README").write_text("not sent: the daemon reads config.json and rootfs/ only\n")
        return directory

    return make


@pytest.fixture
def pclient(daemon: str) -> Iterator[_Client]:
    """A client with the plugin and session methods, at this run's API version."""
    with _Client(base_url=daemon, version=API_VERSION) as c:
        yield c


@pytest.fixture
def plugin_names(pclient: _Client, unique_name: Callable[[str], str]) -> Iterator[Callable[[str], str]]:
    """Names in the loopback registry for plugins a test creates; all removed afterwards."""
    registry = env_or_fail("DC_TEST_REGISTRY")
    repository = f"{registry}/{unique_name('dctest-plugin')}"
    made: list[str] = []

    def name(tag: str) -> str:
        made.append(f"{repository}:{tag}")
        return made[-1]

    yield name
    if not versions.supports("GET /plugins", pclient.api_version):
        return
    for plugin in made:
        try:
            pclient.remove_plugin(plugin, force=True)
        except errors.NotFound:
            pass


def _has_plugins(client: _Client) -> bool:
    return versions.supports("GET /plugins", client.api_version)


def _assert_refused(*calls: Callable[[], Any]) -> None:
    """Before API 1.25 each plugin call raises InvalidVersion, before sending anything."""
    for call in calls:
        with pytest.raises(errors.InvalidVersion):
            call()


def _read_progress(stream: Any) -> list[dict[str, Any]]:
    with stream:
        messages = list(stream)
    failures = [m for m in messages if "error" in m or "errorDetail" in m]
    assert not failures, failures
    return messages


# -- without a daemon: what versions refuse, what is checked before sending --------------------


@pytest.mark.parametrize("call", [
    lambda c: c.plugins(),
    lambda c: c.plugin_privileges("vieux/sshfs"),
    lambda c: c.pull_plugin("vieux/sshfs", []),
    lambda c: c.inspect_plugin("p"),
    lambda c: c.remove_plugin("p"),
    lambda c: c.enable_plugin("p"),
    lambda c: c.disable_plugin("p"),
    lambda c: c.upgrade_plugin("p", "vieux/sshfs", []),
    lambda c: c.create_plugin("p", "/nonexistent"),
    lambda c: c.configure_plugin("p", {"A": "1"}),
    lambda c: c.push_plugin("p"),
    lambda c: c.session("id"),
])
def test_api_1_24_has_no_plugins_nor_session(call: Callable[[_Client], Any]) -> None:
    with _Client(base_url="unix:///nonexistent.sock", version="1.24") as c:
        with pytest.raises(errors.InvalidVersion, match=r"needs API version 1\.(25|26|31)"):
            call(c)


def test_newer_plugin_features_are_refused_on_older_apis() -> None:
    with _Client(base_url="unix:///nonexistent.sock", version="1.25") as c:
        with pytest.raises(errors.InvalidVersion, match=r"/upgrade needs API version 1.26"):
            c.upgrade_plugin("p", "vieux/sshfs", [])
    with _Client(base_url="unix:///nonexistent.sock", version="1.27") as c:
        with pytest.raises(errors.InvalidVersion, match="GET /plugins filters needs API version 1.28"):
            c.plugins(filters={"enabled": True})
        with pytest.raises(errors.InvalidVersion, match="disable force needs API version 1.28"):
            c.disable_plugin("p", force=True)
    with _Client(base_url="unix:///nonexistent.sock", version="1.30") as c:
        with pytest.raises(errors.InvalidVersion, match="POST /session needs API version 1.31"):
            c.session("id")


def test_bad_arguments_are_refused_before_sending(tmp_path: Path) -> None:
    with _Client(base_url="unix:///nonexistent.sock", version="1.41") as c:
        with pytest.raises(errors.InvalidArgument, match="no config.json"):
            c.create_plugin("p", tmp_path)
        (tmp_path / "config.json").write_text("{}")
        with pytest.raises(errors.InvalidArgument, match="no rootfs/"):
            c.create_plugin("p", tmp_path)
        with pytest.raises(errors.NullResource):
            c.inspect_plugin("")
        with pytest.raises(errors.InvalidArgument):
            c.configure_plugin("p", "A=1")
        with pytest.raises(errors.InvalidArgument):
            c.pull_plugin("vieux/sshfs", {"Name": "network"})  # type: ignore[dict-item]
        with pytest.raises(errors.InvalidArgument):
            c.enable_plugin("p", timeout=1.5)  # type: ignore[arg-type]
        with pytest.raises(errors.InvalidArgument, match="one line"):
            c.session("id", methods=["/a\r\nX-Injected: 1"])


@pytest.mark.parametrize("gzip", [False, True])
def test_the_archive_holds_config_and_rootfs_only(make_plugin_dir: Callable[[str], Path],
                                                  gzip: bool) -> None:
    directory = make_plugin_dir("archived")
    (directory / "rootfs" / "big").write_bytes(os.urandom(300_000))  # more than one read
    os.mkfifo(directory / "rootfs" / "fifo")
    body = plugin_module._pieces(plugin_module._plugin_tar(str(directory)), 64 * 1024)
    if gzip:
        body = plugin_module._gzipped(body)
    pieces = list(body)
    assert max(len(p) for p in pieces) <= 256 * 1024  # read and sent in pieces
    with tarfile.open(fileobj=io.BytesIO(b"".join(pieces)), mode="r:gz" if gzip else "r:") as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert sorted(members) == ["config.json", "rootfs", "rootfs/big", "rootfs/dctest-plugin",
                                   "rootfs/etc", "rootfs/etc/motd", "rootfs/etc/motd.link",
                                   "rootfs/etc/release", "rootfs/fifo"]
        assert members["rootfs"].isdir() and members["rootfs/fifo"].isfifo()
        assert members["rootfs/etc/motd.link"].issym() and members["rootfs/etc/motd.link"].linkname == "motd"
        assert members["rootfs/dctest-plugin"].mode & 0o111
        contents = {name: tar.extractfile(name) for name in ("rootfs/big", "config.json")}
        assert all(contents.values())
        assert contents["rootfs/big"].read() == (directory / "rootfs" / "big").read_bytes()  # type: ignore[union-attr]
        assert json.load(contents["config.json"])["description"] == "archived"  # type: ignore[arg-type]


@pytest.mark.podman_refuses("plugins")
def test_a_file_that_cannot_be_read_is_a_local_error(pclient: _Client, make_plugin_dir: Callable[[str], Path],
                                                     plugin_names: Callable[[str], str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    if not _has_plugins(pclient):
        _assert_refused(lambda: pclient.create_plugin("p", make_plugin_dir("unreadable")))
        return
    directory = make_plugin_dir("unreadable")
    name = plugin_names("unreadable")

    def refuse(path: Any, *args: Any, **kwargs: Any) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "readlink", refuse)  # rootfs/etc/motd.link is read in mid-archive
    with pytest.raises(errors.DockerException, match="cannot read .*motd.link: Permission denied") as info:
        pclient.create_plugin(name, directory)
    assert not isinstance(info.value, (errors.DockerConnectionError, errors.APIError))
    monkeypatch.undo()
    with pytest.raises(errors.NotFound):
        pclient.inspect_plugin(name)
    # the client still works (under another name: Engine 28 keeps the aborted name locked a moment)
    assert pclient.create_plugin(plugin_names("readable"), directory) is True


def test_session_announces_each_grpc_method_on_a_line_of_its_own() -> None:
    with SockServer(Reply([head(101, {"Connection": "Upgrade", "Upgrade": "h2c"}), b"hello"],
                          end="hold")) as server:
        with _Client(base_url=f"tcp://127.0.0.1:{server.port}", version="1.41") as c:
            with c.session("sid-1", shared_key="key-1", methods=["/a.A/One", "/b.B/Two"]) as sock:
                assert sock.recv(5) == b"hello"
    request = server.requests[0]
    lines = request.head.decode().split("\r\n")
    assert lines[0] == "POST /v1.41/session HTTP/1.1"
    fields = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if line]
    assert ("Upgrade", "h2c") in fields and ("Connection", "Upgrade") in fields
    assert ("X-Docker-Expose-Session-Uuid", "sid-1") in fields
    assert ("X-Docker-Expose-Session-Sharedkey", "key-1") in fields
    assert [v for k, v in fields if k == "X-Docker-Expose-Session-Grpc-Method"] == ["/a.A/One", "/b.B/Two"]
    assert any(k == "User-Agent" for k, _ in fields)


# -- against the daemon ----------------------------------------------------------------------


@pytest.mark.podman_refuses("plugins")
def test_create_inspect_list_remove(pclient: _Client, make_plugin_dir: Callable[[str], Path],
                                    plugin_names: Callable[[str], str]) -> None:
    name = plugin_names("v1")
    directory = make_plugin_dir("docker_client test plugin v1")
    if not _has_plugins(pclient):
        with pytest.raises(errors.InvalidVersion):
            pclient.create_plugin(name, directory)
        with pytest.raises(errors.InvalidVersion):
            pclient.plugins()
        return
    assert pclient.create_plugin(name, directory) is True
    info = pclient.inspect_plugin(name)
    assert info["Name"] == name and info["Enabled"] is False
    assert info["Config"]["Interface"]["Socket"] == _SOCKET
    assert info["Config"]["Description"] == "docker_client test plugin v1"
    assert f"{_SETTABLE}=0" in info["Settings"]["Env"]
    assert pclient.inspect_plugin(info["Id"])["Name"] == name
    assert pclient.inspect_plugin({"Name": name})["Id"] == info["Id"]
    assert name in [p["Name"] for p in pclient.plugins()]
    if versions.supports("GET /plugins filters", pclient.api_version):
        assert name in [p["Name"] for p in pclient.plugins(filters={"capability": "volumedriver"})]
        assert name not in [p["Name"] for p in pclient.plugins(filters={"enabled": True})]
        assert name in [p["Name"] for p in pclient.plugins(filters={"enabled": False})]
    with pytest.raises(errors.APIError):
        pclient.create_plugin(name, directory)  # the name is taken
    assert pclient.remove_plugin(name) is True
    with pytest.raises(errors.NotFound):
        pclient.inspect_plugin(name)
    with pytest.raises(errors.NotFound):
        pclient.remove_plugin(name)


@pytest.mark.podman_refuses("plugins")
def test_a_gzipped_archive_is_sent_compressed(pclient: _Client, make_plugin_dir: Callable[[str], Path],
                                              plugin_names: Callable[[str], str]) -> None:
    if not _has_plugins(pclient):
        _assert_refused(lambda: pclient.create_plugin("p", make_plugin_dir("gzipped"), gzip=True))
        return
    name = plugin_names("gz")
    # Daemons since Docker 17.04 read the body as a plain tar (1.13 and 17.03 decompressed it).
    with pytest.raises(errors.APIError, match="invalid tar header"):
        pclient.create_plugin(name, make_plugin_dir("gzipped"), gzip=True)
    with pytest.raises(errors.NotFound):
        pclient.inspect_plugin(name)


@pytest.mark.podman_refuses("plugins")
def test_configure_enable_disable(pclient: _Client, make_plugin_dir: Callable[[str], Path],
                                  plugin_names: Callable[[str], str],
                                  unique_name: Callable[[str], str]) -> None:
    if not _has_plugins(pclient):
        _assert_refused(lambda: pclient.configure_plugin("p", {_SETTABLE: "1"}),
                        lambda: pclient.enable_plugin("p"),
                        lambda: pclient.disable_plugin("p"))
        return
    name = plugin_names("v1")
    pclient.create_plugin(name, make_plugin_dir("enable me"))
    assert pclient.configure_plugin(name, {_SETTABLE: 3}) is True
    assert f"{_SETTABLE}=3" in pclient.inspect_plugin(name)["Settings"]["Env"]
    assert pclient.configure_plugin(name, [f"{_SETTABLE}=4"]) is True
    assert f"{_SETTABLE}=4" in pclient.inspect_plugin(name)["Settings"]["Env"]
    with pytest.raises(errors.APIError, match="not settable|not found|unknown"):
        pclient.configure_plugin(name, {"NOT_DECLARED": "1"})

    assert pclient.enable_plugin(name, timeout=5) is True
    assert pclient.inspect_plugin(name)["Enabled"] is True
    # The daemon asks every enabled volume plugin for its volumes: ours answers.
    volumes = pclient._result(pclient._get(pclient._url("/volumes")), json=True)
    assert not [w for w in volumes.get("Warnings") or [] if name.split(":")[0] in w], volumes
    # A volume made by the plugin, whose status shows the setting the plugin runs with.
    volume = unique_name("dctest-pvol")
    created = pclient._result(pclient._post_json(pclient._url("/volumes/create"),
                                                 data={"Name": volume, "Driver": name}), json=True)
    assert created["Name"] == volume and created["Driver"] == name
    inspected = pclient._result(pclient._get(pclient._url("/volumes/{0}", volume)), json=True)
    assert inspected["Status"] == {_SETTABLE: "4"}, inspected
    pclient._result(pclient._delete(pclient._url("/volumes/{0}", volume)))
    with pytest.raises(errors.APIError, match="disable"):
        pclient.configure_plugin(name, {_SETTABLE: "5"})  # not while enabled
    with pytest.raises(errors.APIError):
        pclient.enable_plugin(name)  # enabled already
    with pytest.raises(errors.APIError):
        pclient.remove_plugin(name)  # enabled: needs force
    if versions.supports("GET /plugins filters", pclient.api_version):
        assert name in [p["Name"] for p in pclient.plugins(filters={"enabled": True})]

    assert pclient.disable_plugin(name) is True
    assert pclient.inspect_plugin(name)["Enabled"] is False
    with pytest.raises(errors.APIError):
        pclient.disable_plugin(name)  # disabled already
    pclient.enable_plugin(name)
    if versions.supports("POST /plugins/{name}/disable force", pclient.api_version):
        assert pclient.disable_plugin(name, force=True) is True
        assert pclient.inspect_plugin(name)["Enabled"] is False
        pclient.enable_plugin(name)
    else:
        with pytest.raises(errors.InvalidVersion):
            pclient.disable_plugin(name, force=True)
    assert pclient.remove_plugin(name, force=True) is True  # enabled, removed all the same
    with pytest.raises(errors.NotFound):
        pclient.inspect_plugin(name)


@pytest.mark.podman_refuses("plugins")
def test_push_privileges_pull_upgrade(pclient: _Client, make_plugin_dir: Callable[[str], Path],
                                      plugin_names: Callable[[str], str]) -> None:
    if not _has_plugins(pclient):
        _assert_refused(lambda: pclient.push_plugin("p"),
                        lambda: pclient.plugin_privileges("p"),
                        lambda: pclient.pull_plugin("p", []),
                        lambda: pclient.upgrade_plugin("p", "p", []))
        return
    v1, v2 = plugin_names("v1"), plugin_names("v2")
    pclient.create_plugin(v1, make_plugin_dir("release one"))
    pclient.create_plugin(v2, make_plugin_dir("release two"))
    # No removal between the pushes: a removal starts the daemon's garbage collection of
    # plugin blobs in the background, and a push (unlike create, pull and upgrade) does not
    # wait for it, so it can lose blobs in mid-push (and dockerd 20.10 can then panic).
    for pushed in (v1, v2):
        messages = _read_progress(pclient.push_plugin(pushed))
        assert messages[0]["status"].startswith("The push refers to repository [")
        tag = pushed.rsplit(":", 1)[1]
        assert [m["aux"]["Tag"] for m in messages if "aux" in m] == [tag], messages
    for pushed in (v1, v2):
        pclient.remove_plugin(pushed)

    privileges = pclient.plugin_privileges(v1)
    assert privileges == _PRIVILEGES
    # The daemon wants the network privilege; it says so in the stream, once the pull started.
    with pclient.pull_plugin(v1, []) as stream:
        messages = list(stream)
    assert messages[-1]["error"] == "incorrect privileges", messages
    with pytest.raises(errors.NotFound):
        pclient.inspect_plugin(v1)

    local = plugin_names("local")
    _read_progress(pclient.pull_plugin(v1, privileges, name=local))
    info = pclient.inspect_plugin(local)
    assert info["Config"]["Description"] == "release one" and info["Enabled"] is False
    assert info["PluginReference"].endswith(v1.split("/", 1)[1])
    pclient.configure_plugin(local, {_SETTABLE: "7"})

    if not versions.supports("POST /plugins/{name}/upgrade", pclient.api_version):
        with pytest.raises(errors.InvalidVersion):
            pclient.upgrade_plugin(local, v2, privileges)
        return
    pclient.enable_plugin(local)
    with pytest.raises(errors.APIError, match="disable"):
        _read_progress(pclient.upgrade_plugin(local, v2, pclient.plugin_privileges(v2)))
    pclient.disable_plugin(local)
    _read_progress(pclient.upgrade_plugin(local, v2, pclient.plugin_privileges(v2)))
    upgraded = pclient.inspect_plugin(local)
    assert upgraded["Name"] == local and upgraded["Id"] == info["Id"]
    assert upgraded["Config"]["Description"] == "release two"
    assert f"{_SETTABLE}=7" in upgraded["Settings"]["Env"]  # settings survive an upgrade
    pclient.enable_plugin(local)
    assert pclient.inspect_plugin(local)["Enabled"] is True
    pclient.disable_plugin(local)
    pclient.remove_plugin(local)


@pytest.mark.podman_refuses("plugins")
def test_missing_plugins(pclient: _Client, unique_name: Callable[[str], str]) -> None:
    if not _has_plugins(pclient):
        _assert_refused(lambda: pclient.inspect_plugin("p"),
                        lambda: pclient.remove_plugin("p"))
        return
    missing = f"{unique_name('dctest-absent')}:latest"
    for call in (pclient.inspect_plugin, pclient.enable_plugin, pclient.disable_plugin,
                 pclient.push_plugin, pclient.remove_plugin):
        with pytest.raises(errors.NotFound):
            call(missing)
    with pytest.raises(errors.NotFound):
        pclient.configure_plugin(missing, {"A": "1"})
    remote = f"{env_or_fail('DC_TEST_REGISTRY')}/{missing}"
    # The daemon answers "no privileges" when it cannot fetch the plugin.
    assert pclient.plugin_privileges(remote) == []
    with pytest.raises(errors.APIError):  # a 500 from dockerd 20.10, naming the https attempt
        _read_progress(pclient.pull_plugin(remote, []))


@pytest.mark.podman_refuses("session")
def test_session_hands_over_the_connection(pclient: _Client, unique_name: Callable[[str], str]) -> None:
    if not versions.supports("POST /session", pclient.api_version):
        with pytest.raises(errors.InvalidVersion):
            pclient.session(unique_name("session"))
        return
    methods = ["/moby.filesync.v1.FileSync/DiffCopy", "/moby.filesync.v1.Auth/Credentials"]
    with pclient.session(unique_name("session"), shared_key="dctest", methods=methods) as sock:
        assert sock.response.status_code == 101
        assert sock.response.headers["Upgrade"].lower() == "h2c"
        sock.settimeout(10)
        received = b""
        while len(received) < len(_H2_PREFACE):
            data = sock.recv(4096)
            assert data, "the daemon closed the session"
            received += data
        # The daemon is the gRPC client on the session: it opens with HTTP/2's preface.
        assert received.startswith(_H2_PREFACE)
        sock.shutdown(socket.SHUT_WR)
    assert sock.closed
