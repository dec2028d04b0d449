"""ketadir's command line: click glue over the library.

Each command reads its options, calls the library (crawler.upkeep.job for the jobs that
change the directory, index.search to look things up) and prints. Heavy imports (Scrapy,
Twisted, lxml, BeautifulSoup) happen inside the commands that need them, so `ketadir search`
starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

from crawler.datadir import Paths
from crawler.items import CONDITIONS, MODALITIES, SERVICES


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
        except Exception as exc:  # the library's own errors say what to do in one line
            if not isinstance(exc, _library_errors()):
                raise
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


# --- where things live ----------------------------------------------------------------------


pass_paths = click.make_pass_decorator(Paths)


def _library_errors() -> tuple[type[Exception], ...]:
    """Errors the library raises for what the user can fix: bad seeds, an unusable data dir or
    store, a busy or damaged index."""
    from crawler.datadir import DataDirError
    from crawler.sites import BadURL
    from crawler.store import StoreError
    from index import IndexBusy, IndexUnavailable

    return BadURL, DataDirError, StoreError, IndexUnavailable, IndexBusy


def _store(paths: Paths, readonly: bool = False) -> Any:
    from crawler.store import Store

    return Store.open(paths.store, readonly=readonly)


# --- shared options -------------------------------------------------------------------------


def output_options(formats: tuple[str, ...] = ("table", "json", "csv"), default: str = "table") -> Callable:
    """--format, shared by every command that prints records (like sqlite-utils)."""
    return click.option("--format", "fmt", type=click.Choice(formats), default=default, show_default=True,
                        help="How to print the results.")


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
    return search(paths.index, query)


def _emit_results(results: list[dict[str, Any]], fmt: str, out: Any = None) -> None:
    from index.export import export_rows, results_table, write_csv, write_json

    out = out or sys.stdout
    if fmt == "json":
        write_json(results, out)
    elif fmt == "csv":
        write_csv((row for r in results for row in export_rows(r)), out)
    elif not results:
        click.echo("No clinics match.", err=True)
    else:
        if any(r.get("partial_match") for r in results):
            click.echo("No clinic matches every word; showing those that match some.", err=True)
        click.echo(results_table(results), file=out)


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
        from crawler.datadir import default_data_dir

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
    from crawler.upkeep.schedule import due_sites

    seeds = _seeds(urls, seed_file)
    age = _duration(max_age, "--max-age")
    parsed_overrides = _parse_overrides(overrides)
    paths.writable()
    if not seeds:
        store = _store(paths)
        registered = store.sites()
        store.close()
        seeds = [(row.url, row.source) for row in due_sites(registered, age, force)]
        if not seeds:
            if not registered:
                raise click.UsageError("nothing to crawl: give URLs, --seeds FILE, or register sites with `ketadir sites add`")
            click.echo(f"All {len(registered)} registered sites were crawled within {max_age}; nothing is due (use --force).")
            return
    _print_summary(_run_crawl(paths, seeds, max_pages_per_site, parsed_overrides))


def _run_crawl(paths: Paths, seeds: list[tuple[str, str]], max_pages: int | None, overrides: dict[str, str]) -> Any:
    from crawler.upkeep.job import CrawlFailed, run_crawl

    def started(run_id: int, sites: int) -> None:
        click.echo(f"Crawling {sites} sites (run {run_id})...", err=True)

    def progressed(progress: Any) -> None:
        click.echo(f"  fetched {progress.pages} pages from {progress.sites} sites, {progress.errors} errors", err=True)

    try:
        return run_crawl(paths, seeds, max_pages, overrides, on_start=started, on_progress=progressed)
    except CrawlFailed as exc:
        raise click.ClickException(f"the crawl could not run: {exc}") from None


def _seeds(urls: tuple[str, ...], seed_file: Path | None) -> list[tuple[str, str]]:
    from crawler.sites import seeds_from

    return seeds_from(urls, seed_file)


def _duration(text: str, option: str) -> float:
    from crawler.upkeep.schedule import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def _parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not name.strip().replace("_", "").isalnum():
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--set")
        overrides[name.strip()] = value
    return overrides


def _print_summary(summary: Any) -> None:
    from crawler.terminal import terminal_safe

    click.echo(
        f"Run {summary.run}: {summary.sites} sites, {summary.pages} pages, "
        f"{summary.errors} fetch errors, {summary.changes} changes"
    )
    if summary.modalities:
        click.echo("Clinics by modality: " + ", ".join(f"{k} {v}" for k, v in summary.modalities.items()))
    for site, reason in summary.failed_sites.items():
        click.echo(terminal_safe(f"  failed: {site}: {reason}"))
    click.echo(f"Report: {summary.report}")


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
    from index.export import clinic_text

    click.echo(clinic_text(clinic, registered.last_status if registered and registered.gone else None))


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@output_options(formats=("text", "json"), default="text")
def classify(sources: tuple[str, ...], fmt: str) -> None:
    """Classify saved HTML/text files or live URLs without touching the index."""
    from crawler.extract.classify import classify_site

    outputs = []
    for source in sources:
        decision = classify_site([_read_source(source)])
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


_MAX_SOURCE_BYTES = 5 * 1024 * 1024  # as DOWNLOAD_MAXSIZE for a crawled page


def _read_source(source: str) -> Any:
    """A file or an http(s) URL as a parsed Page. URLs are fetched as the crawl fetches pages
    (address guard, proxy, robots.txt, size limit), in a crawl process of its own."""
    from crawler.extract.parse import parse_document

    if source.startswith(("http://", "https://")):
        from crawler.crawl.run import CrawlFailed, FetchFailed, fetch_in_subprocess
        from crawler.terminal import terminal_safe

        try:
            fetched = fetch_in_subprocess(source)
        except (FetchFailed, CrawlFailed) as exc:
            raise click.ClickException(terminal_safe(f"cannot fetch {source}: {exc}")) from None
        return parse_document(fetched.body, source, fetched.charset)
    if "://" in source:
        raise click.ClickException(f"{source}: only http:// and https:// URLs can be fetched")
    path = Path(source)
    if not path.is_file():
        raise click.ClickException(f"{source}: no such file (give a saved .html/.txt file or an http(s) URL)")
    try:
        with open(path, "rb") as handle:
            body = handle.read(_MAX_SOURCE_BYTES)
    except OSError as exc:
        raise click.ClickException(f"cannot read {source}: {exc.strerror}") from None
    return parse_document(body, path.resolve().as_uri())


@cli.command()
@output_options(formats=("text", "json"), default="text")
@pass_paths
def stats(paths: Paths, fmt: str) -> None:
    """Counts by modality, state and service, and when the last crawl finished."""
    from index.search import count_by

    if not paths.readable().index.exists():
        raise click.ClickException(f"no index in {paths.data_dir} yet: run `ketadir crawl` first")
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
    from crawler.upkeep.job import reindex as rebuild

    result = rebuild(paths)
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
    from crawler.demo import FAST_LOCAL_CRAWL, sample_web

    paths = Paths(demo_dir.resolve())
    with sample_web() as server:
        click.echo(f"Sample web of {len(server.hosts())} sites served at {server.url} (as an HTTP proxy)")
        summary = _run_crawl(paths, [(f"http://{host}/", "demo") for host in server.hosts()], None, FAST_LOCAL_CRAWL)
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
    from crawler.upkeep.job import remove_sites

    keys = [site_key(n) for n in names]
    remove_sites(paths, keys)
    click.echo(f"Removed {len(keys)} sites.")


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="List what would be registered; change nothing.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="A Scrapy setting for this run.")
@pass_paths
def discover(paths: Paths, urls: tuple[str, ...], dry_run: bool, overrides: tuple[str, ...]) -> None:
    """Find clinic sites on directory pages and sitemaps (sitemap.xml, robots.txt) and register them."""
    from crawler.crawl.run import CrawlFailed
    from crawler.upkeep.discover import discover as find_sites

    seeds = [url for url, _ in _seeds(urls, None)]
    parsed_overrides = _parse_overrides(overrides)
    try:
        found = find_sites(paths, seeds, parsed_overrides, dry_run)
    except CrawlFailed as exc:
        raise click.ClickException(f"discovery could not run: {exc}") from None
    new = sum(not site.known for site in found)
    for site in found:
        click.echo(f"{'known' if site.known else ('would add' if dry_run else 'added')}  {site.url}  (from {site.source})")
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
    from crawler.upkeep.schedule import since as start_of

    try:
        cutoff = start_of(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    key = site_key(site) if site else ""
    rows = [c.to_dict() for c in _store(paths.readable(), readonly=True).changes(cutoff, key)] if paths.store.exists() else []
    if fmt == "text":
        if not rows:
            click.echo("No changes recorded" + (f" since {cutoff}" if cutoff else "") + ".", err=True)
        from index.export import change_text

        for row in rows:
            click.echo(change_text(row))
        return
    for row in rows:
        row["detail"] = json.dumps(row["detail"], ensure_ascii=False) if fmt == "csv" else row["detail"]
    _emit_rows(rows, "csv" if fmt == "csv" else "json", ["at", "run_id", "site", "kind", "detail"])


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
    from index.export import write_records

    if not rows and fmt == "table":
        click.echo("Nothing recorded yet.", err=True)
    write_records(rows, fmt, columns, sys.stdout)


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


if __name__ == "__main__":
    main()
