"""Constants shared across docker_client, under the names docker-py users import.

Only plain values live here: no imports beyond the standard library.
"""
from __future__ import annotations

import sys

from ._version import __version__

#: Newest Engine API version this client knows (the v1.56 spec).
DEFAULT_DOCKER_API_VERSION = "1.56"
#: Oldest Engine API version this client supports.
MINIMUM_DOCKER_API_VERSION = "1.24"
DEFAULT_TIMEOUT_SECONDS = 60
STREAM_HEADER_SIZE_BYTES = 8
CONTAINER_LIMITS_KEYS = ["memory", "memswap", "cpushares", "cpusetcpus"]

DEFAULT_HTTP_HOST = "127.0.0.1"
DEFAULT_UNIX_SOCKET = "http+unix:///var/run/docker.sock"
DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"
DEFAULT_NPIPE = "npipe:////./pipe/docker_engine"

BYTE_UNITS = {"b": 1, "k": 1024, "m": 1024 * 1024, "g": 1024 * 1024 * 1024}

IS_WINDOWS_PLATFORM = sys.platform == "win32"
WINDOWS_LONGPATH_PREFIX = "\\\\?\\"

DEFAULT_USER_AGENT = f"docker-client-python/{__version__}"
DEFAULT_NUM_POOLS = 25
#: OpenSSH's MaxSessions defaults to 10: keep one for the connection itself.
DEFAULT_NUM_POOLS_SSH = 9
DEFAULT_MAX_POOL_SIZE = 10
DEFAULT_DATA_CHUNK_SIZE = 1024 * 2048
#: Size of the reads streams make from the daemon's socket.
STREAM_READ_SIZE = 256 * 1024

DEFAULT_SWARM_ADDR_POOL = ["10.0.0.0/8"]
DEFAULT_SWARM_SUBNET_SIZE = 24
