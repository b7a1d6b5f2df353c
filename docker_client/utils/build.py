"""docker-py's ``docker.utils.build`` helpers (``tar``, ``exclude_paths``, ``create_archive``...).

Same names and arguments, but the patterns mean what they mean to the docker CLI, and the
archive is what the CLI sends (``docker_client.build_context``).
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from typing import IO, Any, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, Union

from ..build_context import (
    ContextEntry,
    ExtraFile,
    PatternMatcher,
    context_entries,
    dockerfile_archive,
    tar_stream,
    trim_build_files,
)
from ..errors import DockerException

__all__ = [
    "PatternMatcher", "build_file_list", "create_archive", "exclude_paths", "match_tag",
    "mkbuildcontext", "tar", "walk",
]

_TAG = re.compile(
    r"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*"
    r"(?::[0-9]+)?(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*"
    r"(:[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})?$"
)

#: docker-py's ``dockerfile`` argument: a name, or ``(name, contents)`` for a Dockerfile
#: from outside the context (``contents`` None if it is inside).
DockerfileArg = Union[str, Tuple[Optional[str], Optional[str]], None]


def match_tag(tag: str) -> bool:
    """Whether ``tag`` looks like ``[registry[:port]/]name[:tag]`` (docker-py's check)."""
    return bool(_TAG.match(tag))


def _dockerfile_name(dockerfile: DockerfileArg) -> Tuple[Optional[str], Optional[str]]:
    if dockerfile is None:
        return None, None
    if isinstance(dockerfile, str):
        return dockerfile, None
    return dockerfile[0], dockerfile[1]


def exclude_paths(root: str, patterns: Sequence[str], dockerfile: Optional[str] = None) -> Set[str]:
    """The paths under ``root`` (files and directories, relative) that the docker CLI would
    send with these ``.dockerignore`` patterns; the Dockerfile and ``.dockerignore`` are kept.
    """
    excludes = trim_build_files(list(patterns), dockerfile or "Dockerfile")
    return {entry.path for entry in context_entries(os.path.abspath(root), excludes)}


def walk(root: str, patterns: Sequence[str], default: bool = True) -> Iterator[str]:
    """The relative paths under ``root`` that ``patterns`` do not exclude, in the CLI's order."""
    return PatternMatcher(patterns).walk(os.path.abspath(root))


def build_file_list(root: str) -> List[str]:
    """Every path under ``root`` (files and directories), relative to it."""
    return [entry.path for entry in context_entries(os.path.abspath(root))]


def _write(chunks: Iterable[bytes], fileobj: Optional[IO[bytes]]) -> IO[bytes]:
    target: IO[bytes] = fileobj if fileobj is not None else tempfile.NamedTemporaryFile()
    for chunk in chunks:
        target.write(chunk)
    target.seek(0)
    return target


def tar(path: str, exclude: Optional[Sequence[str]] = None, dockerfile: DockerfileArg = None,
        fileobj: Optional[IO[bytes]] = None, gzip: bool = False) -> IO[bytes]:
    """The build context of ``path`` as a tar file (``fileobj``, else a temporary file).

    Args:
        path: the context directory.
        exclude: ``.dockerignore`` patterns.
        dockerfile: the Dockerfile's name in the context, or docker-py's ``(name, contents)``
            for one from elsewhere (added under ``name`` and listed in ``.dockerignore``).
        fileobj: where to write; returned, positioned at its start.
        gzip: compress.
    """
    root = os.path.abspath(path)
    name, contents = _dockerfile_name(dockerfile)
    patterns = list(exclude or [])
    extra: List[ExtraFile] = []
    if contents is not None and name:
        ignore = "\n".join((patterns or [".dockerignore"]) + [name])
        extra = [ExtraFile(".dockerignore", ignore.encode("utf-8"), 0o644),
                 ExtraFile(name, contents.encode("utf-8"), 0o644)]
    excludes = trim_build_files(patterns, name or "Dockerfile")
    skip = {e.name for e in extra}
    entries = (e for e in context_entries(root, excludes) if e.path not in skip)
    return _write(tar_stream(root, entries=entries, extra_files=extra, gzip=gzip), fileobj)


def create_archive(root: str, files: Optional[Sequence[str]] = None, fileobj: Optional[IO[bytes]] = None,
                   gzip: bool = False, extra_files: Optional[Sequence[Tuple[str, str]]] = None) -> IO[bytes]:
    """A tar of ``files`` (paths relative to ``root``; default: all), in that order, plus
    ``extra_files`` (``(name, text)``, which replace files of the same name).
    """
    root = os.path.abspath(root)
    extra = [ExtraFile(name, text.encode("utf-8"), 0o644) for name, text in (extra_files or [])]
    names = {e.name for e in extra}
    if files is None:
        files = build_file_list(root)

    def entries() -> Iterator[ContextEntry]:
        for path in files or ():
            if path in names:
                continue
            full = os.path.join(root, path)
            try:
                st = os.lstat(full)
            except OSError as exc:
                raise DockerException(f"Can not read file in context: {full}") from exc
            yield ContextEntry(path.replace(os.sep, "/"), full, st)

    return _write(tar_stream(root, entries=entries(), extra_files=extra, gzip=gzip), fileobj)


def dockerfile_content(dockerfile: Any) -> bytes:
    """The whole of a Dockerfile given as a file, bytes or chunks, whatever the file's position
    (docker-py takes an ``io.BytesIO``'s ``getvalue()``, and a file's whole size): building from
    the same buffer twice sends the same Dockerfile. Text is encoded as UTF-8."""
    if isinstance(dockerfile, (io.BytesIO, io.StringIO)):
        data: Any = dockerfile.getvalue()
    elif hasattr(dockerfile, "read"):
        seekable = getattr(dockerfile, "seekable", None)
        if seekable is not None and seekable():
            dockerfile.seek(0)
        data = dockerfile.read()
    elif isinstance(dockerfile, (bytes, bytearray, memoryview, str)):
        data = dockerfile
    else:
        data = b"".join(bytes(chunk) for chunk in dockerfile)
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def mkbuildcontext(dockerfile: Any) -> IO[bytes]:
    """A temporary tar file holding only ``dockerfile`` (a file object) as ``Dockerfile``."""
    return _write([dockerfile_archive(dockerfile_content(dockerfile))], None)
