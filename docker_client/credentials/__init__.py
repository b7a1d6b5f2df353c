"""The docker CLI's credentials: config.json (and the legacy .dockercfg) and credential helpers."""
from __future__ import annotations

from .config import find_config_file, load_general_config
from .store import (
    DEFAULT_LINUX_STORE,
    DEFAULT_OSX_STORE,
    DEFAULT_WIN32_STORE,
    PROGRAM_PREFIX,
    CredentialsNotFound,
    Store,
    StoreError,
)

__all__ = [
    "DEFAULT_LINUX_STORE", "DEFAULT_OSX_STORE", "DEFAULT_WIN32_STORE", "PROGRAM_PREFIX",
    "CredentialsNotFound", "Store", "StoreError", "find_config_file", "load_general_config",
]
