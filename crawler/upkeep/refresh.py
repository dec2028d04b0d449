"""Stored pages -> one Clinic per site, with the change history between decisions.

A crawl decides each site as soon as its last page is stored (`decide_stored_site`, in the
crawl's parse workers); after the crawl, and on `ketadir reindex`, `refresh_sites` decides
the rest: it reads parsed pages from the store, re-parses any page stored by an older parser
from its raw HTML, extracts contacts, classifies, records what changed since the last
decision and saves the clinic, handing each one on to the caller (who writes it to the
index) as soon as it is decided.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from crawler.crawl.workers import LoopWorkers, WorkersLost
from crawler.items import Clinic, Page
from crawler.extract.parse import parse_fetched
from crawler.sites import website_of
from crawler.store import Store, page_from_json, utcnow
from crawler.terminal import plural

# A site that answers with nothing but errors this many runs in a row is hidden as gone.
GONE_AFTER_RUNS = 3
# Below this many sites a refresh runs in-process: starting workers would cost more.
POOL_MIN_SITES = 40


@dataclass
class RefreshResult:
    decided: int = 0  # clinics rebuilt
    changes: int = 0


def build_clinic(site: str, website: str, pages: list[Page], last_crawled: str) -> Clinic:
    """Decide everything the directory says about one site from its pages."""
    # Imported here: the crawl process and the CLI load this module for its bookkeeping, and
    # compiling the classifier's regexes would slow their start (bench/RESULTS.md,
    # **classifier imported late**).
    from crawler.extract.classify import classify_site
    from crawler.extract.contacts import extract_contacts

    contacts = extract_contacts(pages, site)
    decision = classify_site(pages)
    return Clinic(
        site=site,
        website=website,
        name=contacts.name,
        modality=decision.modality,
        confidence=decision.confidence,
        services=decision.services,
        conditions=decision.conditions,
        locations=contacts.locations,
        phones=contacts.phones,
        emails=contacts.emails,
        serves_states=contacts.serves_states,
        evidence=decision.evidence,
        rule=decision.rule,
        last_crawled=last_crawled,
        pages=len(pages),
    )


def refresh_sites(
    store: Store,
    sites: list[str],
    on_clinic: Callable[[Clinic], None],
    run_id: int | None = None,
    workers: int | None = None,
) -> RefreshResult:
    """Rebuild the clinics of these sites from the store, record what changed, and hand each
    clinic to on_clinic as it is decided (the index writer), so none are held all at once.

    Contacts and classification are most of a refresh and each site is decided on its own,
    so with many sites they run in `workers` processes (default: one per core), the crawl's
    own kind (crawler.crawl.workers).
    """
    result = RefreshResult()
    unique = sorted(set(sites))

    def keep(clinic: Clinic) -> None:
        result.changes += record_decision(store, clinic, run_id)
        on_clinic(clinic)
        result.decided += 1

    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers < 2 or len(unique) < POOL_MIN_SITES:
        for job in _jobs(store, unique):
            keep(_build_from_store_form(*job))
    else:
        asyncio.run(_decide_in_workers(_jobs(store, unique), workers, keep))
    return result


def record_decision(store: Store, clinic: Clinic, run_id: int | None, decided_at: str | None = None) -> int:
    """Save a new decision and the changes since the last one; returns how many changes."""
    changes = diff_clinics(store.clinic(clinic.site), clinic)
    for kind, detail in changes:
        store.add_change(run_id, clinic.site, kind, detail)
    store.save_clinic(clinic, decided_at)
    return len(changes)


def decide_stored_site(store_path: str, site: str, last_crawled: str) -> tuple[Clinic | None, str]:
    """Decide one site from the store, in a crawl's worker: (clinic, when its pages were read).

    The decision is dated by the read, so a page stored after it (a site thought finished
    too early) leaves the site needing a decision, and the refresh after the crawl makes it.
    """
    store = _worker_stores.get(store_path)
    if store is None:
        store = _worker_stores[store_path] = Store.open(store_path)
    read_at = utcnow(precise=True)
    for job in _jobs(store, [site], last_crawled):
        return _build_from_store_form(*job), read_at
    return None, read_at


_worker_stores: dict[str, Store] = {}  # one connection per worker process, kept for the crawl


# (site, website, its parsed pages as stored, last crawled): all a worker needs for one site.
_Job = tuple[str, str, list[str], str]


def _jobs(store: Store, sites: list[str], last_crawled: str | None = None) -> Iterator[_Job]:
    """One job per site with pages; last_crawled defaults to the site's registered crawl time."""
    for site in sites:
        for url, body, encoding in list(store.stale_pages_of(site)):  # read by an older parser
            store.replace_parsed(url, parse_fetched(body, encoding, url))
        parsed = store.parsed_pages_of(site)
        if not parsed:
            continue
        registered = store.site(site)
        website = website_of(registered.url if registered else page_from_json(parsed[0]).url)
        yield site, website, parsed, last_crawled or (registered and registered.last_crawled) or utcnow()


def _build_from_store_form(site: str, website: str, parsed: list[str], last_crawled: str) -> Clinic:
    return build_clinic(site, website, [page_from_json(p) for p in parsed], last_crawled)


async def _decide_in_workers(jobs: Iterator[_Job], workers: int, keep: Callable[[Clinic], None]) -> None:
    """Decide the jobs in worker processes and keep the clinics in the jobs' order, with a
    bounded number in flight so memory stays flat. Should the workers be lost, the rest is
    decided here, as the crawl does."""
    pool = LoopWorkers(workers)
    pending: deque[tuple[_Job, asyncio.Future[Clinic]]] = deque()

    async def next_clinic() -> Clinic:
        job, future = pending.popleft()
        try:
            return await future
        except WorkersLost:
            return _build_from_store_form(*job)

    try:
        for job in jobs:
            pending.append((job, pool.submit(_build_from_store_form, *job)))
            if len(pending) >= 4 * workers:
                keep(await next_clinic())
        while pending:
            keep(await next_clinic())
    finally:
        await pool.close()


@dataclass
class Outcomes:
    """How each site of a run fared, as record_outcomes wrote it down."""

    answered: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # hidden as gone, now or before
    # Nothing asked of them, or their crawl cut short (the crawl was stopped, or reached a
    # CLOSESPIDER limit): left as they were, and due again.
    not_reached: list[str] = field(default_factory=list)


def record_outcomes(store: Store, run_id: int, sites: list[str], crawled_to_the_end: set[str] | None = None) -> Outcomes:
    """After a crawl: mark each site crawled or failed, record sites gone or back.

    A site answered when a page of it was stored or confirmed, or when it sent something
    that is not a page (a PDF at its home page URL). A site failed only when it was tried to
    the end and every request of it ended in an error. crawled_to_the_end names the sites
    whose crawl went to its end when the run did not (None: the run went to its end); a
    site that answered without getting there keeps its last crawl time, so it is due again.
    A site is gone after GONE_AFTER_RUNS consecutive failed runs; it stays in the store and
    history, and comes back when it answers again.
    """
    outcomes = Outcomes()
    fetched = store.pages_in_run(run_id)
    errors: dict[str, list[str]] = {}
    answered: set[str] = set()
    for error in store.fetch_errors(run_id):
        errors.setdefault(error.site, []).append(error.reason)
        if error.answered:
            answered.add(error.site)
    now = utcnow()
    for site in sites:
        row = store.site(site)
        if row is None:
            continue
        to_the_end = crawled_to_the_end is None or site in crawled_to_the_end
        if fetched.get(site) or site in answered:
            status = "ok" if site not in errors else f"ok, {plural(len(errors[site]), 'page error')}"
            store.mark_site_answered(site, status if to_the_end else f"{status}, stopped partway", now if to_the_end else None)
            outcomes.answered.append(site)
            if row.gone:
                store.add_change(run_id, site, "back", {})
            if not to_the_end:
                outcomes.not_reached.append(site)
            continue
        if site not in errors or not to_the_end:
            outcomes.not_reached.append(site)
            if row.gone:
                outcomes.gone.append(site)
            continue
        reason = "; ".join(sorted(set(errors[site])))
        streak = row.fail_streak + 1
        gone = streak >= GONE_AFTER_RUNS
        store.mark_site_failed(site, f"error: {reason}", streak, gone)
        if gone and not row.gone:
            store.add_change(run_id, site, "gone", {"reason": reason, "failed_runs": streak})
        if gone:
            outcomes.gone.append(site)
    return outcomes


def diff_clinics(old: Clinic | None, new: Clinic) -> list[tuple[str, dict[str, Any]]]:
    """What a user would want to hear about between two decisions on one site."""
    if old is None:
        return [("new", {"modality": new.modality, "name": new.name})]
    changes: list[tuple[str, dict[str, Any]]] = []
    if old.modality != new.modality:
        changes.append(("modality", {"old": old.modality, "new": new.modality}))
    for kind in ("services", "conditions"):
        before, after = set(getattr(old, kind)), set(getattr(new, kind))
        if before != after:
            changes.append((kind, {"added": sorted(after - before), "removed": sorted(before - after)}))
    old_addresses = [_address(loc.to_dict()) for loc in old.locations]
    new_addresses = [_address(loc.to_dict()) for loc in new.locations]
    if old_addresses != new_addresses:
        changes.append(("address", {"old": old_addresses, "new": new_addresses}))
    if old.phones != new.phones:
        changes.append(("phone", {"old": old.phones, "new": new.phones}))
    if old.name != new.name:
        changes.append(("name", {"old": old.name, "new": new.name}))
    return changes


def _address(location: dict[str, Any]) -> str:
    parts = [location.get("street", ""), location.get("city", ""), location.get("state", ""), location.get("zip", "")]
    return ", ".join(p for p in parts if p)
