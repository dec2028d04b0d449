"""The jobs that change a directory: a crawl run, a reindex, taking sites out.

Each holds the data dir's crawl lock for its whole length, so two of them never write the
same store and index at once. A crawl run, start to finish:

1. take the lock, and mark any run still "running" as interrupted (its process died);
2. register the seeds, start a run, and open one index session for the whole crawl, so a
   busy or unreadable index stops the crawl before it starts;
3. crawl in a child process, which holds the lock with us; at each of its progress reports,
   index the sites its parse workers decided since (sites hidden as gone wait until the crawl
   says whether they are back); SIGTERM or SIGINT stops the crawl, and the steps below run on
   what it stored, as they do after a crawl process that died;
4. record each site's outcome (answered, failed, gone after three failed runs, back; a site the
   crawl did not get to the end of is left as it was);
5. decide what is left (sites whose pages changed after their decision, gone ones, failed
   decisions) and index it; the session commits;
6. write the run's counts and its JSON report, and return the summary.
"""

from __future__ import annotations

import json
import signal
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Container, Iterable, Iterator

from crawler.crawl.run import (
    STOPPED_BY_STAT, CrawlDied, CrawlFailed, CrawlStopped, Progress, StopRequest, crawl_in_subprocess,
)
from crawler.datadir import DiskFull, Paths, crawl_lock, is_no_room
from crawler.items import Clinic
from crawler.sites import site_of
from crawler.store import Store
from crawler.terminal import plural
from crawler.upkeep.refresh import RefreshResult, record_outcomes, refresh_sites

__all__ = [
    "CrawlFailed", "CrawlSummary", "crawl_outcome", "due_seeds", "indexing", "progress_line", "reindex",
    "remove_sites", "run_crawl", "started_line",
]  # fmt: skip


@dataclass
class CrawlSummary:
    """What one crawl run did; also the body of its JSON report."""

    run: int
    sites: int
    pages: int
    errors: int
    changes: int
    modalities: dict[str, int]  # clinics of the crawled sites by modality, most first
    failed_sites: dict[str, str]  # site -> why no page of it answered
    stats: dict[str, Any]  # the crawl process's Scrapy stats
    answered: int = 0  # sites that answered
    not_reached: list[str] = field(default_factory=list)  # left as they were: the crawl ended before them
    stopped_by: str = ""  # "SIGTERM", "SIGINT": the crawl was asked to stop, and did
    died: str = ""  # how the crawl process ended, when it died before its end
    report: Path | None = None


# Exit codes of `ketadir crawl` besides 0 (done) and 1 (an error the user can fix).
EXIT_NO_SITE_ANSWERED = 3
EXIT_CRAWL_DIED = 4


def crawl_outcome(summary: CrawlSummary) -> tuple[int, str]:
    """The exit code of a crawl run and the line that explains it ("" for a run that went well)."""
    kept = f"{summary.pages} pages from {summary.answered} sites were stored and are kept"
    if summary.stopped_by:
        code = 128 + signal.Signals[summary.stopped_by].value
        return code, f"Stopped by {summary.stopped_by}: {kept}, what was decided is indexed; the next crawl resumes the rest"
    if summary.died:
        return EXIT_CRAWL_DIED, f"Error: {summary.died}; {kept}, and the next crawl resumes the rest"
    if summary.sites and not summary.answered:
        return EXIT_NO_SITE_ANSWERED, "Error: no site answered: every one failed (see the failed: lines)"
    return 0, ""


def started_line(run_id: int, sites: int) -> str:
    """What a crawl says once its run is registered (run_crawl's on_start)."""
    return f"Crawling {plural(sites, 'site')} (run {run_id})..."


def progress_line(progress: Progress) -> str:
    """What a crawl says at each progress report of the crawl process (run_crawl's on_progress)."""
    return (f"  fetched {plural(progress.pages, 'page')} from {plural(progress.sites, 'site')}, "
            f"{plural(progress.errors, 'error')}")


def run_crawl(
    paths: Paths,
    seeds: list[tuple[str, str]],
    max_pages_per_site: int | None = None,
    overrides: dict[str, str] | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> CrawlSummary:
    """Crawl the (url, source) seeds, then decide and index every site touched.

    on_start(run_id, sites) is called once the run is registered, on_progress at each
    progress report of the crawl. Raises CrawlRunning while another job holds the lock,
    CrawlFailed (the run is then marked failed) when the crawl process could not run, and
    DiskFull when a write found no room. SIGTERM or SIGINT stops the crawl: what was decided
    is indexed and the summary says so (stopped_by); a crawl process that dies is summed up
    too (died). Either way the run is left interrupted, with its true counts.
    """
    paths.writable()
    with crawl_lock(paths) as lock, StopRequest() as stop:
        store = Store.open(paths.store)
        try:
            return _crawl_run(paths, store, seeds, max_pages_per_site, overrides, on_start, on_progress, stop, lock)
        except OSError as exc:  # the index's or the report's write
            if is_no_room(exc):
                raise DiskFull.at(paths.data_dir) from None
            raise
        finally:
            store.close()


def _crawl_run(
    paths: Paths,
    store: Store,
    seeds: list[tuple[str, str]],
    max_pages_per_site: int | None,
    overrides: dict[str, str] | None,
    on_start: Callable[[int, int], None] | None,
    on_progress: Callable[[Progress], None] | None,
    stop: StopRequest,
    lock: IO[str],
) -> CrawlSummary:
    store.mark_interrupted_runs()  # we hold the lock, so any run still "running" died
    sites = sorted({site_of(url) for url, _ in seeds})
    ended_early: CrawlStopped | CrawlDied | None = None
    with indexing(paths, store) as add_to_index:
        indexed: set[str] = set()

        def index(clinic: Clinic) -> None:
            add_to_index(clinic)
            indexed.add(clinic.site)

        def index_new_decisions(leave_out: Container[str] = ()) -> None:
            """Index each site decided since the last finished crawl, once: the crawl's
            workers decide sites as they finish, and decisions of an earlier crawl stopped
            before indexing are taken along."""
            for site in store.sites_decided_since_last_finished_run():
                if site not in indexed and site not in leave_out and (clinic := store.clinic(site)) is not None:
                    index(clinic)

        for url, source in seeds:
            store.add_site(site_of(url), url, source)
        # Whether a site hidden as gone is back is known only once the crawl is over.
        hidden = {row.site for row in store.sites() if row.gone}
        run_id = store.start_run()
        if on_start is not None:
            on_start(run_id, len(sites))

        def progressed(progress: Progress) -> None:
            index_new_decisions(leave_out=hidden)
            if on_progress is not None:
                on_progress(progress)

        try:
            try:
                crawl_in_subprocess(
                    paths.store, run_id, [url for url, _ in seeds], max_pages_per_site, overrides,
                    on_progress=progressed, stop=stop, inherit_fds=(lock.fileno(),),
                )  # fmt: skip
            except CrawlFailed:
                store.finish_run(run_id, "failed")
                raise
            except (CrawlStopped, CrawlDied) as exc:
                ended_early = exc
            run = store.run(run_id)
            stats = run.stats if run else {}
            to_the_end = ended_early is None and stats.get("finish_reason") == "finished"
            outcomes = record_outcomes(store, run_id, sites, None if to_the_end else store.sites_crawled_to_the_end(run_id))
            # The rest (a site whose pages changed after its decision, one gone, a decision that
            # failed) are decided here; deciding a site again replaces it in the session.
            undecided = set(store.sites_needing_decision()) | set(outcomes.gone)
            index_new_decisions(leave_out=undecided)
            refresh_sites(store, sorted(undecided), index, run_id)
            for site in outcomes.gone:  # gone with no page left to decide from: hidden all the same
                if site not in indexed and (clinic := store.clinic(site)) is not None:
                    index(clinic)
        except (DiskFull, KeyboardInterrupt):
            _leave_interrupted(store, run_id)
            raise
    errors = store.fetch_errors(run_id)
    summary = CrawlSummary(
        run=run_id,
        sites=len(sites),
        pages=sum(store.pages_in_run(run_id).values()),
        errors=len(errors),
        changes=store.change_count(run_id),
        modalities=_count(clinic.modality for site in sites if (clinic := store.clinic(site))),
        failed_sites=_failed_sites(store, sites),
        stats=stats,
        answered=len(outcomes.answered),
        not_reached=outcomes.not_reached,
        # Asked of us, or sent to the crawl process itself.
        stopped_by=signal.Signals(ended_early.signum).name
        if isinstance(ended_early, CrawlStopped)
        else stats.get(STOPPED_BY_STAT, ""),
        died=str(ended_early) if isinstance(ended_early, CrawlDied) else "",
    )
    store.finish_run(
        run_id,
        "finished" if ended_early is None and not summary.stopped_by else "interrupted",
        sites=summary.sites, pages=summary.pages, errors=summary.errors, changes=summary.changes,
    )  # fmt: skip
    paths.reports.mkdir(exist_ok=True)
    summary.report = paths.reports / f"run-{run_id:05d}.json"
    report = {k: v for k, v in asdict(summary).items() if k != "report"}
    report["fetch_errors"] = [asdict(error) for error in errors]
    summary.report.write_text(json.dumps(report, indent=2, default=str))
    return summary


def _leave_interrupted(store: Store, run_id: int) -> None:
    """Mark the run interrupted if the store can still be written (a full disk may refuse
    even that; the next crawl then marks it, as after a kill)."""
    try:
        store.finish_run(run_id, "interrupted", pages=sum(store.pages_in_run(run_id).values()))
    except DiskFull:
        pass


@contextmanager
def indexing(paths: Paths, store: Store, rebuild: bool = False) -> Iterator[Callable[[Clinic], None]]:
    """An index session taking clinics one by one, committed when the block ends without
    error; rebuild replaces the index whole. A site marked gone is indexed as gone (hidden
    from search unless asked for), as its registry entry says when it is added."""
    from index.writer import index_writer

    with index_writer(paths.index, rebuild=rebuild) as writer:

        def add(clinic: Clinic) -> None:
            site = store.site(clinic.site)  # read when added: a crawl can find a site gone
            writer.upsert(clinic, status="gone" if site and site.gone else "active")

        yield add


def due_seeds(paths: Paths, max_age_seconds: float, force: bool = False) -> tuple[list[tuple[str, str]], int]:
    """(url, source) of the registered sites a crawl without seeds takes (not crawled for
    max_age, or all with force), and how many sites are registered."""
    from crawler.upkeep.schedule import due_sites

    with Store.open(paths.writable().store) as store:
        registered = store.sites()
    return [(site.url, site.source) for site in due_sites(registered, max_age_seconds, force)], len(registered)


def reindex(paths: Paths) -> RefreshResult:
    """Rebuild the index from the store: every registered site decided again, nothing fetched."""
    with crawl_lock(paths.writable()):
        store = Store.open(paths.store)
        try:
            with indexing(paths, store, rebuild=True) as add_to_index:
                return refresh_sites(store, [row.site for row in store.sites()], add_to_index)
        finally:
            store.close()


def remove_sites(paths: Paths, sites: list[str]) -> None:
    """Stop crawling sites and take them out of the directory; their history stays.
    Raises store.NotRegistered, changing nothing, if any of them is not registered."""
    from index.writer import index_writer

    with crawl_lock(paths.writable()):
        store = Store.open(paths.store)
        try:
            store.remove_sites(sites)
        finally:
            store.close()
        if paths.index.exists():
            with index_writer(paths.index) as writer:
                for site in sites:
                    writer.delete(site)


def _failed_sites(store: Store, sites: list[str]) -> dict[str, str]:
    failed = {}
    for site in sites:
        row = store.site(site)
        if row and row.last_status and row.last_status.startswith("error"):
            failed[site] = row.last_status[len("error: ") :]
    return failed


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
