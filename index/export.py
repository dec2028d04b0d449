"""Search results -> what people read: export rows, CSV, JSON and terminal tables.

Text in these rows was written by strangers on the web, so CSV cells are neutralised
against spreadsheet formula injection (OWASP) and terminal output is stripped of control
characters and escape sequences.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import fields
from datetime import datetime, timedelta, timezone
from typing import IO, Any, Iterable

from crawler.items import ExportRow
from crawler.terminal import terminal_safe

CSV_COLUMNS = [f.name for f in fields(ExportRow)]
# Listings not confirmed by a crawl within this many days are flagged stale (2 x default max-age).
STALE_AFTER_DAYS = 14

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_C1 = re.compile(r"[\x7f-\x9f]")  # json.dumps escapes C0 itself


def is_stale(last_crawled: str, now: datetime | None = None, days: int = STALE_AFTER_DAYS) -> bool:
    if not last_crawled:
        return True
    try:
        when = datetime.fromisoformat(last_crawled)
    except ValueError:
        return True
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return (now or datetime.now(timezone.utc)) - when > timedelta(days=days)


def export_rows(result: dict[str, Any]) -> list[ExportRow]:
    """One row per location of a search result (one row with empty address if none)."""
    evidence = result.get("evidence") or []
    top = evidence[0] if evidence else {}
    locations = result.get("locations") or [{}]
    nearest = result.get("nearest_location")
    if nearest is not None and 0 <= nearest < len(locations):
        locations = [locations[nearest]] + [loc for i, loc in enumerate(locations) if i != nearest]
    phones = result.get("phones") or []
    rows = []
    for position, location in enumerate(locations):
        distance = result.get("distance_miles") if position == 0 else None
        rows.append(
            ExportRow(
                name=result.get("name", ""),
                modality=result.get("modality", ""),
                services=";".join(result.get("services") or []),
                conditions=";".join(result.get("conditions") or []),
                street=location.get("street", ""),
                city=location.get("city", ""),
                state=location.get("state", ""),
                zip=location.get("zip", ""),
                phone=location.get("phone") or (phones[0] if phones else ""),
                email=";".join(result.get("emails") or []),
                website=result.get("website", ""),
                confidence=round(float(result.get("confidence", 0.0)), 2),
                evidence=top.get("text", ""),
                evidence_url=top.get("url", ""),
                last_crawled=result.get("last_crawled", ""),
                serves_states=";".join(result.get("serves_states") or []),
                distance_miles="" if distance is None else f"{distance:.1f}",
                stale="yes" if is_stale(result.get("last_crawled", "")) else "",
            )
        )
    return rows


def csv_safe(value: Any) -> Any:
    """Prefix a cell that a spreadsheet would run as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """A CSV cell with no escape sequences and no formula to run."""
    return csv_safe(terminal_safe(value) if isinstance(value, str) else value)


def write_csv(rows: Iterable[ExportRow], handle: IO[str]) -> int:
    """RFC 4180 CSV; cells are stripped of escape sequences and neutralised against formulas."""
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(v) for v in row.to_dict().values()])
        count += 1
    return count


def write_json(data: Any, handle: IO[str]) -> None:
    """UTF-8 JSON in which every control character, C1 included, is a \\u escape: no data is
    lost, and nothing in it can drive a terminal."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    handle.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    handle.write("\n")


def table(rows: list[dict[str, Any]], columns: list[str], max_width: int = 40) -> str:
    """A plain aligned text table; cells are made terminal-safe and cut to max_width."""
    if not rows:
        return ""
    cells = [[_cell(row.get(c, ""), max_width) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def _cell(value: Any, max_width: int) -> str:
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    text = terminal_safe(str(value)).replace("\n", " ")
    return text if len(text) <= max_width else text[: max_width - 1] + "…"
