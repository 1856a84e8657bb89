"""Adapts the extractors to Scrapy: HTML pages through :func:`crawler.extract.extract_page`, files
(PDF/DOCX/DOC/WPS/XLS) through :func:`crawler.attachments.extract_attachment`; non-reports dropped."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from crawler import pagekind
from crawler.attachments import AttachmentError, extract_attachment
from crawler.extract import ExtractionError, attachment_record, extract_page
from crawler.items import ReportItem


class ExtractPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler)

    def process_item(self, item: ReportItem) -> ReportItem:
        if _is_document(item):
            try:
                return self._document(item)
            except AttachmentError as error:
                if item.parent_url is not None or not _looks_html(item.body):
                    self.stats.inc_value("govreports/extract/attachment_failed")
                    raise DropItem(f"unreadable attachment ({error}): {item.url}") from error
                # an HTML page behind a file URL: read it as the page it is
        return self._page(item)

    def _page(self, item: ReportItem) -> ReportItem:
        try:
            extraction = extract_page(item.body, item.url, item.content_type)
        except ExtractionError as error:
            self.stats.inc_value("govreports/extract/failed")
            raise DropItem(f"unreadable page ({error}): {item.url}") from error
        if not extraction.is_report:
            self.stats.inc_value("govreports/extract/not_report")
            raise DropItem(f"not a report ({extraction.title!r}): {item.url}")
        self.stats.inc_value("govreports/extract/ok")
        item.record = extraction.record() | {"kind": "html"}
        return item

    def _document(self, item: ReportItem) -> ReportItem:
        document = extract_attachment(item.body, item.url, item.content_type)
        record = attachment_record(document, item.url, item.anchor_text)
        if item.parent_url is not None:
            self.stats.inc_value("govreports/extract/attachment")
            item.record = record | {"attachment_of": item.parent_url}
            return item
        if not pagekind.is_report_title(record["title"]):
            self.stats.inc_value("govreports/extract/not_report")
            raise DropItem(f"not a report ({record['title']!r}): {item.url}")
        self.stats.inc_value("govreports/extract/ok")
        if document.scanned:
            self.stats.inc_value("govreports/extract/scanned")
        item.record = record
        return item


def _is_document(item: ReportItem) -> bool:
    content_type = (item.content_type or "").lower()
    return pagekind.is_attachment_url(item.url) or (bool(content_type) and "html" not in content_type)


def _looks_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p"))
