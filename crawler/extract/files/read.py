"""Attachment bytes → report text: which kind of file (PDF, DOCX, DOC/WPS, XLS(X)) and its reader.

A large share of reports never appear as HTML: the column links a file. This module turns such a file
into the same shape of text the HTML extractor gives (one paragraph a line, tables as ``| a | b |``
rows), plus the table grids and whether a PDF is a scan with no text layer (图片版), which is stored
and flagged rather than dropped.

The kind is decided from the bytes first (``%PDF``, a ZIP holding ``word/document.xml`` or
``xl/workbook.xml``, an OLE2 compound file holding ``WordDocument`` or ``Workbook``); the URL suffix
and content type only tell ``.wps`` from ``.doc`` and name what a broken file claimed to be. HTML
served under a ``.pdf`` URL (a 404 page, a login wall) is not an attachment.

The readers, each in its own module and importing its library when first used (so importing this
module stays cheap):

* :mod:`crawler.extract.files.pdf`: **pdfminer.six**;
* :mod:`crawler.extract.files.docx`: **python-docx** (paragraphs and ``w:tbl`` tables in body order);
* :mod:`crawler.extract.files.msword`: ``.doc``/``.wps`` over **olefile**, read by our own code: no
  maintained pure-Python reader of the Word 97 binary format exists, and antiword/catdoc would be
  system packages;
* :mod:`crawler.extract.files.sheets`: **xlrd** for ``.xls``, **openpyxl** for ``.xlsx``.

Hostile files: bodies over :data:`MAX_BYTES` are refused here, at most
:data:`~crawler.extract.files.pdf.MAX_PAGES` PDF pages and :data:`~crawler.extract.files.sheets.MAX_ROWS`
sheet rows are read, zipped parts larger than
:data:`~crawler.extract.files.attachment.MAX_UNZIPPED_BYTES` are refused before parsing, and text
stops at :data:`MAX_CHARS`. Nothing here imports Scrapy.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from io import BytesIO
from urllib.parse import urlsplit

from crawler.extract.files import docx, images, msword, pdf, sheets
from crawler.extract.files import ole as ole_checks
from crawler.extract.files.attachment import AttachmentError, AttachmentText, one_line

KINDS = ("pdf", "docx", "doc", "wps", "xls", "xlsx", "image")
MAX_BYTES = 64 * 1024 * 1024
MAX_CHARS = 1_000_000

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_HTML_START = re.compile(
    rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml|<!--|<meta|<script|<div|<p\b)", re.I
)
_SUFFIX = re.compile(r"\.(pdf|docx|doc|wps|xlsx|xls|et)$", re.I)
_TYPE_HINTS = (
    ("pdf", "pdf"),
    ("wordprocessingml", "docx"),
    ("spreadsheetml", "xlsx"),
    ("msword", "doc"),
    ("wps", "wps"),
    ("ms-works", "wps"),
    ("ms-excel", "xls"),
)

READERS: dict[str, Callable[[bytes], AttachmentText]] = {
    "pdf": pdf.read_pdf,
    "docx": docx.read_docx,
    "doc": msword.read_doc,
    "wps": msword.read_doc,
    "xls": sheets.read_xls,
    "xlsx": sheets.read_xlsx,
    "image": images.read_image,
}
# Readers that OCR pages without a text layer (crawler.extract.files.ocr: never | auto | always).
OCR_READERS: dict[str, Callable[[bytes, str], AttachmentText]] = {
    "pdf": pdf.read_pdf,
    "image": images.read_image,
}


def extract_attachment(
    body: bytes, url: str, content_type: str | None = None, ocr: str = "never"
) -> AttachmentText:
    """Detect the kind of ``body`` and extract its text; :class:`AttachmentError` when it can't.
    ``ocr``: whether scanned pages and images are read by OCR (:mod:`crawler.extract.files.ocr`)."""
    kind = detect_kind(body, url, content_type)
    result = OCR_READERS[kind](body, ocr) if kind in OCR_READERS else READERS[kind](body)
    result.kind = kind
    result.text = result.text[:MAX_CHARS]
    return result


# ---------------------------------------------------------------- kind detection


def detect_kind(body: bytes, url: str, content_type: str | None = None) -> str:
    """One of :data:`KINDS`, from the magic bytes; the URL and content type only break ties."""
    if not body or not body.strip():
        raise AttachmentError("empty body")
    if len(body) > MAX_BYTES:
        raise AttachmentError(f"attachment larger than {MAX_BYTES // (1024 * 1024)} MiB")
    claimed = claimed_kind(url, content_type)
    if b"%PDF-" in body[:1024]:
        return "pdf"
    if body.startswith(_ZIP_MAGIC):
        return _zip_kind(body)
    if body.startswith(_OLE2_MAGIC):
        return _ole_kind(body, claimed)
    if images.is_image(body) and claimed is None:  # an image at a .pdf/.doc URL is a broken file
        return "image"
    head = body[:1024].lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(head) or b"<html" in head.lower():
        raise AttachmentError(f"HTML page, not an attachment ({_what(claimed)} URL)")
    if head.lstrip().startswith(b"{\\rtf"):
        raise AttachmentError("RTF document, not supported")
    raise AttachmentError(f"unknown file type, no {_what(claimed)} signature (corrupt or truncated?)")


def claimed_kind(url: str, content_type: str | None) -> str | None:
    """The kind the URL suffix, else the content type, claims (``None`` when neither says)."""
    if match := _SUFFIX.search(urlsplit(url).path):
        suffix = match.group(1).lower()
        return "xls" if suffix == "et" else suffix
    lowered = (content_type or "").lower()
    return next((kind for hint, kind in _TYPE_HINTS if hint in lowered), None)


def _what(claimed: str | None) -> str:
    return claimed.upper() if claimed else "attachment"


def _zip_kind(body: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(body)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise AttachmentError(f"corrupt or truncated ZIP container: {one_line(error)}") from error
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise AttachmentError("ZIP archive that is neither DOCX nor XLSX")


def _ole_kind(body: bytes, claimed: str | None) -> str:
    import olefile

    ole_checks.check_ole_header(body)
    try:
        with olefile.OleFileIO(BytesIO(body)) as ole:
            ole_checks.check_stream_sizes(ole, len(body))
            streams = {"/".join(entry) for entry in ole.listdir()}
    except (OSError, ValueError) as error:
        raise AttachmentError(f"corrupt or truncated OLE2 file: {one_line(error)}") from error
    if "WordDocument" in streams:
        return "wps" if claimed == "wps" else "doc"
    if streams & {"Workbook", "Book"}:
        return "xls"
    raise AttachmentError("OLE2 file that is neither a Word nor an Excel document")
