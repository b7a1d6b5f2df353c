"""What ``import docker_client`` loads: optional transports and heavy helpers only when used.

Each check runs in a fresh interpreter, where ``sys.modules`` shows exactly what was imported.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

#: Never imported by ``import docker_client`` or by a client of the local socket.
NOT_AT_IMPORT = [
    "paramiko", "websocket",  # optional transports: ssh, attach over a websocket
    "docker_client.transport.ssh", "docker_client.registry", "docker_client.build_context",
    "docker_client.types.containers", "docker_client.types.services",
    "tarfile", "subprocess", "dataclasses",
]


def run_fresh(code: str) -> None:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("statement", [
    "import docker_client",
    "from docker_client import Client",
    "import docker_client; docker_client.Client(base_url='unix:///tmp/nothing-here.sock')",
    "import docker_client; docker_client.APIClient(base_url='tcp://127.0.0.1:1', version='1.45')",
])
def test_optional_and_heavy_modules_are_not_imported(statement: str) -> None:
    run_fresh(f"import sys\n{statement}\n"
              f"loaded = sorted(set({NOT_AT_IMPORT!r}) & set(sys.modules))\n"
              "assert not loaded, loaded")


def test_lazy_names_still_resolve() -> None:
    run_fresh(
        "import docker_client\n"
        "from docker_client.types import HostConfig, ServiceMode\n"
        "from docker_client.utils import split_command, tar\n"
        "from docker_client.errors import NotFound\n"
        "assert docker_client.types.HostConfig is HostConfig\n"
        "assert docker_client.types.ServiceMode is ServiceMode\n"
        "assert docker_client.utils.split_command is split_command\n"
        "assert docker_client.types.CancellableStream.__module__ == 'docker_client.streams.stream'\n"
        "assert 'HostConfig' in dir(docker_client.types) and 'tar' in dir(docker_client.utils)\n"
        "assert {'types', 'utils', 'RegistryClient'} <= set(dir(docker_client))\n"
        "from docker_client.types import *\n"
        "assert Mount.__module__ == 'docker_client.types.containers'\n"
    )


def test_unknown_names_raise_attribute_error() -> None:
    import docker_client
    from docker_client import types, utils

    for module in (docker_client, types, utils):
        with pytest.raises(AttributeError):
            module.no_such_name  # type: ignore[attr-defined]  # noqa: B018
