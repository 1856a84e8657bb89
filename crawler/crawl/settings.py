"""Scrapy settings for govreports. Our own ``GOVREPORTS_*`` settings are declared, with their defaults,
in :class:`crawler.crawl.config.CrawlConfig` and described in ``docs/settings.md``; they are all here
with those defaults, but for ``GOVREPORTS_WORKERS`` (one per core).

Scrapy reads this module through ``scrapy.cfg``; the CLI and the tests start from it too
(:func:`crawler.crawl.settings.as_dict`) so that every crawl runs with the same components.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from scrapy.settings import default_settings

from crawler import __version__
from crawler.crawl.config import CrawlConfig

BOT_NAME = "govreports"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# A clear identity so that portal operators know who is calling.
USER_AGENT = (
    f"govreports/{__version__} (+research crawler for 政府信息公开工作年度报告; polite, obeys robots.txt)"
)
ROBOTSTXT_OBEY = True

# Politeness: AutoThrottle adapts the delay to each site's latency.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
RETRY_TIMES = 2
# A render that timed out (the browser's page never showed its links) is tried again like a timed-out
# download: a loaded machine or a slow script, not a missing page, is the usual cause.
RETRY_EXCEPTIONS = [*default_settings.RETRY_EXCEPTIONS, "playwright.async_api.TimeoutError"]
# Each retry waits GOVREPORTS_RETRY_BACKOFF seconds, doubled per attempt, at most GOVREPORTS_RETRY_BACKOFF_MAX
# (crawler/crawl/retry.py).
REDIRECT_MAX_TIMES = 10

# Scrapy 2.19's RemoteControl extension runs code sent to it over HTTP; the telnet console is a
# second open door. Neither belongs in an unattended crawler.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
EXTENSIONS = {
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.telnet.TelnetConsole": None,
    "crawler.crawl.extensions.ProgressLine": 500,
    # The run's seeds, notes, failures and per-seed counts, for the run's row (crawler/crawl/ledger.py).
    "crawler.crawl.ledger.RunLedger": 0,
    # A JOBDIR left by a killed crawl: its half-written request queue is discarded (crawler/crawl/jobdir.py).
    "crawler.crawl.jobdir.JobDirGuard": 0,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

REQUEST_FINGERPRINTER_CLASS = "crawler.crawl.dupefilter.CanonicalRequestFingerprinter"
DOWNLOADER_MIDDLEWARES = {
    # first of all, so robots.txt and every redirect hop are checked too
    "crawler.crawl.guard.AddressGuardMiddleware": 50,
    # after RetryMiddleware (550) on the way out: every attempt's answer or exception is counted
    # its process_response sees an answer before RetryMiddleware (550) copies the request to retry it
    "crawler.crawl.retry.RetryBackoffMiddleware": 555,
    "crawler.crawl.budget.SiteErrorBudgetMiddleware": 560,
    "crawler.crawl.conditional.IncrementalMiddleware": 580,
    "crawler.crawl.challenge.ChallengeMiddleware": 590,
}
# Host names are checked once resolved, on the address the connection uses (crawler/crawl/resolver.py).
TWISTED_DNS_RESOLVER = "crawler.crawl.resolver.GuardedResolver"
# A killed crawl resumes from the corpus itself (stored pages are skipped or asked for with conditional
# requests), so the JOBDIR keeps the request queue but not the seen-set: a request whose item had not
# been written yet when the process died is made again, not lost.
DUPEFILTER_CLASS = "crawler.crawl.dupefilter.RunDupeFilter"

# JavaScript-rendered pages go through Debian's chromium via scrapy-playwright, only when a page needs
# it (GOVREPORTS_RENDER). The browser starts at the first such page, never for a portal without JS.
DOWNLOAD_HANDLERS = {
    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
    "headless": True,
    # No background traffic: the browser talks only to the portal it renders.
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ],
}
# The browser's own requests (XHR, fetch, frames) bypass the downloader middlewares: this filter skips
# heavy resources and applies the address guard to them.
PLAYWRIGHT_ABORT_REQUEST = "crawler.crawl.render.abort_browser_request"
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000

# Extraction runs in a process pool off the reactor thread (pipelines/extract.py), one process per core:
# extraction is the largest share of a page's CPU, and the reactor and the corpus writer thread need
# less than a core (bench/throughput.py on 2 cores: 61 pages/s with 2 workers, 55 with 1); 0 extracts
# in the crawling process.
# Items in flight are bounded by CONCURRENT_ITEMS and by Scrapy's scraper back-pressure
# (SCRAPER_SLOT_MAX_ACTIVE_SIZE: downloads pause while 5 MB of responses wait for their callbacks and
# pipelines) and the store writes one batch at a time, so memory stays flat however fast pages arrive.
GOVREPORTS_WORKERS = os.cpu_count() or 1
CONCURRENT_ITEMS = 4 * GOVREPORTS_WORKERS

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.dedupe.UrlDedupePipeline": 500,
    "pipelines.store.StorePipeline": 900,
}

# --- govreports' own settings: every GOVREPORTS_* with its default (crawler/crawl/config.py) ---
globals().update(CrawlConfig.defaults() | {"GOVREPORTS_WORKERS": GOVREPORTS_WORKERS})


def as_dict() -> dict[str, Any]:
    """The settings above as a plain dict, for ``CrawlerProcess`` and ``get_crawler`` in tests."""
    return {name: value for name, value in globals().items() if name.isupper()}


def for_render_mode(settings: dict[str, Any], mode: str) -> dict[str, Any]:
    """Settings for a render mode: with ``never`` no browser handler is installed at all."""
    settings = dict(settings, GOVREPORTS_RENDER=mode)
    if mode == "never":
        settings["DOWNLOAD_HANDLERS"] = {}
    return settings
