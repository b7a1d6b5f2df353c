"""Typed builders of request bodies, under docker-py's ``docker.types`` names."""
from __future__ import annotations

from ..streams import CancellableStream

__all__ = ["CancellableStream"]
