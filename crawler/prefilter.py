"""Regexes behind a substring test: run a pattern only on text that could match it.

The classifier asks about a hundred patterns of every clause of every page, and most
clauses contain none of the words a given pattern needs. Each pattern here is read once for
the literal strings any match must contain ("kap", "ketamine", "spravato" for a pattern that
finds ketamine); a text holding none of them cannot match, and `in` says so far faster than
the regex engine. The answers are exactly the pattern's own: the test only skips calls that
would have found nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Iterator

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


class Prefiltered:
    """A compiled pattern that first checks its needles; the same methods, the same results."""

    __slots__ = ("pattern", "needles", "folded")

    def __init__(self, pattern: re.Pattern[str], needles: tuple[str, ...]) -> None:
        self.pattern = pattern
        self.needles = needles
        self.folded = bool(pattern.flags & re.IGNORECASE)

    def _may_match(self, text: str) -> bool:
        haystack = _fold(text) if self.folded else text
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
    needles = required_literals(compiled)
    return Prefiltered(compiled, needles) if needles else compiled


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings of which every match of the pattern contains at least one (case-folded when
    the pattern ignores case), or None when no such short list can be read off it."""
    found = _required(sre_parse.parse(pattern.pattern, pattern.flags))
    # Non-ASCII needles would need the regex engine's own case rules; one-letter needles
    # are in nearly every text and would only cost time.
    if not found or not all(n.isascii() and len(n) >= 2 for n in found):
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
    return max(candidates, key=lambda needles: min(map(len, needles)), default=None)


# Of all non-ASCII characters, the regex engine lets only four match an ASCII letter when
# ignoring case: "ſ" and the Kelvin sign casefold to theirs, the two Turkish i's do not.
_TURKISH_I = str.maketrans({"İ": "i", "ı": "i"})


@lru_cache(maxsize=256)
def _fold(text: str) -> str:
    """Case-folded text, cached: the classifier asks many patterns about the same clause."""
    return text.lower() if text.isascii() else text.translate(_TURKISH_I).casefold()
