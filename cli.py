"""ketadir's command line: click glue over the library.

Each command reads its options, calls the library (crawler.upkeep for the jobs that change
the directory, index.search to look things up, index.present and index.export for what is
shown) and prints what it returns. Heavy imports (Scrapy, Twisted, lxml, BeautifulSoup) happen
inside the commands that need them, so `ketadir search` starts fast.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import click

from crawler.datadir import Paths
from crawler.errors import KetadirError
from crawler.items import CONDITIONS, MODALITIES, SERVICES
from crawler.vocabulary import VOCABULARY, UnknownTerm, canonical
from crawler.terminal import plural, terminal_safe

if TYPE_CHECKING:
    from crawler.upkeep.job import CrawlSummary
    from index.export import Records, View
    from index.search import Found


# --- one-line errors ------------------------------------------------------------------------


class KetadirGroup(click.Group):
    """Every error is one line on stderr and a non-zero exit; never a traceback. The command
    alone prints its help."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:  # `ketadir sites` alone: its help
            click.echo(exc.ctx.get_help())
            sys.exit(0)
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


def _no_directory(paths: Paths) -> click.ClickException:
    """The error for a data dir with nothing in it yet, pointing at the demo's if it is here."""
    from crawler.demo import demo_dir_hint

    return click.ClickException(
        f"no index in {paths.data_dir} yet: run `ketadir crawl` (or `ketadir reindex`) first{demo_dir_hint(paths.data_dir)}"
    )


@contextmanager
def _option(hint: str) -> Iterator[None]:
    """A library's ValueError about what an option says, as that option's error."""
    try:
        yield
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _duration(text: str, option: str) -> float:
    from crawler.upkeep.schedule import parse_duration

    with _option(option):
        return parse_duration(text)


# --- shared options -------------------------------------------------------------------------


class FormatChoice(click.Choice):
    """--format in any case; `table` is accepted as the older name of `text`."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.casefold() == "table" and "text" in self.choices:
            value = "text"
        return super().convert(value, param, ctx)


def output_options(formats: tuple[str, ...] = ("text", "json", "csv"), default: str = "text") -> Callable:
    """--format, shared by every command that prints (like sqlite-utils): text for people (a
    table or a report), json and csv for programs and spreadsheets."""
    return click.option("--format", "fmt", type=FormatChoice(formats, case_sensitive=False), default=default,
                        show_default=True, help="How to print: text (a table or report), json or csv.")


class Vocabulary(click.ParamType):
    """A modality, service or condition as people type it: any case, aliases (spravato, IV,
    "chronic pain"), several joined by commas (see crawler.vocabulary)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.name = kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        if value in VOCABULARY[self.kind]:  # as the vocabulary spells it: nothing to look up
            return (value,)
        try:
            return tuple(canonical(self.kind, value))
        except UnknownTerm as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(label) for label in VOCABULARY[self.kind] if label.startswith(incomplete.lower())]


def _flattened(ctx: click.Context, param: click.Parameter, values: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(label for labels in values for label in labels))


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
        click.option("--modality", "-m", multiple=True, type=Vocabulary("modality"), callback=_flattened,
                     help=f"Any of these ({', '.join(MODALITIES)}); repeat or join with commas."),
        click.option("--service", "-s", multiple=True, type=Vocabulary("service"), callback=_flattened,
                     help=f"Must offer all of these ({', '.join(SERVICES)}; spravato, IV... also work)."),
        click.option("--condition", "-c", multiple=True, type=Vocabulary("condition"), callback=_flattened,
                     help=f"Must treat all of these ({', '.join(CONDITIONS)})."),
        click.option("--city", default="", help='City name; forgiving of case and "St."/"Saint", "Ft."/"Fort".'),
        click.option("--state", default="", help="Two-letter state (or its name); includes telehealth serving it."),
        click.option("--near", default="", help='A ZIP code or "City, ST": nearest offices first, then telehealth serving the state.'),
        click.option("--radius", type=float, default=None, help="With --near: miles (default 50)."),
        click.option("--include-gone", is_flag=True, help="Also list sites that stopped answering."),
        click.option("--include-mentions", is_flag=True,
                     help="Free text also matches what pages only mention (denied, explained, not offered)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _find(paths: Paths, text: str, limit: int | None, non_providers: bool, **filters: Any) -> Found:
    """The clinics the options ask for, or the option's error (an unknown --near place with
    the directory's places spelled like it)."""
    from index.search import QueryError, find, query_from

    paths.readable()
    try:
        query = query_from(text, limit=limit, include_non_providers=non_providers, index_dir=paths.index, **filters)
    except QueryError as exc:
        hint = "the search words" if exc.option == "text" else f"--{exc.option}"
        raise click.BadParameter(str(exc), param_hint=hint) from None
    if not paths.index.exists():
        raise _no_directory(paths)
    return find(paths.index, query)


def _emit(view: View, fmt: str) -> None:
    """JSON when --format json, CSV when csv and the view has rows, else its text."""
    from index.export import write_json, write_records

    if fmt == "json":
        write_json(view.data, sys.stdout)
    elif fmt == "csv" and view.rows is not None:
        columns, records = view.rows()
        write_records(records, "csv", columns, sys.stdout)
    else:
        click.echo(view.text())


def _emit_results(results: list[dict[str, Any]], fmt: str, bom: bool = False) -> None:
    """Search results on stdout, after what a table of them says on stderr."""
    from index.export import result_notes, write_results

    for note in result_notes(results, fmt):
        click.echo(note, err=True)
    write_results(results, fmt, sys.stdout, bom)


def _emit_records(records: Records, fmt: str) -> None:
    """Plain records (not clinics): for people a line each or a table, else JSON or CSV."""
    from index.export import write_records

    if fmt == "text" and not records.rows:
        click.echo(records.empty, err=True)
    if fmt == "text" and records.line is not None:
        for row in records.rows:
            click.echo(records.line(row))
    else:
        write_records(records.rows, fmt, records.columns, sys.stdout)


def _check_city(paths: Paths, city: str) -> None:
    """A --city that no office of the directory has, spelled like one that is: a typo."""
    from index.search import unknown_city

    if why := unknown_city(paths.index, city):
        raise click.BadParameter(why, param_hint="--city")


# --- commands -------------------------------------------------------------------------------


@click.group(cls=KetadirGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", envvar="KETADIR_HOME", type=click.Path(file_okay=True, dir_okay=True, path_type=Path), default=None,
              help="Where ketadir keeps its store and index (env KETADIR_HOME; default: your user data dir).")
@click.version_option(package_name="ketadir")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """A directory of ketamine treatment providers, built from their own websites."""
    if ctx.invoked_subcommand is None:  # `ketadir` (with or without --data-dir) alone: the help
        click.echo(ctx.get_help())
        ctx.exit(0)
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
def crawl(paths: Paths, urls: tuple[str, ...], seed_file: Path | None, max_pages_per_site: int | None,
          overrides: dict[str, str], max_age: str, force: bool) -> None:
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
            click.echo(f"All {plural(registered, 'registered site')} were crawled within {max_age}; nothing is due (use --force).")
            return
    summary = _run_crawl(paths, seeds, max_pages_per_site, overrides)
    code, why = crawl_outcome(summary)
    if why:
        click.echo(why, err=True)
    click.get_current_context().exit(code)


def _run_crawl(paths: Paths, seeds: list[tuple[str, str]], max_pages: int | None, overrides: dict[str, str]) -> CrawlSummary:
    """Crawl, saying how it goes on stderr, then print its summary."""
    from crawler.upkeep.job import CrawlFailed, progress_line, run_crawl, started_line
    from index.export import summary_text

    try:
        summary = run_crawl(paths, seeds, max_pages, overrides,
                            on_start=lambda run_id, sites: click.echo(started_line(run_id, sites), err=True),
                            on_progress=lambda progress: click.echo(progress_line(progress), err=True))
    except CrawlFailed as exc:
        raise click.ClickException(f"the crawl could not run: {exc}") from None
    click.echo(summary_text(summary))
    return summary


# A table is for reading: this many clinics unless --limit says otherwise.
TABLE_LIMIT = 50


@cli.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option("--include-non-providers", is_flag=True, help="Also list sites judged not-a-provider.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help=f"At most this many clinics (default {TABLE_LIMIT} as text, all as json or csv).")
@output_options()
@pass_paths
def search(paths: Paths, query: tuple[str, ...], limit: int | None, fmt: str, include_non_providers: bool,
           **filters: Any) -> None:
    """Search the directory: free text plus filters (modality, service, city, state, --near...)."""
    from index.export import limit_note

    limit = limit or (TABLE_LIMIT if fmt == "text" else None)
    found = _find(paths, " ".join(query), limit, include_non_providers, **filters)
    if not found.results:
        _check_city(paths, filters["city"])
    _emit_results(found.results, fmt)
    if note := limit_note(len(found.results), found.total):
        click.echo(note, err=True)


@cli.command()
@filter_options
@click.option("--text", "text", default="", help="Free-text query, as for search.")
@click.option("--include-non-providers", is_flag=True, help="Also export sites judged not-a-provider.")
@click.option("--output", "-o", default="-", show_default=True,
              help="File to write (.csv or .json; the ending picks --format), or - for stdout.")
@click.option("--bom", is_flag=True, help="Start with a UTF-8 byte-order mark, for Excel on Windows.")
@output_options(formats=("csv", "json"), default="csv")
@click.pass_context
def export(ctx: click.Context, text: str, include_non_providers: bool, output: str, bom: bool, fmt: str,
           **filters: Any) -> None:
    """Export listings as CSV (one row per office that matched) or JSON (one record per clinic)."""
    from click.core import ParameterSource

    from index.export import export_format, export_to, exported_text

    paths = ctx.find_object(Paths)
    with _option("--output"):
        fmt = export_format(output, fmt, ctx.get_parameter_source("fmt") is not ParameterSource.DEFAULT)
    results = _find(paths, text, None, include_non_providers, **filters).results
    if not results:
        _check_city(paths, filters["city"])
    if output == "-":
        _emit_results(results, fmt, bom)
        return
    try:
        written = export_to(Path(output), results, fmt, bom)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    click.echo(exported_text(output, fmt, len(results), written), err=True)


@cli.command()
@click.argument("site")
@click.option("--why", is_flag=True, help="Every cue that fired on the site's stored pages, with its weight and page, and the rule that decided.")
@output_options()
@pass_paths
def show(paths: Paths, site: str, why: bool, fmt: str) -> None:
    """Show one clinic (by site, URL or name): offices, contacts, classification, its evidence
    for and against, and since when it offers what it offers."""
    from index.present import clinic_view

    if not paths.readable().store.exists():
        raise _no_directory(paths)
    _emit(clinic_view(paths, site, why), fmt)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@output_options()
def classify(sources: tuple[str, ...], fmt: str) -> None:
    """Classify saved HTML/text files, the files in a folder, or live URLs, each on its own,
    without touching the index."""
    from crawler.crawl.fetch import read_source, sources_in
    from crawler.extract.classify import classify_site
    from index.export import decision_record, decisions_view

    records = [decision_record(source, classify_site([read_source(source)])) for source in sources_in(sources)]
    _emit(decisions_view(records), fmt)


@cli.command()
@output_options()
@pass_paths
def stats(paths: Paths, fmt: str) -> None:
    """Counts by modality, state and service, and when the last crawl finished."""
    from index.present import stats_view

    if not paths.readable().index.exists():
        raise _no_directory(paths)
    _emit(stats_view(paths), fmt)


@cli.command()
@pass_paths
def reindex(paths: Paths) -> None:
    """Rebuild the index from the store: re-classify every site without refetching."""
    from crawler.upkeep.job import reindex as rebuild

    result = rebuild(paths)
    click.echo(f"Reindexed {plural(result.decided, 'clinic')} ({plural(result.changes, 'change')} recorded)")


@cli.command()
@click.argument("labels", type=click.Path(path_type=Path))
@output_options()
@pass_paths
def evaluate(paths: Paths, labels: Path, fmt: str) -> None:
    """Compare the directory with a hand-labelled CSV (website/host, modality, services...)."""
    from crawler.evaluate import load_labels
    from index.present import evaluation_view

    if not labels.is_file():
        raise click.ClickException(f"labels file {labels} not found: give a CSV with host (or website) and modality columns")
    try:
        expected = load_labels(labels)
    except (ValueError, KeyError, OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read labels from {labels}: {exc}") from None
    if not paths.readable().store.exists():
        raise _no_directory(paths)
    _emit(evaluation_view(paths, expected), fmt)


@cli.command()
@click.option("--data-dir", "demo_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the demo keeps its own store and index (default ./demo-data; not your real directory).")
@click.pass_context
def demo(ctx: click.Context, demo_dir: Path | None) -> None:
    """Serve the bundled sample web on 127.0.0.1, crawl it, and show what the directory holds.

    `ketadir --data-dir DIR demo` is the same as `ketadir demo --data-dir DIR`; KETADIR_HOME
    is not used, so sample clinics never mix into your directory.
    """
    from click.core import ParameterSource

    from crawler.demo import DEMO_SEARCHES, FAST_LOCAL_CRAWL, closing_text, demo_data_dir, demo_seeds, sample_web, serving_text
    from index.export import write_results

    assert ctx.parent is not None
    given = ctx.parent.params["data_dir"] if ctx.parent.get_parameter_source("data_dir") is ParameterSource.COMMANDLINE else None
    try:
        paths = Paths(demo_data_dir(demo_dir, given))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    with sample_web() as server:
        click.echo(serving_text(server))
        _run_crawl(paths, demo_seeds(server), None, FAST_LOCAL_CRAWL)
    for command, filters in DEMO_SEARCHES:
        click.echo(f"\n$ {command}")
        _emit_results(_find(paths, "", 50, False, **filters).results, "text")
    export_path = paths.data_dir / "directory.csv"
    results = _find(paths, "", None, False).results
    with open(export_path, "w", newline="", encoding="utf-8") as handle:
        write_results(results, "csv", handle)
    click.echo(closing_text(paths.data_dir, export_path, results))


@cli.group()
def sites() -> None:
    """The registry of sites that `ketadir crawl` keeps current."""


@sites.command("add")
@click.argument("urls", nargs=-1)
@click.option("--from", "seed_file", type=click.Path(path_type=Path), help="File of URLs, one per line.")
@pass_paths
def sites_add(paths: Paths, urls: tuple[str, ...], seed_file: Path | None) -> None:
    """Register sites to crawl."""
    from crawler.sites import seeds_from
    from crawler.upkeep.discover import register

    seeds = seeds_from(urls, seed_file)
    if not seeds:
        raise click.UsageError("give URLs or --from FILE")
    added = register(paths, seeds)
    click.echo(f"Registered {plural(added, 'new site')} ({len(seeds) - added} already known).")


@sites.command("list")
@output_options()
@pass_paths
def sites_list(paths: Paths, fmt: str) -> None:
    """List registered sites: where each came from, when first seen and last crawled, last status."""
    from index.present import site_records

    _emit_records(site_records(paths, for_people=fmt != "json"), fmt)


@sites.command("remove")
@click.argument("names", nargs=-1, required=True)
@pass_paths
def sites_remove(paths: Paths, names: tuple[str, ...]) -> None:
    """Stop crawling sites and take them out of the directory (their history is kept)."""
    from crawler.sites import site_key
    from crawler.upkeep.job import remove_sites

    keys = [site_key(n) for n in names]
    remove_sites(paths, keys)
    click.echo(f"Removed {plural(len(keys), 'site')}.")


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="List what would be registered; change nothing.")
@click.option("--max-pages", type=click.IntRange(min=1), default=50, show_default=True,
              help="Pages to read besides the URLs and their robots.txt: sitemaps and the directory's listing pages.")
@set_option("A Scrapy setting for this run.")
@pass_paths
def discover(paths: Paths, urls: tuple[str, ...], dry_run: bool, max_pages: int, overrides: dict[str, str]) -> None:
    """Find clinic sites on directory pages, the sitemaps robots.txt names and the directory's
    own listing pages (per-state, next pages), and register them."""
    from crawler.crawl.run import CrawlFailed
    from crawler.sites import seeds_from
    from crawler.upkeep.discover import discover as find_sites
    from crawler.upkeep.discover import found_line, found_summary, progress_line

    seeds = [url for url, _ in seeds_from(urls)]
    try:
        found = find_sites(paths, seeds, overrides, dry_run, max_pages,
                           on_progress=lambda progress: click.echo(progress_line(progress), err=True))
    except CrawlFailed as exc:
        raise click.ClickException(f"discovery could not run: {exc}") from None
    for site in found:
        click.echo(found_line(site, dry_run))
    click.echo(found_summary(found, dry_run), err=True)


@cli.command()
@click.option("--since", default="", help="A date (2026-01-31) or an age (7d, 12h).")
@click.option("--site", default="", help="Only this site (host or URL).")
@output_options(formats=("text", "json", "csv"), default="text")
@pass_paths
def changes(paths: Paths, since: str, site: str, fmt: str) -> None:
    """What changed, run by run: new clinics, modality, services, conditions, address, phone, gone/back."""
    from crawler.sites import site_key
    from crawler.upkeep.schedule import since as start_of
    from index.present import change_records, is_registered

    with _option("--since"):
        cutoff = start_of(since)
    key = site_key(site) if site else ""
    if key and not is_registered(paths, key):
        raise click.BadParameter(f"{key} is not registered: see `ketadir sites list` for the sites that are",
                                 param_hint="--site")
    _emit_records(change_records(paths, cutoff, key), fmt)


@cli.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="The latest this many runs.")
@output_options()
@pass_paths
def runs(paths: Paths, limit: int, fmt: str) -> None:
    """One line a crawl run: when, sites, pages, errors, changes."""
    from index.present import run_records

    _emit_records(run_records(paths, limit), fmt)


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
        with _option("--cron"):
            text = timer_text(command, cron, seconds, workdir=str(Path.cwd()))
        click.echo(text)
        return
    assert seconds is not None  # without --print, only --every is left
    paths.writable()
    click.echo(f"Crawling due sites every {every}; Ctrl-C or SIGTERM stops after the current run.", err=True)
    run_every(command, seconds, say=lambda line: click.echo(line, err=True))
    click.echo("Scheduler stopped.", err=True)


if __name__ == "__main__":
    main()
