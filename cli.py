"""ketadir's command line: click glue over the library.

Each command reads its options, calls the library (crawler.upkeep.job for the jobs that
change the directory, index.search to look things up) and prints. Heavy imports (Scrapy,
Twisted, lxml, BeautifulSoup) happen inside the commands that need them, so `ketadir search`
starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import click

from crawler.datadir import Paths
from crawler.errors import KetadirError
from crawler.items import CONDITIONS, MODALITIES, SERVICES
from crawler.terminal import terminal_safe


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
        except KetadirError as exc:  # the library's own errors say what to do in one line
            click.echo(f"Error: {terminal_safe(str(exc))}", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


# --- where things live ----------------------------------------------------------------------


pass_paths = click.make_pass_decorator(Paths)


def _store(paths: Paths, readonly: bool = False) -> Any:
    from crawler.store import Store

    return Store.open(paths.store, readonly=readonly)


def _stored(paths: Paths, read: Callable[[Any], list[Any]]) -> list[dict[str, Any]]:
    """Records read from the store, as dicts; none before the first crawl made a store."""
    if not paths.readable().store.exists():
        return []
    with _store(paths, readonly=True) as store:
        return [record.to_dict() for record in read(store)]


# --- shared options -------------------------------------------------------------------------


def output_options(formats: tuple[str, ...] = ("table", "json", "csv"), default: str = "table") -> Callable:
    """--format, shared by every command that prints records (like sqlite-utils)."""
    return click.option("--format", "fmt", type=click.Choice(formats), default=default, show_default=True,
                        help="How to print the results.")


def _overrides(ctx: click.Context, param: click.Parameter, pairs: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not name.strip().replace("_", "").isalnum():
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE")
        overrides[name.strip()] = value
    return overrides


def set_option(help_text: str) -> Callable:
    """--set NAME=VALUE, repeatable: a Scrapy setting for one run, as `scrapy -s`."""
    return click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", callback=_overrides, help=help_text)


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


def _query(text: str, limit: int | None, non_providers: bool, **filters: Any) -> Any:
    from index.search import QueryError, query_from

    try:
        return query_from(text, limit=limit, include_non_providers=non_providers, **filters)
    except QueryError as exc:
        hint = "the search words" if exc.option == "text" else f"--{exc.option}"
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _search(paths: Paths, query: Any) -> list[dict[str, Any]]:
    from index.search import search

    if not paths.index.exists():
        raise click.ClickException(f"no index in {paths.data_dir} yet: run `ketadir crawl` (or `ketadir reindex`) first")
    return search(paths.index, query)


def _emit(data: Any, fmt: str, text: Callable[[], str]) -> None:
    """JSON when --format json, else the text."""
    from index.export import write_json

    if fmt == "json":
        write_json(data, sys.stdout)
    else:
        click.echo(text())


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
@set_option("A Scrapy setting for this run (like scrapy -s).")
@click.option("--max-age", default="7d", show_default=True, help="With no seeds: crawl registered sites not crawled for this long (e.g. 12h, 7d).")
@click.option("--force", is_flag=True, help="With no seeds: crawl every registered site, due or not.")
@pass_paths
def crawl(
    paths: Paths,
    urls: tuple[str, ...],
    seed_file: Path | None,
    max_pages_per_site: int | None,
    overrides: dict[str, str],
    max_age: str,
    force: bool,
) -> None:
    """Crawl clinic sites, then parse, classify and index every site touched.

    With no URLs and no --seeds, crawls the registered sites that are due (see `ketadir sites`).
    Exits 3 when no site answered, 4 when the crawl process died, 130/143 when stopped by
    SIGINT/SIGTERM (what was decided is indexed).
    """
    from crawler.sites import seeds_from
    from crawler.upkeep.job import crawl_outcome, due_seeds

    seeds = seeds_from(urls, seed_file)
    age = _duration(max_age, "--max-age")
    paths.writable()
    if not seeds:
        seeds, registered = due_seeds(paths, age, force)
        if not registered:
            raise click.UsageError("nothing to crawl: give URLs, --seeds FILE, or register sites with `ketadir sites add`")
        if not seeds:
            click.echo(f"All {registered} registered sites were crawled within {max_age}; nothing is due (use --force).")
            return
    summary = _run_crawl(paths, seeds, max_pages_per_site, overrides)
    _print_summary(summary)
    code, why = crawl_outcome(summary)
    if why:
        click.echo(why, err=True)
    click.get_current_context().exit(code)


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


def _duration(text: str, option: str) -> float:
    from crawler.upkeep.schedule import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def _print_summary(summary: Any) -> None:
    from index.export import summary_text

    click.echo(summary_text(summary))


@cli.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option("--include-non-providers", is_flag=True, help="Also list sites judged not-a-provider.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many clinics.")
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
    from index.export import write_atomically

    try:
        write_atomically(Path(output), lambda handle: _emit_results(results, fmt, handle))
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"Wrote {len(results)} clinics to {output}", err=True)


@cli.command()
@click.argument("site")
@click.option("--why", is_flag=True, help="Every cue that fired on the site's stored pages, with its weight and page, and the rule that decided.")
@output_options(formats=("text", "json"), default="text")
@pass_paths
def show(paths: Paths, site: str, why: bool, fmt: str) -> None:
    """Show one clinic: locations, contacts, classification and its evidence."""
    from crawler.sites import site_key

    key = site_key(site)
    with _store(paths.readable(), readonly=True) as store:
        clinic, registered = store.clinic(key), store.site(key)
        parsed = store.parsed_pages_of(key) if why and clinic is not None else []
    if clinic is None:
        raise click.ClickException(f"{key} is not in the directory: see `ketadir search` for what is")
    if why:
        _show_why(key, parsed, fmt)
        return
    from index.export import clinic_text

    gone_because = registered.last_status if registered and registered.gone else None
    record = {**clinic.to_dict(), "status": registered.to_dict() if registered else None}
    _emit(record, fmt, lambda: clinic_text(clinic, gone_because))


def _show_why(site: str, parsed: list[str], fmt: str) -> None:
    """The classifier run again on the stored pages, showing everything it weighed."""
    from crawler.extract.classify import explain_site
    from crawler.store import page_from_json
    from index.export import explanation_text

    explanation = explain_site([page_from_json(p) for p in parsed])
    record = {
        "site": site,
        **explanation.decision.to_dict(),
        "says": explanation.says,
        "scores": explanation.scores,
        "cues": [e.to_dict() for e in explanation.evidence],
    }
    _emit(record, fmt, lambda: explanation_text(site, explanation))


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@output_options(formats=("text", "json"), default="text")
def classify(sources: tuple[str, ...], fmt: str) -> None:
    """Classify saved HTML/text files or live URLs without touching the index."""
    from crawler.crawl.fetch import read_source
    from crawler.extract.classify import classify_site
    from index.export import decision_record, decision_text

    outputs = [decision_record(source, classify_site([read_source(source)])) for source in sources]
    _emit(outputs if len(outputs) > 1 else outputs[0], fmt, lambda: "\n".join(decision_text(o) for o in outputs))


@cli.command()
@output_options(formats=("text", "json"), default="text")
@pass_paths
def stats(paths: Paths, fmt: str) -> None:
    """Counts by modality, state and service, and when the last crawl finished."""
    from index.export import stats_text
    from index.search import count_by

    if not paths.readable().index.exists():
        raise click.ClickException(f"no index in {paths.data_dir} yet: run `ketadir crawl` first")
    data: dict[str, Any] = {field: count_by(paths.index, field) for field in ("modality", "state", "services")}
    if paths.store.exists():
        with _store(paths, readonly=True) as store:
            data["last_crawl"] = store.last_crawl_time()
    else:
        data["last_crawl"] = None
    _emit(data, fmt, lambda: stats_text(data))


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
    with _store(paths.readable(), readonly=True) as store:
        predictions = {c.site: c.to_dict() for c in store.clinics()}
    report = run_evaluation(expected, predictions)
    _emit(report.to_dict(), fmt, lambda: format_text(report))


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
    _emit_results(_search(paths, _query("", 50, False, modality=("kap",), city="Nashville")), "table")
    click.echo("\n$ ketadir search --modality infusion-only --state TX")
    _emit_results(_search(paths, _query("", 50, False, modality=("infusion-only",), state="TX")), "table")
    export_path = paths.data_dir / "directory.csv"
    results = _search(paths, _query("", None, False))
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
    from crawler.sites import seeds_from, site_of

    seeds = seeds_from(urls, seed_file)
    if not seeds:
        raise click.UsageError("give URLs or --from FILE")
    with _store(paths.writable()) as store:
        added = sum(store.add_site(site_of(url), url, source) for url, source in seeds)
    click.echo(f"Registered {added} new sites ({len(seeds) - added} already known).")


@sites.command("list")
@output_options()
@pass_paths
def sites_list(paths: Paths, fmt: str) -> None:
    """List registered sites: where each came from, when first seen and last crawled, last status."""
    from crawler.sites import display_host

    rows = _stored(paths, lambda store: store.sites())
    if fmt != "json":  # for people: bücher.test, not xn--bcher-kva.test
        rows = [{**row, "site": display_host(row["site"])} for row in rows]
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
@set_option("A Scrapy setting for this run.")
@pass_paths
def discover(paths: Paths, urls: tuple[str, ...], dry_run: bool, overrides: dict[str, str]) -> None:
    """Find clinic sites on directory pages and sitemaps (sitemap.xml, robots.txt) and register them."""
    from crawler.crawl.run import CrawlFailed
    from crawler.sites import seeds_from
    from crawler.upkeep.discover import discover as find_sites

    seeds = [url for url, _ in seeds_from(urls)]
    try:
        found = find_sites(paths, seeds, overrides, dry_run)
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
    rows = _stored(paths, lambda store: store.changes(cutoff, key))
    if fmt == "text":
        if not rows:
            click.echo("No changes recorded" + (f" since {cutoff}" if cutoff else "") + ".", err=True)
        from index.export import change_text

        for row in rows:
            click.echo(change_text(row))
        return
    _emit_rows(rows, fmt, ["at", "run_id", "site", "kind", "detail"])


@cli.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="The latest this many runs.")
@output_options()
@pass_paths
def runs(paths: Paths, limit: int, fmt: str) -> None:
    """One line a crawl run: when, sites, pages, errors, changes."""
    rows = _stored(paths, lambda store: store.runs(limit))
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
    from crawler.upkeep.schedule import crawl_command, run_every, timer_text

    if bool(every) == bool(cron):
        raise click.UsageError("give either --every DURATION or --cron EXPRESSION")
    if cron and not print_only:
        raise click.UsageError("--cron only prints (add --print) and leaves running to cron or systemd; use --every to run here")
    _duration(max_age, "--max-age")
    command = crawl_command(paths.data_dir, max_age)
    seconds = _duration(every, "--every") if every else None
    if print_only:
        try:
            click.echo(timer_text(command, cron, seconds, workdir=str(Path.cwd())))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--cron") from None
        return
    assert seconds is not None  # without --print, only --every is left
    paths.writable()
    click.echo(f"Crawling due sites every {every}; Ctrl-C or SIGTERM stops after the current run.", err=True)
    run_every(command, seconds)
    click.echo("Scheduler stopped.", err=True)


if __name__ == "__main__":
    main()
