"""The docker CLI's credential files: config.json (and the legacy .dockercfg)."""
from __future__ import annotations

from .config import find_config_file, load_general_config

__all__ = ["find_config_file", "load_general_config"]
