"""Tests for docker_client.build_context: .dockerignore rules as the docker CLI applies them,
and the tar it sends (headers, order, links, PAX, chunking), against cases checked with the CLI.

GOLDEN_CASES were produced by running ``DOCKER_BUILDKIT=0 docker build`` (CLI 28.2.2) against
a fake daemon and reading the tar it sent; tests/integration/test_build.py checks them again
against the CLI when it is installed.
"""
from __future__ import annotations

import gzip
import io
import os
import struct
import tarfile
from pathlib import Path
from typing import Iterable, List

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docker_client import build_context as bc
from docker_client.build_context import (
    PatternMatcher,
    clean_path,
    context_entries,
    parse_dockerignore,
    prepare_context,
    tar_stream,
    trim_build_files,
)
from docker_client.errors import DockerException, InvalidArgument
from docker_client.utils import build as docker_py_build

#: The tree every golden case is applied to; "name/" is a directory.
TREE = ["Dockerfile", "a.log", "a.txt", "b/", "b/c.log", "b/c.txt", "b/d/", "b/d/e.log", "b/d/e.txt",
        "keep/", "keep/k.log", "keep/sub/", "keep/sub/k2.log", "logs/", "logs/x.txt", "sub/", "sub/logs/",
        "sub/logs/y.txt", "x y.txt", "[x]", "dir/", "dir/f", ".hidden", "aXb", "a.b", "*", "]", "q^",
        "n1/", "n1/n2/", "n1/n2/n3.txt", "link-to-file -> a.txt", "link-to-dir -> b"]

#: (what it shows, .dockerignore lines, what the CLI leaves out of the context).
GOLDEN_CASES = [
    ('last match wins', ['*.log', '!a.log', 'a.log'],
     ['a.log']),
    ('exception after exclusion', ['*.log', '!a.log'],
     []),
    ('double star any depth', ['**/*.log'],
     ['a.log', 'b/c.log', 'b/d/e.log', 'keep/k.log', 'keep/sub/k2.log']),
    ('double star with exception dir', ['**/*.log', '!keep/**'],
     ['a.log', 'b/c.log', 'b/d/e.log']),
    ('exception for a dir alone keeps no files', ['**/*.log', '!keep'],
     ['a.log', 'b/c.log', 'b/d/e.log', 'keep/k.log', 'keep/sub/k2.log']),
    ('leading slash is rooted', ['/logs'],
     ['logs', 'logs/x.txt']),
    ('no slash is rooted too', ['logs'],
     ['logs', 'logs/x.txt']),
    ('trailing slash', ['b/'],
     ['b', 'b/c.log', 'b/c.txt', 'b/d', 'b/d/e.log', 'b/d/e.txt']),
    ('comment and blank lines', ['# b', '', '   ', 'a.txt'],
     ['a.txt']),
    ('hash after space is a pattern', [' #x', 'a.txt'],
     ['a.txt']),
    ('dot dot cleaned', ['./b/../a.txt'],
     ['a.txt']),
    ('dot dot above root', ['../a.txt', '/../a.txt'],
     ['a.txt']),
    ('exception inside excluded dir', ['b', '!b/d/e.txt'],
     ['b', 'b/c.log', 'b/c.txt', 'b/d', 'b/d/e.log']),
    ('exception inside excluded dir by glob does not descend', ['b', '!**/e.txt'],
     ['b', 'b/c.log', 'b/c.txt', 'b/d', 'b/d/e.log', 'b/d/e.txt']),
    ('star does not cross slash', ['*/c.txt'],
     ['b/c.txt']),
    ('star matches one level', ['*/*.txt'],
     ['b/c.txt', 'logs/x.txt']),
    ('question mark', ['a.lo?', '?.txt'],
     ['a.log', 'a.txt']),
    ('character class', ['[ab].txt', '[!a]*'],
     ['a.b', 'a.log', 'a.txt', 'aXb']),
    ('negated class caret', ['[^a]*'],
     ['*', '.hidden', '[x]', ']', 'b', 'b/c.log', 'b/c.txt', 'b/d', 'b/d/e.log', 'b/d/e.txt', 'dir',
      'dir/f', 'keep', 'keep/k.log', 'keep/sub', 'keep/sub/k2.log', 'link-to-dir', 'link-to-file',
      'logs', 'logs/x.txt', 'n1', 'n1/n2', 'n1/n2/n3.txt', 'q^', 'sub', 'sub/logs', 'sub/logs/y.txt',
      'x y.txt']),
    ('escaped brackets', ['\\[x\\]'],
     ['[x]']),
    ('space in name', ['x y.txt'],
     ['x y.txt']),
    ('trailing double star', ['b/**'],
     ['b/c.log', 'b/c.txt', 'b/d', 'b/d/e.log', 'b/d/e.txt']),
    ('double star suffix no slash', ['**log'],
     ['a.log', 'b/c.log', 'b/d/e.log', 'keep/k.log', 'keep/sub/k2.log']),
    ('prefix double star', ['a**'],
     ['a.b', 'a.log', 'a.txt', 'aXb']),
    ('middle double star', ['b/**/e.log'],
     ['b/d/e.log']),
    ('exclude all but', ['*', '!Dockerfile', '!b/c.txt'],
     ['*', '.hidden', '[x]', ']', 'a.b', 'a.log', 'a.txt', 'aXb', 'b', 'b/c.log', 'b/d', 'b/d/e.log',
      'b/d/e.txt', 'dir', 'dir/f', 'keep', 'keep/k.log', 'keep/sub', 'keep/sub/k2.log', 'link-to-dir',
      'link-to-file', 'logs', 'logs/x.txt', 'n1', 'n1/n2', 'n1/n2/n3.txt', 'q^', 'sub', 'sub/logs',
      'sub/logs/y.txt', 'x y.txt']),
    ('everything excluded', ['**'],
     ['*', '.hidden', '[x]', ']', 'a.b', 'a.log', 'a.txt', 'aXb', 'b', 'b/c.log', 'b/c.txt', 'b/d',
      'b/d/e.log', 'b/d/e.txt', 'dir', 'dir/f', 'keep', 'keep/k.log', 'keep/sub', 'keep/sub/k2.log',
      'link-to-dir', 'link-to-file', 'logs', 'logs/x.txt', 'n1', 'n1/n2', 'n1/n2/n3.txt', 'q^', 'sub',
      'sub/logs', 'sub/logs/y.txt', 'x y.txt']),
    ('star exclude with dir exception', ['*', '!keep/sub'],
     ['*', '.hidden', '[x]', ']', 'a.b', 'a.log', 'a.txt', 'aXb', 'b', 'b/c.log', 'b/c.txt', 'b/d',
      'b/d/e.log', 'b/d/e.txt', 'dir', 'dir/f', 'keep', 'keep/k.log', 'link-to-dir', 'link-to-file',
      'logs', 'logs/x.txt', 'n1', 'n1/n2', 'n1/n2/n3.txt', 'q^', 'sub', 'sub/logs', 'sub/logs/y.txt',
      'x y.txt']),
    ('nested exception then re-exclude', ['keep', '!keep/sub', 'keep/sub/k2.log'],
     ['keep', 'keep/k.log', 'keep/sub/k2.log']),
    ('dockerfile ignored is still sent', ['Dockerfile', '.dockerignore'],
     []),
    ('hidden files', ['.*'],
     ['.hidden']),
    ('dot alone ignored', ['.', 'a.txt'],
     ['a.txt']),
    ('regexp special chars literal', ['a.b', 'a+b', '(a)'],
     ['a.b']),
    ('dot is literal', ['a.b'],
     ['a.b']),
    ('sub logs only', ['**/logs'],
     ['logs', 'logs/x.txt', 'sub/logs', 'sub/logs/y.txt']),
    ('exception with leading slash', ['*.txt', '!/a.txt'],
     ['x y.txt']),
    ('exception spaces', ['*.txt', '!  a.txt  '],
     ['x y.txt']),
    ('posix class', ['[[:upper:]]*'],
     []),
    ('escape meta', ['a\\.b', '\\a.txt'],
     ['a.b']),
    ('parent match legacy dockerfile', ['*/', '!b'],
     ['*', '.hidden', '[x]', ']', 'a.b', 'a.log', 'a.txt', 'aXb', 'dir', 'dir/f', 'keep', 'keep/k.log',
      'keep/sub', 'keep/sub/k2.log', 'link-to-dir', 'link-to-file', 'logs', 'logs/x.txt', 'n1', 'n1/n2',
      'n1/n2/n3.txt', 'q^', 'sub', 'sub/logs', 'sub/logs/y.txt', 'x y.txt']),
    ('star in class is rewritten', ['[*]'],
     [']']),
    ('question in class is rewritten', ['[?]'],
     []),
    ('symlinks excluded by name', ['link-*'],
     ['link-to-dir', 'link-to-file']),
    ('symlink to dir not followed', ['b', '!link-to-dir/**'],
     ['b', 'b/c.log', 'b/c.txt', 'b/d', 'b/d/e.log', 'b/d/e.txt']),
    ('deep exception', ['n1', '!n1/n2/n3.txt'],
     ['n1', 'n1/n2']),
    ('deep exclusion of a dir by star', ['n1/*'],
     ['n1/n2', 'n1/n2/n3.txt']),
    ('double star slash double star', ['**/**/n3.txt'],
     ['n1/n2/n3.txt']),
    ('exception with star descends only by prefix', ['n1', '!n1/*/n3.txt'],
     ['n1', 'n1/n2', 'n1/n2/n3.txt']),
    ('dockerfile excluded by a directory pattern', ['*', '!b'],
     ['*', '.hidden', '[x]', ']', 'a.b', 'a.log', 'a.txt', 'aXb', 'dir', 'dir/f', 'keep', 'keep/k.log',
      'keep/sub', 'keep/sub/k2.log', 'link-to-dir', 'link-to-file', 'logs', 'logs/x.txt', 'n1', 'n1/n2',
      'n1/n2/n3.txt', 'q^', 'sub', 'sub/logs', 'sub/logs/y.txt', 'x y.txt']),
]


def make_tree(root: Path, entries: Iterable[str] = TREE) -> Path:
    """Create files ("name"), directories ("name/") and symbolic links ("name -> target")."""
    root.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        if " -> " in entry:
            name, target = entry.split(" -> ")
            os.symlink(target, root / name)
        elif entry.endswith("/"):
            (root / entry).mkdir(parents=True, exist_ok=True)
        else:
            (root / entry).parent.mkdir(parents=True, exist_ok=True)
            (root / entry).write_text(entry + "\n")
    return root


def all_names(entries: Iterable[str] = TREE) -> set[str]:
    return {e.split(" -> ")[0].rstrip("/") for e in entries} | {".dockerignore"}


def tar_members(data: bytes) -> List[tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return archive.getmembers()


def context_bytes(path: Path, dockerfile: str | None = None,
                  chunk_size: int = bc.DEFAULT_CHUNK_SIZE) -> bytes:
    return b"".join(prepare_context(str(path), dockerfile, chunk_size=chunk_size).chunks)


# -- the golden cases ------------------------------------------------------------------------


@pytest.mark.parametrize("title, patterns, excluded", GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_golden_dockerignore_cases(tmp_path: Path, title: str, patterns: List[str],
                                   excluded: List[str]) -> None:
    root = make_tree(tmp_path / "ctx")
    (root / ".dockerignore").write_text("\n".join(patterns) + "\n")
    sent = {m.name.rstrip("/") for m in tar_members(context_bytes(root))}
    assert sorted(all_names() - sent) == excluded
    # The same through docker-py's helper names.
    assert docker_py_build.exclude_paths(str(root), parse_dockerignore("\n".join(patterns))) == sent


# -- reading .dockerignore -------------------------------------------------------------------


@pytest.mark.parametrize("text, patterns", [
    ("a\nb\n", ["a", "b"]),
    ("a\r\nb", ["a", "b"]),  # CRLF, and no newline at the end
    ("\ufeff# comment\na", ["a"]),  # a BOM before the first line
    ("#c\n  #not a comment\n", ["#not a comment"]),
    ("\n\n   \n\t\n", []),
    ("  spaced  \n", ["spaced"]),
    ("/rooted\n//double//slash/\n", ["rooted", "double/slash"]),
    ("./a/../b\n", ["b"]),
    ("../up\n/../up\n", ["../up", "up"]),
    ("!keep\n ! spaced \n!/rooted\n!./x/../y\n", ["!keep", "!spaced", "!rooted", "!y"]),
    ("/\n.\n", ["/", "."]),
    ("!\n", ["!"]),
    ("a\u00a0\n", ["a"]),  # Go trims Unicode spaces
    ("a\x1c\n", ["a\x1c"]),  # but not the ASCII separators Python's strip() removes
])
def test_parse_dockerignore(text: str, patterns: List[str]) -> None:
    assert parse_dockerignore(text) == patterns
    assert parse_dockerignore(text.encode("utf-8")) == patterns


def test_read_dockerignore_missing_file_is_no_patterns(tmp_path: Path) -> None:
    assert bc.read_dockerignore(str(tmp_path)) == []
    (tmp_path / ".dockerignore").mkdir()
    with pytest.raises(DockerException, match=".dockerignore"):
        bc.read_dockerignore(str(tmp_path))


@pytest.mark.parametrize("path, cleaned", [
    ("", "."), (".", "."), ("./", "."), ("a/b/", "a/b"), ("a//b", "a/b"), ("a/./b", "a/b"),
    ("a/../b", "b"), ("a/..", "."), ("../a", "../a"), ("a/../../b", "../b"), ("/..", "/"),
    ("/../a/", "/a"), ("//a", "/a"), ("a/b/../../..", ".."),
])
def test_clean_path_is_go_filepath_clean(path: str, cleaned: str) -> None:
    assert clean_path(path) == cleaned


# -- matching --------------------------------------------------------------------------------


@pytest.mark.parametrize("patterns, path, excluded", [
    (["*.log"], "a.log", True),
    (["*.log"], "b/a.log", False),  # * does not cross /
    (["**/*.log"], "b/c/a.log", True),
    (["**/*.log"], "a.log", True),
    (["b"], "b/c/d.txt", True),  # a parent matches
    (["b", "!b/c"], "b/c/d.txt", False),
    (["b/**"], "b", False),  # "b/**" is everything below b, not b itself
    (["b/**"], "b/x", True),
    (["**"], "anything/at/all", True),
    (["**log"], "catalog", True),  # **x without a slash: any path ending in x
    (["**/log"], "catalog", False),
    (["**/log"], "log", True),
    (["a**"], "ab/c", True),  # a prefix
    (["a?c"], "abc", True),
    (["a?c"], "a/c", False),
    (["[!a]*"], "!x", True),  # [!a] is "! or a" (Go regexp), not a negation
    (["[!a]*"], "bx", False),
    (["[^a]*"], "bx", True),
    (["[[:digit:]]x"], "7x", True),
    (["\\*"], "*", True),
    (["\\*"], "x", False),
    (["a.b"], "aXb", False),  # regexp characters are literal
    (["a+"], "aa", False),
    (["(a|b)"], "(a|b)", True),
    (["*", "!*.txt", "a.txt"], "a.txt", True),  # the last match wins
    (["*", "!*.txt"], "a.txt", False),
    (["!a"], "a", False),
    ([], "a", False),
])
def test_matches(patterns: List[str], path: str, excluded: bool) -> None:
    assert PatternMatcher(patterns).matches(path) is excluded


def test_matches_legacy_checks_one_parent_only() -> None:
    # patternmatcher's deprecated Matches (the CLI decides with it whether to keep the
    # Dockerfile) looks at the parent as deep as the pattern; MatchesOrParentMatches at all.
    matcher = PatternMatcher(["**/e.txt"])
    assert matcher.matches("b/d/e.txt/x")
    assert not matcher.matches_legacy("b/d/e.txt/x")


def test_match_entry_uses_the_parent_results() -> None:
    matcher = PatternMatcher(["b", "!b/c", "b/c/x"])
    excluded, results = matcher.match_entry("b", None)
    assert excluded and results == [True, False, False]
    excluded, results = matcher.match_entry("b/c", results)
    assert not excluded and results == [True, True, False]
    assert matcher.match_entry("b/c/x", results)[0]
    assert not matcher.match_entry("b/c/y", results)[0]
    assert matcher.may_include_below("b") and not matcher.may_include_below("d")


@pytest.mark.parametrize("pattern", ["[", "a[", "[]", "[]a]", "[a-]", "[-a]", "a\\", "[\\", "[^]"])
def test_patterns_go_rejects_are_refused(pattern: str) -> None:
    with pytest.raises(InvalidArgument, match="syntax error"):
        PatternMatcher([pattern])


def test_exclusion_alone_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="illegal exclusion"):
        PatternMatcher(["!"])


def test_bad_regexp_raises_only_when_used(tmp_path: Path) -> None:
    # As the CLI: "[z-a]" passes filepath.Match but not regexp.Compile; patterns before it
    # that match everything spare it from being evaluated.
    root = make_tree(tmp_path / "ctx", ["Dockerfile", "a"])
    assert [e.path for e in context_entries(str(root), ["**", "[z-a]"])] == []
    with pytest.raises(InvalidArgument, match=r"\[z-a\]"):
        list(context_entries(str(root), ["[z-a]"]))
    with pytest.raises(InvalidArgument, match="escape"):
        PatternMatcher(["a\\qb"]).matches("aqb")


@pytest.mark.parametrize("pattern, matching, other", [
    ("\\d*", "7abc", "abc"),
    ("a\\x41", "aA", "ax41"),
    ("a\\101", "aA", "a101"),
    ("[\\d]", "5", "d"),
    ("[[:alpha:][:digit:]]", "x", "-"),
    ("[[:^alpha:]]", "-", "x"),
    ("[*]", "]", "*"),  # "*" is rewritten inside brackets too: "[[^/]*]"
    ("[a-c]x", "bx", "dx"),
    ("a^", "a^", "a"),  # ^ is literal where the pattern has no wildcard...
    ("*^", "", "x^"),  # ... and an anchor where it has one
])
def test_go_regexp_details(pattern: str, matching: str, other: str) -> None:
    matcher = PatternMatcher([pattern])
    if matching:
        assert matcher.patterns[0].match(matching)
    assert not matcher.patterns[0].match(other)


def test_fast_path_agrees_with_the_pattern_loop() -> None:
    patterns = ["*.log", "!keep.log", "**/tmp", "b/**", "!b/keep", "x**", "**/*.py[co]", "/rooted", "a/*/c"]
    matcher = PatternMatcher(patterns)
    paths = ["a.log", "keep.log", "x/tmp", "tmp", "b/q", "b/keep", "xyz", "s/t.pyc", "s/t.py", "rooted",
             "a/b/c", "a/b/b/c", "b", "zz"]
    for path in paths:
        assert matcher._excluded_fast(path) == matcher.match_entry(path, None)[0], path


def test_trim_build_files_keeps_dockerfile_and_dockerignore() -> None:
    assert trim_build_files(["*"], "Dockerfile") == ["*", "!.dockerignore", "!Dockerfile"]
    assert trim_build_files(["a"], "Dockerfile") == ["a"]
    assert trim_build_files(["sub"], "sub/Dockerfile") == ["sub", "!sub/Dockerfile"]
    assert trim_build_files(["*"], "Dockerfile", dockerfile_from_stdin=True) == ["*", "!.dockerignore"]


# -- walking ---------------------------------------------------------------------------------


def test_entries_come_depth_first_sorted_by_bytes(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["a/", "a/z", "a-b", "a.txt", "B", "a/b/", "a/b/c"])
    assert [e.path for e in context_entries(str(root))] == ["B", "a", "a/b", "a/b/c", "a/z", "a-b", "a.txt"]


def test_excluded_directories_are_not_walked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_tree(tmp_path / "ctx", ["big/", "big/1", "big/2/", "big/2/3", "keep/", "keep/x", "f"])
    scanned: List[str] = []
    real_scan = bc._scan

    def spy(directory: str) -> list:  # type: ignore[type-arg]
        scanned.append(os.path.relpath(directory, root))
        return real_scan(directory)

    monkeypatch.setattr(bc, "_scan", spy)
    assert [e.path for e in context_entries(str(root), ["big", "keep", "!keep/x"])] == ["f", "keep/x"]
    assert scanned == [".", "keep"]


def test_sockets_are_left_out(tmp_path: Path) -> None:
    import socket

    root = make_tree(tmp_path / "ctx", ["f"])
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "sock"))
        assert [e.path for e in context_entries(str(root))] == ["f"]


# -- the tar ---------------------------------------------------------------------------------


def test_headers_are_the_clis(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["Dockerfile", "dir/", "dir/exe", "link -> dir/exe", "dirlink -> dir"])
    os.chmod(root / "dir" / "exe", 0o4751)
    os.chmod(root / "dir", 0o1750)
    os.utime(root / "Dockerfile", ns=(0, 1_700_000_000_999_999_999))
    os.mkfifo(root / "fifo")
    members = {m.name: m for m in tar_members(context_bytes(root))}
    assert list(members) == ["Dockerfile", "dir", "dir/exe", "dirlink", "fifo", "link"]
    for member in members.values():
        assert (member.uid, member.gid, member.uname, member.gname) == (0, 0, "", "")
    assert members["Dockerfile"].mtime == 1_700_000_000  # whole seconds, truncated
    assert members["dir"].isdir() and members["dir"].mode == 0o1750
    assert members["dir/exe"].isfile() and members["dir/exe"].mode == 0o4751
    assert members["link"].issym() and members["link"].linkname == "dir/exe"
    assert members["dirlink"].issym() and members["dirlink"].linkname == "dir"
    assert members["fifo"].isfifo()


def test_directories_end_with_a_slash_and_the_archive_with_two_blocks(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["d/", "d/f"])
    data = context_bytes(root)
    assert data[:2] == b"d/" and data[-1024:] == bytes(1024) and len(data) % 512 == 0
    assert len(data) == 2 * 512 + 512 + 1024  # two headers, one data block, no 10 KiB record


def test_hard_links_are_stored_once(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["a", "sub/"])
    os.link(root / "a", root / "sub" / "b")
    os.link(root / "a", root / "c")
    members = tar_members(context_bytes(root))
    assert [(m.name, m.type, m.linkname) for m in members] == [
        ("a", tarfile.REGTYPE, ""), ("c", tarfile.LNKTYPE, "a"), ("sub", tarfile.DIRTYPE, ""),
        ("sub/b", tarfile.LNKTYPE, "a")]
    # When the first one is excluded, the next one holds the data.
    members = tar_members(b"".join(tar_stream(str(root), ["a"])))
    assert [(m.name, m.type, m.linkname) for m in members][:1] == [("c", tarfile.REGTYPE, "")]


@pytest.mark.parametrize("name, pax", [
    ("d" * 60 + "/" + "f" * 60, False),  # longer than 100 but splits into prefix and name
    ("g" * 120 + "/" + "h" * 10, False),
    ("g" * 160 + "/" + "h" * 10, True),  # the prefix would exceed 155
    ("x" * 101, True),  # one component longer than 100
    ("héllo wörld", True),  # not ASCII
])
def test_long_and_non_ascii_names(tmp_path: Path, name: str, pax: bool) -> None:
    root = tmp_path / "ctx"
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text("data")
    data = b"".join(tar_stream(str(root), entries=[e for e in context_entries(str(root)) if e.path == name]))
    members = tar_members(data)
    assert [m.name for m in members] == [name]
    assert (b" path=" in data) is pax


def test_long_and_non_ascii_link_targets(tmp_path: Path) -> None:
    root = tmp_path / "ctx"
    root.mkdir()
    os.symlink("t" * 150, root / "long")
    os.symlink("ünï", root / "uni")
    os.symlink("short", root / "short")
    members = {m.name: m.linkname for m in tar_members(context_bytes(root))}
    assert members == {"long": "t" * 150, "short": "short", "uni": "ünï"}


def test_times_before_1970_use_pax(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["old"])
    os.utime(root / "old", (-100_000, -100_000))
    data = context_bytes(root)
    assert b"mtime=-100000" in data
    assert tar_members(data)[0].mtime == -100_000


def test_capability_xattr_is_kept(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["ping"])
    value = struct.pack("<IIIII", 0x02000001, 0x2000, 0, 0, 0)
    try:
        os.setxattr(root / "ping", "security.capability", value)
    except OSError as exc:
        pytest.skip(f"cannot set security.capability here: {exc}")
    member = tar_members(context_bytes(root))[0]
    assert member.pax_headers["SCHILY.xattr.security.capability"].encode("utf-8", "surrogateescape") == value


def test_same_tree_same_bytes(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx")
    (root / ".dockerignore").write_text("**/*.log\n!keep/**\n")
    assert context_bytes(root) == context_bytes(root)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk_size=st.integers(min_value=1, max_value=70_000))
def test_any_chunk_size_gives_the_same_archive(tmp_path: Path, chunk_size: int) -> None:
    root = tmp_path / "ctx"
    if not root.exists():
        make_tree(root)
        (root / "mid").write_bytes(os.urandom(5000))
        (root / "large").write_bytes(os.urandom(150_000))
    whole = context_bytes(root)
    chunks = list(prepare_context(str(root), chunk_size=chunk_size).chunks)
    assert b"".join(chunks) == whole
    assert max(len(c) for c in chunks) <= max(chunk_size, 512) + 150_000 + 1024


def test_large_files_are_streamed_not_read_whole(tmp_path: Path) -> None:
    root = tmp_path / "ctx"
    root.mkdir()
    with open(root / "big", "wb") as f:
        f.truncate(64 * 1024 * 1024)  # sparse
    sizes = [len(chunk) for chunk in tar_stream(str(root), chunk_size=1024 * 1024)]
    assert sum(sizes) == 512 + 64 * 1024 * 1024 + 1024
    assert max(sizes) <= 1024 * 1024


def test_a_file_that_shrinks_while_sent_is_an_error(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["f"])
    (root / "f").write_bytes(b"x" * 1000)
    chunks = tar_stream(str(root), chunk_size=1)
    entries = list(context_entries(str(root)))
    (root / "f").write_bytes(b"x" * 10)
    with pytest.raises(DockerException, match="shrank"):
        b"".join(tar_stream(str(root), entries=entries))
    assert b"".join(chunks)  # walked after the change: consistent


def test_an_unreadable_file_is_a_docker_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not an OSError: requests would report that as a broken connection to the daemon.
    root = make_tree(tmp_path / "ctx", ["Dockerfile", "secret"])
    real_open = os.open

    def refuse(path: str, *args: object, **kwargs: object) -> int:
        if path.endswith("secret"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(DockerException, match="cannot read .*secret") as info:
        b"".join(tar_stream(str(root)))
    assert not isinstance(info.value, OSError)


def test_gzip(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx")
    plain = context_bytes(root)
    packed = b"".join(prepare_context(str(root), gzip=True).chunks)
    assert packed[:2] == b"\x1f\x8b" and gzip.decompress(packed) == plain


# -- whole contexts --------------------------------------------------------------------------


def test_dockerfile_in_a_subdirectory_is_kept_when_its_directory_is_excluded(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["docker/", "docker/Dockerfile.dev", "docker/secret", "app"])
    (root / ".dockerignore").write_text("docker\n")
    context = prepare_context(str(root), "docker/Dockerfile.dev")
    assert context.dockerfile == "docker/Dockerfile.dev"
    assert [m.name for m in tar_members(b"".join(context.chunks))] == [
        ".dockerignore", "app", "docker/Dockerfile.dev"]


def test_lowercase_dockerfile_is_found(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["dockerfile", "x"])
    (root / ".dockerignore").write_text("*\n")
    names = [m.name for m in tar_members(context_bytes(root))]
    assert names == [".dockerignore", "dockerfile"]


def test_dockerfile_outside_the_context_is_added(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["app"])
    (root / ".dockerignore").write_text("*.tmp\n")
    outside = tmp_path / "Dockerfile.other"
    outside.write_text("FROM scratch\n")
    context = prepare_context(str(root), str(outside))
    assert context.dockerfile is not None and context.dockerfile.startswith(".dockerfile.")
    with tarfile.open(fileobj=io.BytesIO(b"".join(context.chunks))) as archive:
        assert archive.getnames() == [".dockerignore", "app", context.dockerfile]
        ignore = archive.extractfile(".dockerignore").read()  # type: ignore[union-attr]
        assert ignore == b"*.tmp\n\n" + context.dockerfile.encode() + b"\n"
        assert archive.extractfile(context.dockerfile).read() == b"FROM scratch\n"  # type: ignore[union-attr]
    # The same with a relative path leaving the context, and deterministic.
    again = prepare_context(str(root), "../Dockerfile.other")
    assert again.dockerfile == context.dockerfile


def test_context_must_be_a_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(DockerException, match="directory"):
        prepare_context(str(tmp_path / "file"))


def test_symlinked_context_directory_is_followed(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "real", ["Dockerfile", "f"])
    os.symlink(root, tmp_path / "link")
    assert context_bytes(tmp_path / "link") == context_bytes(root)


def test_is_archive() -> None:
    archive = bc.dockerfile_archive(b"FROM scratch\n")
    assert bc.is_archive(archive[:1024])
    assert bc.is_archive(gzip.compress(archive)[:10])
    assert not bc.is_archive(b"FROM scratch\nRUN true\n")
    assert not bc.is_archive(b"x" * 1024)


def test_dockerfile_archive() -> None:
    [member] = tar_members(bc.dockerfile_archive(b"FROM scratch\n"))
    assert (member.name, member.size, member.mode, member.uid) == ("Dockerfile", 13, 0o644, 0)


# -- docker-py's helper names ----------------------------------------------------------------


def test_docker_py_helpers(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "ctx", ["Dockerfile", "a.log", "src/", "src/x.py"])
    assert docker_py_build.exclude_paths(str(root), ["*.log"]) == {"Dockerfile", "src", "src/x.py"}
    assert docker_py_build.build_file_list(str(root)) == ["Dockerfile", "a.log", "src", "src/x.py"]
    assert list(docker_py_build.walk(str(root), ["src"])) == ["Dockerfile", "a.log"]
    with docker_py_build.tar(str(root), exclude=["src"], gzip=True) as f:
        with tarfile.open(fileobj=f) as archive:
            assert archive.getnames() == ["Dockerfile", "a.log"]
    with docker_py_build.tar(str(root), dockerfile=("Dockerfile.x", "FROM scratch\n")) as f:
        with tarfile.open(fileobj=f) as archive:
            names = archive.getnames()
            assert names[-2:] == [".dockerignore", "Dockerfile.x"]
            ignore = archive.extractfile(".dockerignore").read()  # type: ignore[union-attr]
            assert ignore == b".dockerignore\nDockerfile.x"
    with docker_py_build.create_archive(str(root), ["src/x.py", "Dockerfile"],
                                        extra_files=[("extra", "text")]) as f:
        with tarfile.open(fileobj=f) as archive:
            assert archive.getnames() == ["src/x.py", "Dockerfile", "extra"]
    with docker_py_build.mkbuildcontext(io.BytesIO(b"FROM scratch\n")) as f:
        with tarfile.open(fileobj=f) as archive:
            assert archive.getnames() == ["Dockerfile"]
    assert docker_py_build.match_tag("localhost:5000/a/b:1.0")
    assert not docker_py_build.match_tag("Upper/case")


# -- a large tree ----------------------------------------------------------------------------

#: Thirty lines of the benchmark's kind: "!" exceptions, "**", classes, rooted and nested paths.
LARGE_TREE_PATTERNS = [
    "**/*.pyc", "**/*.log", "*.tmp", "**/__pycache__", ".git", "node_modules", "**/*.swp", "build/",
    "dist", "*.egg-info", "pkg1/**", "!pkg1/mod1/**", "pkg2/mod2/f1*", "**/f9?.md", "/docs", ".venv",
    "**/.DS_Store", "coverage", "**/*.orig", "tmp*", "!tmp/keep", "pkg3/*/f5.txt", "**/mod4?/*.json",
    "#comment", "cache/", "**/*.bak", "pkg5", "!pkg5/mod5/f1.py", "**/[ab]*.txt", "pkg6/**/f?.py",
]


def reference_walk(root: str, matcher: PatternMatcher) -> List[str]:
    """The CLI's walk with patternmatcher's loop for every entry: no shortcut of ours."""
    found: List[str] = []

    def walk(directory: str, prefix: str, parent: List[bool] | None) -> None:
        for name in sorted(os.listdir(directory), key=os.fsencode):
            rel, path = prefix + name, os.path.join(directory, name)
            is_dir = os.path.isdir(path) and not os.path.islink(path)
            excluded, results = matcher.match_entry(rel, parent)
            if not excluded:
                found.append(rel)
            if is_dir and (not excluded or matcher.may_include_below(rel)):
                walk(path, rel + "/", results)

    walk(root, "", None)
    return found


def test_a_large_tree_is_archived_as_the_pattern_loop_decides(tmp_path: Path) -> None:
    # The walk decides most files with the few patterns that could apply in their directory;
    # this checks it against the plain pattern loop on a tree of the benchmark's shape.
    root = tmp_path / "ctx"
    extensions = [".py", ".txt", ".log", ".pyc", ".md", ".json", ".tmp", ".bak"]
    for d in range(60):
        sub = root / f"pkg{d % 20}" / f"mod{d}"
        sub.mkdir(parents=True)
        for i in range(100):
            name = f"{'ab'[i % 2] if i % 3 == 0 else 'f'}{i}{extensions[(d + i) % len(extensions)]}"
            (sub / name).write_bytes(b"x" * (10 + (i * 37 + d) % 700))
    for extra in ["tmp/keep", "tmp/other", "tmpfile", "docs/x", "a.tmp", "Dockerfile", "build/x/y"]:
        (root / extra).parent.mkdir(parents=True, exist_ok=True)
        (root / extra).write_text(extra)
    (root / ".dockerignore").write_text("\n".join(LARGE_TREE_PATTERNS) + "\n")
    patterns = parse_dockerignore("\n".join(LARGE_TREE_PATTERNS))
    matcher = PatternMatcher(trim_build_files(patterns, "Dockerfile"))
    expected = reference_walk(str(root), matcher)
    assert 2000 < len(expected) < 5000  # the patterns leave out a good part, not everything
    assert [e.path for e in context_entries(str(root), matcher)] == expected
    members = tar_members(context_bytes(root))
    assert [m.name for m in members] == expected
    for member in members[:50]:
        if member.isfile():
            assert member.size == (root / member.name).stat().st_size


# -- files that change between the listing and the archive -----------------------------------


def test_an_empty_file_that_cannot_be_opened_is_still_archived(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # As the CLI, which opens only files with data.
    root = make_tree(tmp_path / "ctx", ["Dockerfile"])
    (root / "empty").write_bytes(b"")
    real_open = os.open

    def refuse(path: str, *args: object, **kwargs: object) -> int:
        if path.endswith("empty"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    members = tar_members(b"".join(tar_stream(str(root))))
    assert [(m.name, m.size) for m in members] == [("Dockerfile", len("Dockerfile\n")), ("empty", 0)]


def test_a_listed_file_that_became_a_fifo_or_a_link_is_archived_as_it_is_now(tmp_path: Path) -> None:
    # The walk names a regular file; by the time it is archived it is something else. It is
    # neither waited on (a FIFO) nor followed (a link).
    root = make_tree(tmp_path / "ctx", ["target"])
    os.mkfifo(root / "was-a-file")
    os.symlink("target", root / "now-a-link")
    listed = [(name, str(root / name), bc._FILE) for name in ("now-a-link", "target", "was-a-file")]
    data = b"".join(bc._tar_chunks(str(root), (), iter(listed), {}, (), bc.DEFAULT_CHUNK_SIZE))  # type: ignore[arg-type]
    members = {m.name: m for m in tar_members(data)}
    assert members["was-a-file"].isfifo() and members["now-a-link"].issym()
    assert members["now-a-link"].linkname == "target" and members["target"].isfile()


def test_sockets_are_left_out_of_the_tar(tmp_path: Path) -> None:
    import socket

    root = make_tree(tmp_path / "ctx", ["f"])
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "sock"))
        assert [m.name for m in tar_members(b"".join(tar_stream(str(root))))] == ["f"]
