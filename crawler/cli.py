"""The ``govreports`` command: parses arguments and calls plain functions.

User mistakes (a bad seed, a missing file, a database that is not one) end in one ``error:`` line
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from crawler import __version__
from crawler.corpus import db as corpus
from crawler.corpus.browse import DEFAULT_PORT as DEFAULT_BROWSE_PORT
from crawler.corpus.export import FORMATS as EXPORT_FORMATS
from crawler.crawl.config import RENDER_MODES
from crawler.crawl.seeds import collect_seeds, read_seed_file, url_problem
from crawler.extract.dispatch import extract_any
from crawler.extract.page import ExtractionError

DEFAULT_DB = "output/corpus.db"
# Fetching one page for `extract URL`: a short timeout, our own identity.
FETCH_TIMEOUT = 20
# The columns of `govreports checks`, in order.
CHECK_COLUMNS = ("url", "title", "rule", "where", "left", "right")
# Finish reasons of a crawl stopped because the corpus could not be written (pipelines/store.py).
STORE_FAILURES = ("disk_full", "store_failed")
# Failed pages the crawl summary names one line each; the run keeps more (`runs --format json`).
FAILED_PAGES_SHOWN = 20
# The report templates `export --template` picks from (free form, 国办公开办函〔2019〕60号, 〔2021〕30号).
TEMPLATE_VERSIONS = ("2008", "2019", "2021")
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
@click.option("--full", is_flag=True, help="Fetch every report page again, stored and unchanged ones too.")
@click.option(
    "--job-dir",
    type=click.Path(file_okay=False),
    help="Keep the crawl's state here (Scrapy JOBDIR): a killed crawl started again resumes.",
)
@click.option(
    "--redis",
    "redis_url",
    metavar="redis://HOST:PORT/DB",
    help="Share one frontier in redis with other workers (scrapy-redis); each worker keeps its own --db.",
)
@click.option(
    "--redis-key",
    default="govreports",
    show_default=True,
    help="Name of the shared crawl in redis (its frontier and seen-set); a new crawl takes a new name.",
)
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="A Scrapy setting.")
@click.option("-v", "--verbose", count=True, help="Show Scrapy's log (-v info, -vv debug).")
@user_errors
def crawl(
    urls: tuple[str, ...],
    seeds_file: str | None,
    db_path: str,
    render: str,
    full: bool,
    job_dir: str | None,
    redis_url: str | None,
    redis_key: str,
    settings: tuple[str, ...],
    verbose: int,
) -> None:
    """Crawl seed URLs (portals, columns, report pages) into the corpus.

    Run again on the same database, it fetches the listings but only new or changed reports."""
    from crawler.crawl.runner import run_crawl

    seeds, problems = collect_seeds(list(urls), seeds_file)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if not seeds:
        raise click.UsageError("no valid seed to crawl (give URLs or --seeds FILE)")
    corpus.open_db(db_path).close()  # fail early on a bad --db, before the reactor starts
    overrides = _log_overrides(verbose, db_path) | {"GOVREPORTS_RENDER": render, "GOVREPORTS_FULL": full}
    overrides |= _parse_settings(settings)
    if job_dir:
        overrides["JOBDIR"] = job_dir
    spider_cls = None
    if redis_url:
        from crawler.crawl.distributed import DistributedReportsSpider, redis_settings

        overrides |= redis_settings(redis_url, redis_key)
        spider_cls = DistributedReportsSpider
    summary = run_crawl(seeds, db_path, seed_problems=problems, overrides=overrides, spider_cls=spider_cls)
    _print_summary(summary, db_path)
    if summary.finish_reason in STORE_FAILURES:
        # the store's one line above says why; a script running the crawl must see that it stopped
        raise click.exceptions.Exit(1)


@main.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="The merged corpus database."
)
@click.option("--official-host", "official_hosts", multiple=True, help="A host that counts as official.")
@user_errors
def merge(shards: tuple[str, ...], output: str, official_hosts: tuple[str, ...]) -> None:
    """Merge the SQLite shards of distributed workers into one corpus, with a single crawl's dedupe rules."""
    from crawler.corpus.merge import merge_shards

    result = merge_shards(list(shards), output, frozenset(host.lower() for host in official_hosts))
    click.echo(
        f"merged {result.shards} shards: {result.reports_read} reports read, {result.new} stored, "
        f"{result.merged} joined another as a source; {result.files} files, {result.pages} pages; "
        f"{output}: {result.reports_in_output} reports"
    )


@main.command()
@db_option
@user_errors
def reextract(db_path: str) -> None:
    """Run extraction again over the stored captures (after an upgrade), without crawling."""
    from crawler.corpus.reextract import reextract_corpus

    database = corpus.open_db(db_path, create=False)
    try:
        result = reextract_corpus(database)
    finally:
        database.close()
    click.echo(
        f"re-extracted {result.updated} reports ({result.versions} changed, kept as versions); "
        f"{result.failed} failed, {result.missing} without a stored capture"
    )


def _parse_settings(pairs: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--set {pair!r}: expected NAME=VALUE")
        parsed[name.strip()] = value
    return parsed


@main.command()
@db_option
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@user_errors
def runs(db_path: str, output_format: str) -> None:
    """List the crawl runs: when, how they ended, what they stored, their errors and notes."""
    database = corpus.open_db(db_path, create=False)
    rows = corpus.list_runs(database)
    database.close()
    if output_format == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{'run':>4}  {'started':<25}  {'status':<12}  {'pages':>6}  {'stored':>6}  {'new':>4}  errors"
    )
    for row in rows:
        counts = json.loads(row.get("counts") or "{}")
        errors = json.loads(row.get("errors") or "[]")
        click.echo(
            f"{row['id']:>4}  {row['started_at'] or '':<25}  {row['status'] or '':<12}  "
            f"{counts.get('response_received_count', 0):>6}  {counts.get('govreports/stored', 0):>6}  "
            f"{counts.get('govreports/store/new', 0):>4}  {len(errors)}"
        )


@main.command()
@click.option("--seeds", "seeds_file", type=click.Path(dir_okay=False), help="Seed CSV with a body column.")
@click.option("--from", "first_year", type=int, help="First year of the ledger (default: earliest stored).")
@click.option("--to", "last_year", type=int, help="Last year of the ledger (default: latest stored).")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "csv"]), default="text", show_default=True
)
@db_option
@user_errors
def coverage(
    seeds_file: str | None, first_year: int | None, last_year: int | None, output_format: str, db_path: str
) -> None:
    """Which bodies have a stored report for which years: the gaps a researcher must chase."""
    from crawler.corpus.coverage import coverage_rows, ledger_csv, ledger_text

    database = corpus.open_db(db_path, create=False)
    stored = corpus.stored_body_years(database)
    database.close()
    bodies: list[str] = []
    if seeds_file:
        seeds, problems = read_seed_file(seeds_file)
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        bodies = [seed.body for seed in seeds if seed.body]
    rows, years = coverage_rows(stored, bodies, first_year, last_year)
    click.echo(ledger_csv(rows, years) if output_format == "csv" else ledger_text(rows, years), nl=False)


@main.command()
@click.option("--port", default=8765, show_default=True, help="Port of the demo portal (0: any free one).")
@db_option
@click.option("-v", "--verbose", count=True, help="Show Scrapy's log (-v info, -vv debug).")
@user_errors
def demo(port: int, db_path: str, verbose: int) -> None:
    """Serve the bundled demo county portal on 127.0.0.1 and crawl it into the corpus."""
    from crawler.crawl.runner import run_crawl
    from crawler.crawl.seeds import Seed
    from crawler.demo import DemoServer, build_site

    corpus.open_db(db_path).close()  # creates the folder (and its log file's) before the crawl starts
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
    from crawler.extract.fingerprint import canonical_url

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
    """Extract one saved page or file (FILE) or one fetched from a URL — HTML, PDF, DOCX, DOC, WPS, XLS,
    XLSX, told by their bytes; print JSON or text."""
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
    record = extract_any(body, page_url, content_type)
    if output_format == "text":
        click.echo(record["text"])
    else:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))


@main.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl (whole records), csv, parquet, txt (a folder tree, one file per report) or warc "
    "(the stored raw pages).",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="File to write (a folder for txt), or - for stdout.",
)
@click.option("--year", type=int, help="Only reports on this year.")
@click.option("--body", help="Only reports of this body, as stored (e.g. 青岚县教育局).")
@click.option("--region", help="Only reports whose region contains this (e.g. 青岚县).")
@click.option("--level", help="Only reports of this level (国务院部门, 省, 市, 县, 乡, 部门).")
@click.option("--template", type=click.Choice(TEMPLATE_VERSIONS), help="Only reports on this template.")
@click.option("--spam-free", is_flag=True, help="Only reports whose page carried no spam.")
@db_option
@user_errors
def export(
    output_format: str,
    output: str,
    year: int | None,
    body: str | None,
    region: str | None,
    level: str | None,
    template: str | None,
    spam_free: bool,
    db_path: str,
) -> None:
    """Write the stored reports (all, or those the filters keep) as JSON lines, CSV, Parquet, text
    files or WARC."""
    if output_format == "txt" and output == "-":
        raise click.UsageError("--format txt writes one file per report: give a folder with -o DIR")
    filters = corpus.ReportFilters(
        year=year, body=body, region=region, level=level, template=template, spam_free=spam_free
    )
    database = corpus.open_db(db_path, create=False)
    try:
        message = _write_export(database, output_format, output, filters)
    finally:
        database.close()
    click.echo(message, err=True)


def _write_export(database: Any, output_format: str, output: str, filters: corpus.ReportFilters) -> str:
    """Write one export; return the line that says what was written."""
    from crawler.corpus import export as formats

    try:
        if output_format == "txt":
            return f"exported {formats.write_txt(database, output, filters)} reports to {output}"
        if output_format == "warc":
            with _binary_output(output) as out:
                result = formats.write_warc(database, out, filters)
            return f"exported {result.written} reports ({result.skipped} without a stored page, skipped)"
        if output_format == "parquet":
            with _binary_output(output) as out:
                buffer = io.BytesIO()  # Parquet needs a seekable file; stdout is not one
                count = formats.write_parquet(database, buffer, filters)
                out.write(buffer.getvalue())
            return f"exported {count} reports"
        writer: Callable[..., int] = formats.write_csv if output_format == "csv" else formats.write_jsonl
        with _text_output(output) as text_out:
            count = writer(database, text_out, filters)
        return f"exported {count} reports"
    except formats.ExportError as error:
        raise click.ClickException(str(error)) from error


@contextlib.contextmanager
def _text_output(output: str) -> Iterator[IO[str]]:
    if output == "-":
        yield sys.stdout
        return
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", encoding="utf-8", newline="") as out:
        yield out


@contextlib.contextmanager
def _binary_output(output: str) -> Iterator[IO[bytes]]:
    if output == "-":
        yield sys.stdout.buffer
        return
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as out:
        yield out


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--year", type=int, help="Only reports on this year.")
@click.option("--body", help="Only reports of this body, as stored (e.g. 青岚县教育局).")
@click.option("--level", help="Only reports of this level (国务院部门, 省, 市, 县, 乡, 部门).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Most hits shown.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@db_option
@user_errors
def search(
    query: tuple[str, ...],
    year: int | None,
    body: str | None,
    level: str | None,
    limit: int,
    output_format: str,
    db_path: str,
) -> None:
    """Search report titles and texts for every word of QUERY; print the best hits with snippets.

    Words of three characters or more use the full-text index (ranked by bm25); shorter ones are matched
    with LIKE. Traditional characters are also searched in simplified form. A query that starts with -
    goes after --: `govreports search -- -abc`.
    """
    from crawler.corpus.search import SearchError

    database = corpus.open_db(db_path, create=False)
    try:
        hits = corpus.search_reports(
            database, " ".join(query), year=year, body=body, level=level, limit=limit
        )
    except SearchError as error:
        raise click.UsageError(str(error)) from error
    finally:
        database.close()
    if output_format == "json":
        click.echo(json.dumps(hits, ensure_ascii=False, indent=2))
    else:
        for number, hit in enumerate(hits, 1):
            click.echo(_hit_lines(number, hit))
    how = hits[0]["match"] if hits else "no"
    click.echo(f"{len(hits)} hits ({how} match)", err=True)


def _hit_lines(number: int, hit: dict[str, Any]) -> str:
    year = hit["report_year"] if hit["report_year"] is not None else "?"
    body = f"  ({hit['body']})" if hit["body"] else ""
    heading = f"{number:>3}. [{year}] {hit['title'] or '(untitled)'}{body}"
    return f"{heading}\n     {hit['url']}\n     {hit['snippet']}"


@main.command()
@db_option
@click.option("--port", default=DEFAULT_BROWSE_PORT, show_default=True, help="Port on 127.0.0.1.")
@user_errors
def browse(db_path: str, port: int) -> None:
    """Open the corpus in datasette, read-only and on 127.0.0.1 only, with full-text search; runs until
    Ctrl-C."""
    from crawler.corpus import browse as datasette

    database = corpus.open_db(db_path, create=False)
    corpus.checkpoint(database)  # datasette's --immutable reads the file alone, not the write-ahead log
    database.close()
    datasette.interrupt_on_sigterm()
    process = datasette.start_datasette(db_path, port)
    try:
        datasette.wait_until_ready(datasette.url_of(port), process)
        table = datasette.url_of(port, f"/{urllib.parse.quote(Path(db_path).stem)}/reports")
        click.echo(f"corpus at {datasette.url_of(port)}  (reports: {table}?_search=…)  Ctrl-C stops")
        process.wait()
    except KeyboardInterrupt:
        pass
    except datasette.BrowseError as error:
        raise click.ClickException(str(error)) from error
    finally:
        datasette.stop(process)


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
    # The log file sits beside the corpus: when that disk fills, a failed log write must not print
    # logging's traceback over the one-line message that says so.
    logging.raiseExceptions = False
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
    for line in summary.failed_pages[:FAILED_PAGES_SHOWN]:
        click.echo(f"failed: {line}", err=True)
    if (more := summary.pages_failed - min(len(summary.failed_pages), FAILED_PAGES_SHOWN)) > 0:
        click.echo(f"failed: {more} more pages (listed in `govreports runs --format json`)", err=True)
    if summary.per_seed:
        click.echo("  ".join(["seed".ljust(48), *(heading.rjust(8) for heading, _ in SEED_COLUMNS)]))
        for seed, counts in summary.per_seed.items():
            cells = (str(counts.get(name, 0)).rjust(8) for _, name in SEED_COLUMNS)
            click.echo("  ".join([seed[:48].ljust(48), *cells]))
    click.echo(
        f"pages fetched: {summary.pages_fetched}   reports stored this run: {summary.reports_stored}   "
        f"finish: {summary.finish_reason}"
    )
    if summary.compromised_sites:
        sites = ", ".join(f"{host} ({count} pages)" for host, count in summary.compromised_sites)
        click.echo(f"compromised sites (spam found and removed): {sites}")
    click.echo(f"corpus {db_path}: {summary.reports_in_db} reports")
    if summary.per_year:
        click.echo("  year  reports")
        for year, count in summary.per_year:
            click.echo(f"  {year if year is not None else '?':>4}  {count:>7}")


if __name__ == "__main__":
    main()
