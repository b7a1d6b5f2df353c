"""docker-py's ``docker.utils`` helpers that user code imports, under the same names."""
from __future__ import annotations

from ..env import kwargs_from_env, parse_host
from ..versions import version_gte, version_lt
from .containers import (
    convert_port_bindings,
    convert_tmpfs_mounts,
    convert_volume_binds,
    format_extra_hosts,
    normalize_links,
    parse_devices,
    parse_env_file,
    split_command,
)
from .convert import convert_filters, datetime_to_timestamp, format_environment, parse_bytes

__all__ = [
    "convert_filters", "datetime_to_timestamp", "format_environment", "kwargs_from_env",
    "parse_bytes", "parse_host", "version_gte", "version_lt",
    # container settings
    "convert_port_bindings", "convert_tmpfs_mounts", "convert_volume_binds", "format_extra_hosts",
    "normalize_links", "parse_devices", "parse_env_file", "split_command",
    # build contexts (imported on first use: tarfile and the pattern matcher are not cheap)
    "create_archive", "exclude_paths", "match_tag", "mkbuildcontext", "tar",
]

_BUILD_NAMES = {"create_archive", "exclude_paths", "match_tag", "mkbuildcontext", "tar"}


def __getattr__(name: str) -> object:
    if name in _BUILD_NAMES:
        from . import build

        return getattr(build, name)
    raise AttributeError(f"module 'docker_client.utils' has no attribute {name!r}")
