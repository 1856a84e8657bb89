"""One fetched page or file → the record to store, or why it is not one: the dispatch shared by the
crawl's worker processes (:mod:`pipelines.extract`) and ``govreports reextract``.

HTML pages go through :func:`crawler.extract.page.extract_page`, files (PDF/DOCX/DOC/WPS/XLS) through
:func:`crawler.extract.files.read.extract_attachment`; an HTML page behind a file URL is read as the
page it is.
"""

from __future__ import annotations

import dataclasses
import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.extract import pagekind, provenance
from crawler.extract.files.attachment import AttachmentError
from crawler.extract.files.read import extract_attachment
from crawler.extract.fingerprint import content_hash, text_signature
from crawler.extract.imagepages import PageImage, image_report
from crawler.extract.page import ExtractionError, attachment_record, attachment_title, extract_page
from crawler.extract.record import Capture, Fetch, Report


@dataclass
class Outcome:
    """What :func:`extract_item` made of a page: its report, or why it was dropped, and what to count."""

    report: Report | None
    counters: list[str] = field(default_factory=list)
    reason: str = ""
    capture: Capture | None = None


def extract_item(
    body: bytes,
    fetch: Fetch,
    *,
    capture: bool = False,
    ocr: str = "never",
    images: Sequence[PageImage] = (),
) -> Outcome:
    """The CPU-heavy part of a page, as a pure function a worker process runs: extraction, spam rules,
    tables, file text (scans read by OCR as ``ocr`` says: never | auto | always), the seed's hints, the
    text's ``content_hash`` and MinHash ``signature`` and, with ``capture``, the compressed bytes the
    corpus keeps. ``images``: the page's ``<img>`` pages of the report, fetched in order
    (:mod:`crawler.extract.imagepages`): one report of the page and what they read."""
    outcome = _image_pages(body, fetch, images, ocr) if images else _extract(body, fetch, ocr)
    if outcome.report is not None and capture:
        outcome.capture = capture_of(body)
    return outcome


def with_identity(report: Report) -> Report:
    """A report with its text's ``content_hash`` and MinHash ``signature`` (a file of a report,
    ``attachment_of``, has none: it joins its report)."""
    if report.attachment_of:
        return report
    text = report.text or ""
    signature = text_signature(text) if text else None
    return dataclasses.replace(report, content_hash=content_hash(text), signature=signature)


def capture_of(body: bytes) -> Capture:
    """The bytes the corpus keeps of a fetched page or file: zlib-compressed, with their SHA-256."""
    return Capture(zlib.compress(body, 6), hashlib.sha256(body).hexdigest(), len(body))


def finish_report(report: Report, fetch: Fetch) -> Report:
    """A report (not a file of one) as it is stored: the seed's hints win, its text identified."""
    return with_identity(provenance.with_seed_hints(report, fetch.hints))


# What a stub report takes from the file that holds its text; the page keeps its own title and metadata.
FILE_FIELDS = (
    "text",
    "text_normalised",
    "tables",
    "checks",
    "template_version",
    "raw_tables",
    "scanned",
    "pages",
    "ocr_confidence",
)
# Report-level fields the page's title gives and the file's text gives when the title does not.
REPORT_FIELDS = ("report_year", "body", "level", "region")


def fill_stub(page: Report, file: Report) -> Report:
    """A stub report page (its text a lead to 附件, ``report_file``) with the text of that file: one
    report, the page's title and metadata (index number, issuer, dates), the file's text and tables.
    A scanned file leaves the page's lead as the text. ``sources`` says ``text: attachment`` (``ocr``
    for a file read by OCR, with the engine's ``ocr`` line). The page's seed hints (:func:`finish_report`)
    stay: a field the page has is never the file's."""
    sources = dict(page.sources)
    source = "ocr" if file.ocr_confidence is not None else "attachment"
    values: dict[str, Any]
    if (file.text or "").strip():
        values = {name: getattr(file, name) for name in FILE_FIELDS}
        values["text"], values["text_normalised"] = _without_title(file, page.title)
        sources["text"] = source
        sources.update({name: "ocr" for name in ("tables", "ocr") if name in file.sources})
        if "ocr" in file.sources:
            sources["ocr"] = file.sources["ocr"]
    else:
        values = {"scanned": file.scanned, "pages": file.pages}
    for name in REPORT_FIELDS:
        if getattr(page, name) in (None, "") and getattr(file, name) not in (None, ""):
            values[name] = getattr(file, name)
            sources[name] = source
    filled = dataclasses.replace(
        page, **values, sources=sources, report_file=file.url, file_kind=file.kind, content_hash=None
    )
    return with_identity(filled)


def _without_title(file: Report, title: str | None) -> tuple[str, str]:
    """The file's text and its normalised twin without a first line that is the report's title (the
    report has the title; its text is the report's body, as a page's is)."""
    text, normalised = file.text or "", file.text_normalised or ""
    first = text.split("\n", 1)[0]
    if first.strip() and first.replace(" ", "") in {
        (title or "").replace(" ", ""),
        (file.title or "").replace(" ", ""),
    }:
        return text.partition("\n")[2], normalised.partition("\n")[2]
    return text, normalised


def extract_any(body: bytes, url: str, content_type: str | None = None) -> Report:
    """One saved or fetched page or file → its report, whatever it is (``govreports extract``, which
    prints :func:`crawler.extract.record.contract` of it): the kind sniffed from the bytes (PDF, DOCX,
    DOC, WPS, XLS, XLSX, HTML), never from the name; a scanned PDF gives empty text and ``scanned``.
    Raises :class:`ExtractionError` for bytes that are neither a readable file nor an HTML page (binary
    is never read as text)."""
    try:
        document = extract_attachment(body, url, content_type)
    except AttachmentError as error:
        if body[:1024].lstrip().startswith(_FILE_MAGIC) or (not _looks_html(body) and _is_binary(body)):
            raise ExtractionError(f"not a readable file or HTML page ({error})") from error
        return extract_page(body, url, content_type)
    return attachment_record(document, url, None)


_FILE_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _is_binary(body: bytes) -> bool:
    """Bytes no page is made of: NULs or other control characters, or not text in any encoding we read."""
    head = body[:4096]
    if any(byte < 9 or (13 < byte < 32 and byte != 27) for byte in head):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:
            try:
                head.decode("gb18030")
            except UnicodeDecodeError:
                return True
    return False


def _extract(body: bytes, fetch: Fetch, ocr: str = "never") -> Outcome:
    url, content_type = fetch.url, fetch.content_type
    if _is_document(url, content_type):
        try:
            return _document(body, fetch, ocr)
        except AttachmentError as error:
            if fetch.parent_url is not None or not _looks_html(body):
                return Outcome(None, ["attachment_failed"], f"unreadable attachment ({error}): {url}")
            # an HTML page behind a file URL: read it as the page it is
    return _page(body, fetch)


def _image_pages(body: bytes, fetch: Fetch, images: Sequence[PageImage], ocr: str) -> Outcome:
    """A report page whose body is images of its pages, with those images: one report, scanned."""
    try:
        report, counters = image_report(body, fetch.url, fetch.content_type, images, ocr)
    except ExtractionError as error:
        return Outcome(None, ["failed"], f"unreadable page ({error}): {fetch.url}")
    if not report.is_report:
        return _not_a_report(report.title, report.text, fetch.url)
    return Outcome(finish_report(report, fetch), ["ok", "scanned", *counters])


def _page(body: bytes, fetch: Fetch) -> Outcome:
    url = fetch.url
    try:
        report = extract_page(body, url, fetch.content_type)
    except ExtractionError as error:
        return Outcome(None, ["failed"], f"unreadable page ({error}): {url}")
    if not report.is_report:
        return _not_a_report(report.title, report.text, url)
    return Outcome(finish_report(report, fetch), ["ok"])


def _not_a_report(title: str | None, text: str, url: str) -> Outcome:
    """A page or file that is not a report, with what it held: its title and its text's length (a run's
    ``dropped`` row says ``not_report: title '…', 1,234 characters``)."""
    held = f"title {title!r}" if title else "no title"
    count = len(text or "")
    characters = "no text" if not count else f"{count:,} character{'s' if count > 1 else ''}"
    return Outcome(None, ["not_report"], f"not a report ({held}, {characters}): {url}")


def _document(body: bytes, fetch: Fetch, ocr: str = "never") -> Outcome:
    document = extract_attachment(body, fetch.url, fetch.content_type, ocr)
    read = ["ocr"] if document.ocr_engine else []
    if fetch.parent_url is not None:
        report = attachment_record(document, fetch.url, fetch.anchor_text, attachment_of=fetch.parent_url)
        return Outcome(report, ["attachment", *read])
    title, _ = attachment_title(document, fetch.anchor_text)
    if not pagekind.is_report_title(title):  # before the record: its statistics are the costly part
        return _not_a_report(title, document.text, fetch.url)
    report = attachment_record(document, fetch.url, fetch.anchor_text)
    counters = ["ok", "scanned", *read] if document.scanned else ["ok"]
    return Outcome(finish_report(report, fetch), counters)


def _is_document(url: str, content_type: str | None) -> bool:
    content_type = (content_type or "").lower()
    return pagekind.is_attachment_url(url) or (bool(content_type) and "html" not in content_type)


def _looks_html(body: bytes) -> bool:
    """Bytes that start like an HTML page."""
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p"))
