"""What the commands that read the directory present, gathered from the store, the index
and the classifier: one clinic for `show` (or the classifier's reasoning for --why), the
counts of `stats`, the records of `sites list`, `runs` and `changes`, the scores of
`evaluate`. Each comes as a View or
Records the CLI prints in the format asked for; the formatting itself is export.py's.

Each view imports what only it needs (the classifier for --why, the page readers for the
years pages state, Whoosh for the counts) when it is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from crawler.datadir import Paths
from crawler.items import Record
from crawler.sites import clinic_site, display_host
from crawler.store import Store, page_from_json
from index.export import (
    CSV_COLUMNS, STATS_COLUMNS, Records, View, change_text, clinic_text, explanation_text, export_rows, result_record,
    stats_rows, stats_text,
)  # fmt: skip

if TYPE_CHECKING:
    from crawler.evaluate import Label
    from crawler.items import Clinic, Page
    from crawler.store import ChangeRecord, SiteRecord

SITE_COLUMNS = ["site", "source", "first_seen", "last_crawled", "last_status", "gone"]
RUN_COLUMNS = ["id", "started_at", "finished_at", "state", "sites", "pages", "errors", "changes"]
CHANGE_COLUMNS = ["at", "run_id", "site", "kind", "detail"]


def clinic_view(paths: Paths, name: str, why: bool = False) -> View:
    """The clinic a user names by its site, a URL or its name (sites.NotInDirectory, with the
    closest names, when none is): its record, or with why, the classifier's reasoning. The
    store is closed before either is worked out."""
    with Store.open(paths.store, readonly=True) as store:
        site = clinic_site(store, name)
        clinic, registered, history = store.clinic(site), store.site(site), store.changes(site=site)
        parsed = store.parsed_pages_of(site)
    assert clinic is not None  # clinic_site names only sites with a clinic
    pages = [page_from_json(p) for p in parsed]
    return _explanation_view(site, pages) if why else _record_view(clinic, registered, history, pages)


def first_seen(clinic: Clinic, changes: list[ChangeRecord]) -> dict[str, Any]:
    """When the crawl first saw each thing the clinic offers now, from its change history
    (oldest first, as store.changes gives it): {"modality": {label: at}, "services": {...},
    "conditions": {...}}. Each is the latest change that brought it in, else the clinic's first
    decision ("new"); None for a clinic decided before its history was kept."""
    started: str | None = None
    modality_at: str | None = None
    seen: dict[str, dict[str, str | None]] = {"services": {}, "conditions": {}}
    for change in changes:
        if change.kind == "new":
            started = modality_at = change.at
            seen = {"services": {}, "conditions": {}}
        elif change.kind == "modality" and change.detail.get("new") == clinic.modality:
            modality_at = change.at
        elif change.kind in seen:
            for label in change.detail.get("added", []):
                seen[change.kind][label] = change.at
    return {
        "modality": {clinic.modality: modality_at or started},
        **{kind: {label: seen[kind].get(label, started) for label in getattr(clinic, kind)} for kind in seen},
    }


def _record_view(clinic: Clinic, registered: SiteRecord | None, history: list[ChangeRecord], pages: list[Page]) -> View:
    """`show`: the JSON record of search and export, plus since when the crawl saw each offer,
    the years the pages state and the registry entry."""
    from crawler.extract.dated import stated_years

    gone = bool(registered and registered.gone)
    record = {
        **result_record({**clinic.to_dict(), "status": "gone" if gone else "active"}),
        "since": first_seen(clinic, history),
        "stated": [fact.to_dict() for fact in stated_years(pages, clinic.name)],
        "registry": {k: v for k, v in registered.to_dict().items() if k != "site"} if registered else None,
    }
    gone_because = registered.last_status if registered and gone else None
    return View(record, lambda: clinic_text(clinic, gone_because, record["since"], record["stated"]),
                lambda: (CSV_COLUMNS, [row.to_dict() for row in export_rows(record)]))


def _explanation_view(site: str, pages: list[Page]) -> View:
    """`show --why`: the classifier run again on the stored pages, with everything it weighed."""
    from crawler.extract.classify import explain_site

    explanation = explain_site(pages)
    record: dict[str, Any] = {
        "site": site,
        **explanation.decision.to_dict(),
        "says": explanation.says,
        "scores": explanation.scores,
        "cues": [e.to_dict() for e in explanation.evidence],
    }
    return View(record, lambda: explanation_text(site, explanation))


def stats_view(paths: Paths) -> View:
    """`stats`: clinics by modality, state and service in the index, and when the last crawl
    finished (None before the store has one)."""
    from index.search import counts_by

    data: dict[str, Any] = counts_by(paths.index, ["modality", "state", "services"])
    data["last_crawl"] = None
    if paths.store.exists():
        with Store.open(paths.store, readonly=True) as store:
            data["last_crawl"] = store.last_crawl_time()
    return View(data, lambda: stats_text(data), lambda: (STATS_COLUMNS, stats_rows(data)))


def evaluation_view(paths: Paths, labels: Mapping[str, Label]) -> View:
    """`evaluate`: the directory's decisions scored against hand labels."""
    from crawler.evaluate import CSV_COLUMNS as SCORE_COLUMNS
    from crawler.evaluate import csv_rows, evaluate, format_text

    with Store.open(paths.store, readonly=True) as store:
        predictions = {clinic.site: clinic.to_dict() for clinic in store.clinics()}
    report = evaluate(labels, predictions)
    return View(report.to_dict(), lambda: format_text(report), lambda: (SCORE_COLUMNS, csv_rows(report)))


def _stored(paths: Paths, read: Callable[[Store], Iterable[Record]]) -> list[dict[str, Any]]:
    """Records read from the store, as dicts; none before the first crawl made a store."""
    if not paths.readable().store.exists():
        return []
    with Store.open(paths.store, readonly=True) as store:
        return [record.to_dict() for record in read(store)]


def site_records(paths: Paths, for_people: bool = True) -> Records:
    """`sites list`: the registry; for people, hosts as they read them (bücher.test, not
    xn--bcher-kva.test)."""
    rows = _stored(paths, lambda store: store.sites())
    if for_people:
        rows = [{**row, "site": display_host(row["site"])} for row in rows]
    return Records(rows, SITE_COLUMNS)


def run_records(paths: Paths, limit: int) -> Records:
    """`runs`: the latest runs and their counts, without the Scrapy stats each keeps."""
    rows = _stored(paths, lambda store: store.runs(limit))
    for row in rows:
        row.pop("stats", None)
    return Records(rows, RUN_COLUMNS)


def is_registered(paths: Paths, site: str) -> bool:
    """Whether the registry holds site (a site key); nothing is before the first crawl."""
    return bool(_stored(paths, lambda store: filter(None, [store.site(site)])))


def change_records(paths: Paths, since: str = "", site: str = "") -> Records:
    """`changes`: what decisions changed since an ISO 8601 time ("": ever), of one site or all;
    for people a line each."""
    rows = _stored(paths, lambda store: store.changes(since, site))
    empty = "No changes recorded" + (f" since {since}" if since else "") + "."
    return Records(rows, CHANGE_COLUMNS, empty, line=change_text)
