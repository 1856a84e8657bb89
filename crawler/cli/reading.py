"""Commands that read a corpus: search, export, coverage, checks, browse."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import click

from crawler.cli.options import (
    check_body,
    db_dir_option,
    db_option,
    examples,
    fail,
    format_option,
    open_corpus,
    refuse_binary_on_terminal,
    report_filters,
    user_errors,
)
from crawler.cli.seeding import chosen_portals, registry_options
from crawler.cli.statistics import cross_year_report
from crawler.corpus import db as corpus
from crawler.corpus import queries, shards
from crawler.corpus.browse import DEFAULT_PORT as DEFAULT_BROWSE_PORT
from crawler.corpus.export import FORMATS as EXPORT_FORMATS
from crawler.corpus.search import CANDIDATES
from crawler.crawl.seeds import read_seed_file

# The columns of `govreports checks`, in order.
CHECK_COLUMNS = ("url", "title", "rule", "where", "left", "right")


@click.command(
    short_help="Search report titles and texts; print the best hits with snippets.",
    epilog=examples(
        "govreports search 行政复议",
        "govreports search 复议 --year 2022 --level county",
        "govreports search 依申请公开 --region 青岚县 --limit 50 --format json",
        "govreports search -- -abc          # a query that starts with -",
        "govreports search 行政复议 --db-dir output/provinces   # every shard of a --db-per-province crawl",
    ),
)
@click.argument("query", nargs=-1, required=True)
@report_filters()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Most hits shown.")
@format_option("text", "json", default="text", help="text for reading, json (a list of hits) for tools.")
@db_option
@db_dir_option
@user_errors
def search(
    query: tuple[str, ...],
    filters: queries.ReportFilters,
    limit: int,
    output_format: str,
    db_path: str,
    db_dir: str | None,
) -> None:
    """Search report titles and texts for every word of QUERY; print the best hits with snippets.

    Words of three characters or more use the full-text index (ranked by bm25); two-character words use
    the index of character pairs, then LIKE; one-character words scan. A common word is ranked among
    its newest matches only (the count line says so). Traditional characters are also searched in
    simplified form. A query that starts with - goes after --: `govreports search -- -abc`. Each hit's id
    is what `govreports show` takes. The count of hits goes to stderr.

    With --db-dir every shard is searched and the hits merged by rank (bm25 is each shard's own; see
    docs/scaling.md); a hit's id is then SHARD:ID and its JSON has a "shard" key.
    """
    from crawler.corpus.search import SearchError

    database = open_corpus(db_path, db_dir)
    try:
        check_body(database, filters)
        result = shards.search(database, " ".join(query), filters, limit)
        hits = result.hits
        total = shards.count_hits(database, " ".join(query), filters) if len(hits) == limit else len(hits)
    except SearchError as error:
        raise click.UsageError(str(error)) from error
    finally:
        database.close()
    hits = result.hits
    if output_format == "json":
        click.echo(json.dumps(hits, ensure_ascii=False, indent=2))
    else:
        for number, hit in enumerate(hits, 1):
            click.echo(_hit_lines(number, hit))
    how = hits[0]["match"] if hits else "no"
    shown = f"showing {len(hits)} of {total} hits" if total > len(hits) else f"{total} hits"
    partial = f"; ranked among the newest {CANDIDATES:,} matches" if result.partial else ""
    click.echo(f"{shown} ({how} match{partial})", err=True)


def _hit_lines(number: int, hit: dict[str, Any]) -> str:
    year = hit["report_year"] if hit["report_year"] is not None else "?"
    body = f"  ({hit['body']})" if hit["body"] else ""
    ident = f"{hit['shard']}:{hit['id']}" if "shard" in hit else hit["id"]
    heading = f"{number:>3}. [{year}] {hit['title'] or '(untitled)'}{body}  id {ident}"
    return f"{heading}\n     {hit['url']}\n     {hit['snippet']}"


@click.command(
    short_help="Write the stored reports as JSON lines, CSV, Parquet, text files or WARC.",
    epilog=examples(
        "govreports export -o reports.jsonl",
        "govreports export --format csv --year 2022 --level county > 2022.csv",
        "govreports export --format parquet -o reports.parquet",
        "govreports export --format txt -o texts/ --region 青岚县",
        "govreports export --format warc --spam-free > pages.warc",
        "govreports export --db-dir output/provinces -o all.jsonl   # every shard, in one file's order",
    ),
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl (whole records), csv, parquet, txt (a folder tree, one file per report), warc "
    "(the stored raw pages), stats (one row per statistics cell) or measures (one row of harmonised "
    "measures per report, with NAME.codebook.json beside -o NAME); stats and measures are CSV, or "
    "Parquet when -o ends in .parquet. parquet and warc are binary: never to a terminal.",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="File to write (a folder for txt), or - for stdout.",
)
@report_filters()
@click.option("--spam-free", is_flag=True, help="Only reports whose page carried no spam.")
@db_option
@db_dir_option
@user_errors
def export(
    output_format: str,
    output: str,
    filters: queries.ReportFilters,
    spam_free: bool,
    db_path: str,
    db_dir: str | None,
) -> None:
    """Write the stored reports (all, or those the filters keep) as JSON lines, CSV, Parquet, text
    files or WARC, or their statistics as data (stats, measures). With --db-dir, the reports of every
    shard in the order one file would give them."""
    if output_format == "txt" and output == "-":
        raise click.UsageError("--format txt writes one file per report: give a folder with -o DIR")
    refuse_binary_on_terminal(output_format, output)
    filters = dataclasses.replace(filters, spam_free=spam_free)
    database = open_corpus(db_path, db_dir)
    try:
        check_body(database, filters)
        message = _write_export(database, output_format, output, filters)
    finally:
        database.close()
    click.echo(message, err=True)


def _write_export(database: Any, output_format: str, output: str, filters: queries.ReportFilters) -> str:
    """Write one export; return the line that says what was written."""
    from crawler.corpus import export as formats

    try:
        if output_format in formats.STATISTICS_FORMATS:
            return _write_statistics(database, output_format, output, filters)
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


def _write_statistics(database: Any, output_format: str, output: str, filters: queries.ReportFilters) -> str:
    """``stats`` or ``measures`` as CSV (Parquet when ``output`` ends in ``.parquet``); a measures export
    to a file gets its codebook beside it."""
    from crawler.corpus import statistics

    writer = statistics.write_statistics if output_format == "stats" else statistics.write_measures
    if output.endswith(".parquet"):
        with _binary_output(output) as out:
            buffer = io.BytesIO()  # Parquet needs a seekable file; stdout is not one
            count = writer(database, buffer, filters, parquet=True)
            out.write(buffer.getvalue())
    else:
        with _text_output(output) as text_out:
            count = writer(database, text_out, filters)
    message = f"exported {count} " + ("statistics cells" if output_format == "stats" else "reports")
    if output_format == "measures" and output != "-":
        path = statistics.codebook_path(output)
        path.write_text(statistics.codebook_json(), encoding="utf-8")
        message += f" (codebook: {path})"
    return message


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
        sys.stdout.buffer.flush()
        return
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as out:
        yield out


@click.command(
    short_help="Which bodies have a stored report for which years: the gaps to chase.",
    epilog=examples(
        "govreports coverage",
        "govreports coverage --seeds seeds.csv --from 2015 --to 2023",
        "govreports coverage --level county --format csv > coverage.csv",
        "govreports coverage --region 青岚县 --format json",
        "govreports coverage --registry --province 浙江省 --db-dir output/provinces",
    ),
)
@click.option("--seeds", "seeds_file", type=click.Path(dir_okay=False), help="Seed CSV with a body column.")
@registry_options(level=False)
@click.option("--from", "first_year", type=int, help="First year of the ledger (default: earliest stored).")
@click.option("--to", "last_year", type=int, help="Last year of the ledger (default: latest stored).")
@report_filters()
@format_option(
    "text", "csv", "json", default="text", help="text (a grid), csv (one row per body and year) or json."
)
@db_option
@db_dir_option
@user_errors
def coverage(
    seeds_file: str | None,
    use_registry: bool,
    registry_file: str | None,
    province: str | None,
    city: str | None,
    first_year: int | None,
    last_year: int | None,
    filters: queries.ReportFilters,
    output_format: str,
    db_path: str,
    db_dir: str | None,
) -> None:
    """Which bodies have a stored report for which years: the gaps a researcher must chase. The filters
    choose the reports counted (--year: that year's column only).

    The bodies are the seed list's (--seeds), every registered body the filters keep (--registry,
    --registry-file, with --province/--city/--level), or else the stored ones; --region and --level
    keep only the reports (and bodies) of that region and level."""
    from crawler.corpus.coverage import coverage_rows, ledger_csv, ledger_text, registered_rows

    if (province or city) and not (use_registry or registry_file):
        raise click.UsageError("--province and --city choose registry rows: add --registry")
    database = open_corpus(db_path, db_dir)
    try:
        check_body(database, filters)
        stored = shards.coverage_reports(database, filters)
    finally:
        database.close()
    if filters.year is not None:
        first_year = last_year = filters.year
    if use_registry or registry_file:
        registered = _registered(registry_file, province, city, filters.level, filters.region)
        rows, years = registered_rows(stored, registered, first_year, last_year)
    else:
        bodies: list[str] = []
        if seeds_file:
            seeds, problems = read_seed_file(seeds_file)
            for problem in problems:
                click.echo(f"error: {problem}", err=True)
            bodies = [seed.body for seed in seeds if seed.body]
        found = [(body, year, url) for body, year, url, _, _ in stored]
        rows, years = coverage_rows(found, bodies, first_year, last_year)
    if output_format == "json":
        ledger = [
            {"body": name, "years": {str(year): urls for year, urls in per_year.items()}}
            for name, per_year in rows.items()
        ]
        click.echo(json.dumps(ledger, ensure_ascii=False, indent=2))
        return
    click.echo(ledger_csv(rows, years) if output_format == "csv" else ledger_text(rows, years), nl=False)


def _registered(
    registry_file: str | None, province: str | None, city: str | None, level: str | None, region: str | None
) -> list[Any]:
    """The ledger's bodies: the registry rows the filters keep (a level the registry has not, none)."""
    from crawler.corpus.coverage import registered_labels
    from crawler.crawl import registry

    registry_level = level if level in registry.LEVELS else None
    portals = chosen_portals(registry_file, province, city, registry_level)
    if level is not None and registry_level is None:
        portals = []
    if region:
        portals = [p for p in portals if region in p.region or region in "".join(p.places)]
    return registered_labels([(p.body, p.division_code or None, p.places) for p in portals])


@click.command(
    short_help="List the stored reports whose statistics fail a consistency rule.",
    epilog=examples(
        "govreports checks",
        "govreports checks --year 2022 --level county",
        "govreports checks --format json > failures.json",
        "govreports checks --format csv > failures.csv",
        "govreports checks --cross-year",
    ),
)
@report_filters()
@format_option("text", "csv", "json", default="text", help="text (tab-separated), csv or json (a list).")
@click.option(
    "--cross-year",
    is_flag=True,
    help="Check one body's consecutive reports against each other instead (上年结转 = last year's "
    "结转下年度继续办理): one line per break (body, year before, year, rule, where, both values, urls).",
)
@db_option
@user_errors
def checks(filters: queries.ReportFilters, output_format: str, cross_year: bool, db_path: str) -> None:
    """List the stored reports whose statistics fail a consistency rule: one line per failed check
    (url, title, rule, where, left, right; tab-separated in text, a JSON array in json)."""
    database = corpus.open_db(db_path, create=False)
    if cross_year:
        try:
            cross_year_report(database, output_format)
        finally:
            database.close()
        return
    try:
        check_body(database, filters)
        failures = list(queries.failing_checks(database, filters))
    finally:
        database.close()
    if output_format == "json":
        click.echo(json.dumps(failures, ensure_ascii=False, indent=2))
    elif output_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CHECK_COLUMNS)
        writer.writerows([_cell(failure[key]) for key in CHECK_COLUMNS] for failure in failures)
        click.echo(out.getvalue(), nl=False)
    else:
        for failure in failures:
            click.echo("\t".join(_cell(failure[key]) for key in CHECK_COLUMNS))
    reports = len({failure["url"] for failure in failures})
    click.echo(f"{len(failures)} failed checks in {reports} reports", err=True)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


@click.command(
    short_help="Open the corpus in a reading room on datasette (127.0.0.1, read-only).",
    epilog=examples("govreports browse", "govreports browse --db output/corpus.db --port 8100"),
)
@db_option
@click.option("--port", default=DEFAULT_BROWSE_PORT, show_default=True, help="Port on 127.0.0.1.")
@user_errors
def browse(db_path: str, port: int) -> None:
    """Open the corpus in a reading room on datasette, read-only and on 127.0.0.1 only: a page per
    report, charts, facets, and the search of `govreports search`; runs until Ctrl-C."""
    from crawler.corpus import browse as datasette

    database = corpus.open_db(db_path, create=False)
    corpus.checkpoint(database)  # datasette's --immutable reads the file alone, not the write-ahead log
    database.close()
    datasette.interrupt_on_signals()
    try:
        datasette.check_port_free(port)
    except datasette.BrowseError as error:
        fail(str(error))
    process = datasette.start_datasette(db_path, port)
    try:
        datasette.wait_until_ready(datasette.url_of(port), process)
        table = datasette.url_of(port, f"/{urllib.parse.quote(Path(db_path).stem)}/reports")
        charts = datasette.url_of(port, "/-/charts")
        click.echo(f"corpus at {datasette.url_of(port)}  (reports: {table}, charts: {charts})  Ctrl-C stops")
        status = process.wait()
        if status > 0:  # not stopped by a signal (Ctrl-C reaches datasette too)
            raise datasette.BrowseError(f"datasette stopped with status {status}")
    except KeyboardInterrupt:
        pass
    except datasette.BrowseError as error:
        datasette.stop(process)
        fail(str(error))
    finally:
        datasette.stop(process)
