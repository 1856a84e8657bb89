"""Adapts :func:`crawler.extract.extract_page` to Scrapy: fills the item's record, drops non-reports."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from crawler.extract import ExtractionError, extract_page
from crawler.items import ReportItem


class ExtractPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler)

    def process_item(self, item: ReportItem) -> ReportItem:
        try:
            extraction = extract_page(item.body, item.url, item.content_type)
        except ExtractionError as error:
            self.stats.inc_value("govreports/extract/failed")
            raise DropItem(f"unreadable page ({error}): {item.url}") from error
        if not extraction.is_report:
            self.stats.inc_value("govreports/extract/not_report")
            raise DropItem(f"not a report ({extraction.title!r}): {item.url}")
        self.stats.inc_value("govreports/extract/ok")
        item.record = extraction.record()
        return item
