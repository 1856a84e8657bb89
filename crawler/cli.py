"""The ``govreports`` command: parses arguments and calls plain functions.

User mistakes (a bad seed, a missing file, a database that is not one) end in one ``error:`` line
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from crawler import __version__
from crawler import db as corpus
from crawler.config import RENDER_MODES
from crawler.extract import ExtractionError, extract_page
from crawler.seeds import collect_seeds, url_problem

DEFAULT_DB = "output/corpus.db"
# Fetching one page for `extract URL`: a short timeout, our own identity.
FETCH_TIMEOUT = 20
# The columns of `govreports checks`, in order.
CHECK_COLUMNS = ("url", "title", "rule", "where", "left", "right")
F = TypeVar("F", bound=Callable[..., Any])


def db_option(function: F) -> F:
    return click.option(
        "--db",
        "db_path",
        default=DEFAULT_DB,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="The corpus database.",
    )(function)


def user_errors(function: F) -> F:
    """Turn the errors a user can cause into one line and exit status 1."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (corpus.CorpusError, ExtractionError, OSError) as error:
            raise click.ClickException(str(error)) from error

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govreports")
def main() -> None:
    """Find, clean and store Chinese government information disclosure annual reports."""


@main.command()
@click.argument("urls", nargs=-1)
@click.option("--seeds", "seeds_file", type=click.Path(dir_okay=False), help="Seed file: URLs or a CSV.")
@db_option
@click.option(
    "--render",
    type=click.Choice(RENDER_MODES),
    default="auto",
    show_default=True,
    help="When pages go through the browser: only where a page needs it, never, or always.",
)
@click.option("-v", "--verbose", count=True, help="Show Scrapy's log (-v info, -vv debug).")
@user_errors
def crawl(urls: tuple[str, ...], seeds_file: str | None, db_path: str, render: str, verbose: int) -> None:
    """Crawl seed URLs (portals, columns, report pages) into the corpus."""
    from crawler.runner import run_crawl

    seeds, problems = collect_seeds(list(urls), seeds_file)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if not seeds:
        raise click.UsageError("no valid seed to crawl (give URLs or --seeds FILE)")
    corpus.open_db(db_path).close()  # fail early on a bad --db, before the reactor starts
    overrides = _log_overrides(verbose, db_path) | {"GOVREPORTS_RENDER": render}
    summary = run_crawl(seeds, db_path, seed_problems=problems, overrides=overrides)
    _print_summary(summary, db_path)


@main.command()
@click.option("--port", default=8765, show_default=True, help="Port of the demo portal (0: any free one).")
@db_option
@click.option("-v", "--verbose", count=True, help="Show Scrapy's log (-v info, -vv debug).")
@user_errors
def demo(port: int, db_path: str, verbose: int) -> None:
    """Serve the bundled demo county portal on 127.0.0.1 and crawl it into the corpus."""
    from crawler.demo import DemoServer, build_site
    from crawler.runner import run_crawl
    from crawler.seeds import Seed

    site = build_site()
    try:
        server = DemoServer(site, port=port).start()
    except OSError:
        server = DemoServer(site, port=0).start()
    click.echo(f"demo portal: {server.base_url}/  →  {db_path}", err=True)
    try:
        overrides = _log_overrides(verbose, db_path) | {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0.01}
        summary = run_crawl([Seed(url=server.url(path)) for path in site.seeds], db_path, overrides=overrides)
    finally:
        server.stop()
    _print_summary(summary, db_path)
    database = corpus.open_db(db_path)
    stored = {row["url"] for row in corpus.iter_reports(database)}
    database.close()
    from crawler.fingerprint import canonical_url

    expected = {canonical_url(server.url(path)) for path in site.expected_report_paths()}
    decoys = {canonical_url(server.url(decoy.path)) for decoy in site.decoys}
    click.echo(
        f"demo manifest: {len(expected)} reports, {len(expected & stored)} stored, "
        f"{len(expected - stored)} missing, {len(decoys & stored)} decoys stored"
    )
    if expected - stored or decoys & stored:
        raise click.ClickException("the demo crawl does not match its manifest")


@main.command()
@click.argument("source")
@click.option("--url", help="The page's original URL (for a saved file).")
@click.option(
    "--format", "output_format", type=click.Choice(["json", "text"]), default="json", show_default=True
)
@user_errors
def extract(source: str, url: str | None, output_format: str) -> None:
    """Extract one saved page (FILE) or one page fetched from a URL; print JSON or text."""
    if source.startswith(("http://", "https://")):
        if problem := url_problem(source):
            raise click.UsageError(f"{source!r}: {problem}")
        body, content_type = _fetch(source)
        page_url = url or source
    else:
        path = Path(source)
        if not path.is_file():
            raise click.UsageError(f"{source}: no such file")
        body, content_type = path.read_bytes(), None
        page_url = url or path.resolve().as_uri()
    extraction = extract_page(body, page_url, content_type)
    if output_format == "text":
        click.echo(extraction.text)
    else:
        click.echo(json.dumps(extraction.record(), ensure_ascii=False, indent=2))


@main.command()
@click.option("--format", "output_format", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("-o", "--output", default="-", show_default=True, help="File to write, or - for stdout.")
@db_option
@user_errors
def export(output_format: str, output: str, db_path: str) -> None:
    """Write every stored report as one JSON object per line."""
    from crawler.export import write_jsonl

    database = corpus.open_db(db_path, create=False)
    try:
        if output == "-":
            count = write_jsonl(database, sys.stdout)
        else:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            with open(output, "w", encoding="utf-8") as out:
                count = write_jsonl(database, out)
    finally:
        database.close()
    click.echo(f"exported {count} reports", err=True)


@main.command()
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@db_option
@user_errors
def checks(output_format: str, db_path: str) -> None:
    """List the stored reports whose statistics fail a consistency rule: one line per failed check
    (url, title, rule, where, left, right; tab-separated in text, a JSON array in json)."""
    database = corpus.open_db(db_path, create=False)
    try:
        failures = list(corpus.failing_checks(database))
    finally:
        database.close()
    if output_format == "json":
        click.echo(json.dumps(failures, ensure_ascii=False, indent=2))
    else:
        for failure in failures:
            click.echo("\t".join(_cell(failure[key]) for key in CHECK_COLUMNS))
    reports = len({failure["url"] for failure in failures})
    click.echo(f"{len(failures)} failed checks in {reports} reports", err=True)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _fetch(url: str) -> tuple[bytes, str | None]:
    request = urllib.request.Request(url, headers={"User-Agent": f"govreports/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            return response.read(), response.headers.get("Content-Type")
    except OSError as error:
        raise click.ClickException(f"{url}: could not fetch ({error})") from error


def _log_overrides(verbose: int, db_path: str) -> dict[str, Any]:
    """Quiet by default: Scrapy's log goes to ``<db>.log`` and stderr keeps our one-line messages;
    ``-v``/``-vv`` send the log to stderr instead."""
    if verbose:
        return {"LOG_LEVEL": "INFO" if verbose == 1 else "DEBUG"}
    return {
        "LOG_LEVEL": "INFO",
        "LOG_FILE": f"{db_path}.log",
        "GOVREPORTS_PROGRESS": sys.stderr.isatty(),
    }


# Per-seed columns of the closing table: (heading, counter name).
SEED_COLUMNS = (
    ("pages", "pages"),
    ("listings", "listing_pages"),
    ("reports", "reports_stored"),
    ("files", "attachments"),
    ("rendered", "rendered"),
    ("errors", "errors"),
)


def _print_summary(summary: Any, db_path: str) -> None:
    for error in summary.seed_errors:
        click.echo(f"error: {error}", err=True)
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)
    if summary.per_seed:
        click.echo("  ".join(["seed".ljust(48), *(heading.rjust(8) for heading, _ in SEED_COLUMNS)]))
        for seed, counts in summary.per_seed.items():
            cells = (str(counts.get(name, 0)).rjust(8) for _, name in SEED_COLUMNS)
            click.echo("  ".join([seed[:48].ljust(48), *cells]))
    click.echo(
        f"pages fetched: {summary.pages_fetched}   reports stored this run: {summary.reports_stored}   "
        f"finish: {summary.finish_reason}"
    )
    click.echo(f"corpus {db_path}: {summary.reports_in_db} reports")
    if summary.per_year:
        click.echo("  year  reports")
        for year, count in summary.per_year:
            click.echo(f"  {year if year is not None else '?':>4}  {count:>7}")


if __name__ == "__main__":
    main()
