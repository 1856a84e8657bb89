"""One fetched page or file → the record to store, or why it is not one: the dispatch shared by the
crawl's worker processes (:mod:`pipelines.extract`) and ``govreports reextract``.

HTML pages go through :func:`crawler.extract.page.extract_page`, files (PDF/DOCX/DOC/WPS/XLS) through
:func:`crawler.extract.files.read.extract_attachment`; an HTML page behind a file URL is read as the
page it is.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from typing import Any

from crawler.extract import pagekind
from crawler.extract.files.attachment import AttachmentError
from crawler.extract.files.read import extract_attachment
from crawler.extract.fingerprint import content_hash, text_signature
from crawler.extract.page import ExtractionError, attachment_record, extract_page
from crawler.extract.record import Capture


@dataclass
class Outcome:
    """What :func:`extract_item` made of a page: its record, or why it was dropped, and what to count."""

    record: dict[str, Any] | None
    counters: list[str] = field(default_factory=list)
    reason: str = ""
    capture: Capture | None = None


def extract_item(
    body: bytes,
    url: str,
    content_type: str | None,
    anchor: str | None,
    parent: str | None,
    *,
    capture: bool = False,
) -> Outcome:
    """The CPU-heavy part of a page, as a pure function a worker process runs: extraction, spam rules,
    tables, file text, the text's ``content_hash`` and MinHash ``signature`` and, with ``capture``, the
    compressed bytes the corpus keeps."""
    outcome = _extract(body, url, content_type, anchor, parent)
    if outcome.record is not None:
        with_identity(outcome.record)
        if capture:
            outcome.capture = capture_of(body)
    return outcome


def with_identity(record: dict[str, Any]) -> dict[str, Any]:
    """A report's record with its text's ``content_hash`` and MinHash ``signature`` (a file of a report,
    ``attachment_of``, has none: it joins its report)."""
    if not record.get("attachment_of"):
        text = record.get("text") or ""
        record["content_hash"] = content_hash(text)
        record["signature"] = text_signature(text) if text else None
    return record


def capture_of(body: bytes) -> Capture:
    """The bytes the corpus keeps of a fetched page or file: zlib-compressed, with their SHA-256."""
    return Capture(zlib.compress(body, 6), hashlib.sha256(body).hexdigest())


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
