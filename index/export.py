"""Search results and records -> what people read: export rows, CSV, JSON, terminal tables,
and the text of `show` and `changes`.

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
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable

from crawler.items import Clinic, Decision, Evidence, ExportRow
from crawler.sites import display_host
from crawler.terminal import INVISIBLE, terminal_safe

if TYPE_CHECKING:
    from crawler.items import Decision
    from crawler.upkeep.job import CrawlSummary

CSV_COLUMNS = [f.name for f in fields(ExportRow)]
# Listings not confirmed by a crawl within this many days are flagged stale (2 x default max-age).
STALE_AFTER_DAYS = 14

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# json.dumps escapes C0 itself; these are escaped too, kept as data but never shown raw.
_JSON_ESCAPED = re.compile(f"[\x7f-\x9f{INVISIBLE}]")


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
    """UTF-8 JSON in which every control character (C1 included), bidi control and invisible
    character is a \\u escape: no data is lost, and nothing in it can drive a terminal or
    turn a name around."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    handle.write(_JSON_ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
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


def results_table(results: list[dict[str, Any]]) -> str:
    """Search results as the terminal table: a row per clinic at its first (or nearest) office,
    telehealth providers with the states they serve, miles for a near search, and when each
    listing was last confirmed."""
    rows = []
    for result in results:
        first = export_rows(result)[0]
        row = first.to_dict()
        row["miles"] = first.distance_miles
        row["checked"] = first.last_crawled[:10] + (" (stale)" if first.stale else "")
        if not row["state"] and first.serves_states:  # telehealth: the states it serves
            row["state"] = first.serves_states.replace(";", ",")
        rows.append(row)
    columns = ["name", "modality", "city", "state", "phone", "website"]
    columns += ["miles"] if any("distance_miles" in r for r in results) else []
    return table(rows, [*columns, "checked"])


def write_records(rows: list[dict[str, Any]], fmt: str, columns: list[str], handle: IO[str]) -> None:
    """Plain records (runs, sites, changes) as JSON, CSV or a table of these columns; in CSV
    a cell holding a list or mapping is written as JSON."""
    if fmt == "json":
        write_json(rows, handle)
    elif fmt == "csv":
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([[safe_cell(_scalar(row.get(c, ""))) for c in columns] for row in rows])
    elif rows:
        handle.write(table(rows, columns) + "\n")


def _scalar(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def write_atomically(target: Path, write: Callable[[IO[str]], None]) -> None:
    """A file written whole or not at all: into a temporary file of its own beside target (two
    exports to one file never write the same one), renamed over target once complete, and
    removed if the writing fails or is stopped by Ctrl-C or SIGTERM."""
    import os
    import signal
    import tempfile
    import threading

    fd, part = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(part, 0o666 & ~umask)  # the mode any new file gets, not mkstemp's private 0600
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm) if main_thread else None
    try:
        with open(fd, "w", newline="", encoding="utf-8") as handle:
            write(handle)
        os.replace(part, target)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds, so the half-written file is removed


def clinic_text(clinic: Clinic, gone_because: str | None = None) -> str:
    """One clinic for `ketadir show`: offices, contacts, decision and its evidence."""
    lines = [
        f"{clinic.name}  <{clinic.website}>",
        f"modality: {clinic.modality} (confidence {clinic.confidence:.2f})",
        f"services: {', '.join(clinic.services) or '-'}",
        f"conditions: {', '.join(clinic.conditions) or '-'}",
    ]
    for loc in clinic.locations:
        address = ", ".join(p for p in (loc.street, loc.city, f"{loc.state} {loc.zip}".strip()) if p)
        lines.append(f"location: {address}" + (f"  tel {loc.phone}" if loc.phone else ""))
    if clinic.serves_states:
        lines.append(f"serves: {', '.join(clinic.serves_states)}")
    lines += [f"phone: {p}" for p in clinic.phones] + [f"email: {e}" for e in clinic.emails]
    stale = " (stale)" if is_stale(clinic.last_crawled) else ""
    lines.append(f"last crawled: {clinic.last_crawled}{stale}; {clinic.pages} pages")
    if gone_because is not None:
        lines.append(f"status: gone ({gone_because})")
    lines += evidence_lines(clinic.modality, clinic.evidence, clinic.rule)
    return terminal_safe("\n".join(lines))


def evidence_lines(modality: str, evidence: list[Evidence], rule: str = "") -> list[str]:
    """The evidence of a decision grouped as for it, against it and context, each sentence with
    what it is in words ("offer: procedure text in the passive") and the page it came from."""
    from crawler.extract.cues import describe, stance

    lines = [f"decided by: {rule_words(rule)}"] if rule else []
    groups: dict[str, list[Evidence]] = {"for": [], "against": [], "context": []}
    for ev in evidence:
        groups[stance(modality, ev.supports)].append(ev)
    titles = {"for": f"evidence for {modality}", "against": "evidence against it", "context": "context"}
    for name, items in groups.items():
        if items:
            lines.append(f"{titles[name]}:")
            for ev in items:
                what = describe(ev.rule) if ev.rule else ev.supports
                lines += [f"  - {ev.text}", f"      {what} · {ev.url}"]
    return lines


def rule_words(rule: str) -> str:
    """The decision rule by name and in words."""
    from crawler.extract.classify import DECISION_RULES

    found = DECISION_RULES.get(rule)
    return f"{rule}: {found.says}" if found else rule


def explanation_text(site: str, explanation: Any) -> str:
    """`ketadir show --why`: every cue that fired on the site, with its weight, page and what it
    is, grouped by the signal it fed, and the rule that turned the pooled weights into the
    modality."""
    from crawler.extract.cues import describe

    decision = explanation.decision
    lines = [
        f"{site}: {decision.modality} (confidence {decision.confidence:.2f})",
        f"decided by: {rule_words(decision.rule)}",
        "pooled weights: " + ", ".join(f"{k} {v:g}" for k, v in explanation.scores.items() if v),
    ]
    current = None
    for ev in explanation.evidence:
        if ev.supports != current:
            current = ev.supports
            lines.append(f"{current} ({explanation.scores.get(current, 0):g}):")
        lines += [f"  {ev.weight:5.2f}  {ev.text}", f"         {ev.rule}: {describe(ev.rule)} · {ev.url}"]
    return terminal_safe("\n".join(lines))


def change_text(change: dict[str, Any]) -> str:
    """One recorded change as a line of `ketadir changes`."""
    kind, detail = change["kind"], change["detail"]
    if kind == "new":
        text = f"new clinic: {detail.get('name', '')} ({detail.get('modality', '')})"
    elif kind in ("services", "conditions"):
        parts = [f"+{v}" for v in detail.get("added", [])] + [f"-{v}" for v in detail.get("removed", [])]
        text = f"{kind}: {' '.join(parts)}"
    elif kind == "gone":
        text = f"gone after {detail.get('failed_runs')} failed runs ({detail.get('reason', '')})"
    elif kind == "back":
        text = "back: answering again"
    else:
        text = f"{kind}: {detail.get('old')} -> {detail.get('new')}"
    return terminal_safe(f"{change['at']}  run {change['run_id']}  {display_host(change['site'])}  {text}")


def summary_text(summary: CrawlSummary) -> str:
    """What a crawl run did, as `ketadir crawl` prints it."""
    lines = [
        f"Run {summary.run}: {summary.sites} sites, {summary.pages} pages, "
        f"{summary.errors} fetch errors, {summary.changes} changes"
    ]
    if summary.modalities:
        lines.append("Clinics by modality: " + ", ".join(f"{k} {v}" for k, v in summary.modalities.items()))
    lines += [f"  failed: {display_host(site)}: {reason}" for site, reason in summary.failed_sites.items()]
    if summary.not_reached:
        lines.append(f"  not reached: {len(summary.not_reached)} sites (the crawl ended before their end; they are due again)")
    lines.append(f"Report: {summary.report}")
    return terminal_safe("\n".join(lines))


def decision_record(source: str, decision: Decision) -> dict[str, Any]:
    """One `ketadir classify` result: the decision and its evidence sentences with their pages."""
    return {
        "source": source,
        "modality": decision.modality,
        "services": decision.services,
        "conditions": decision.conditions,
        "confidence": decision.confidence,
        "rule": decision.rule,
        "evidence": [e.to_dict() for e in decision.evidence],
    }


def decision_text(record: dict[str, Any], evidence: int = 5) -> str:
    """A decision_record as `ketadir classify` prints it, with its first evidence sentences."""
    lines = [
        f"{record['source']}: {record['modality']} (confidence {record['confidence']:.2f})",
        f"  services: {', '.join(record['services']) or '-'}; conditions: {', '.join(record['conditions']) or '-'}",
    ]
    decision = Decision(record["modality"], record["confidence"], record["services"], record["conditions"],
                        [Evidence.from_dict(e) for e in record["evidence"][:evidence]], record.get("rule", ""))
    lines += ["  " + line for line in evidence_lines(decision.modality, decision.evidence, decision.rule)]
    return terminal_safe("\n".join(lines))


def stats_text(data: dict[str, Any]) -> str:
    """`ketadir stats`: counts by modality, state and service, most first, and the last crawl."""
    lines = []
    for field_name in ("modality", "state", "services"):
        lines.append(f"{field_name}:")
        ranked = sorted(data[field_name].items(), key=lambda kv: (-kv[1], kv[0]))
        lines += [f"  {key:<22} {value}" for key, value in ranked]
    lines.append(f"last crawl: {data['last_crawl'] or 'never'}")
    return "\n".join(lines)
