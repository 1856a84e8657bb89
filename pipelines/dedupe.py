"""Drops a report already seen in this run under the same canonical URL."""

from __future__ import annotations

import dataclasses
from typing import Any

from crawler.corpus.dedupe import canonical_url, url_key
from crawler.crawl.items import Dropped, ReportItem


class UrlDedupePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        # 64-bit keys of the canonical URLs, not the URLs: memory stays small as the crawl grows.
        self.seen: set[int] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> UrlDedupePipeline:
        return cls(crawler)

    def process_item(self, item: ReportItem) -> ReportItem:
        url = canonical_url(item.url)
        key = url_key(url)
        if key in self.seen:
            self.crawler.stats.inc_value("govreports/dedupe/url")
            raise Dropped("duplicate", "URL seen before in this run", item.url)
        self.seen.add(key)
        if item.report is not None:
            report = item.report
            parent = canonical_url(report.attachment_of) if report.attachment_of else None
            item.report = dataclasses.replace(report, url=url, attachment_of=parent)
        return item
