"""Commands that fill a corpus: crawl, demo, merge, reextract, and runs (what each crawl did)."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from crawler.cli.options import (
    DEFAULT_DB,
    db_option,
    examples,
    format_option,
    given_on_command_line,
    log_overrides,
    parse_settings,
    user_errors,
)
from crawler.cli.seeding import chosen_portals, registry_options
from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.corpus.shards import LEDGER, prepare_directory
from crawler.crawl.config import OCR_MODES, RENDER_MODES
from crawler.crawl.seeds import collect_seeds

# Finish reasons of a crawl stopped because the corpus could not be written (pipelines/store.py).
STORE_FAILURES = ("disk_full", "store_failed")


# Failed pages the crawl summary names one line each; the run keeps more (`runs --format json`).
FAILED_PAGES_SHOWN = 20


# Budget hits (budget, site) the crawl summary names one line each.
BUDGET_LINES_SHOWN = 20


# Per-seed columns of the closing table: (heading, counter name).
SEED_COLUMNS = (
    ("pages", "pages"),
    ("listings", "listing_pages"),
    ("reports", "reports_stored"),
    ("files", "attachments"),
    ("rendered", "rendered"),
    ("errors", "errors"),
)


@dataclass(frozen=True)
class CrawlRequest:
    """What ``govreports crawl`` was asked, one field per option: the seeds (URLs, a seed file, the
    registry's rows the filters keep) and how to crawl them."""

    urls: tuple[str, ...] = ()
    seeds_file: str | None = None
    use_registry: bool = False
    registry_file: str | None = None
    province: str | None = None
    city: str | None = None
    level: str | None = None
    db_path: str = DEFAULT_DB
    # --db-per-province DIR: the shard directory (db_path is then its run ledger, DIR/runs.db)
    db_dir: str | None = None
    render: str = "auto"
    full: bool = False
    ocr: str = "auto"
    job_dir: str | None = None
    redis_url: str | None = None
    redis_key: str = "govreports"
    settings: tuple[str, ...] = ()
    verbose: int = 0

    def seeds(self) -> tuple[list[Any], list[str]]:
        """The seeds to crawl and the problems found reading them (one line each)."""
        seeds, problems = collect_seeds(list(self.urls), self.seeds_file)
        if self.use_registry or self.registry_file:
            return _with_registry(seeds, problems, self)
        if self.province or self.city or self.level:
            raise click.UsageError("--province, --city and --level choose registry rows: add --registry")
        return seeds, problems

    def overrides(self) -> dict[str, Any]:
        """The Scrapy settings the options give, ``-s NAME=VALUE`` last."""
        overrides = log_overrides(self.verbose, self.db_path) | {
            "GOVREPORTS_RENDER": self.render,
            "GOVREPORTS_FULL": self.full,
            "GOVREPORTS_OCR": self.ocr,
        }
        if self.db_dir is not None:
            overrides["GOVREPORTS_DB_DIR"] = self.db_dir
        overrides |= parse_settings(self.settings)
        if self.job_dir:
            overrides["JOBDIR"] = self.job_dir
        if self.redis_url:
            from crawler.crawl.distributed import redis_settings

            overrides |= redis_settings(self.redis_url, self.redis_key)
        return overrides


@click.command(
    short_help="Crawl seed URLs (portals, columns, report pages) into the corpus.",
    epilog=examples(
        "govreports crawl http://www.example.gov.cn/",
        "govreports crawl --seeds seeds.csv --db output/county.db",
        "govreports crawl --seeds seeds.csv -s GOVREPORTS_MAX_PAGES_PER_SITE=2000",
        "govreports crawl --seeds seeds.csv --job-dir state/   # resumable",
        "govreports crawl --seeds seeds.csv --ocr never   # scans stay flagged, not read",
        "govreports crawl --registry --db-per-province output/provinces   # 33-浙江省.db, central.db…",
    ),
)
@click.argument("urls", nargs=-1)
@click.option("--seeds", "seeds_file", type=click.Path(dir_okay=False), help="Seed file: URLs or a CSV.")
@registry_options()
@db_option
@click.option(
    "--db-per-province",
    "db_dir",
    metavar="DIR",
    help="Store each report in its province's SQLite file in DIR (33-浙江省.db; central.db for State "
    "Council bodies, unknown.db), the runs in DIR/runs.db; read them with --db-dir DIR.",
)
@click.option(
    "--render",
    type=click.Choice(RENDER_MODES),
    default="auto",
    show_default=True,
    help="When pages go through the browser: only where a page needs it, never, or always.",
)
@click.option("--full", is_flag=True, help="Fetch every report page again, stored and unchanged ones too.")
@click.option(
    "--ocr",
    type=click.Choice(OCR_MODES),
    default="auto",
    show_default=True,
    help="When scanned PDFs and report images are read by OCR: where pages have no text, never, or always.",
)
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
def crawl(**options: Any) -> None:
    """Crawl seed URLs (portals, columns, report pages) into the corpus.

    Run again on the same database, it fetches the listings but only new or changed reports. With
    --registry (or --registry-file) it crawls the registered portals the filters keep, each report
    carrying its portal's body, region, level and division code. Progress goes to stderr: a line redrawn
    in place on a terminal, a plain `progress:` line every minute elsewhere (cron).

    The summary ends with `finish: STATUS`. A crawl cut short by a budget (pages per site, depth,
    listing pages, the per-site error budget) finishes as `budget_exhausted` and names each budget, site
    and how often it was hit; it still exits 0, as its reports are stored. A crawl stopped by Ctrl-C or
    SIGTERM commits what it has, records the run `interrupted` and exits 130 or 143. The exit status is 1
    when the corpus could not be written (disk_full, store_failed), 2 for bad arguments.

    With --db-per-province DIR each report goes to its province's file (by its division code, else its
    region; a report already stored stays in its shard) and a re-run skips what any shard stores: see
    docs/scaling.md."""
    if (db_dir := options.get("db_dir")) is not None:
        if given_on_command_line("db_path"):
            raise click.UsageError("give --db FILE or --db-per-province DIR, not both")
        options["db_path"] = str(prepare_directory(db_dir) / LEDGER)
        for shard in sorted(Path(db_dir).glob("*.db")):  # a shard that is no corpus: one line, now
            corpus.open_db(shard, create=False).close()
    request = CrawlRequest(**options)
    _stoppable(request.db_path, "crawl", lambda: _crawl(request), request.db_dir)


def _crawl(request: CrawlRequest) -> None:
    from crawler.crawl.runner import crawl_settings, run_crawl

    seeds, problems = request.seeds()
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if not seeds:
        raise click.UsageError("no valid seed to crawl (give URLs or --seeds FILE)")
    db_path = request.db_path
    corpus.open_db(db_path).close()  # fail early on a bad --db, before the reactor starts
    overrides = request.overrides()
    try:
        crawl_settings(db_path, overrides)  # a bad -s GOVREPORTS_* value: one error before the crawl
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    spider_cls = None
    if request.redis_url:
        from crawler.crawl.distributed import DistributedReportsSpider

        spider_cls = DistributedReportsSpider
    summary = run_crawl(seeds, db_path, seed_problems=problems, overrides=overrides, spider_cls=spider_cls)
    _print_summary(summary, request.db_dir or db_path)
    if summary.interrupted is not None:
        _close_own_runs(db_path, request.db_dir)  # stopped before its spider opened: Scrapy closed nothing
    _exit_if_interrupted(summary.interrupted, "crawl", resume=request.job_dir is not None)
    if summary.finish_reason in STORE_FAILURES:
        # the store's one line above says why; a script running the crawl must see that it stopped
        raise click.exceptions.Exit(1)


def _with_registry(
    seeds: list[Any], problems: list[str], request: CrawlRequest
) -> tuple[list[Any], list[str]]:
    """The registry's seeds after the others; a URL seeded twice is crawled once (the first)."""
    from crawler.crawl import registry

    portals = chosen_portals(request.registry_file, request.province, request.city, request.level)
    registered, missing = registry.seeds_of(portals, source=request.registry_file or "registry")
    known = {seed.url for seed in seeds}
    return [*seeds, *(seed for seed in registered if seed.url not in known)], [*problems, *missing]


@click.command(
    short_help="Serve the bundled demo county portal and crawl it into the corpus.",
    epilog=examples("govreports demo", "govreports demo --port 0 --db /tmp/demo.db"),
)
@click.option("--port", default=8765, show_default=True, help="Port of the demo portal (0: any free one).")
@db_option
@click.option("-v", "--verbose", count=True, help="Show Scrapy's log (-v info, -vv debug).")
@user_errors
def demo(port: int, db_path: str, verbose: int) -> None:
    """Serve the bundled demo county portal on 127.0.0.1 and crawl it into the corpus."""
    _stoppable(db_path, "demo", lambda: _demo(port, db_path, verbose))


def _demo(port: int, db_path: str, verbose: int) -> None:
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
        overrides = log_overrides(verbose, db_path) | {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0.01}
        summary = run_crawl([Seed(url=server.url(path)) for path in site.seeds], db_path, overrides=overrides)
    finally:
        server.stop()
    _print_summary(summary, db_path)
    if summary.interrupted is not None:
        _close_own_runs(db_path)
    _exit_if_interrupted(summary.interrupted, "demo", resume=False)
    database = corpus.open_db(db_path)
    stored = {row["url"] for row in queries.iter_reports(database)}
    database.close()
    from crawler.corpus.dedupe import canonical_url

    expected = {canonical_url(server.url(path)) for path in site.expected_report_paths()}
    decoys = {canonical_url(server.url(decoy.path)) for decoy in site.decoys}
    click.echo(
        f"demo manifest: {len(expected)} reports, {len(expected & stored)} stored, "
        f"{len(expected - stored)} missing, {len(decoys & stored)} decoys stored"
    )
    if expected - stored or decoys & stored:
        raise click.ClickException("the demo crawl does not match its manifest")


@click.command(
    short_help="Merge the SQLite shards of distributed workers into one corpus.",
    epilog=examples("govreports merge worker1.db worker2.db -o output/corpus.db"),
)
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


@click.command(
    short_help="Run extraction again over the stored captures, without crawling.",
    epilog=examples(
        "govreports reextract",
        "govreports reextract --db output/county.db",
        "govreports reextract --ocr   # read the stored scans by OCR too",
    ),
)
@db_option
@click.option("--ocr", is_flag=True, help="Read the stored scans (图片版 PDFs, report images) by OCR too.")
@user_errors
def reextract(db_path: str, ocr: bool) -> None:
    """Run extraction again over the stored captures (after an upgrade), without crawling."""
    from crawler.corpus.reextract import reextract_corpus

    database = corpus.open_db(db_path, create=False)
    try:
        result = reextract_corpus(database, ocr="auto" if ocr else "never")
    finally:
        database.close()
    click.echo(
        f"re-extracted {result.updated} reports ({result.versions} changed, kept as versions); "
        f"{result.failed} failed, {result.missing} without a stored capture"
    )
    if result.kept_ocr:
        why = "read from page images, not captured" if ocr else "read by OCR; --ocr reads their scans again"
        click.echo(f"kept as stored: {result.kept_ocr} (text {why})")
    if result.recovered or result.still_failing:
        click.echo(
            f"pages dropped as unreadable, tried again: {result.recovered} stored now, "
            f"{result.still_failing} still unreadable"
        )


def _stoppable(db_path: str, command: str, body: Callable[[], None], db_dir: str | None = None) -> None:
    """Run a command's body; SIGINT or SIGTERM before or after the crawl itself (which stops cleanly on
    its own) ends it with one line, its run (if it began one) ``interrupted``, and exit 130 or 143."""
    from crawler.crawl.runner import Interrupted, interruptible

    try:
        with interruptible():
            body()
    except Interrupted as stop:
        _close_own_runs(db_path, db_dir)
        _exit_if_interrupted(stop.signum, command, resume=False)


def _close_own_runs(db_path: str, db_dir: str | None = None) -> None:
    """This process's runs left ``running`` by a stop before the crawl could close them (in every
    shard too)."""
    paths = [Path(db_path)]
    if db_dir is not None:
        paths += [path for path in sorted(Path(db_dir).glob("*.db")) if path not in paths]
    for path in paths:
        try:
            database = corpus.open_db(path, create=False)
        except Exception:
            continue
        try:
            corpus.mark_interrupted_runs(database)
        finally:
            database.close()


def _exit_if_interrupted(signum: int | None, command: str, *, resume: bool) -> None:
    if signum is None:
        return
    name = signal.Signals(signum).name
    if command == "demo":
        click.echo(f"demo interrupted ({name}): not compared with its manifest", err=True)
    else:
        how = "with the same --job-dir " if resume else ""
        click.echo(
            f"crawl interrupted ({name}): what was fetched is stored and the run recorded as "
            f"interrupted; run the same command again {how}to resume (stored reports are not fetched again)",
            err=True,
        )
    raise click.exceptions.Exit(128 + signum)


@click.command(
    short_help="List the crawl runs: when, how they ended, what they stored, their errors.",
    epilog=examples(
        "govreports runs", "govreports runs --show 3", "govreports runs --format json | jq '.[-1].counts'"
    ),
)
@db_option
@format_option("text", "json", default="text", help="text (a table) or json (every column, decoded).")
@click.option("--show", "show", type=int, metavar="ID", help="One run in full, with its dropped pages.")
@user_errors
def runs(db_path: str, output_format: str, show: int | None) -> None:
    """List the crawl runs: when, how they ended, what they stored, their errors and notes; --show ID
    prints one run in full with the pages it fetched and did not store, and why.

    A run's status is how it ended: finished, budget_exhausted (a budget cut it short: see its
    govreports/budget/* counts), interrupted, disk_full…"""
    database = corpus.open_db(db_path, create=False)
    rows = [queries.decode_run(row) for row in queries.list_runs(database)]
    if show is not None:
        rows = [row for row in rows if row["id"] == show]
        if not rows:
            database.close()
            raise click.ClickException(f"no run {show}")
        dropped = queries.dropped_pages(database, show)
        database.close()
        _show_run(rows[0], dropped, output_format)
        return
    database.close()
    if output_format == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{'run':>4}  {'started':<25}  {'status':<16}  {'pages':>6}  {'stored':>6}  {'new':>4}  errors"
    )
    for row in rows:
        counts: dict[str, Any] = row["counts"] if isinstance(row.get("counts"), dict) else {}
        click.echo(
            f"{row['id']:>4}  {row['started_at'] or '':<25}  {row['status'] or '':<16}  "
            f"{counts.get('response_received_count', 0):>6}  {counts.get('govreports/stored', 0):>6}  "
            f"{counts.get('govreports/store/new', 0):>4}  {queries.run_error_count(row)}"
        )


def _show_run(row: dict[str, Any], dropped: list[dict[str, Any]], output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps(row | {"dropped": dropped}, ensure_ascii=False, indent=2))
        return
    counts: dict[str, Any] = row["counts"] if isinstance(row.get("counts"), dict) else {}
    click.echo(f"run {row['id']}: {row['status']}, {row['started_at']} → {row.get('finished_at') or '?'}")
    click.echo(f"last seen: {row.get('last_seen') or '?'}")
    click.echo(
        f"pages fetched: {counts.get('response_received_count', 0)}   "
        f"reports stored: {counts.get('govreports/stored', 0)}   errors: {queries.run_error_count(row)}"
    )
    for error in row["errors"] if isinstance(row.get("errors"), list) else []:
        click.echo(f"error: {error}")
    by_reason: dict[str, int] = {}
    for page in dropped:
        by_reason[page["reason"]] = by_reason.get(page["reason"], 0) + 1
    click.echo("dropped: " + (", ".join(f"{n} {reason}" for reason, n in by_reason.items()) or "none"))
    for page in dropped:
        detail = f": {page['detail']}" if page["detail"] else ""
        click.echo(f"  {page['reason']}{detail}: {page['url']}")


def _print_summary(summary: Any, db_path: str) -> None:
    """The crawl's closing lines; ``db_path`` is the corpus file, or the shard directory."""
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
        f"errors: {summary.errors}   finish: {summary.finish_reason}"
    )
    if summary.logged_errors and summary.finish_reason not in STORE_FAILURES and summary.interrupted is None:
        # (a stopped store or an interrupt has said what happened in its own one line)
        click.echo(
            f"warning: {summary.logged_errors} errors in the crawl's log ({db_path}.log, or above with -v): "
            "requests may have been lost; run the crawl again",
            err=True,
        )
    for hit in summary.budget_hits[:BUDGET_LINES_SHOWN]:
        click.echo(
            f"budget: {hit.label} ({hit.setting}) hit {hit.count} times on {hit.host}: links or requests "
            "left unfollowed; raise it with -s NAME=VALUE"
        )
    if (more := len(summary.budget_hits) - BUDGET_LINES_SHOWN) > 0:
        click.echo(f"budget: {more} more budget hits on other sites (`govreports runs --format json`)")
    if summary.dropped:
        dropped = ", ".join(f"{count} {reason}" for reason, count in summary.dropped.items())
        click.echo(f"not stored: {dropped} (`govreports runs --show {summary.run_id}`)")
    if summary.compromised_sites:
        sites = ", ".join(f"{host} ({count} pages)" for host, count in summary.compromised_sites)
        click.echo(f"compromised sites (spam found and removed): {sites}")
    if summary.shards:
        click.echo(f"corpus {db_path}: {summary.reports_in_db} reports in {len(summary.shards)} shards")
        for shard in summary.shards:
            click.echo(f"  {shard.name:<28} {shard.reports:>7} reports  {shard.stored:>6} stored this run")
    else:
        click.echo(f"corpus {db_path}: {summary.reports_in_db} reports")
    if summary.per_year:
        click.echo("  year  reports")
        for year, count in summary.per_year:
            click.echo(f"  {year if year is not None else '?':>4}  {count:>7}")
