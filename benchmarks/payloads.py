"""The data the benchmark moves: tar streams of zeros, and the shell commands that print output.

Kept apart from the fixtures so a worker can import it without the rest.
"""
from __future__ import annotations

import tarfile
from typing import Iterator, List, Tuple

CHUNK = 1024 * 1024
_ZEROS = bytes(CHUNK)
#: One 128-byte line of the line cases.
LINE = "A" * 127


def zero_tar(files: List[Tuple[str, int]], mtime: int = 1_700_000_000) -> Iterator[bytes]:
    """A ustar archive of regular files full of zeros, as 1 MiB chunks (constant memory)."""
    for name, size in files:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o644
        info.mtime = mtime
        yield info.tobuf(format=tarfile.USTAR_FORMAT)
        left = size
        while left >= CHUNK:
            yield _ZEROS
            left -= CHUNK
        if left:
            yield _ZEROS[:left]
        if size % 512:
            yield bytes(512 - size % 512)
    yield bytes(1024)


def zero_tar_size(files: List[Tuple[str, int]]) -> int:
    """The length of :func:`zero_tar` of these files."""
    return sum(512 + -(-size // 512) * 512 for _, size in files) + 1024


def output_command(size: int, lines: bool) -> str:
    """A busybox shell command writing ``size`` bytes to stdout: zeros, or 128-byte lines."""
    if lines:
        return f"yes {LINE} | head -c {size}"
    return f"head -c {size} /dev/zero"
