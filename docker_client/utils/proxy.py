"""The docker CLI's proxy settings (config.json ``proxies``), as docker-py's ``ProxyConfig``.

The client reads the entry for its daemon once, as ``client._proxy_configs``; code may replace
it. ``create_container``, ``exec_create`` and ``build`` put it into the environment (or the
build arguments) unless called with ``use_config_proxy=False``.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Optional, Sequence

from .convert import format_environment

#: ``(ProxyConfig key, config.json key, variable name)``; each variable is set in lower and
#: upper case, as the docker CLI and docker-py set them.
_FIELDS = (("http", "httpProxy", "http_proxy"), ("https", "httpsProxy", "https_proxy"),
           ("ftp", "ftpProxy", "ftp_proxy"), ("no_proxy", "noProxy", "no_proxy"))


class ProxyConfig(dict):  # type: ignore[type-arg]
    """The proxies to give containers and builds: ``http``, ``https``, ``ftp``, ``no_proxy``."""

    @property
    def http(self) -> Optional[str]:
        return self.get("http")

    @property
    def https(self) -> Optional[str]:
        return self.get("https")

    @property
    def ftp(self) -> Optional[str]:
        return self.get("ftp")

    @property
    def no_proxy(self) -> Optional[str]:
        return self.get("no_proxy")

    @staticmethod
    def from_dict(config: Mapping[str, Any]) -> ProxyConfig:
        """From one entry of config.json's ``proxies`` (``httpProxy``, ``noProxy``...)."""
        return ProxyConfig({field: config.get(key) for field, key, _ in _FIELDS})

    def get_environment(self) -> dict[str, str]:
        """``{"http_proxy": ..., "HTTP_PROXY": ..., ...}`` for the settings that are set."""
        environment: dict[str, str] = {}
        for field, _, variable in _FIELDS:
            value = self.get(field)
            if value:
                environment[variable] = environment[variable.upper()] = str(value)
        return environment

    def inject_proxy_environment(self, environment: Optional[Sequence[str]]) -> Optional[List[str]]:
        """``environment`` (``["NAME=value"]``) with the proxy variables put first, so that the
        caller's own settings win; ``environment`` itself when no proxy is set."""
        proxies = format_environment(self.get_environment())
        if not proxies:
            return None if environment is None else list(environment)
        return proxies + list(environment or [])

    def __str__(self) -> str:
        return (f"ProxyConfig(http={self.http}, https={self.https}, ftp={self.ftp}, "
                f"no_proxy={self.no_proxy})")
