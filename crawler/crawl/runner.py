"""Runs the ``reports`` spider in this process and sums up what it did, for the CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.crawl import settings as project_settings
from crawler.crawl.budget import BudgetHit, budget_hits, run_status
from crawler.crawl.ledger import RunLedger
from crawler.crawl.seeds import Seed


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


def crawl_settings(db_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The project's settings with the database path and any overrides applied."""
    settings = project_settings.as_dict()
    settings["GOVREPORTS_DB"] = db_path
    settings.update(overrides or {})
    return project_settings.for_render_mode(settings, str(settings["GOVREPORTS_RENDER"]))


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

    process = CrawlerProcess(crawl_settings(db_path, overrides))
    crawler = process.create_crawler(spider_cls or ReportsSpider)
    process.crawl(
        crawler, seeds=[seed.url for seed in seeds], seed_objects=seeds, seed_problems=seed_problems
    )
    process.start()
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
    )
    database = corpus.open_db(db_path)
    summary.reports_in_db = queries.count_reports(database)
    summary.per_year = queries.reports_per_year(database)
    if runs := queries.list_runs(database):
        summary.notes = json.loads(runs[-1].get("notes") or "[]")
        summary.per_seed = json.loads(runs[-1].get("per_seed") or "{}")
        summary.compromised_sites = queries.compromised_sites(database, runs[-1]["id"])
        summary.reports_stored = queries.count_reports_of_run(database, runs[-1]["id"])
    database.close()
    return summary
