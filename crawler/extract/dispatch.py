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
    ocr: str = "never",
) -> Outcome:
    """The CPU-heavy part of a page, as a pure function a worker process runs: extraction, spam rules,
    tables, file text (scans read by OCR as ``ocr`` says: never | auto | always), the text's
    ``content_hash`` and MinHash ``signature`` and, with ``capture``, the compressed bytes the corpus
    keeps."""
    outcome = _extract(body, url, content_type, anchor, parent, ocr)
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


def fill_stub(page: dict[str, Any], file: dict[str, Any]) -> dict[str, Any]:
    """A stub report page (its text a lead to 附件, ``report_file``) with the text of that file: one
    report, the page's title and metadata (index number, issuer, dates), the file's text and tables.
    A scanned file leaves the page's lead as the text. ``sources`` says ``text: attachment``."""
    record = dict(page)
    sources = dict(page.get("sources") or {})
    file_sources = file.get("sources") or {}
    source = "ocr" if file.get("ocr_confidence") is not None else "attachment"
    if (file.get("text") or "").strip():
        record.update({name: file.get(name) for name in FILE_FIELDS})
        record["text"], record["text_normalised"] = _without_title(file, page.get("title"))
        sources["text"] = source
        sources.update({name: "ocr" for name in ("tables", "ocr") if name in file_sources})
        if "ocr" in file_sources:
            sources["ocr"] = file_sources["ocr"]
    else:
        record.update(scanned=file.get("scanned"), pages=file.get("pages"))
    for name in REPORT_FIELDS:
        if record.get(name) in (None, "") and file.get(name) not in (None, ""):
            record[name] = file[name]
            sources[name] = source
    record.update(sources=sources, report_file=file["url"], file_kind=file.get("kind"))
    record.pop("content_hash", None)
    return with_identity(record)


def _without_title(file: dict[str, Any], title: str | None) -> tuple[str, str]:
    """The file's text and its normalised twin without a first line that is the report's title (the
    record has the title; its text is the report's body, as a page's is)."""
    text, normalised = file.get("text") or "", file.get("text_normalised") or ""
    first = text.split("\n", 1)[0]
    if first.strip() and first.replace(" ", "") in {
        (title or "").replace(" ", ""),
        (file.get("title") or "").replace(" ", ""),
    }:
        return text.partition("\n")[2], normalised.partition("\n")[2]
    return text, normalised


def extract_any(body: bytes, url: str, content_type: str | None = None) -> dict[str, Any]:
    """One saved or fetched page or file → its record, whatever it is (``govreports extract``): the
    kind sniffed from the bytes (PDF, DOCX, DOC, WPS, XLS, XLSX, HTML), never from the name; a scanned
    PDF gives empty text and ``scanned: true``. Raises :class:`ExtractionError` for bytes that are
    neither a readable file nor an HTML page (binary is never read as text)."""
    try:
        document = extract_attachment(body, url, content_type)
    except AttachmentError as error:
        if body[:1024].lstrip().startswith(_FILE_MAGIC) or (not _looks_html(body) and _is_binary(body)):
            raise ExtractionError(f"not a readable file or HTML page ({error})") from error
        return extract_page(body, url, content_type).record() | {"kind": "html"}
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


def _extract(
    body: bytes, url: str, content_type: str | None, anchor: str | None, parent: str | None, ocr: str
) -> Outcome:
    if _is_document(url, content_type):
        try:
            return _document(body, url, content_type, anchor, parent, ocr)
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
    body: bytes, url: str, content_type: str | None, anchor: str | None, parent: str | None, ocr: str
) -> Outcome:
    document = extract_attachment(body, url, content_type, ocr)
    record = attachment_record(document, url, anchor)
    read = ["ocr"] if document.ocr_engine else []
    if parent is not None:
        return Outcome(record | {"attachment_of": parent}, ["attachment", *read])
    if not pagekind.is_report_title(record["title"]):
        return Outcome(None, ["not_report"], f"not a report ({record['title']!r}): {url}")
    return Outcome(record, ["ok", "scanned", *read] if document.scanned else ["ok"])


def _is_document(url: str, content_type: str | None) -> bool:
    content_type = (content_type or "").lower()
    return pagekind.is_attachment_url(url) or (bool(content_type) and "html" not in content_type)


def _looks_html(body: bytes) -> bool:
    """Bytes that start like an HTML page."""
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p"))
