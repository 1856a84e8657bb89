"""Adapts the extractors to Scrapy: HTML pages through :func:`crawler.extract.extract_page`, files
(PDF/DOCX/DOC/WPS/XLS) through :func:`crawler.attachments.extract_attachment`; non-reports dropped."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from scrapy.exceptions import DropItem

from crawler import pagekind
from crawler.attachments import AttachmentError, extract_attachment
from crawler.config import CrawlConfig
from crawler.extract import ExtractionError, attachment_record, extract_page
from crawler.fingerprint import text_signature
from crawler.items import ReportItem

# prctl(2): deliver a signal to this process when its parent dies.
PR_SET_PDEATHSIG = 1


class ExtractPipeline:
    """Extraction off the reactor thread: :func:`extract_item` runs in a process pool sized to the cores
    (``GOVREPORTS_WORKERS``; 0 runs it in this process). Scrapy's ``CONCURRENT_ITEMS`` bounds the items
    in flight, so memory stays bounded however fast pages arrive."""

    def __init__(self, crawler: Any, workers: int = 0) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler, CrawlConfig.from_settings(crawler.settings).workers)

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    async def process_item(self, item: ReportItem) -> ReportItem:
        arguments = (item.body, item.url, item.content_type, item.anchor_text, item.parent_url)
        if self.pool is None:
            outcome = extract_item(*arguments)
        else:
            outcome = await asyncio.wrap_future(self.pool.submit(extract_item, *arguments))
        for name in outcome.counters:
            self.stats.inc_value(f"govreports/extract/{name}")
        if outcome.record is None:
            raise DropItem(outcome.reason)
        item.record = outcome.record
        return item


def _die_with_parent(parent: int) -> None:
    """A pool process ends with the crawl that forked it, even when that one is SIGKILLed (Linux
    ``PR_SET_PDEATHSIG``): no orphan keeps running, or holds the crawl's stdout open."""
    # Scrapy's handlers, inherited through fork, would swallow these: the crawl process owns shutdown.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the crawl died before the signal was armed
        os._exit(1)


@dataclass
class Outcome:
    """What :func:`extract_item` made of a page: its record, or why it was dropped, and what to count."""

    record: dict[str, Any] | None
    counters: list[str] = field(default_factory=list)
    reason: str = ""


def extract_item(
    body: bytes, url: str, content_type: str | None, anchor: str | None, parent: str | None
) -> Outcome:
    """The CPU-heavy part of a page, as a pure function a worker process runs: extraction, spam rules,
    tables, file text and the text's MinHash ``signature``."""
    outcome = _extract(body, url, content_type, anchor, parent)
    if outcome.record is not None and not outcome.record.get("attachment_of"):
        text = outcome.record.get("text") or ""
        outcome.record["signature"] = text_signature(text) if text else None
    return outcome


def _extract(
    body: bytes, url: str, content_type: str | None, anchor: str | None, parent: str | None
) -> Outcome:
    if _is_document(url, content_type):
        try:
            return _document(body, url, content_type, anchor, parent)
        except AttachmentError as error:
            if parent is not None or not _looks_html(body):
                return Outcome(None, ["attachment_failed"], f"unreadable attachment ({error}): {url}")
            # an HTML page behind a file URL: read it as the page it is
    return _page(body, url, content_type)


def _page(body: bytes, url: str, content_type: str | None) -> Outcome:
    try:
        extraction = extract_page(body, url, content_type)
    except ExtractionError as error:
        return Outcome(None, ["failed"], f"unreadable page ({error}): {url}")
    if not extraction.is_report:
        return Outcome(None, ["not_report"], f"not a report ({extraction.title!r}): {url}")
    return Outcome(extraction.record() | {"kind": "html"}, ["ok"])


def _document(
    body: bytes, url: str, content_type: str | None, anchor: str | None, parent: str | None
) -> Outcome:
    document = extract_attachment(body, url, content_type)
    record = attachment_record(document, url, anchor)
    if parent is not None:
        return Outcome(record | {"attachment_of": parent}, ["attachment"])
    if not pagekind.is_report_title(record["title"]):
        return Outcome(None, ["not_report"], f"not a report ({record['title']!r}): {url}")
    return Outcome(record, ["ok", "scanned"] if document.scanned else ["ok"])


def _is_document(url: str, content_type: str | None) -> bool:
    content_type = (content_type or "").lower()
    return pagekind.is_attachment_url(url) or (bool(content_type) and "html" not in content_type)


def _looks_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p"))
