"""Runs the ``reports`` spider in this process and sums up what it did, for the CLI."""

from __future__ import annotations

import json
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.crawl import settings as project_settings
from crawler.crawl.budget import BudgetHit, budget_hits, run_status
from crawler.crawl.config import CrawlConfig
from crawler.crawl.ledger import RunLedger
from crawler.crawl.seeds import Seed
from crawler.crawl.shards import ShardTotal, shard_totals


@dataclass
class CrawlSummary:
    pages_fetched: int = 0
    reports_stored: int = 0
    items_dropped: int = 0
    finish_reason: str = ""
    seed_errors: list[str] = field(default_factory=list)
    reports_in_db: int = 0
    per_year: list[tuple[int | None, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    per_seed: dict[str, dict[str, int]] = field(default_factory=dict)
    compromised_sites: list[tuple[str, int]] = field(default_factory=list)
    # pages (not seeds) that could not be fetched: "URL: reason", the first ones; and how many in all
    failed_pages: list[str] = field(default_factory=list)
    pages_failed: int = 0
    # budgets that stopped links or requests, per site (then finish_reason is budget_exhausted)
    budget_hits: list[BudgetHit] = field(default_factory=list)
    # the signal that stopped the crawl (SIGINT, SIGTERM), None when it ran to its end
    interrupted: int | None = None
    run_id: int | None = None
    # pages not stored, by reason (not_report, duplicate, unreadable_file, failed, challenge…)
    dropped: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    # ERROR lines in Scrapy's log (an exception in Scrapy's own machinery loses requests silently)
    logged_errors: int = 0
    # a crawl into a shard directory (--db-per-province): each shard, its reports and this run's
    shards: list[ShardTotal] = field(default_factory=list)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM before the crawl's reactor runs: the CLI stops with ``128 + signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` while outside the reactor (before a crawl starts,
    after it ends), so that a command stopped early ends with one line and its exit code."""
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    for signum in previous:
        signal.signal(signum, _raise_interrupted)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class _Process(CrawlerProcess):
    """Scrapy's process that remembers the signal that stopped it (on its crawlers too, so the spider
    counts requests cut short by the stop as cancelled, not failed), and one that came before the
    reactor started, acted on once it runs."""

    interrupted: int | None = None

    def _note(self, signum: int) -> None:
        if self.interrupted is None:
            self.interrupted = signum
        for crawler in self.crawlers:
            crawler.interrupted = self.interrupted  # type: ignore[attr-defined]

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        self._note(signum)
        super()._signal_shutdown(signum, frame)

    def _early_signal(self, signum: int, frame: Any) -> None:
        self._note(signum)

    def _act_on_early_signal(self) -> None:
        if self.interrupted is not None:
            super()._signal_shutdown(self.interrupted, None)


def crawl_settings(db_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The project's settings with the database path and any overrides applied. The ``GOVREPORTS_*``
    ones are read here, through :class:`CrawlConfig`, before any crawl starts: a value of the wrong type
    or out of range raises ValueError naming the setting (the CLI's one error line)."""
    settings = project_settings.as_dict()
    settings["GOVREPORTS_DB"] = db_path
    settings.update(overrides or {})
    config = CrawlConfig.from_settings(Settings(settings))
    return project_settings.for_render_mode(settings, config.render)


def run_crawl(
    seeds: list[Seed],
    db_path: str,
    *,
    seed_problems: list[str] | None = None,
    overrides: dict[str, Any] | None = None,
    spider_cls: type | None = None,
) -> CrawlSummary:
    """Crawl ``seeds`` into ``db_path`` and block until done (starts the reactor: once per process);
    ``spider_cls`` replaces the ``reports`` spider (the distributed worker's subclass)."""
    from spiders.reports import ReportsSpider

    process = _Process(crawl_settings(db_path, overrides))
    crawler = process.create_crawler(spider_cls or ReportsSpider)
    # From here to the reactor's start a signal is remembered, then acted on as Scrapy would.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, process._early_signal)
    process.crawl(
        crawler, seeds=[seed.url for seed in seeds], seed_objects=seeds, seed_problems=seed_problems
    )
    from twisted.internet import reactor  # the one crawl() installed

    trigger: Any = reactor.addSystemEventTrigger
    trigger("after", "startup", process._act_on_early_signal)
    process.start()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _raise_interrupted)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    ledger = RunLedger.of(crawler)
    summary = CrawlSummary(
        pages_fetched=int(stats.get("response_received_count", 0)),
        reports_stored=int(stats.get("govreports/stored", 0)),
        items_dropped=int(stats.get("item_dropped_count", 0)),
        finish_reason=run_status(str(stats.get("finish_reason", "")), stats),
        seed_errors=list(ledger.seed_failures),
        failed_pages=list(ledger.failed_pages),
        pages_failed=int(stats.get("govreports/pages/failed", 0)),
        budget_hits=budget_hits(stats),
        interrupted=process.interrupted,
        logged_errors=int(stats.get("log_count/ERROR", 0)),
    )
    _read_run(summary, db_path)
    if db_dir := CrawlConfig.from_settings(process.settings).db_dir:
        summary.shards = shard_totals(Path(db_dir), summary.run_id)
        summary.reports_in_db = sum(shard.reports for shard in summary.shards)
        summary.reports_stored = sum(shard.stored for shard in summary.shards)
        per_year: Counter[int | None] = Counter()
        for shard in summary.shards:
            per_year.update(dict(shard.per_year))
        summary.per_year = sorted(per_year.items(), key=lambda item: (item[0] is not None, item[0] or 0))
    return summary


def _read_run(summary: CrawlSummary, db_path: str) -> None:
    """What the corpus (or, for shards, their ledger) says of the run just ended."""
    database = corpus.open_db(db_path)
    summary.reports_in_db = queries.count_reports(database)
    summary.per_year = queries.reports_per_year(database)
    if runs := queries.list_runs(database):
        summary.notes = json.loads(runs[-1].get("notes") or "[]")
        summary.per_seed = json.loads(runs[-1].get("per_seed") or "{}")
        summary.compromised_sites = queries.compromised_sites(database, runs[-1]["id"])
        summary.reports_stored = queries.count_reports_of_run(database, runs[-1]["id"])
        summary.run_id = int(runs[-1]["id"])
        summary.dropped = queries.dropped_counts(database, summary.run_id)
        summary.errors = queries.run_error_count(runs[-1])
    database.close()
