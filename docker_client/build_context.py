"""Build contexts as ``docker build`` (the docker CLI) makes them, streamed chunk by chunk.

``.dockerignore`` rules follow moby/patternmatcher as the CLI's archiver applies them, and
the tar has the CLI's entries, order and headers, so the daemon sees what the CLI would send.
"""
from __future__ import annotations

import hashlib
import operator
import os
import re
import stat as stat_module
import struct
import sys
import zlib
from typing import IO, Any, Callable, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from .errors import DockerException, InvalidArgument

__all__ = [
    "DEFAULT_CHUNK_SIZE", "BuildContext", "ContextEntry", "ExtraFile", "PatternMatcher", "clean_path",
    "context_entries", "dockerfile_archive", "gzip_stream", "is_archive", "parse_dockerignore",
    "prepare_context", "read_chunks", "read_dockerignore", "tar_header", "tar_stream", "trim_build_files",
]

#: Size of the chunks :func:`tar_stream` yields (a large file's data may come in bigger ones).
DEFAULT_CHUNK_SIZE = 1024 * 1024
DEFAULT_DOCKERFILE = "Dockerfile"

# Go's unicode.IsSpace, which strings.TrimSpace uses (Python's str.strip() also strips \x1c-\x1f).
_GO_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
             "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _trim_space(text: str) -> str:
    return text.strip(_GO_SPACE)


def clean_path(path: str) -> str:
    """Go's ``filepath.Clean`` (Unix): the shortest equivalent path, lexically.

    Repeated slashes become one, ``.`` elements go, each ``..`` removes the element before it
    (and at the root, itself); an empty result is ``"."``.

    Example:
        >>> clean_path("./a/../b//c/")
        'b/c'
    """
    if not path:
        return "."
    rooted = path[0] == "/"
    parts: List[str] = []
    for part in path.split("/"):
        if not part or part == ".":
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def _go_dir(path: str) -> str:
    """Go's ``filepath.Dir``: everything before the last slash, cleaned."""
    return clean_path(path[:path.rfind("/") + 1])


# -- .dockerignore files ---------------------------------------------------------------------


def parse_dockerignore(data: bytes | str) -> List[str]:
    """The patterns of a ``.dockerignore`` file, as moby's ``ignorefile.ReadAll`` reads them.

    A UTF-8 BOM is dropped; lines starting with ``#`` are comments (a ``#`` after leading
    spaces is not); each pattern is trimmed, cleaned (``filepath.Clean``) and loses one
    leading ``/``; ``!`` stays in front of an exception; blank lines are skipped.

    Example:
        >>> parse_dockerignore(b"# logs\\n/tmp/../*.log\\n ! keep.log \\n")
        ['*.log', '!keep.log']
    """
    text = data.decode("utf-8", "surrogateescape") if isinstance(data, bytes) else data
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    patterns: List[str] = []
    for number, line in enumerate(lines):
        if number == 0 and line.startswith("\ufeff"):
            line = line[1:]
        if line.endswith("\r"):
            line = line[:-1]
        if line.startswith("#"):
            continue
        pattern = _trim_space(line)
        if not pattern:
            continue
        invert = pattern[0] == "!"
        if invert:
            pattern = _trim_space(pattern[1:])
        if pattern:
            pattern = clean_path(pattern)
            if len(pattern) > 1 and pattern[0] == "/":
                pattern = pattern[1:]
        patterns.append("!" + pattern if invert else pattern)
    return patterns


def read_dockerignore(context_dir: str) -> List[str]:
    """The patterns of ``context_dir/.dockerignore``; none if there is no such file."""
    try:
        with open(os.path.join(context_dir, ".dockerignore"), "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise DockerException(f"cannot read the .dockerignore file in {context_dir}: {exc}") from exc
    return parse_dockerignore(data)


def trim_build_files(excludes: Sequence[str], dockerfile: str = DEFAULT_DOCKERFILE,
                     dockerfile_from_stdin: bool = False) -> List[str]:
    """Add exceptions so that ``.dockerignore`` and the Dockerfile are sent even if excluded.

    What the CLI does before archiving (``TrimBuildFilesFromExcludes``, which decides with
    patternmatcher's older ``Matches``): the daemon itself leaves them out of what ``COPY``
    sees, but it needs them in the context.
    """
    result = list(excludes)
    if PatternMatcher(result).matches_legacy(".dockerignore"):
        result.append("!.dockerignore")
    dockerfile = dockerfile.replace(os.sep, "/")
    if not dockerfile_from_stdin and PatternMatcher(result).matches_legacy(dockerfile):
        result.append("!" + dockerfile)
    return result


# -- patterns --------------------------------------------------------------------------------

_EXACT, _PREFIX, _SUFFIX, _REGEXP = range(4)
# Characters patternmatcher escapes when it builds a regular expression.
_GO_ESCAPED = frozenset(".+()|{}$")


class Pattern:
    """One compiled pattern: how moby/patternmatcher matches it (exact, prefix, suffix, regexp).

    Attributes:
        exclusion: an exception (``!pattern``).
        cleaned: the pattern without ``!``, as patternmatcher keeps it (``Pattern.String()``).
        dirs: ``cleaned`` split on ``/``.
    """

    __slots__ = ("cleaned", "dirs", "error", "exclusion", "head", "kind", "regex", "slashes", "tail",
                 "_literal")

    def __init__(self, cleaned: str, exclusion: bool) -> None:
        self.cleaned = cleaned
        self.exclusion = exclusion
        self.dirs = cleaned.split("/")
        self.head, self.tail, self.slashes = _literal_bounds(cleaned)
        self.kind, go_regex = _compile_kind(cleaned)
        self.regex: Optional[re.Pattern[str]] = None
        #: Why the pattern cannot be used: reported when it is first needed, as by the CLI
        #: (which builds fine when earlier patterns spare it from being looked at).
        self.error: Optional[str] = None
        if self.kind == _EXACT:
            self._literal = cleaned
        elif self.kind == _PREFIX:
            self._literal = cleaned[:-2]
        elif self.kind == _SUFFIX:
            self._literal = cleaned[2:]
        else:
            self._literal = ""
            try:
                self.regex = re.compile(_go_regex_to_python(go_regex), re.ASCII)
            except re.error as exc:
                self.error = f"invalid pattern {cleaned!r}: {exc}"

    def match(self, path: str) -> bool:
        """Whether the cleaned, slash-separated ``path`` matches (parents not considered)."""
        kind = self.kind
        if kind == _EXACT:
            return path == self._literal
        if kind == _PREFIX:
            return path.startswith(self._literal)
        if kind == _SUFFIX:
            suffix = self._literal
            if path.endswith(suffix):
                return True
            return suffix[0] == "/" and path == suffix[1:]
        if self.regex is None:
            raise InvalidArgument(self.error)
        return self.regex.fullmatch(path) is not None

    def python_regex(self) -> str:
        """A Python regular expression matching exactly what :meth:`match` matches."""
        kind, literal = self.kind, self._literal
        if kind == _EXACT:
            return re.escape(literal)
        if kind == _PREFIX:
            return re.escape(literal) + "(?s:.*)"
        if kind == _SUFFIX:
            if literal.startswith("/"):
                return f"(?s:.*){re.escape(literal)}|{re.escape(literal[1:])}"
            return "(?s:.*)" + re.escape(literal)
        if self.regex is None:
            raise InvalidArgument(self.error)
        return self.regex.pattern

    def __repr__(self) -> str:
        return f"<Pattern {'!' if self.exclusion else ''}{self.cleaned}>"


# Characters that are not themselves in what a pattern matches (wildcards, classes, escapes,
# and "^", an anchor in patternmatcher's regexps).
_NOT_LITERAL = frozenset("*?[]\\^")


def _literal_bounds(pattern: str) -> Tuple[str, str, int]:
    """What every path a pattern matches has: ``(head, tail, slashes)``.

    ``head`` starts it and ``tail`` ends it (literal text before the first and after the last
    wildcard; ``""`` when unknown); ``slashes`` is how many ``/`` it has, or -1 when that
    varies (``**``) or is not plain to see (classes, escapes). Used to rule patterns out
    cheaply, never to decide a match.
    """
    length = len(pattern)
    start = 0
    while start < length and pattern[start] not in _NOT_LITERAL:
        start += 1
    if start == length:  # no wildcard at all: the pattern is the path
        return pattern, pattern, pattern.count("/")
    head = pattern[:start]
    end = length
    while end > start and pattern[end - 1] not in _NOT_LITERAL:
        end -= 1
    # After an escape, the characters may not stand for themselves ("\x2f" is "/"); and a
    # tail's leading "/" may be swallowed by "**/" ("**/a" matches "a").
    tail = "" if "\\" in pattern else pattern[end:].lstrip("/")
    plain = "**" not in pattern and not any(c in pattern for c in "[]\\")
    return head, tail, pattern.count("/") if plain else -1


def _compile_kind(pattern: str) -> Tuple[int, str]:
    """patternmatcher's ``compile``: the match kind, and the regexp (Go syntax) it would use."""
    parts: List[str] = []
    kind = _EXACT
    pos, length, token = 0, len(pattern), 0
    while pos < length:
        ch = pattern[pos]
        pos += 1
        if ch == "*":
            if pos < length and pattern[pos] == "*":
                pos += 1
                if pos < length and pattern[pos] == "/":
                    pos += 1
                if pos >= length:  # "**" at the end matches everything below
                    if kind == _EXACT:
                        kind = _PREFIX
                    else:
                        parts.append(".*")
                        kind = _REGEXP
                else:
                    parts.append("(.*/)?")
                    kind = _REGEXP
                if token == 0:
                    kind = _SUFFIX
            else:
                parts.append("[^/]*")
                kind = _REGEXP
        elif ch == "?":
            parts.append("[^/]")
            kind = _REGEXP
        elif ch in _GO_ESCAPED:
            parts.append("\\" + ch)
        elif ch == "\\":
            if pos < length:
                parts.append("\\" + pattern[pos])
                pos += 1
                kind = _REGEXP
            else:
                parts.append("\\")
        elif ch in "[]":
            parts.append(ch)
            kind = _REGEXP
        else:
            parts.append(ch)
        token += 1
    return kind, "".join(parts)


def _check_glob_syntax(pattern: str) -> None:
    """Raise where Go's ``filepath.Match(pattern, ".")`` reports ``ErrBadPattern``.

    patternmatcher checks every pattern so: an unclosed or empty ``[...]``, a range bound
    that is ``-`` or ``]``, or a trailing backslash.
    """
    def bad(reason: str) -> InvalidArgument:
        return InvalidArgument(f"invalid pattern {pattern!r}: syntax error ({reason})")

    def class_char(pos: int) -> int:  # Go's getEsc: the position after one class character
        if pos >= length or pattern[pos] in "-]":
            raise bad("bad character in [...]")
        if pattern[pos] == "\\":
            pos += 1
            if pos >= length:
                raise bad("trailing backslash")
        if 0xDC80 <= ord(pattern[pos]) <= 0xDCFF:
            raise bad("invalid UTF-8")
        pos += 1
        if pos >= length:
            raise bad("unterminated [...]")
        return pos

    length = len(pattern)
    pos = 0
    while pos < length:
        ch = pattern[pos]
        if ch == "[":
            pos += 1
            if pos < length and pattern[pos] == "^":
                pos += 1
            ranges = 0
            while True:
                if pos < length and pattern[pos] == "]" and ranges:
                    pos += 1
                    break
                pos = class_char(pos)
                if pattern[pos] == "-":
                    pos = class_char(pos + 1)
                ranges += 1
        elif ch == "\\":
            pos += 1
            if pos >= length:
                raise bad("trailing backslash")
            pos += 1
        else:
            pos += 1


# -- Go regular expressions (RE2 syntax) as Python ones --------------------------------------

_Ranges = List[Tuple[int, int]]
_DIGIT: _Ranges = [(0x30, 0x39)]
_UPPER: _Ranges = [(0x41, 0x5A)]
_LOWER: _Ranges = [(0x61, 0x7A)]
_POSIX_CLASSES: dict[str, _Ranges] = {
    "alnum": _DIGIT + _UPPER + _LOWER, "alpha": _UPPER + _LOWER, "ascii": [(0, 0x7F)],
    "blank": [(9, 9), (32, 32)], "cntrl": [(0, 0x1F), (0x7F, 0x7F)], "digit": _DIGIT,
    "graph": [(0x21, 0x7E)], "lower": _LOWER, "print": [(0x20, 0x7E)],
    "punct": [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)], "space": [(9, 13), (32, 32)],
    "upper": _UPPER, "word": _DIGIT + _UPPER + [(0x5F, 0x5F)] + _LOWER,
    "xdigit": _DIGIT + [(0x41, 0x46), (0x61, 0x66)],
}
# Perl classes as Go defines them: ASCII only, and \s without \v.
_PERL_CLASSES: dict[str, _Ranges] = {"d": _DIGIT, "s": [(9, 10), (12, 13), (32, 32)],
                                     "w": _POSIX_CLASSES["word"]}
_MAX_RUNE = 0x10FFFF
_HEX = frozenset("0123456789abcdefABCDEF")
_SIMPLE_ESCAPES = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}


class _RegexError(Exception):
    pass


def _go_regex_to_python(expr: str) -> str:
    """Translate the regexps patternmatcher builds (Go RE2 syntax) to Python's ``re``.

    Go and Python agree on the operators patternmatcher emits; they differ on character
    classes (POSIX ``[:alpha:]``, nested ``[``), on escapes (``\\z``, octal, ``\\Q...\\E``,
    ``\\d`` meaning ASCII digits) and on ``$`` (matched with ``fullmatch`` instead).
    """
    out: List[str] = []
    pos, length = 0, len(expr)
    try:
        while pos < length:
            ch = expr[pos]
            if ch == "\\":
                text, pos = _translate_escape(expr, pos, in_class=False)
                out.append(text)
            elif ch == "[":
                text, pos = _translate_class(expr, pos)
                out.append(text)
            elif ch == "(":
                out.append("(?:")  # every unescaped "(" is patternmatcher's own group
                pos += 1
            else:
                out.append(ch)
                pos += 1
    except _RegexError as exc:
        raise re.error(str(exc)) from None
    return "".join(out)


def _translate_escape(expr: str, pos: int, in_class: bool) -> Tuple[str, int]:
    """A backslash escape at ``expr[pos]`` as Python regexp text, and the position after it."""
    if pos + 1 >= len(expr):
        raise _RegexError("trailing backslash at end of expression")
    c = expr[pos + 1]
    pos += 2
    if not in_class:
        if c in "AbB":
            return "\\" + c, pos
        if c == "z":
            return "\\Z", pos
        if c == "Q":
            end = expr.find("\\E", pos)
            literal = expr[pos:] if end < 0 else expr[pos:end]
            return re.escape(literal), len(expr) if end < 0 else end + 2
    if c in "dDsSwW":
        ranges = _PERL_CLASSES[c.lower()]
        return _class_text(ranges if c.islower() else _complement(ranges)), pos
    if c in "pP":
        raise _RegexError(f"Unicode classes (\\{c}) are not supported")
    value, pos = _escape_value(expr, c, pos)
    return re.escape(chr(value)), pos


def _escape_value(expr: str, c: str, pos: int) -> Tuple[int, int]:
    """The code point of an escaped literal (Go's ``parseEscape``) and the position after it."""
    if ord(c) < 0x80 and not c.isalnum():
        return ord(c), pos
    if "1" <= c <= "7" and not (pos < len(expr) and "0" <= expr[pos] <= "7"):
        raise _RegexError(f"invalid escape sequence \\{c} (back references are not supported)")
    if "0" <= c <= "7":
        digits = c
        while len(digits) < 3 and pos < len(expr) and "0" <= expr[pos] <= "7":
            digits += expr[pos]
            pos += 1
        return int(digits, 8), pos
    if c == "x":
        if pos < len(expr) and expr[pos] == "{":
            end = expr.find("}", pos)
            digits = expr[pos + 1:end] if end > pos else ""
            if not digits or any(d not in _HEX for d in digits) or int(digits, 16) > 0x10FFFF:
                raise _RegexError("invalid escape sequence \\x{...}")
            return int(digits, 16), end + 1
        digits = expr[pos:pos + 2]
        if len(digits) < 2 or any(d not in _HEX for d in digits):
            raise _RegexError("invalid escape sequence \\x")
        return int(digits, 16), pos + 2
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c], pos
    raise _RegexError(f"invalid escape sequence \\{c}")


def _translate_class(expr: str, pos: int) -> Tuple[str, int]:
    """A bracket expression at ``expr[pos]`` as Go's ``parseClass`` reads it, written as an
    explicit Python class (POSIX and Perl classes, negated or not, as code point ranges).
    """
    length = len(expr)
    pos += 1
    negate = pos < length and expr[pos] == "^"
    if negate:
        pos += 1
    ranges: _Ranges = []
    first = True
    while pos >= length or expr[pos] != "]" or first:
        if pos >= length:
            raise _RegexError("missing closing ]")
        first = False
        if expr.startswith("[:", pos):
            end = expr.find(":]", pos + 2)
            if end >= 0:
                name = expr[pos + 2:end]
                negated_name = name.startswith("^")
                if name.lstrip("^") not in _POSIX_CLASSES:
                    raise _RegexError(f"invalid character class range [:{name}:]")
                named = _POSIX_CLASSES[name.lstrip("^")]
                ranges.extend(_complement(named) if negated_name else named)
                pos = end + 2
                continue
        if expr[pos] == "\\" and pos + 1 < length and expr[pos + 1] in "dDsSwWpP":
            letter = expr[pos + 1]
            if letter in "pP":
                raise _RegexError(f"Unicode classes (\\{letter}) are not supported")
            perl = _PERL_CLASSES[letter.lower()]
            ranges.extend(perl if letter.islower() else _complement(perl))
            pos += 2
            continue
        low, pos = _class_char(expr, pos)
        high = low
        if pos + 1 < length and expr[pos] == "-" and expr[pos + 1] != "]":
            high, pos = _class_char(expr, pos + 1)
            if high < low:
                raise _RegexError("invalid character class range")
        ranges.append((low, high))
    if negate:
        # As "[^...]" rather than the complement's ranges up to U+10FFFF: the same code points,
        # and far quicker for re to compile ("*" and "?" become "[^/]").
        return (f"[^{_class_items(ranges)}]" if ranges else "(?s:.)"), pos + 1
    return _class_text(ranges), pos + 1


def _complement(ranges: _Ranges) -> _Ranges:
    """The code points (up to U+10FFFF) not in ``ranges``."""
    result: _Ranges = []
    next_low = 0
    for low, high in sorted(ranges):
        if low > next_low:
            result.append((next_low, low - 1))
        next_low = max(next_low, high + 1)
    if next_low <= _MAX_RUNE:
        result.append((next_low, _MAX_RUNE))
    return result


def _class_text(ranges: _Ranges) -> str:
    """A Python character class of ``ranges`` (one that matches nothing if empty)."""
    return f"[{_class_items(ranges)}]" if ranges else "(?!)"


def _class_items(ranges: _Ranges) -> str:
    """The inside of a Python character class of ``ranges``."""
    parts = []
    for low, high in ranges:
        parts.append(re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}")
    return "".join(parts)


def _class_char(expr: str, pos: int) -> Tuple[int, int]:
    if pos >= len(expr):
        raise _RegexError("missing closing ]")
    if expr[pos] == "\\":
        if pos + 1 >= len(expr):
            raise _RegexError("trailing backslash at end of expression")
        return _escape_value(expr, expr[pos + 1], pos + 2)
    return ord(expr[pos]), pos + 1


# -- the matcher -----------------------------------------------------------------------------


class PatternMatcher:
    """``.dockerignore`` patterns, compiled once, matched as moby/patternmatcher does.

    Patterns are read in order and the last one that matches decides: a plain pattern
    excludes, a ``!`` pattern brings back. Each pattern is trimmed and cleaned
    (``filepath.Clean``) before its ``!`` is looked at; ``*`` and ``?`` do not cross ``/``;
    ``**`` matches any number of directories; ``[...]``, and ``\\`` escapes, are as in Go.

    Args:
        patterns: the patterns, e.g. from :func:`parse_dockerignore`.

    Raises:
        InvalidArgument: a pattern Go's ``filepath.Match`` rejects, or ``!`` alone (as the
            CLI, which refuses to build). A pattern whose regular expression is invalid
            (``[z-a]``) raises only when a path has to be matched against it, as with the CLI.

    Example:
        >>> pm = PatternMatcher(["**/*.log", "!keep/**"])
        >>> pm.matches("a/b.log"), pm.matches("keep/b.log")
        (True, False)
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns: List[Pattern] = []
        for raw in patterns:
            text = _trim_space(raw)
            if not text:
                continue
            text = clean_path(text)
            exclusion = text[0] == "!"
            if exclusion:
                if len(text) == 1:
                    raise InvalidArgument('illegal exclusion pattern: "!"')
                text = text[1:]
            _check_glob_syntax(text)
            self.patterns.append(Pattern(text, exclusion))
        self.exclusions = any(p.exclusion for p in self.patterns)
        self._exception_prefixes = tuple(p.cleaned + "/" for p in self.patterns if p.exclusion)
        #: Whether entries whose parent no pattern matched can be decided by
        #: :meth:`_rules_for` (not when a pattern's regexp is invalid: that must raise
        #: only if the pattern loop reaches it).
        self._fast = bool(self.patterns) and not any(p.error for p in self.patterns)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def __repr__(self) -> str:
        return f"<PatternMatcher {[repr(p) for p in self.patterns]}>"

    def matches(self, path: str) -> bool:
        """Whether ``path`` (relative to the context) is excluded: by a pattern matching it or
        one of its parent directories (patternmatcher's ``MatchesOrParentMatches``).
        """
        path = clean_path(path)
        if path == ".":
            return False
        parent = _go_dir(path)
        parent_dirs = parent.split("/")
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            match = pattern.match(path)
            if not match and parent != ".":
                for count in range(1, len(parent_dirs) + 1):
                    if pattern.match("/".join(parent_dirs[:count])):
                        match = True
                        break
            if match:
                matched = not pattern.exclusion
        return matched

    def matches_legacy(self, path: str) -> bool:
        """patternmatcher's deprecated ``Matches``, which checks only one parent directory
        (as deep as the pattern); the CLI still decides with it whether to keep the
        Dockerfile and ``.dockerignore``.
        """
        path = clean_path(path)
        if path == ".":
            return False
        parent = _go_dir(path)
        parent_dirs = parent.split("/")
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            match = pattern.match(path)
            if not match and parent != "." and len(pattern.dirs) <= len(parent_dirs):
                match = pattern.match("/".join(parent_dirs[:len(pattern.dirs)]))
            if match:
                matched = not pattern.exclusion
        return matched

    def match_entry(self, path: str, parent: Optional[Sequence[bool]]) -> Tuple[bool, List[bool]]:
        """Whether a walked entry is excluded, given its parent directory's results
        (patternmatcher's ``MatchesUsingParentResults``, as the archiver calls it).

        Args:
            path: the entry, relative to the context.
            parent: what this returned as second value for the parent directory, or None for
                an entry at the top of the context.

        Returns:
            ``(excluded, results)``; ``results`` (which pattern matched) is for the entries
            of ``path`` if it is a directory.
        """
        matched = False
        results = [False] * len(self.patterns)
        for index, pattern in enumerate(self.patterns):
            match = parent[index] if parent is not None else False
            if not match:
                if pattern.exclusion != matched:
                    continue
                match = pattern.match(path)
            results[index] = match
            if match:
                matched = not pattern.exclusion
        return matched, results

    def _rules_for(self, prefix: str) -> Optional[_Rules]:
        """How to decide the entries of one directory (``prefix``: its path and ``/``, or ``""``
        at the top) when no pattern matched the directory itself.

        Then the last pattern matching an entry decides (the ones patternmatcher's loop skips
        could not change the answer). Only the patterns that could match a path with this
        prefix and depth are kept, last first, each with a literal tail every path it matches
        ends with, and grouped by the last character of that tail. None: no pattern applies
        here.
        """
        depth = prefix.count("/")
        candidates = []
        for pattern in reversed(self.patterns):
            head = pattern.head
            if len(head) <= len(prefix):
                if not prefix.startswith(head):
                    continue
            elif not head.startswith(prefix):
                continue
            if pattern.slashes >= 0 and pattern.slashes != depth:
                continue
            # A regexp's own fullmatch spares a call (no pattern here has an error: _fast).
            match: Callable[[str], object] = pattern.regex.fullmatch if pattern.regex else pattern.match
            candidates.append((pattern.tail, not pattern.exclusion, match))
        if not candidates:
            return None
        # Indexed by the last character of the path: a pattern with a tail can only match
        # paths that end with its last character; one without can match any path.
        untailed = [c for c in candidates if not c[0]]
        by_last = {tail[-1]: [c for c in candidates if not c[0] or c[0][-1] == tail[-1]]
                   for tail, _, _ in candidates if tail}
        return by_last, untailed

    def _excluded_fast(self, path: str) -> bool:
        """``match_entry(path, parent)[0]`` for a parent that no pattern matched."""
        rules = self._rules_for(path[:path.rfind("/") + 1])
        return _excluded_by(rules, path)

    def may_include_below(self, directory: str) -> bool:
        """Whether an exception could bring back something under an excluded ``directory``:
        the archiver descends only when an exception pattern starts with ``directory/``.
        """
        prefix = directory + "/"
        return any(p.startswith(prefix) for p in self._exception_prefixes)

    def walk(self, root: str) -> Iterator[str]:
        """docker-py's ``PatternMatcher.walk``: the relative paths of what is not excluded."""
        for entry in context_entries(root, self):
            yield entry.path


#: A candidate pattern of a directory: ``(tail, excludes, match)``.
_Candidate = Tuple[str, bool, Callable[[str], object]]
#: A directory's rules for :func:`_excluded_by`: its candidate patterns (last first) by the last
#: character of the paths they can match, and those for any other last character.
_Rules = Tuple[Mapping[str, List[_Candidate]], List[_Candidate]]


def _excluded_by(rules: Optional[_Rules], path: str) -> bool:
    """Whether the last of ``rules``' patterns that matches ``path`` (not empty) excludes it."""
    if rules is None:
        return False
    by_last, others = rules
    for tail, excludes, match in by_last.get(path[-1], others):
        if path.endswith(tail) and match(path):
            return excludes
    return False


# -- walking the context ---------------------------------------------------------------------


class ContextEntry(NamedTuple):
    """One entry of a build context: its path relative to the context (``/``-separated),
    its absolute path and its ``lstat``.
    """

    path: str
    abspath: str
    stat: os.stat_result


def _sort_key(entry: os.DirEntry[str]) -> bytes:
    return os.fsencode(entry.name)


_name_key = operator.attrgetter("name")

#: What a directory listing says an entry is (no stat needed): :func:`_walk`'s third item.
_OTHER, _FILE, _DIRECTORY = 0, 1, 2


def context_entries(root: str, excludes: PatternMatcher | Iterable[str] = ()) -> Iterator[ContextEntry]:
    """The entries the CLI archives from ``root``, in its order.

    The order is ``filepath.WalkDir``'s: depth first, each directory before its entries,
    entries sorted by name (bytes). An excluded directory is not listed; nothing under it
    is looked at unless an exception pattern starts with its path, and then only what the
    patterns bring back is listed. Symbolic links are not followed. Sockets are left out
    (the CLI cannot archive them).

    Args:
        root: the context directory.
        excludes: a :class:`PatternMatcher` or patterns.

    Raises:
        DockerException: a directory that cannot be read.
    """
    lstat = os.lstat
    for rel, abspath, _ in _walk(root, _matcher_or_none(excludes)):
        try:
            st = lstat(abspath)
        except FileNotFoundError:
            continue  # removed while walking
        except OSError as exc:
            raise DockerException(f"error checking context: cannot stat {abspath}: {exc}") from exc
        if not stat_module.S_ISSOCK(st.st_mode):
            yield ContextEntry(rel, abspath, st)


def _matcher_or_none(excludes: PatternMatcher | Iterable[str]) -> Optional[PatternMatcher]:
    matcher = excludes if isinstance(excludes, PatternMatcher) else PatternMatcher(excludes)
    return matcher if matcher else None


def _scan(directory: str) -> List[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as it:
            entries = list(it)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise DockerException(f"error checking context: cannot read directory {directory}: {exc}") from exc
    if "".join([entry.name for entry in entries]).isascii():
        entries.sort(key=_name_key)
    else:  # in byte order, as Go sorts names (an undecodable byte sorts by its value)
        entries.sort(key=_sort_key)
    return entries


def _walk(directory: str, matcher: Optional[PatternMatcher], prefix: str = "",
          parent: Optional[List[bool]] = None) -> Iterator[Tuple[str, str, int]]:
    """``(relative path, absolute path, _FILE/_DIRECTORY/_OTHER)`` of each entry the CLI
    archives, in its order (see :func:`context_entries`); nothing is stat'ed.
    """
    # When no pattern matched this directory, its files are decided by the few patterns that
    # could apply here (see PatternMatcher._rules_for); else by patternmatcher's loop.
    fast = matcher is not None and matcher._fast and (parent is None or not any(parent))
    rules = matcher._rules_for(prefix) if fast and matcher is not None else None
    by_last, others = rules if rules is not None else ({}, [])
    for entry in _scan(directory):
        rel = prefix + entry.name
        try:
            kind = (_FILE if entry.is_file(follow_symlinks=False)
                    else _DIRECTORY if entry.is_dir(follow_symlinks=False) else _OTHER)
        except OSError:
            kind = _OTHER
        results: Optional[List[bool]] = None
        if matcher is None:
            excluded = False
        elif fast and kind != _DIRECTORY:
            excluded = False
            if rules is not None:  # _excluded_by(), inline
                for tail, excludes, match in by_last.get(rel[-1], others):
                    if rel.endswith(tail) and match(rel):
                        excluded = excludes
                        break
        else:
            excluded, results = matcher.match_entry(rel, parent)
        if excluded:
            if (kind == _DIRECTORY and matcher is not None and matcher.exclusions
                    and matcher.may_include_below(rel)):
                yield from _walk(entry.path, matcher, rel + "/", results)
            continue
        yield rel, entry.path, kind
        if kind == _DIRECTORY:
            yield from _walk(entry.path, matcher, rel + "/", results)


# -- tar headers as Go's archive/tar writes them ---------------------------------------------

_BLOCK = 512
_ZERO_BLOCK = bytes(_BLOCK)
_END_OF_ARCHIVE = bytes(2 * _BLOCK)
_USTAR = struct.Struct("100s8s8s8s12s12s8s1s100s8s32s32s8s8s155s12x")
_OCTAL_ZERO_8 = b"0000000\0"
_OCTAL_ZERO_12 = b"00000000000\0"
_MAGIC = b"ustar\x0000"
_MAX_OCTAL_8 = 8 ** 7
_MAX_OCTAL_12 = 8 ** 11
# Checksum of a USTAR header whose variable fields are empty (the checksum field counts as spaces).
_USTAR_BASE_SUM = sum(_USTAR.pack(b"", b"", _OCTAL_ZERO_8, _OCTAL_ZERO_8, b"", b"", b" " * 8, b"", b"",
                                  _MAGIC, b"", b"", b"", b"", b""))
_CAPABILITY_XATTR = "security.capability"

REGTYPE, LNKTYPE, SYMTYPE, CHRTYPE, BLKTYPE, DIRTYPE, FIFOTYPE = b"0", b"1", b"2", b"3", b"4", b"5", b"6"
_XHDTYPE = b"x"


def _is_ascii(value: bytes) -> bool:
    return value.isascii() and b"\0" not in value


def _split_ustar(name: bytes) -> Optional[Tuple[bytes, bytes]]:
    """Go's ``splitUSTARPath``: ``(prefix, name)`` for a long ASCII name, if it can be split."""
    length = len(name)
    if length <= 100 or not _is_ascii(name):
        return None
    if length > 156:
        length = 156
    elif name[length - 1:length] == b"/":
        length -= 1
    index = name.rfind(b"/", 0, length)
    suffix_length = len(name) - index - 1
    if index <= 0 or suffix_length > 100 or suffix_length == 0 or index > 155:
        return None
    return name[:index], name[index + 1:]


def _pax_record(key: bytes, value: bytes) -> bytes:
    size = len(key) + len(value) + 3
    size += len(str(size))
    record = b"%d %s=%s\n" % (size, key, value)
    if len(record) != size:
        record = b"%d %s=%s\n" % (len(record), key, value)
    return record


def _padding(size: int) -> bytes:
    return _ZERO_BLOCK[size % _BLOCK:] if size % _BLOCK else b""


def _checksummed(header: bytes) -> bytes:
    checksum = sum(header[:148]) + 256 + sum(header[156:])
    return b"".join((header[:148], b"%06o\0 " % checksum, header[156:]))


def tar_header(name: bytes, mode: int, size: int, mtime: int, typeflag: bytes,
               linkname: bytes = b"", devmajor: int = 0, devminor: int = 0,
               pax_records: Optional[Mapping[bytes, bytes]] = None) -> Optional[bytes]:
    """The header block(s) Go's ``archive/tar`` writes for an entry (format PAX, owner 0:0).

    USTAR when the entry fits (a long ASCII name split into prefix and name); otherwise a
    PAX extended header first. None when no format can hold it (the CLI skips such entries).
    """
    pax: dict[bytes, bytes] = {}
    prefix = b""
    ustar = True
    if len(name) > 100 or not _is_ascii(name):
        pax[b"path"] = name
        split = _split_ustar(name)
        if split is None:
            ustar = False
        else:
            prefix, short_name = split
    if len(linkname) > 100 or not _is_ascii(linkname):
        pax[b"linkpath"] = linkname
        ustar = False
    if not 0 <= size < _MAX_OCTAL_12:
        pax[b"size"] = b"%d" % size
        ustar = False
    if not 0 <= mtime < _MAX_OCTAL_12:
        pax[b"mtime"] = b"%d" % mtime
        ustar = False
    if not (0 <= devmajor < _MAX_OCTAL_8 and 0 <= devminor < _MAX_OCTAL_8 and 0 <= mode < _MAX_OCTAL_8):
        return None
    if pax_records:
        for key, value in pax_records.items():
            pax.setdefault(key, value)
        ustar = False
    mode_field = b"%07o\0" % mode
    dev_fields = (b"%07o\0" % devmajor, b"%07o\0" % devminor)
    if ustar:
        if prefix:
            name = short_name
        size_field = b"%011o\0" % size
        mtime_field = b"%011o\0" % mtime
        if devmajor or devminor:
            header = _USTAR.pack(name, mode_field, _OCTAL_ZERO_8, _OCTAL_ZERO_8, size_field, mtime_field,
                                 b" " * 8, typeflag, linkname, _MAGIC, b"", b"", dev_fields[0],
                                 dev_fields[1], prefix)
            return _checksummed(header)
        checksum = (_USTAR_BASE_SUM + sum(name) + sum(mode_field) + sum(size_field) + sum(mtime_field)
                    + typeflag[0] + sum(linkname) + sum(prefix) + 2 * 48 * 7)
        return _USTAR.pack(name, mode_field, _OCTAL_ZERO_8, _OCTAL_ZERO_8, size_field, mtime_field,
                           b"%06o\0 " % checksum, typeflag, linkname, _MAGIC, b"", b"", _OCTAL_ZERO_8,
                           _OCTAL_ZERO_8, prefix)
    # PAX: an extended header with the records (sorted), then the main header.
    data = b"".join(_pax_record(key, pax[key]) for key in sorted(pax))
    # Go: path.Join(dir, "PaxHeaders.0", file) for path.Split(name), then made ASCII, cut to 100.
    head, slash, tail = name.rpartition(b"/")
    joined = b"/".join(part for part in (head + slash, b"PaxHeaders.0", tail) if part)
    pax_name = _to_ascii(os.fsencode(clean_path(os.fsdecode(joined))))[:100].rstrip(b"/")
    extended = _USTAR.pack(pax_name, _OCTAL_ZERO_8, _OCTAL_ZERO_8, _OCTAL_ZERO_8, b"%011o\0" % len(data),
                           _OCTAL_ZERO_12, b" " * 8, _XHDTYPE, b"", _MAGIC, b"", b"", b"", b"", b"")
    main = _USTAR.pack(_to_ascii(name)[:100], mode_field, _OCTAL_ZERO_8, _OCTAL_ZERO_8,
                       b"%011o\0" % size if size < _MAX_OCTAL_12 else _OCTAL_ZERO_12,
                       b"%011o\0" % mtime if 0 <= mtime < _MAX_OCTAL_12 else _OCTAL_ZERO_12,
                       b" " * 8, typeflag, _to_ascii(linkname)[:100], _MAGIC, b"", b"", dev_fields[0],
                       dev_fields[1], b"")
    return b"".join((_checksummed(extended), data, _padding(len(data)), _checksummed(main)))


def _to_ascii(value: bytes) -> bytes:
    if _is_ascii(value):
        return value
    return bytes(b for b in value if 0 < b < 0x80)


# -- the tar stream --------------------------------------------------------------------------


class _Chunker:
    """Collects pieces of output and hands them out in chunks of about ``size`` bytes."""

    __slots__ = ("pieces", "pending", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self.pieces: List[bytes] = []
        self.pending = 0

    def add(self, piece: bytes) -> None:
        self.pieces.append(piece)
        self.pending += len(piece)

    @property
    def full(self) -> bool:
        return self.pending >= self.size

    def take(self) -> bytes:
        chunk = b"".join(self.pieces)
        self.pieces.clear()  # in place: callers may hold the list
        self.pending = 0
        return chunk


class ExtraFile(NamedTuple):
    """A file put in the tar that is not in the context directory."""

    name: str
    data: bytes
    mode: int = 0o600
    mtime: int = 0


def tar_stream(root: str, excludes: PatternMatcher | Iterable[str] = (), *,
               entries: Optional[Iterable[ContextEntry]] = None,
               replace: Optional[Mapping[str, bytes]] = None,
               extra_files: Sequence[ExtraFile] = (), gzip: bool = False,
               chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
    """Yield the tar archive of a build context, as the docker CLI writes it.

    The entries are :func:`context_entries`'; each header is what Go's ``archive/tar``
    writes for the CLI: owner 0:0 without names, the permission bits (with setuid, setgid,
    sticky), the modification time in whole seconds, symbolic links as links, a file with
    several hard links stored once and then as hard links to it, the ``security.capability``
    extended attribute. Nothing is held in memory beyond one chunk (a large file is read
    piece by piece).

    Args:
        root: the context directory.
        excludes: patterns (or a :class:`PatternMatcher`) of what to leave out.
        entries: the entries to archive instead of walking ``root``.
        replace: new contents for some files, by relative path (their header kept).
        extra_files: files to add at the end.
        gzip: compress the stream with gzip.
        chunk_size: about how many bytes each yielded chunk has.

    Yields:
        The archive, in chunks.

    Raises:
        DockerException: a file cannot be read, or changed size while being read.
    """
    stream = _tar_chunks(root, excludes, entries, replace or {}, extra_files, chunk_size)
    if gzip:
        return gzip_stream(stream)
    return stream


def gzip_stream(chunks: Iterable[bytes], level: int = 6) -> Iterator[bytes]:
    """Yield ``chunks`` compressed with gzip, as they come."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = compressor.compress(chunk)
        if out:
            yield out
    yield compressor.flush()


# The parts of a plain USTAR header (owner 0:0, no link, no names, devices 0, no prefix) that do
# not change: after the mode, the owner fields; after the type flag, everything else.
_OWNER_FIELDS = _OCTAL_ZERO_8 + _OCTAL_ZERO_8
_HEADER_TAIL = bytes(100) + _MAGIC + bytes(64) + _OCTAL_ZERO_8 + _OCTAL_ZERO_8 + bytes(155 + 12)
_FILE_TAIL, _DIRECTORY_TAIL = REGTYPE + _HEADER_TAIL, DIRTYPE + _HEADER_TAIL
# Checksum of those tails and of the checksum field itself (eight spaces).
_FILE_TAIL_SUM, _DIRECTORY_TAIL_SUM = sum(_FILE_TAIL) + 8 * 32, sum(_DIRECTORY_TAIL) + 8 * 32


def _capability(target: int | str) -> Optional[bytes]:
    """The ``security.capability`` attribute of a descriptor or (not followed) path, if any.

    Listing the attributes first costs the same system call as reading the one, and spares
    an exception for the files that have none: nearly all.
    """
    try:
        if isinstance(target, int):
            if _CAPABILITY_XATTR in os.listxattr(target):
                return os.getxattr(target, _CAPABILITY_XATTR)
        elif _CAPABILITY_XATTR in os.listxattr(target, follow_symlinks=False):
            return os.getxattr(target, _CAPABILITY_XATTR, follow_symlinks=False)
    except OSError:
        pass
    return None


def _tar_chunks(root: str, excludes: PatternMatcher | Iterable[str],
                entries: Optional[Iterable[ContextEntry]], replace: Mapping[str, bytes],
                extra_files: Sequence[ExtraFile], chunk_size: int) -> Iterator[bytes]:
    walked: Iterable[Tuple[str, str, int | os.stat_result]]
    walked = _walk(root, _matcher_or_none(excludes)) if entries is None else entries
    out = _Chunker(chunk_size)
    pieces = out.pieces
    seen_inodes: dict[int, bytes] = {}
    encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
    s_ifmt, s_ifreg, s_ifdir = 0o170000, stat_module.S_IFREG, stat_module.S_IFDIR
    s_ifsock = stat_module.S_IFSOCK
    read_flags = os.O_RDONLY | os.O_CLOEXEC
    # A file the listing calls regular is opened first, then stat'ed and read through the
    # descriptor: fewer path lookups. Not followed if it has become a link since, and not
    # waited on if a FIFO.
    probe_flags = read_flags | os.O_NOFOLLOW | os.O_NONBLOCK
    os_open, os_read, os_close, fstat, lstat = os.open, os.read, os.close, os.fstat, os.lstat
    listxattr, getxattr, adler32 = os.listxattr, os.getxattr, zlib.adler32
    mode_fields: dict[int, bytes] = {}
    last_mtime, mtime_field = -1, b""
    for rel, abspath, known in walked:
        fd = -1
        if isinstance(known, int):  # from _walk: not stat'ed yet
            st = None
            if known == _FILE and rel not in replace:
                try:
                    fd = os_open(abspath, probe_flags)
                except OSError:
                    pass  # looked at again below, as any other entry
                else:
                    try:
                        st = fstat(fd)
                    except OSError:
                        os_close(fd)
                        fd = -1
            if st is None:
                try:
                    st = lstat(abspath)
                except FileNotFoundError:
                    continue  # removed while walking
                except OSError as exc:
                    raise DockerException(f"error checking context: cannot stat {abspath}: {exc}") from exc
                if st.st_mode & s_ifmt == s_ifsock:
                    continue  # the CLI cannot archive sockets
        else:
            st = known
        try:
            mode = st.st_mode
            fmt = mode & s_ifmt
            name = rel.encode(encoding, errors)
            if fmt == s_ifdir:
                name += b"/"
            if fd < 0:
                capability = _capability(abspath)
            else:  # inline, for the common case
                capability = None
                try:
                    if _CAPABILITY_XATTR in listxattr(fd):
                        capability = getxattr(fd, _CAPABILITY_XATTR)
                except OSError:
                    pass
            mtime = st.st_mtime_ns // 1_000_000_000
            size = st.st_size
            if (capability is None and (fmt == s_ifdir or (fmt == s_ifreg and st.st_nlink == 1))
                    and len(name) <= 100 and name.isascii() and 0 <= mtime < _MAX_OCTAL_12
                    and size < _MAX_OCTAL_12 and rel not in replace):
                # The common case, inline: a USTAR header for a plain file or directory, from
                # cached fields. Its bytes are ASCII, so their sum (at most 148 * 127 for the
                # first 148) is adler32's low half minus one.
                if fmt == s_ifdir:
                    size, tail, tail_sum = 0, _DIRECTORY_TAIL, _DIRECTORY_TAIL_SUM
                else:
                    tail, tail_sum = _FILE_TAIL, _FILE_TAIL_SUM
                mode_field = mode_fields.get(mode)
                if mode_field is None:
                    mode_field = mode_fields[mode] = b"%07o\0" % (mode & 0o7777) + _OWNER_FIELDS
                if mtime != last_mtime:
                    last_mtime, mtime_field = mtime, b"%011o\0" % mtime
                head = b"".join((name.ljust(100, b"\0"), mode_field, b"%011o\0" % size, mtime_field))
                pieces += (head, b"%06o\0 " % ((adler32(head) & 0xFFFF) - 1 + tail_sum), tail)
                out.pending += _BLOCK
                if size and size <= chunk_size:
                    try:
                        if fd < 0:
                            fd = os_open(abspath, read_flags)
                        data = os_read(fd, size)
                        while len(data) < size:
                            more = os_read(fd, size - len(data))
                            if not more:
                                raise DockerException(f"{abspath} shrank while the build context was "
                                                      "being sent")
                            data += more
                    except OSError as exc:
                        raise DockerException(
                            f"error checking context: cannot read {abspath}: {exc}") from exc
                    pieces.append(data)
                    if size % _BLOCK:
                        pieces.append(_ZERO_BLOCK[size % _BLOCK:])
                    out.pending += size + -size % _BLOCK
                elif size:
                    yield from _file_data(abspath, size, out)
                if out.pending >= chunk_size:
                    yield out.take()
                continue
            header, size = _entry_header(name, rel, abspath, st, fmt, mtime, capability, seen_inodes,
                                         replace)
            if header is None:
                continue
            out.add(header)
            replacement = replace.get(rel)
            if size and replacement is not None:
                out.add(replacement + _padding(size))
            elif size:
                yield from _file_data(abspath, size, out)
            if out.pending >= chunk_size:
                yield out.take()
        finally:
            if fd >= 0:
                os_close(fd)
    for extra in extra_files:
        data = extra.data
        header = tar_header(extra.name.encode(encoding, errors), extra.mode, len(data), extra.mtime, REGTYPE)
        assert header is not None
        for piece in (header, data, _padding(len(data))):
            out.add(piece)
        if out.full:
            yield out.take()
    out.add(_END_OF_ARCHIVE)
    yield out.take()


def _entry_header(name: bytes, rel: str, abspath: str, st: os.stat_result, fmt: int, mtime: int,
                  capability: Optional[bytes], seen_inodes: dict[int, bytes],
                  replace: Mapping[str, bytes]) -> Tuple[Optional[bytes], int]:
    """The header of any entry (hard links, symbolic links, devices, long names, xattrs), and
    the size of the data that follows it.
    """
    linkname = b""
    size = 0
    devmajor = devminor = 0
    if fmt == stat_module.S_IFREG:
        typeflag = REGTYPE
        size = st.st_size
    elif fmt == stat_module.S_IFDIR:
        typeflag = DIRTYPE
    elif fmt == stat_module.S_IFLNK:
        typeflag = SYMTYPE
        try:
            linkname = os.fsencode(os.readlink(abspath))
        except OSError as exc:
            raise DockerException(f"cannot read the symbolic link {abspath}: {exc}") from exc
    elif fmt == stat_module.S_IFIFO:
        typeflag = FIFOTYPE
    elif fmt in (stat_module.S_IFCHR, stat_module.S_IFBLK):
        typeflag = CHRTYPE if fmt == stat_module.S_IFCHR else BLKTYPE
        devmajor, devminor = os.major(st.st_rdev), os.minor(st.st_rdev)
    else:
        return None, 0
    records = None
    if capability is not None:
        if len(capability) > 3 and capability[3] == 3:  # revision 3 is stored as revision 2
            capability = capability[:3] + b"\x02" + capability[4:20]
        records = {b"SCHILY.xattr." + _CAPABILITY_XATTR.encode(): capability}
    if fmt != stat_module.S_IFDIR and st.st_nlink > 1:
        first = seen_inodes.get(st.st_ino)
        if first is None:
            seen_inodes[st.st_ino] = name
        else:
            typeflag, linkname, size = LNKTYPE, first, 0
    if typeflag == REGTYPE and rel in replace:
        size = len(replace[rel])
    header = tar_header(name, st.st_mode & 0o7777, size, mtime, typeflag, linkname, devmajor, devminor,
                        records)
    return header, size


def _file_data(path: str, size: int, out: _Chunker) -> Iterator[bytes]:
    """Yield a file's data (``size`` bytes, padded) through ``out``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        raise DockerException(f"error checking context: cannot read {path}: {exc}") from exc
    try:
        if size <= out.size:
            data = os.read(fd, size)
            while len(data) < size:
                more = os.read(fd, size - len(data))
                if not more:
                    break
                data += more
            if len(data) < size:
                raise DockerException(f"{path} shrank while the build context was being sent")
            out.add(data + _padding(size))
            if out.full:
                yield out.take()
            return
        if out.pending:
            yield out.take()
        remaining = size
        while remaining:
            data = os.read(fd, min(remaining, out.size))
            if not data:
                raise DockerException(f"{path} shrank while the build context was being sent")
            remaining -= len(data)
            yield data
        padding = _padding(size)
        if padding:
            out.add(padding)
    except OSError as exc:
        raise DockerException(f"cannot read {path} for the build context: {exc}") from exc
    finally:
        os.close(fd)


# -- whole contexts --------------------------------------------------------------------------

_TAR_MAGIC_OFFSET = 257


def is_archive(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a stream, 1 KiB is enough) starts a tar archive or
    a compressed stream (gzip, bzip2, xz, zstd), as the CLI's ``docker build -`` tells.
    """
    if head.startswith((b"\x1f\x8b\x08", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd")):
        return True
    if len(head) < _BLOCK:
        return False
    block = head[:_BLOCK]
    if block[_TAR_MAGIC_OFFSET:_TAR_MAGIC_OFFSET + 5] == b"ustar":
        return True
    try:
        recorded = int(block[148:156].rstrip(b"\0 ").strip() or b"-1", 8)
    except ValueError:
        return False
    return recorded == sum(block[:148]) + 256 + sum(block[156:])


def dockerfile_archive(content: bytes, name: str = DEFAULT_DOCKERFILE, mode: int = 0o644,
                       mtime: int = 0) -> bytes:
    """A build context holding only a Dockerfile (docker-py's ``mkbuildcontext``)."""
    header = tar_header(os.fsencode(name), mode, len(content), mtime, REGTYPE)
    assert header is not None
    return b"".join((header, content, _padding(len(content)), _END_OF_ARCHIVE))


class BuildContext(NamedTuple):
    """A build context ready to send.

    Attributes:
        chunks: the tar (gzip-compressed if asked), in chunks; iterate it once.
        dockerfile: the ``dockerfile`` parameter for the daemon (None: its default).
        excludes: the patterns applied (with the exceptions the CLI adds).
    """

    chunks: Iterator[bytes]
    dockerfile: Optional[str]
    excludes: List[str]


def _find_dockerfile(context_dir: str, dockerfile: Optional[str]) -> Tuple[str, str]:
    """``(absolute path, path relative to the context)`` of the Dockerfile, symlinks resolved."""
    if dockerfile:
        candidate = dockerfile if os.path.isabs(dockerfile) else os.path.join(context_dir, dockerfile)
    else:
        candidate = os.path.join(context_dir, DEFAULT_DOCKERFILE)
        if not os.path.lexists(candidate) and os.path.lexists(os.path.join(context_dir, "dockerfile")):
            candidate = os.path.join(context_dir, "dockerfile")
    resolved = os.path.realpath(candidate)
    return resolved, os.path.relpath(resolved, context_dir)


def prepare_context(path: str, dockerfile: Optional[str] = None, gzip: bool = False,
                    chunk_size: int = DEFAULT_CHUNK_SIZE) -> BuildContext:
    """The build context of directory ``path``, as ``docker build PATH`` makes it.

    ``.dockerignore`` is read; the Dockerfile and ``.dockerignore`` are kept even if its
    patterns exclude them (the daemon drops them from what ``COPY`` sees). A ``dockerfile``
    is relative to ``path`` (docker-py's rule); one outside ``path`` is added to the tar
    under a name of its own, listed in ``.dockerignore``, and that name is the returned
    ``dockerfile``.

    Args:
        path: the context directory (symbolic links to it are followed).
        dockerfile: the Dockerfile, relative to ``path`` or absolute.
        gzip: compress the tar.
        chunk_size: about how many bytes each chunk has.

    Raises:
        DockerException: ``path`` is not a directory, or the Dockerfile outside it cannot be
            read.
        InvalidArgument: a malformed ``.dockerignore`` pattern.
    """
    context_dir = os.path.realpath(path)
    if not os.path.isdir(context_dir):
        raise DockerException(f"the build context must be a directory: {path}")
    excludes = read_dockerignore(context_dir)
    abs_dockerfile, rel_dockerfile = _find_dockerfile(context_dir, dockerfile)
    outside = rel_dockerfile == ".." or rel_dockerfile.startswith("../")
    excludes = trim_build_files(excludes, rel_dockerfile)
    matcher = PatternMatcher(excludes)
    if not outside:
        param = None
        if dockerfile:
            param = rel_dockerfile if os.path.isabs(dockerfile) else dockerfile
        chunks = tar_stream(context_dir, matcher, gzip=gzip, chunk_size=chunk_size)
        return BuildContext(chunks, param, excludes)
    try:
        with open(abs_dockerfile, "rb") as f:
            content = f.read()
        mtime = os.stat(abs_dockerfile).st_mtime_ns // 1_000_000_000
    except OSError as exc:
        raise DockerException(f"cannot read the Dockerfile {abs_dockerfile}: {exc}") from exc
    hidden = ".dockerfile." + hashlib.sha256(content).hexdigest()[:20]
    ignore_path = os.path.join(context_dir, ".dockerignore")
    replace: dict[str, bytes] = {}
    extra: List[ExtraFile] = []
    if os.path.isfile(ignore_path) and not os.path.islink(ignore_path):
        with open(ignore_path, "rb") as f:
            replace[".dockerignore"] = f.read() + b"\n" + hidden.encode() + b"\n"
    else:
        extra.append(ExtraFile(".dockerignore", b".dockerignore\n" + hidden.encode() + b"\n", 0o600, mtime))
    extra.append(ExtraFile(hidden, content, 0o600, mtime))
    chunks = tar_stream(context_dir, matcher, replace=replace, extra_files=extra, gzip=gzip,
                        chunk_size=chunk_size)
    return BuildContext(chunks, hidden, excludes)


def read_chunks(fileobj: IO[bytes], chunk_size: int = DEFAULT_CHUNK_SIZE,
                head: bytes = b"") -> Iterator[bytes]:
    """Yield ``head`` then what ``fileobj`` holds, ``chunk_size`` bytes at a time."""
    if head:
        yield head
    read: Callable[[int], Any] = fileobj.read
    while True:
        block = read(chunk_size)
        if not block:
            return
        if isinstance(block, str):
            block = block.encode("utf-8")
        yield block
