"""Search results and records -> what people read: export rows, CSV, JSON, terminal tables,
the files `export` writes, and the text of `show`, `changes`, `classify` and `stats`.

Text in these rows was written by strangers on the web, so CSV cells are neutralised
against spreadsheet formula injection (OWASP) and terminal output is stripped of control
characters and escape sequences.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable

from crawler.items import Clinic, Decision, Evidence, ExportRow
from crawler.sites import display_host
from crawler.terminal import INVISIBLE, plural, terminal_safe

if TYPE_CHECKING:
    from crawler.upkeep.job import CrawlSummary

CSV_COLUMNS = [f.name for f in fields(ExportRow)]
# Listings not confirmed by a crawl within this many days are flagged stale (2 x default max-age).
STALE_AFTER_DAYS = 14

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# json.dumps escapes C0 itself; these are escaped too, kept as data but never shown raw.
_JSON_ESCAPED = re.compile(f"[\x7f-\x9f{INVISIBLE}]")


@dataclass
class View:
    """What a command prints, in the format asked: data as JSON, text for people, and rows
    (columns, records) when it has a CSV form. Text and rows are made only when asked for."""

    data: Any
    text: Callable[[], str]
    rows: Callable[[], tuple[list[str], list[dict[str, Any]]]] | None = None


@dataclass
class Records:
    """Plain records (sites, runs, changes) a command prints: JSON, CSV or a table of these
    columns, or for people a line a record when line says how; empty is said on stderr when
    there are none to show people."""

    rows: list[dict[str, Any]]
    columns: list[str]
    empty: str = "Nothing recorded yet."
    line: Callable[[dict[str, Any]], str] | None = None


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


def _offices(result: dict[str, Any]) -> list[int]:
    """The offices a result is shown at: those its query matched (all, for a record that did
    not come from a search), nearest first for a near search."""
    matched = result.get("matched_offices")
    return list(range(len(result.get("locations") or []))) if matched is None else list(matched)


def deciding_evidence(result: dict[str, Any]) -> dict[str, Any]:
    """The sentence that decided the modality: the first evidence for it (the classifier puts
    the deciding one first), a whole sentence before a heading; else the first offer."""
    evidence = result.get("evidence") or []
    decisive = [e for e in evidence if e.get("supports") == result.get("modality")]
    sentences = [e for e in decisive if str(e.get("text", "")).rstrip().endswith((".", "!", "?"))]
    offers = [e for e in evidence if e.get("role") == "offer" and not str(e.get("supports", "")).startswith("against:")]
    return next(iter(sentences or decisive or offers), {})


def export_rows(result: dict[str, Any]) -> list[ExportRow]:
    """One row per office the result was found at (one row with no address for a provider
    without such an office: telehealth, or no address on its pages)."""
    top = deciding_evidence(result)
    locations = result.get("locations") or []
    miles = result.get("office_miles") or []
    phones = result.get("phones") or []
    rows = []
    for position in _offices(result) or [None]:
        location = locations[position] if position is not None else {}
        distance = miles[position] if position is not None and position < len(miles) else None
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
                site=result.get("site", ""),
                status=result.get("status", ""),
                telehealth="yes" if result.get("telehealth") else "",
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


def table(rows: list[dict[str, Any]], columns: list[str], width: int | None = None, max_width: int = 40) -> str:
    """A plain aligned text table; cells are made terminal-safe and cut to max_width, and the
    widest columns narrowed until the table fits `width` (a terminal's; None when piped)."""
    if not rows:
        return ""
    cells = [[_cell(row.get(c, ""), max_width) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    if width is not None:
        widths = _fitted(widths, [len(c) for c in columns], width)
        cells = [[_cut(v, w) for v, w in zip(r, widths)] for r in cells]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def _fitted(widths: list[int], floors: list[int], room: int) -> list[int]:
    """Column widths narrowed, widest first and never below their header, to fit room."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > room:
        wide = [i for i, w in enumerate(widths) if w > max(floors[i], 6)]
        if not wide:
            break
        widths[max(wide, key=lambda i: widths[i])] -= 1
    return widths


def terminal_width(handle: IO[str]) -> int | None:
    """The width to fit a table to: the terminal's when handle is one, else None (plain)."""
    import shutil

    try:
        return shutil.get_terminal_size().columns if handle.isatty() else None
    except (AttributeError, ValueError, OSError):
        return None


def _cell(value: Any, max_width: int) -> str:
    if value is None:
        value = ""
    elif isinstance(value, bool):
        value = "yes" if value else ""
    elif isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return _cut(terminal_safe(str(value)).replace("\n", " "), max_width)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def results_table(results: list[dict[str, Any]], width: int | None = None) -> str:
    """Search results as the terminal table: a row per office that matched (nearest first for
    a near search), telehealth providers with the states they serve, miles for a near
    search, and when each listing was last confirmed."""
    rows = []
    for result in results:
        for line in export_rows(result):
            row = line.to_dict()
            row["miles"] = line.distance_miles
            row["checked"] = line.last_crawled[:10] + (" (stale)" if line.stale else "")
            if line.telehealth:
                row["city"] = "telehealth"
            if not row["state"] and line.serves_states:  # telehealth: the states it serves
                row["state"] = line.serves_states.replace(";", ",")
            rows.append(row)
    columns = ["name", "modality", "city", "state", "phone", "website"]
    columns += ["miles"] if any("distance_miles" in r for r in results) else []
    return table(rows, [*columns, "checked"], width)


def write_results(results: list[dict[str, Any]], fmt: str, handle: IO[str], bom: bool = False) -> int:
    """Search results as JSON records, CSV rows (one per office that matched) or the table;
    returns how many records or rows. A table of no results is nothing: see result_notes."""
    if bom:
        handle.write("\ufeff")  # Excel on Windows reads UTF-8 only after a byte-order mark
    if fmt == "json":
        write_json([result_record(r) for r in results], handle)
        return len(results)
    if fmt == "csv":
        return write_csv((row for r in results for row in export_rows(r)), handle)
    if results:
        handle.write(results_table(results, terminal_width(handle)) + "\n")
        handle.flush()
    return len(results)


def result_notes(results: list[dict[str, Any]], fmt: str) -> list[str]:
    """What a table of results says on stderr before it: that nothing matched, or that the
    clinics shown match only some of the words. Data formats say nothing."""
    if fmt in ("json", "csv"):
        return []
    if not results:
        return ["No clinics match."]
    if any(r.get("partial_match") for r in results):
        return ["No clinic matches every word; showing those that match some."]
    return []


def limit_note(shown: int, total: int) -> str:
    """What a search says, in every format, when its limit left clinics out; "" otherwise."""
    return f"showing {shown} of {plural(total, 'clinic')} (use --limit)" if total > shown else ""


# What export writes, by the name's ending; spreadsheets' own formats it cannot write.
_EXPORT_SUFFIXES = {".csv": "csv", ".json": "json"}
_NOT_WRITTEN = (".xlsx", ".xls", ".xlsm", ".ods", ".numbers", ".parquet", ".tsv")


def export_format(output: str, fmt: str, fmt_given: bool) -> str:
    """The format an export to output ("-": stdout) is written in: the one its ending names
    (.csv, .json) unless a format was given. ValueError, saying what to name it instead, for
    the ending of a format it cannot write (.xlsx, .ods...)."""
    suffix = Path(output).suffix.lower() if output != "-" else ""
    if suffix in _NOT_WRITTEN:
        raise ValueError(f"{output}: export writes CSV or JSON, not {suffix[1:]}; name it "
                         f"{Path(output).stem}.csv (add --bom for Excel on Windows)")
    return _EXPORT_SUFFIXES[suffix] if suffix in _EXPORT_SUFFIXES and not fmt_given else fmt


def export_to(target: Path, results: list[dict[str, Any]], fmt: str, bom: bool = False) -> int:
    """Results written to a file whole or not at all (write_atomically); how many records
    or rows. Raises OSError when the file cannot be written."""
    return write_atomically(target, lambda handle: write_results(results, fmt, handle, bom))


def exported_text(output: str, fmt: str, clinics: int, written: int) -> str:
    """What `export` says once the file is written: clinics, and rows for CSV."""
    what = plural(clinics, "clinic")
    if fmt == "csv":
        what = f"{plural(written, 'row')} ({what})"
    return f"Wrote {what} to {output}"


# The JSON record of a clinic, in search, export and show alike (README: "The JSON record").
RECORD_FIELDS = (
    "site", "name", "website", "modality", "confidence", "rule", "services", "conditions", "locations",
    "phones", "emails", "serves_states", "telehealth", "evidence", "last_crawled", "pages", "status",
    "stale", "distance_miles",
)
LOCATION_FIELDS = ("street", "city", "state", "zip", "phone", "name", "source", "url", "matched", "distance_miles")


def result_record(result: dict[str, Any]) -> dict[str, Any]:
    """A search result (or a clinic's to_dict() with its status) as the JSON record: the
    fields of RECORD_FIELDS, each office marked as matched or not and with its miles."""
    matched = set(_offices(result))
    miles = result.get("office_miles") or []
    locations = [
        {**{k: loc.get(k, "") for k in LOCATION_FIELDS[:-2]}, "matched": i in matched,
         "distance_miles": miles[i] if i < len(miles) else None}
        for i, loc in enumerate(result.get("locations") or [])
    ]
    values = {
        **result,
        "locations": locations,
        "telehealth": bool(result.get("telehealth")),
        "status": result.get("status") or "active",
        "stale": is_stale(result.get("last_crawled", "")),
        "distance_miles": result.get("distance_miles"),
    }
    defaults: dict[str, Any] = {"confidence": 0.0, "pages": 0}
    return {name: values.get(name, defaults.get(name, [] if name in _LISTS else "")) for name in RECORD_FIELDS}


_LISTS = frozenset({"services", "conditions", "locations", "phones", "emails", "serves_states", "evidence"})


def write_records(rows: list[dict[str, Any]], fmt: str, columns: list[str], handle: IO[str]) -> None:
    """Plain records (runs, sites, changes) as JSON, CSV or a table of these columns (fitted
    to a terminal); in CSV a cell holding a list or mapping is written as JSON."""
    if fmt == "json":
        write_json(rows, handle)
    elif fmt == "csv":
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([[safe_cell(_scalar(row.get(c, ""))) for c in columns] for row in rows])
    elif rows:
        handle.write(table(rows, columns, terminal_width(handle)) + "\n")


def _scalar(value: Any) -> Any:
    """A CSV cell: lists and mappings as JSON, yes/no as "yes" or empty (as export's cells), no None."""
    if isinstance(value, bool):
        return "yes" if value else ""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def write_atomically(target: Path, write: Callable[[IO[str]], int]) -> int:
    """A file written whole or not at all: into a temporary file of its own beside target (two
    exports to one file never write the same one), renamed over target once complete, and
    removed if the writing fails or is stopped by Ctrl-C or SIGTERM. Returns what write did."""
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
            written = write(handle)
        os.replace(part, target)
        return written
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds, so the half-written file is removed


def clinic_text(
    clinic: Clinic,
    gone_because: str | None = None,
    since: dict[str, dict[str, str | None]] | None = None,
    stated: list[dict[str, Any]] | None = None,
) -> str:
    """One clinic for `ketadir show`: offices, contacts, decision and its evidence, when the
    crawl first saw each offer and the years its pages state."""
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
    lines += since_lines(since or {}, stated or [])
    lines += evidence_lines(clinic.modality, clinic.evidence, clinic.rule)
    return terminal_safe("\n".join(lines))


def since_lines(since: dict[str, dict[str, str | None]], stated: list[dict[str, Any]]) -> list[str]:
    """"Since when": the day the crawl first saw each offer, then the years the pages state."""
    by_day: dict[str, list[str]] = {}
    for kind in ("modality", "services"):
        for label, at in since.get(kind, {}).items():
            by_day.setdefault((at or "")[:10] or "before the history was kept", []).append(label)
    seen = "; ".join(f"{', '.join(labels)} {day}" for day, labels in by_day.items())
    lines = [f"first seen by the crawl: {seen}"] if seen else []
    if stated:
        lines.append("dated on its pages:")
        for fact in stated:
            labels = f" [{', '.join(fact['labels'])}]" if fact.get("labels") else ""
            lines += [f"  - {fact['year']} {fact['event']}{labels}: {fact['text']}", f"      {fact['url']}"]
    return lines


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
        text = f"gone after {plural(int(detail.get('failed_runs') or 0), 'failed run')} ({detail.get('reason', '')})"
    elif kind == "back":
        text = "back: answering again"
    else:
        text = f"{kind}: {detail.get('old')} -> {detail.get('new')}"
    return terminal_safe(f"{change['at']}  run {change['run_id']}  {display_host(change['site'])}  {text}")


def summary_text(summary: CrawlSummary) -> str:
    """What a crawl run did, as `ketadir crawl` prints it."""
    lines = [
        f"Run {summary.run}: {plural(summary.sites, 'site')}, {plural(summary.pages, 'page')}, "
        f"{plural(summary.errors, 'fetch error')}, {plural(summary.changes, 'change')}"
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


DECISION_COLUMNS = ["source", "modality", "confidence", "rule", "services", "conditions", "evidence", "evidence_url"]


def decision_row(record: dict[str, Any]) -> dict[str, Any]:
    """A decision_record as a CSV row of `ketadir classify`: lists joined with ';', the
    sentence that decided."""
    top = deciding_evidence(record)
    return {
        **{k: record.get(k, "") for k in ("source", "modality", "rule")},
        "confidence": round(float(record.get("confidence", 0.0)), 2),
        "services": ";".join(record.get("services") or []),
        "conditions": ";".join(record.get("conditions") or []),
        "evidence": top.get("text", ""),
        "evidence_url": top.get("url", ""),
    }


def decisions_view(records: list[dict[str, Any]]) -> View:
    """The decision_records of `ketadir classify`: one record, or a list of them, as JSON."""
    return View(records if len(records) > 1 else records[0], lambda: "\n".join(decision_text(r) for r in records),
                lambda: (DECISION_COLUMNS, [decision_row(r) for r in records]))


def decision_text(record: dict[str, Any], evidence: int = 5) -> str:
    """A decision_record as `ketadir classify` prints it, with its first evidence sentences."""
    lines = [
        f"{record['source']}: {record['modality']} (confidence {record['confidence']:.2f})",
        f"  services: {', '.join(record['services']) or '-'}; conditions: {', '.join(record['conditions']) or '-'}",
    ]
    shown = [Evidence.from_dict(e) for e in record["evidence"][:evidence]]
    lines += ["  " + line for line in evidence_lines(record["modality"], shown, record.get("rule", ""))]
    return terminal_safe("\n".join(lines))


STATS_COLUMNS = ["field", "value", "count"]


def stats_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """`ketadir stats --format csv`: a row per counted value, most first, and the last crawl."""
    rows = [
        {"field": name, "value": key, "count": count}
        for name in ("modality", "state", "services")
        for key, count in sorted(data[name].items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return rows + [{"field": "last_crawl", "value": data["last_crawl"] or "", "count": ""}]


def stats_text(data: dict[str, Any]) -> str:
    """`ketadir stats`: counts by modality, state and service, most first, and the last crawl."""
    lines = []
    for field_name in ("modality", "state", "services"):
        lines.append(f"{field_name}:")
        ranked = sorted(data[field_name].items(), key=lambda kv: (-kv[1], kv[0]))
        lines += [f"  {key:<22} {value}" for key, value in ranked]
    lines.append(f"last crawl: {data['last_crawl'] or 'never'}")
    return "\n".join(lines)
