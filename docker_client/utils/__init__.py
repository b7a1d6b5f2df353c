"""docker-py's ``docker.utils`` helpers that user code imports, under the same names.

Each is imported on first use: ``import docker_client`` does not pay for them (the build
context helpers pull in the tar writer and the pattern matcher).
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..api.image import parse_repository_tag
    from ..env import kwargs_from_env, parse_host
    from ..types.services import convert_service_networks
    from ..versions import version_gte, version_lt
    from .build import create_archive, exclude_paths, match_tag, mkbuildcontext, tar
    from .compat import (
        check_resource,
        compare_version,
        create_host_config,
        create_ipam_config,
        create_ipam_pool,
        decode_json_header,
        minimum_version,
        update_headers,
    )
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
    from .proxy import ProxyConfig

__all__ = [
    "convert_filters", "datetime_to_timestamp", "format_environment", "kwargs_from_env",
    "parse_bytes", "parse_host", "version_gte", "version_lt",
    # container settings
    "convert_port_bindings", "convert_tmpfs_mounts", "convert_volume_binds", "format_extra_hosts",
    "normalize_links", "parse_devices", "parse_env_file", "split_command",
    # build contexts
    "create_archive", "exclude_paths", "match_tag", "mkbuildcontext", "tar",
    # the rest of docker-py's docker.utils
    "ProxyConfig", "check_resource", "compare_version", "convert_service_networks",
    "create_host_config", "create_ipam_config", "create_ipam_pool", "decode_json_header",
    "minimum_version", "parse_repository_tag", "update_headers",
]

#: Where each public name lives (relative to this package).
_MODULES = {
    "kwargs_from_env": "..env", "parse_host": "..env",
    "version_gte": "..versions", "version_lt": "..versions",
    "convert_filters": ".convert", "datetime_to_timestamp": ".convert",
    "format_environment": ".convert", "parse_bytes": ".convert",
    "convert_port_bindings": ".containers", "convert_tmpfs_mounts": ".containers",
    "convert_volume_binds": ".containers", "format_extra_hosts": ".containers",
    "normalize_links": ".containers", "parse_devices": ".containers",
    "parse_env_file": ".containers", "split_command": ".containers",
    "create_archive": ".build", "exclude_paths": ".build", "match_tag": ".build",
    "mkbuildcontext": ".build", "tar": ".build",
    "ProxyConfig": ".proxy", "parse_repository_tag": "..api.image",
    "convert_service_networks": "..types.services",
    **{name: ".compat" for name in ("check_resource", "compare_version", "create_host_config",
                                   "create_ipam_config", "create_ipam_pool", "decode_json_header",
                                   "minimum_version", "update_headers")},
}


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'docker_client.utils' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
