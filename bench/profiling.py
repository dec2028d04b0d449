"""cProfile summaries short enough for RESULTS.md: where the time goes, by package and function."""

from __future__ import annotations

import cProfile
import pstats
from collections import defaultdict
from typing import Callable

_GROUPS = (
    ("bs4/", "bs4 (BeautifulSoup)"),
    ("crawler/extract/parse.py", "crawler.extract.parse"),
    ("crawler/extract/contacts.py", "crawler.extract.contacts"),
    ("crawler/extract/classify.py", "crawler.extract.classify"),
    ("crawler/extract/geo.py", "crawler.extract.geo"),
    ("crawler/items.py", "crawler.items (to_dict/from_dict)"),
    ("dataclasses.py", "dataclasses (asdict/fields)"),
    ("copy.py", "copy (deepcopy in asdict)"),
    ("usaddress", "usaddress"),
    ("phonenumbers", "phonenumbers"),
    ("zipcodes", "zipcodes"),
    ("whoosh/", "whoosh"),
    ("json/", "json"),
    ("lxml", "lxml"),
)


def _group(filename: str, function: str) -> str:
    for marker, name in _GROUPS:
        if marker in filename:
            return name
    if filename == "~":
        if "re.Pattern" in function:
            return "re (regex C code)"
        return "builtins / C"
    return "other Python"


def _short(filename: str, line: int, function: str) -> str:
    if filename == "~":
        return function
    parts = filename.split("/")
    tail = "/".join(parts[-2:]) if len(parts) > 1 and parts[-2] in ("crawler", "index", "bs4", "builder") else parts[-1]
    return f"{tail}:{line}({function})"


def profile(fn: Callable[[], object], top: int = 12) -> str:
    """Run fn under cProfile; a markdown summary of self time by package and the top functions."""
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in stats.values()) or 1.0
    by_group: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, function), (_, calls, tottime, cumtime, _) in stats.items():
        by_group[_group(filename, function)] += tottime
        rows.append((tottime, cumtime, calls, _short(filename, line, function)))
    lines = ["| self time by package | share |", "|---|---|"]
    for name, seconds in sorted(by_group.items(), key=lambda kv: -kv[1]):
        if seconds / total >= 0.01:
            lines.append(f"| {name} | {seconds / total:.0%} |")
    lines += ["", "| function (top by self time) | self | cumulative | calls |", "|---|---|---|---|"]
    for tottime, cumtime, calls, name in sorted(rows, reverse=True)[:top]:
        lines.append(f"| `{name}` | {tottime / total:.0%} | {cumtime / total:.0%} | {calls} |")
    own = sorted(((cum, name) for _, cum, _, name in rows if name.startswith(("crawler/", "index/"))), reverse=True)
    lines += ["", "| ketadir function (top by cumulative time) | cumulative |", "|---|---|"]
    lines += [f"| `{name}` | {cum / total:.0%} |" for cum, name in own[:top]]
    return "\n".join(lines)
