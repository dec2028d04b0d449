"""Regexes behind a substring test: run a pattern only on text that could match it.

The classifier asks about a hundred patterns of every clause of every page, and most
clauses contain none of the words a given pattern needs. Each pattern here is read once for
the literal strings any match must contain ("kap", "ketamine", "spravato" for a pattern that
finds ketamine); a text holding none of them cannot match, and `in` says so far faster than
the regex engine. The answers are exactly the pattern's own: the test only skips calls that
would have found nothing.

Performance layer. Justified by the bench row "parse+classify: ketadir / lxml floor, pages
per CPU-s" (bench/RESULTS.md, **one regex pass for many phrasings**). It reads patterns with
CPython's private regex parser (re._parser, re._constants; sre_parse before 3.11). Should
they move, importing this module fails; should their parse trees change shape,
tests/test_private_apis.py and tests/test_prefilter.py (every needle against the regex
itself) fail rather than a needle silently skipping a match.
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Iterable, Iterator

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


class Prefiltered:
    """A compiled pattern that first checks its needles; the same methods, the same results."""

    __slots__ = ("pattern", "needles", "folded")

    def __init__(self, pattern: re.Pattern[str], needles: tuple[str, ...], folded: bool | None = None) -> None:
        self.pattern = pattern
        self.needles = needles
        # Needles are looked for in the case-folded text when the pattern ignores case.
        self.folded = bool(pattern.flags & re.IGNORECASE) if folded is None else folded

    def _may_match(self, text: str) -> bool:
        haystack = fold(text) if self.folded else text
        for needle in self.needles:
            if needle in haystack:
                return True
        return False

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self._may_match(text) else None

    def match(self, text: str) -> re.Match[str] | None:
        return self.pattern.match(text) if self._may_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self._may_match(text) else iter(())

    def sub(self, repl: Any, text: str, count: int = 0) -> str:
        return self.pattern.sub(repl, text, count) if self._may_match(text) else text

    def split(self, text: str, maxsplit: int = 0) -> list[str | Any]:
        return self.pattern.split(text, maxsplit) if self._may_match(text) else [text]


Matcher = re.Pattern[str] | Prefiltered


def prefiltered(pattern: str, flags: int = 0) -> Matcher:
    """re.compile, prefiltered when every match must contain one of a few literal strings."""
    compiled = re.compile(pattern, flags)
    if _anchored_at_start(compiled):
        return compiled  # fails at the first character where it cannot match: faster than a scan
    needles = required_literals(compiled)
    return Prefiltered(compiled, needles) if needles else compiled


def _anchored_at_start(pattern: re.Pattern[str]) -> bool:
    items = sre_parse.parse(pattern.pattern, pattern.flags)
    starts_at = items[0] if len(items) else None
    return (
        starts_at is not None
        and starts_at[0] is sre.AT
        and (starts_at[1] is sre.AT_BEGINNING_STRING or (starts_at[1] is sre.AT_BEGINNING and not pattern.flags & re.M))
    )


def anchored(pattern: Matcher) -> bool:
    """Whether any part of a pattern is tied to where the text starts or ends (^, $, \\A, \\Z):
    such a pattern can match a clause without matching the paragraph the clause is part of."""
    compiled = pattern.pattern if isinstance(pattern, Prefiltered) else pattern
    stack = [sre_parse.parse(compiled.pattern, compiled.flags)]
    while stack:
        node = stack.pop()
        if isinstance(node, sre_parse.SubPattern):
            for op, av in node:
                if op is sre.AT and av in _EDGES:
                    return True
                stack.append(av)
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return False


_EDGES = (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING, sre.AT_END, sre.AT_END_STRING)


def any_of(patterns: Iterable[Matcher]) -> Matcher:
    """One pattern that finds a match exactly where one of these would: a single pass of the
    regex engine instead of one call per pattern, for the many clauses that match none of
    them (bench/RESULTS.md, **one regex pass for many phrasings**). Each keeps its own flags;
    only for yes/no questions, as group numbers change."""
    compiled = [p.pattern if isinstance(p, Prefiltered) else p for p in patterns]
    flags = {p.flags for p in compiled}
    branches = []
    for pattern in compiled:
        if _has_backreference(sre_parse.parse(pattern.pattern, pattern.flags)):
            raise ValueError(f"a back-reference cannot be combined: {pattern.pattern!r}")
        scoped = _scoped_flags(pattern.flags) if len(flags) > 1 else ""
        body = f"(?{scoped}:{pattern.pattern})" if scoped else f"(?:{pattern.pattern})"
        branches.append(body)
    combined = re.compile("|".join(branches), flags.pop() if len(flags) == 1 else 0)
    needles = [required_literals(p) for p in compiled]
    if not all(needles):
        return combined
    # Some branches ignore case: test the folded text, which still holds a folded needle
    # wherever it held the needle itself (needles are ASCII).
    folded = any(p.flags & re.IGNORECASE for p in compiled)
    every = {n.casefold() if folded else n for group in needles for n in group or ()}
    return Prefiltered(combined, tuple(sorted(every)), folded)


def _scoped_flags(flags: int) -> str:
    if flags & ~(re.IGNORECASE | re.UNICODE | re.MULTILINE | re.DOTALL | re.VERBOSE):
        raise ValueError("only the i, m, s and x flags can be scoped")
    return "".join(letter for flag, letter in _FLAG_LETTERS if flags & flag)


_FLAG_LETTERS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))


def _has_backreference(parsed: Any) -> bool:
    """Whether a parsed pattern refers back to a group anywhere in it."""
    stack = [parsed]
    while stack:
        node = stack.pop()
        if isinstance(node, sre_parse.SubPattern):
            for op, av in node:
                if op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
                    return True
                stack.append(av)
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return False


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings of which every match of the pattern contains at least one (case-folded when
    the pattern ignores case), or None when no such short list can be read off it."""
    found = _required(sre_parse.parse(pattern.pattern, pattern.flags))
    if not found:
        return None
    fold = pattern.flags & re.IGNORECASE
    return tuple(sorted({n.casefold() if fold else n for n in found}))


def _required(items: Any) -> set[str] | None:
    """The most selective requirement of a sequence: a run of literal characters, a group or
    a repeat that must occur, or an alternation whose every branch has a requirement."""
    candidates: list[set[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append({"".join(run)})
            run = []
        found: set[str] | None = None
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            if not (add_flags | del_flags) & re.IGNORECASE:  # a case switch mid-pattern: no needles
                found = _required(body)
        elif op is sre.BRANCH:
            branches = [_required(branch) for branch in av[1]]
            if all(branches):
                found = set().union(*branches)  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            found = _required(av[2])
        if found:
            candidates.append(found)
    if run:
        candidates.append({"".join(run)})
    usable = [minimal_needles(needles) for needles in candidates if _usable(needles)]
    return max(usable, key=_selectivity, default=None)


def minimal_needles(needles: set[str]) -> set[str]:
    """A needle that contains another adds nothing: where "added" is, "add" is too."""
    return {n for n in needles if not any(m != n and m in n for m in needles)}


def _selectivity(needles: set[str]) -> tuple[int, int]:
    """Prefer longer needles (up to five letters, past which all are rare), then fewer of them:
    each one is a scan of the text."""
    return min(5, min(map(len, needles))), -len(needles)


def _usable(needles: set[str]) -> bool:
    """Non-ASCII needles would need the regex engine's own case rules; one-letter needles are
    in nearly every text and would only cost time."""
    return all(n.isascii() and len(n) >= 2 for n in needles)


# Of all non-ASCII characters, the regex engine lets only four match an ASCII letter when
# ignoring case: "ſ" and the Kelvin sign casefold to theirs, the two Turkish i's do not.
_TURKISH_I = str.maketrans({"İ": "i", "ı": "i"})


@lru_cache(maxsize=256)
def fold(text: str) -> str:
    """Case-folded text, cached: the classifier asks many patterns about the same clause."""
    return text.lower() if text.isascii() else text.translate(_TURKISH_I).casefold()
