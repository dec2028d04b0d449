"""ketadir's command line: thin click commands that call the stages.

crawl -> store -> parse/classify -> index -> search/export. Heavy imports (Scrapy,
Twisted, BeautifulSoup) happen inside the commands that need them, so `ketadir search`
starts fast.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Container, Iterator

import click

from crawler.items import MODALITIES, SERVICES, CONDITIONS


# --- one-line errors ------------------------------------------------------------------------


class KetadirGroup(click.Group):
    """Every error is one line on stderr and a non-zero exit; never a traceback."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "ketadir"
            click.echo(f"Error: {exc.format_message()} (see '{command} --help')", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


# --- where things live ----------------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def store(self) -> Path:
        from crawler.store import STORE_FILE

        return self.data_dir / STORE_FILE

    @property
    def index(self) -> Path:
        return self.data_dir / "index"

    @property
    def reports(self) -> Path:
        return self.data_dir / "reports"

    @property
    def lock(self) -> Path:
        return self.data_dir / "crawl.lock"

    def writable(self) -> Paths:
        """Create the data dir, or explain in one line why it cannot be used."""
        self.readable()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise click.ClickException(
                f"cannot write to data dir {self.data_dir} ({exc.strerror}): choose another with --data-dir"
            ) from None
        return self

    def readable(self) -> Paths:
        """Refuse a data dir that is a file; a missing one is fine for reading (nothing yet)."""
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise click.ClickException(f"data dir {self.data_dir} is a file: give --data-dir a directory")
        return self


pass_paths = click.make_pass_decorator(Paths)


@contextmanager
def _errors_as_messages() -> Iterator[None]:
    """Turn the stages' own exceptions into one-line click errors."""
    from crawler.sites import BadURL
    from crawler.store import StoreError
    from index import IndexBusy, IndexUnavailable

    try:
        yield
    except (BadURL, StoreError, IndexUnavailable, IndexBusy) as exc:
        raise click.ClickException(str(exc)) from None


def _store(paths: Paths, readonly: bool = False) -> Any:
    from crawler.store import Store

    with _errors_as_messages():
        return Store.open(paths.store, readonly=readonly)


# --- shared options -------------------------------------------------------------------------


def output_options(formats: tuple[str, ...] = ("table", "json", "csv"), default: str = "table") -> Callable:
    """--format, shared by every command that prints records (like sqlite-utils)."""

    def decorator(fn: Callable) -> Callable:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default=default,
            show_default=True,
            help="How to print the results.",
        )(fn)

    return decorator


def filter_options(fn: Callable) -> Callable:
    """The search filters, shared by search and export."""
    options = [
        click.option("--modality", "-m", multiple=True, type=click.Choice(MODALITIES), help="Repeat for any of several."),
        click.option("--service", "-s", multiple=True, type=click.Choice(SERVICES), help="Must offer all of these."),
        click.option("--condition", "-c", multiple=True, type=click.Choice(CONDITIONS), help="Must treat all of these."),
        click.option("--city", default="", help='City name; forgiving of case and "St."/"Saint", "Ft."/"Fort".'),
        click.option("--state", default="", help="Two-letter state (or its name); includes telehealth serving it."),
        click.option("--near", default="", help='A ZIP code or "City, ST": sort by distance from it.'),
        click.option("--radius", type=float, default=None, help="With --near: miles (default 50)."),
        click.option("--include-gone", is_flag=True, help="Also list sites that stopped answering."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _query(text: str, modality, service, condition, city, state, near, radius, include_gone, limit, non_providers) -> Any:
    from index.search import QueryError, SearchQuery, place

    try:
        return SearchQuery(
            text=text,
            modalities=list(modality),
            services=list(service),
            conditions=list(condition),
            city=city,
            state=state,
            near=place(near) if near else None,
            radius_miles=radius if radius is not None or not near else 50.0,
            limit=limit,
            include_non_providers=non_providers or "not-a-provider" in modality,
            include_gone=include_gone,
        )
    except QueryError as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.option}") from None


def _search(paths: Paths, query: Any) -> list[dict[str, Any]]:
    from index.search import search

    if not paths.index.exists():
        raise click.ClickException(f"no index in {paths.data_dir} yet: run `ketadir crawl` (or `ketadir reindex`) first")
    with _errors_as_messages():
        return search(paths.index, query)


def _emit_results(results: list[dict[str, Any]], fmt: str, out: Any = None) -> None:
    from index.export import export_rows, table, write_csv, write_json

    out = out or sys.stdout
    if fmt == "json":
        write_json(results, out)
    elif fmt == "csv":
        write_csv((row for r in results for row in export_rows(r)), out)
    else:
        if not results:
            click.echo("No clinics match.", err=True)
            return
        if any(r.get("partial_match") for r in results):
            click.echo("No clinic matches every word; showing those that match some.", err=True)
        near = any("distance_miles" in r for r in results)
        rows = []
        for r in results:
            first = export_rows(r)[0]
            row = first.to_dict()
            row["miles"] = first.distance_miles
            row["checked"] = first.last_crawled[:10] + (" (stale)" if first.stale else "")
            if not row["state"] and first.serves_states:  # telehealth: the states it serves
                row["state"] = first.serves_states.replace(";", ",")
            rows.append(row)
        columns = ["name", "modality", "city", "state", "phone", "website"]
        columns += ["miles"] if near else []
        columns += ["checked"]
        click.echo(table(rows, columns), file=out)


# --- commands -------------------------------------------------------------------------------


@click.group(cls=KetadirGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    envvar="KETADIR_HOME",
    type=click.Path(file_okay=True, dir_okay=True, path_type=Path),
    default=None,
    help="Where ketadir keeps its store and index (env KETADIR_HOME; default: your user data dir).",
)
@click.version_option(package_name="ketadir")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """A directory of ketamine treatment providers, built from their own websites."""
    if data_dir is None:
        from crawler.store import default_data_dir

        data_dir = default_data_dir()
    ctx.obj = Paths(Path(data_dir).expanduser())


main = cli


@cli.command()
@click.argument("urls", nargs=-1)
@click.option("--seeds", "seed_file", type=click.Path(path_type=Path), help="File of URLs, one per line (# comments).")
@click.option("--max-pages-per-site", type=click.IntRange(min=1), default=None, help="Page budget per site (default 25).")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="A Scrapy setting for this run (like scrapy -s).")
@click.option("--max-age", default="7d", show_default=True, help="With no seeds: crawl registered sites not crawled for this long (e.g. 12h, 7d).")
@click.option("--force", is_flag=True, help="With no seeds: crawl every registered site, due or not.")
@pass_paths
def crawl(
    paths: Paths,
    urls: tuple[str, ...],
    seed_file: Path | None,
    max_pages_per_site: int | None,
    overrides: tuple[str, ...],
    max_age: str,
    force: bool,
) -> None:
    """Crawl clinic sites, then parse, classify and index every site touched.

    With no URLs and no --seeds, crawls the registered sites that are due (see `ketadir sites`).
    """
    seeds = _seeds(urls, seed_file)
    age = _duration(max_age, "--max-age")
    parsed_overrides = _parse_overrides(overrides)
    paths.writable()
    if not seeds:
        store = _store(paths)
        seeds = [(row.url, row.source) for row in _due_sites(store.sites(), age, force)]
        registered = len(store.sites())
        store.close()
        if not seeds:
            if not registered:
                raise click.UsageError("nothing to crawl: give URLs, --seeds FILE, or register sites with `ketadir sites add`")
            click.echo(f"All {registered} registered sites were crawled within {max_age}; nothing is due (use --force).")
            return
    summary = run_crawl(paths, seeds, max_pages_per_site, parsed_overrides)
    _print_summary(summary)


def _seeds(urls: tuple[str, ...], seed_file: Path | None) -> list[tuple[str, str]]:
    """(url, source) pairs from the command line and a seed file, checked."""
    from crawler.sites import normalize_seed, read_seed_file

    seeds: list[tuple[str, str]] = []
    with _errors_as_messages():
        if seed_file is not None:
            if not seed_file.is_file():
                raise click.ClickException(f"seed file {seed_file} not found: give a file of URLs, one per line")
            try:
                seeds += [(url, f"seeds:{seed_file.name}") for url in read_seed_file(str(seed_file))]
            except (OSError, UnicodeDecodeError) as exc:
                raise click.ClickException(f"cannot read seed file {seed_file}: {exc}") from None
        seeds += [(normalize_seed(url), "command line") for url in urls]
    return seeds


def _duration(text: str, option: str) -> float:
    """Seconds in "90s", "30m", "12h", "7d" or "2w"."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    value, unit = text.strip()[:-1], text.strip()[-1:].lower()
    try:
        seconds = float(value) * units[unit]
    except (KeyError, ValueError):
        raise click.BadParameter(f"{text!r} is not a duration like 30m, 12h or 7d", param_hint=option) from None
    if seconds <= 0:
        raise click.BadParameter("must be longer than zero", param_hint=option)
    return seconds


def _due_sites(sites: list[Any], max_age_seconds: float, force: bool) -> list[Any]:
    from datetime import datetime, timedelta, timezone

    cutoff = (datetime.now(timezone.utc) - timedelta(seconds=max_age_seconds)).isoformat()
    return [row for row in sites if force or not row.last_crawled or row.last_crawled < cutoff]


def _parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not name.strip().replace("_", "").isalnum():
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--set")
        overrides[name.strip()] = value
    return overrides


@contextmanager
def crawl_lock(paths: Paths) -> Iterator[None]:
    """One crawl per data dir, and no reindex or site removal while it runs: a crawl holds
    the index's writer for its whole run. The OS drops the lock when its holder dies, so a
    lock left by a killed crawl is taken over without anyone having to delete a file."""
    import fcntl

    handle = open(paths.lock, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise click.ClickException(
            f"a crawl ({holder}) is running on {paths.data_dir}: wait for it to finish"
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


def run_crawl(
    paths: Paths,
    seeds: list[tuple[str, str]],
    max_pages_per_site: int | None = None,
    overrides: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The main job: crawl, record outcomes, classify and index. Returns the run summary."""
    from crawler.upkeep.refresh import record_outcomes, refresh_sites
    from crawler.crawl.run import CrawlFailed, crawl_in_subprocess
    from crawler.sites import site_of

    with crawl_lock(paths):
        store = _store(paths)
        store.mark_interrupted_runs()  # we hold the lock, so any run still "running" died
        sites = sorted({site_of(url) for url, _ in seeds})
        # The index session is opened first, so a busy or unreadable index stops the crawl
        # before it starts, and sites go into it while the crawl runs.
        with _indexing(paths, store) as add_to_index:
            indexed: set[str] = set()

            def index_new_decisions(leave_out: Container[str] = ()) -> None:
                """Index each site decided since the last finished crawl, once: the crawl's
                workers decide sites as they finish, and decisions of an earlier crawl
                stopped before indexing are taken along."""
                for site in store.sites_decided_since_last_finished_run():
                    if site not in indexed and site not in leave_out and (clinic := store.clinic(site)) is not None:
                        add_to_index(clinic)
                        indexed.add(site)

            for url, source in seeds:
                store.add_site(site_of(url), url, source)
            # Whether a site hidden as gone is back is known only once the crawl is over.
            hidden = {row.site for row in store.sites() if row.gone}
            run_id = store.start_run()
            click.echo(f"Crawling {len(sites)} sites (run {run_id})...", err=True)
            try:
                crawl_in_subprocess(
                    paths.store, run_id, [url for url, _ in seeds], max_pages_per_site, overrides,
                    on_progress=lambda: index_new_decisions(leave_out=hidden),
                )
            except CrawlFailed as exc:
                store.finish_run(run_id, "failed")
                raise click.ClickException(f"the crawl could not run: {exc}") from None
            except KeyboardInterrupt:
                store.finish_run(run_id, "interrupted")
                raise
            gone = record_outcomes(store, run_id, sites)
            # The rest (a site whose pages changed after its decision, one gone, a decision
            # that failed) are decided here; deciding a site again replaces it in the session.
            undecided = set(store.sites_needing_decision()) | set(gone)
            index_new_decisions(leave_out=undecided)
            refresh_sites(store, sorted(undecided), add_to_index, run_id)
        errors = store.fetch_errors(run_id)
        pages = sum(store.pages_in_run(run_id).values())
        summary = {
            "run": run_id,
            "sites": len(sites),
            "pages": pages,
            "errors": len(errors),
            "changes": store.change_count(run_id),
            "modalities": _count(clinic.modality for site in sites if (clinic := store.clinic(site))),
            "failed_sites": _failed_sites(store, sites),
            "stats": run.stats if (run := store.run(run_id)) else {},
        }
        store.finish_run(
            run_id, "finished", sites=len(sites), pages=pages, errors=len(errors), changes=summary["changes"]
        )
        paths.reports.mkdir(exist_ok=True)
        report = paths.reports / f"run-{run_id:05d}.json"
        report.write_text(json.dumps({**summary, "fetch_errors": [asdict(e) for e in errors]}, indent=2, default=str))
        summary["report"] = str(report)
        store.close()
        return summary


@contextmanager
def _indexing(paths: Paths, store: Any, rebuild: bool = False) -> Iterator[Callable[[Any], None]]:
    """An index session taking clinics one by one (sites marked gone are hidden), committed
    when the block ends without error; rebuild replaces the index whole."""
    from index.writer import index_writer

    def add(clinic: Any) -> None:
        site = store.site(clinic.site)  # read when added: a crawl can find a site gone
        writer.upsert(clinic, status="gone" if site and site.gone else "active")

    with _errors_as_messages(), index_writer(paths.index, rebuild=rebuild) as writer:
        yield add


def _failed_sites(store: Any, sites: list[str]) -> dict[str, str]:
    failed = {}
    for site in sites:
        row = store.site(site)
        if row and row.last_status and row.last_status.startswith("error"):
            failed[site] = row.last_status[len("error: "):]
    return failed


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _print_summary(summary: dict[str, Any]) -> None:
    click.echo(
        f"Run {summary['run']}: {summary['sites']} sites, {summary['pages']} pages, "
        f"{summary['errors']} fetch errors, {summary['changes']} changes"
    )
    if summary["modalities"]:
        click.echo("Clinics by modality: " + ", ".join(f"{k} {v}" for k, v in summary["modalities"].items()))
    for site, reason in summary["failed_sites"].items():
        click.echo(f"  failed: {site}: {reason}")
    click.echo(f"Report: {summary['report']}")


@cli.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option("--include-non-providers", is_flag=True, help="Also list sites judged not-a-provider.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@output_options()
@pass_paths
def search(paths: Paths, query: tuple[str, ...], limit: int, fmt: str, include_non_providers: bool, **filters: Any) -> None:
    """Search the directory: free text plus filters (modality, service, city, state, --near...)."""
    q = _query(" ".join(query), **filters, limit=limit, non_providers=include_non_providers)
    _emit_results(_search(paths.readable(), q), fmt)


@cli.command()
@filter_options
@click.option("--text", "text", default="", help="Free-text query, as for search.")
@click.option("--include-non-providers", is_flag=True, help="Also export sites judged not-a-provider.")
@click.option("--output", "-o", default="-", show_default=True, help="File to write, or - for stdout.")
@output_options(formats=("csv", "json"), default="csv")
@pass_paths
def export(paths: Paths, text: str, include_non_providers: bool, output: str, fmt: str, **filters: Any) -> None:
    """Export listings as CSV (one row per clinic location) or JSON."""
    q = _query(text, **filters, limit=None, non_providers=include_non_providers)
    results = _search(paths.readable(), q)
    if output == "-":
        _emit_results(results, fmt)
        return
    target = Path(output)
    tmp = target.with_name(target.name + ".part")
    try:
        with open(tmp, "w", newline="", encoding="utf-8") as handle:
            _emit_results(results, fmt, handle)
        tmp.replace(target)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"Wrote {len(results)} clinics to {target}", err=True)


@cli.command()
@click.argument("site")
@output_options(formats=("text", "json"), default="text")
@pass_paths
def show(paths: Paths, site: str, fmt: str) -> None:
    """Show one clinic: locations, contacts, classification and its evidence."""
    from crawler.sites import site_key

    key = site_key(site)
    store = _store(paths.readable(), readonly=True)
    clinic = store.clinic(key)
    registered = store.site(key)
    store.close()
    if clinic is None:
        raise click.ClickException(f"{key} is not in the directory: see `ketadir search` for what is")
    if fmt == "json":
        from index.export import write_json

        write_json({**clinic.to_dict(), "status": registered.to_dict() if registered else None}, sys.stdout)
        return
    from crawler.terminal import terminal_safe
    from index.export import is_stale

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
    if registered and registered.gone:
        lines.append(f"status: gone ({registered.last_status})")
    lines.append("evidence:")
    for ev in clinic.evidence:
        lines.append(f"  [{ev.supports}] {ev.text}")
        lines.append(f"      {ev.url}")
    click.echo(terminal_safe("\n".join(lines)))


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@output_options(formats=("text", "json"), default="text")
def classify(sources: tuple[str, ...], fmt: str) -> None:
    """Classify saved HTML/text files or live URLs without touching the index."""
    from crawler.extract.classify import classify_site

    outputs = []
    for source in sources:
        page = _read_source(source)
        decision = classify_site([page])
        outputs.append(
            {
                "source": source,
                "modality": decision.modality,
                "services": decision.services,
                "conditions": decision.conditions,
                "confidence": decision.confidence,
                "evidence": [{"text": e.text, "url": e.url} for e in decision.evidence],
            }
        )
    if fmt == "json":
        from index.export import write_json

        write_json(outputs if len(outputs) > 1 else outputs[0], sys.stdout)
        return
    from crawler.terminal import terminal_safe

    for out in outputs:
        click.echo(f"{out['source']}: {out['modality']} (confidence {out['confidence']:.2f})")
        click.echo(f"  services: {', '.join(out['services']) or '-'}; conditions: {', '.join(out['conditions']) or '-'}")
        for ev in out["evidence"][:5]:
            click.echo(terminal_safe(f"  - {ev['text']}"))


_MAX_SOURCE_BYTES = 5 * 1024 * 1024


def _read_source(source: str) -> Any:
    """A file or URL as a parsed Page: HTML if it looks like HTML, plain text otherwise.

    HTML goes to the parser as bytes so a page's own charset declaration (or, failing that,
    detection) decides how it is decoded, as in a crawl.
    """
    from crawler.extract.parse import parse_page, parse_text

    charset = None
    if source.startswith(("http://", "https://")):
        import urllib.request

        try:
            request = urllib.request.Request(source, headers={"User-Agent": "ketadir/0.1 (classify)"})
            with urllib.request.urlopen(request, timeout=20) as response:
                body = response.read(_MAX_SOURCE_BYTES)
                charset = response.headers.get_content_charset()
        except (OSError, ValueError) as exc:
            raise click.ClickException(f"cannot fetch {source}: {exc}") from None
        url = source
    elif "://" in source:
        raise click.ClickException(f"{source}: only http:// and https:// URLs can be fetched")
    else:
        path = Path(source)
        if not path.is_file():
            raise click.ClickException(f"{source}: no such file (give a saved .html/.txt file or an http(s) URL)")
        try:
            with open(path, "rb") as handle:
                body = handle.read(_MAX_SOURCE_BYTES)
        except OSError as exc:
            raise click.ClickException(f"cannot read {source}: {exc.strerror}") from None
        url = path.resolve().as_uri()
    head = body[:5000].lower()
    if b"<html" in head or b"<body" in head or b"<p" in head or b"<!doctype" in head:
        return parse_page(body.decode(charset, errors="replace") if charset else body, url)
    return parse_text(_decode_text(body, charset), url)


def _decode_text(body: bytes, charset: str | None) -> str:
    """Plain text: its declared charset, else UTF-8, else Windows-1252 (what old editors save)."""
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return body.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    return body.decode("cp1252", errors="replace")


@cli.command()
@output_options(formats=("text", "json"), default="text")
@pass_paths
def stats(paths: Paths, fmt: str) -> None:
    """Counts by modality, state and service, and when the last crawl finished."""
    from index.search import count_by

    if not paths.readable().index.exists():
        raise click.ClickException(f"no index in {paths.data_dir} yet: run `ketadir crawl` first")
    with _errors_as_messages():
        data = {field: count_by(paths.index, field) for field in ("modality", "state", "services")}
    last = None
    if paths.store.exists():
        store = _store(paths, readonly=True)
        last = store.last_crawl_time()
        store.close()
    data["last_crawl"] = last
    if fmt == "json":
        from index.export import write_json

        write_json(data, sys.stdout)
        return
    for field in ("modality", "state", "services"):
        click.echo(f"{field}:")
        for key, value in sorted(data[field].items(), key=lambda kv: (-kv[1], kv[0])):
            click.echo(f"  {key:<22} {value}")
    click.echo(f"last crawl: {last or 'never'}")


@cli.command()
@pass_paths
def reindex(paths: Paths) -> None:
    """Rebuild the index from the store: re-classify every site without refetching."""
    from crawler.upkeep.refresh import refresh_sites

    with crawl_lock(paths.writable()):
        store = _store(paths)
        with _indexing(paths, store, rebuild=True) as add_to_index:
            result = refresh_sites(store, [row.site for row in store.sites()], add_to_index)
        store.close()
    click.echo(f"Reindexed {result.decided} clinics ({result.changes} changes recorded)")


@cli.command()
@click.argument("labels", type=click.Path(path_type=Path))
@output_options(formats=("text", "json"), default="text")
@pass_paths
def evaluate(paths: Paths, labels: Path, fmt: str) -> None:
    """Compare the directory with a hand-labelled CSV (website/host, modality, services...)."""
    from crawler.evaluate import evaluate as run_evaluation
    from crawler.evaluate import format_text, load_labels

    if not labels.is_file():
        raise click.ClickException(f"labels file {labels} not found: give a CSV with host (or website) and modality columns")
    try:
        expected = load_labels(labels)
    except (ValueError, KeyError, OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read labels from {labels}: {exc}") from None
    store = _store(paths.readable(), readonly=True)
    predictions = {c.site: c.to_dict() for c in store.clinics()}
    store.close()
    report = run_evaluation(expected, predictions)
    if fmt == "json":
        from index.export import write_json

        write_json(report.to_dict(), sys.stdout)
    else:
        click.echo(format_text(report))


@cli.command()
@click.option("--data-dir", "demo_dir", type=click.Path(path_type=Path), default=Path("demo-data"), show_default=True,
              help="Where the demo keeps its own store and index (not your real directory).")
def demo(demo_dir: Path) -> None:
    """Serve the bundled sample web on 127.0.0.1, crawl it, and show what the directory holds."""
    from crawler.fixture_server import SAMPLE_WEB, FixtureServer

    if not SAMPLE_WEB.is_dir():
        raise click.ClickException(f"sample web not found at {SAMPLE_WEB}: run the demo from a ketadir checkout")
    paths = Paths(demo_dir.resolve()).writable()
    with FixtureServer(SAMPLE_WEB) as server:
        os.environ["http_proxy"] = server.url
        os.environ.pop("no_proxy", None)
        click.echo(f"Sample web of {len(server.hosts())} sites served at {server.url} (as an HTTP proxy)")
        seeds = [(f"http://{host}/", "demo") for host in server.hosts()]
        summary = run_crawl(paths, seeds, overrides=_FAST_LOCAL_CRAWL)
    _print_summary(summary)
    click.echo("\n$ ketadir search --modality kap --city Nashville")
    _emit_results(_search(paths, _query("", ("kap",), (), (), "Nashville", "", "", None, False, 50, False)), "table")
    click.echo("\n$ ketadir search --modality infusion-only --state TX")
    _emit_results(_search(paths, _query("", ("infusion-only",), (), (), "", "TX", "", None, False, 50, False)), "table")
    export_path = paths.data_dir / "directory.csv"
    results = _search(paths, _query("", (), (), (), "", "", "", None, False, None, False))
    with open(export_path, "w", newline="", encoding="utf-8") as handle:
        _emit_results(results, "csv", handle)
    click.echo(f"\nCSV export of all {len(results)} providers: {export_path}")
    click.echo(f"Try: ketadir --data-dir {paths.data_dir} show <site>   (e.g. {results[0]['site'] if results else 'a site'})")


@cli.group()
def sites() -> None:
    """The registry of sites that `ketadir crawl` keeps current."""


@sites.command("add")
@click.argument("urls", nargs=-1)
@click.option("--from", "seed_file", type=click.Path(path_type=Path), help="File of URLs, one per line.")
@pass_paths
def sites_add(paths: Paths, urls: tuple[str, ...], seed_file: Path | None) -> None:
    """Register sites to crawl."""
    from crawler.sites import site_of

    seeds = _seeds(urls, seed_file)
    if not seeds:
        raise click.UsageError("give URLs or --from FILE")
    store = _store(paths.writable())
    added = sum(store.add_site(site_of(url), url, source) for url, source in seeds)
    store.close()
    click.echo(f"Registered {added} new sites ({len(seeds) - added} already known).")


@sites.command("list")
@output_options()
@pass_paths
def sites_list(paths: Paths, fmt: str) -> None:
    """List registered sites: where each came from, when first seen and last crawled, last status."""
    rows = [row.to_dict() for row in _store(paths.readable(), readonly=True).sites()] if paths.store.exists() else []
    _emit_rows(rows, fmt, ["site", "source", "first_seen", "last_crawled", "last_status", "gone"])


@sites.command("remove")
@click.argument("names", nargs=-1, required=True)
@pass_paths
def sites_remove(paths: Paths, names: tuple[str, ...]) -> None:
    """Stop crawling sites and take them out of the directory (their history is kept)."""
    from crawler.sites import site_key
    from index.writer import index_writer

    keys = [site_key(n) for n in names]
    with crawl_lock(paths.writable()):
        store = _store(paths)
        unknown = [k for k in keys if store.site(k) is None]
        if unknown:
            raise click.ClickException(f"not registered: {', '.join(unknown)} (see `ketadir sites list`)")
        store.remove_sites(keys)
        store.close()
        if paths.index.exists():
            with _errors_as_messages(), index_writer(paths.index) as writer:
                for key in keys:
                    writer.delete(key)
    click.echo(f"Removed {len(keys)} sites.")


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="List what would be registered; change nothing.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="A Scrapy setting for this run.")
@pass_paths
def discover(paths: Paths, urls: tuple[str, ...], dry_run: bool, overrides: tuple[str, ...]) -> None:
    """Find clinic sites on directory pages and sitemaps (sitemap.xml, robots.txt) and register them."""
    import tempfile

    from crawler.crawl.run import CrawlFailed, crawl_in_subprocess
    from crawler.sites import site_of

    seeds = [url for url, _ in _seeds(urls, None)]
    parsed_overrides = _parse_overrides(overrides)
    store = _store(paths.writable())
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "found.jsonl"
        try:
            crawl_in_subprocess(paths.store, 0, seeds, overrides=parsed_overrides, spider="discover", output=output)
        except CrawlFailed as exc:
            raise click.ClickException(f"discovery could not run: {exc}") from None
        lines = output.read_text(encoding="utf-8").splitlines() if output.exists() else []
    found: dict[str, dict[str, str]] = {}
    for line in lines:
        item = json.loads(line)
        found.setdefault(site_of(item["url"]), item)
    new = 0
    for site, item in sorted(found.items()):
        known = store.site(site) is not None
        if not known:
            new += 1
            if not dry_run:
                store.add_site(site, item["url"], f"discovered:{item['source']}")
        click.echo(f"{'known' if known else ('would add' if dry_run else 'added')}  {item['url']}  (from {item['source']})")
    store.close()
    verb = "would register" if dry_run else "registered"
    click.echo(f"Found {len(found)} clinic sites; {verb} {new} new.", err=True)


@cli.command()
@click.option("--since", default="", help="A date (2026-01-31) or an age (7d, 12h).")
@click.option("--site", default="", help="Only this site (host or URL).")
@output_options(formats=("text", "json", "csv"), default="text")
@pass_paths
def changes(paths: Paths, since: str, site: str, fmt: str) -> None:
    """What changed, run by run: new clinics, modality, services, conditions, address, phone, gone/back."""
    from crawler.sites import site_key

    cutoff = _since(since)
    key = site_key(site) if site else ""
    rows = [c.to_dict() for c in _store(paths.readable(), readonly=True).changes(cutoff, key)] if paths.store.exists() else []
    if fmt == "text":
        if not rows:
            click.echo("No changes recorded" + (f" since {cutoff}" if cutoff else "") + ".", err=True)
        for row in rows:
            click.echo(f"{row['at']}  run {row['run_id']}  {row['site']}  {_describe_change(row['kind'], row['detail'])}")
        return
    for row in rows:
        row["detail"] = json.dumps(row["detail"], ensure_ascii=False) if fmt == "csv" else row["detail"]
    _emit_rows(rows, "csv" if fmt == "csv" else "json", ["at", "run_id", "site", "kind", "detail"])


def _since(text: str) -> str:
    from datetime import date, datetime, timedelta, timezone

    if not text:
        return ""
    if text[-1:].isalpha():
        seconds = _duration(text, "--since")
        return (datetime.now(timezone.utc) - timedelta(seconds=seconds)).isoformat()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise click.BadParameter(f"{text!r} is neither a date (2026-01-31) nor an age (7d)", param_hint="--since") from None


def _describe_change(kind: str, detail: dict[str, Any]) -> str:
    from crawler.terminal import terminal_safe

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
    return terminal_safe(text)


@cli.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@output_options()
@pass_paths
def runs(paths: Paths, limit: int, fmt: str) -> None:
    """One line a crawl run: when, sites, pages, errors, changes."""
    rows = [r.to_dict() for r in _store(paths.readable(), readonly=True).runs(limit)] if paths.store.exists() else []
    for row in rows:
        row.pop("stats", None)
    _emit_rows(rows, fmt, ["id", "started_at", "finished_at", "state", "sites", "pages", "errors", "changes"])


def _emit_rows(rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    """Plain records (not clinics) as a table, JSON or CSV."""
    import csv

    from index.export import safe_cell, table, write_json

    out = sys.stdout
    if fmt == "json":
        write_json(rows, out)
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([[safe_cell(row.get(c, "")) for c in columns] for row in rows])
    elif rows:
        click.echo(table(rows, columns))
    else:
        click.echo("Nothing recorded yet.", err=True)


@cli.command()
@click.option("--every", default="", help="Run a crawl of due sites this often, in the foreground (e.g. 24h).")
@click.option("--cron", default="", help='A cron expression, e.g. "0 3 * * *" (with --print).')
@click.option("--print", "print_only", is_flag=True, help="Print a crontab line and a systemd service+timer; run nothing.")
@click.option("--max-age", default="7d", show_default=True, help="Passed to each crawl.")
@pass_paths
def schedule(paths: Paths, every: str, cron: str, print_only: bool, max_age: str) -> None:
    """Keep the directory current: crawl due sites on a schedule, each run in a fresh process."""
    from crawler.upkeep.schedule import cron_to_calendar, crontab_line, run_every, systemd_units

    if bool(every) == bool(cron):
        raise click.UsageError("give either --every DURATION or --cron EXPRESSION")
    _duration(max_age, "--max-age")
    command = [sys.executable, "-m", "cli", "--data-dir", str(paths.data_dir.resolve()), "crawl", "--max-age", max_age]
    if cron and not print_only:
        raise click.UsageError("--cron only prints (add --print) and leaves running to cron or systemd; use --every to run here")
    if print_only:
        try:
            calendar = cron_to_calendar(cron) if cron else None
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--cron") from None
        seconds = _duration(every, "--every") if every else None
        click.echo(crontab_line(command, cron, seconds))
        click.echo(systemd_units(command, calendar, seconds, workdir=str(Path.cwd())))
        return
    seconds = _duration(every, "--every")
    paths.writable()
    click.echo(f"Crawling due sites every {every}; Ctrl-C or SIGTERM stops after the current run.", err=True)
    run_every(command, seconds)
    click.echo("Scheduler stopped.", err=True)


# A local fixture web needs no politeness delays; everything else stays as in settings.py.
_FAST_LOCAL_CRAWL = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}


if __name__ == "__main__":
    main()
