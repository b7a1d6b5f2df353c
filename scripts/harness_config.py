"""Constants of the test harness (scripts/privdaemon.py): paths, ports, names, engines.

Only the standard library is used.
"""

from __future__ import annotations

import os

DEFAULT_STATE = "/tmp/docker_client-test"
RUN_STATE_PREFIX = "/tmp/dct-"
MARKER = ".privdaemon.json"
RELAY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "relay.py")

PLAIN_PORT = 2375
TLS_PORT = 2376
REGISTRY_PORT = 5000
AUTH_REGISTRY_PORT = 5001
SSH_PORT = 2222

IMAGE_REPO = "dctest/busybox"
IMAGE_TAG = "latest"
IMAGE = "%s:%s" % (IMAGE_REPO, IMAGE_TAG)
REGISTRY_USER = "dctest"
REGISTRY_PASSWORD = "dctest-pass"

HARNESS_FAILED = 125
API_VERSION = "1.41"

# The engines the harness can start.  docker20 is the machine's own (Debian bookworm's docker.io);
# the others run from the cached Debian sid root (scripts/sidroot.py) in a mount namespace whose
# root that directory is.
ENGINES = ("docker20", "docker28", "podman")
DEFAULT_ENGINE = "docker20"
# The newest API version each one speaks (what negotiation arrives at), when the started daemon's
# own /version cannot be read.
ENGINE_API = {"docker20": "1.41", "docker28": "1.51", "podman": "1.44"}
SID_ENGINES = ("docker28", "podman")
# The two-node swarm (docker28 only): a second Engine 28 in a network namespace of its own, joined
# to the first by a veth pair whose addresses exist only inside those two namespaces.
SWARM_SUBNET = "10.213.77"
MANAGER_ADDR = SWARM_SUBNET + ".1"
PEER_ADDR = SWARM_SUBNET + ".2"
VETH = ("dctest-mgr", "dctest-peer")

# Dropped from CMD's environment, because they change what Client() does.
CMD_ENV_DROP = ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT")
