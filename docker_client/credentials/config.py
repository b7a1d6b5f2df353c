"""Finding and reading the docker CLI's config.json.

Lookup order: an explicit path, then ``$DOCKER_CONFIG/config.json``, then
``~/.docker/config.json``, then the legacy ``~/.dockercfg``.
"""
from __future__ import annotations

import json
import logging
import os
from typing import Any

log = logging.getLogger(__name__)

DOCKER_CONFIG_FILENAME = os.path.join(".docker", "config.json")
LEGACY_DOCKER_CONFIG_FILENAME = ".dockercfg"


def config_path_candidates(config_path: str | None = None) -> list[str]:
    """The paths looked at, in order."""
    paths = []
    if config_path:
        paths.append(config_path)
    docker_config = os.environ.get("DOCKER_CONFIG")
    if docker_config:
        paths.append(os.path.join(docker_config, "config.json"))
    home = os.path.expanduser("~")
    paths.append(os.path.join(home, DOCKER_CONFIG_FILENAME))
    paths.append(os.path.join(home, LEGACY_DOCKER_CONFIG_FILENAME))
    return paths


def find_config_file(config_path: str | None = None) -> str | None:
    """The first config file that exists, or None."""
    for path in config_path_candidates(config_path):
        if os.path.exists(path):
            return path
    return None


def load_general_config(config_path: str | None = None) -> dict[str, Any]:
    """config.json's contents (``detachKeys``, ``proxies``, ``HttpHeaders``...), or ``{}``.

    A missing or unreadable file gives ``{}``, as in docker-py: these settings are optional.
    """
    path = find_config_file(config_path)
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        log.debug("could not read %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}
