"""Attachment bytes → report text: the 年报 published as PDF, DOCX, DOC/WPS or XLS(X) files.

A large share of reports never appear as HTML: the column links a file. This module turns such a file
into the same shape of text the HTML extractor gives (one paragraph a line, tables as ``| a | b |``
rows), plus the table grids and whether a PDF is a scan with no text layer (图片版), which is stored
and flagged rather than dropped.

The kind is decided from the bytes first (``%PDF``, a ZIP holding ``word/document.xml`` or
``xl/workbook.xml``, an OLE2 compound file holding ``WordDocument`` or ``Workbook``); the URL suffix
and content type only tell ``.wps`` from ``.doc`` and name what a broken file claimed to be. HTML
served under a ``.pdf`` URL (a 404 page, a login wall) is not an attachment.

Libraries, all well-kept and pure Python:

* **pdfminer.six** for PDF: its layout objects give each text line's box, which is what joining
  wrapped lines back into paragraphs needs (a line reaching the right margin continues; an indented
  line starts a paragraph); it ships the Adobe CJK CMaps, so reports set in non-embedded fonts
  (``STSong-Light``, ``UniGB-UCS2-H``) decode right, as do Word/WPS exports with ToUnicode maps.
* **python-docx** for DOCX (paragraphs and ``w:tbl`` tables in body order).
* **olefile** plus :mod:`crawler.extract.files.msword` for ``.doc``/``.wps``: no maintained pure-Python
  reader of the Word 97 binary format exists, and antiword/catdoc would be system packages.
* **xlrd** for ``.xls`` (its 2.x line reads only ``.xls``, which is all it is asked to) and **openpyxl**
  (read-only mode) for ``.xlsx``.

Hostile files: bodies over :data:`MAX_BYTES` are refused, at most :data:`MAX_PAGES` PDF pages and
:data:`MAX_ROWS` sheet rows are read, zipped parts larger than :data:`MAX_UNZIPPED_BYTES` are refused
before parsing, and text stops at :data:`MAX_CHARS`. Each reader imports its library when first used, so
importing this module stays cheap. Nothing here imports Scrapy.
"""

from __future__ import annotations

import itertools
import re
import statistics
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

from crawler.extract import pagekind
from crawler.extract.files import msword
from crawler.extract.textutil import normalise_space

KINDS = ("pdf", "docx", "doc", "wps", "xls", "xlsx")
MAX_BYTES = 64 * 1024 * 1024
MAX_PAGES = 300
MAX_ROWS = 20_000
MAX_CHARS = 1_000_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# A PDF averaging fewer text characters than this per page is a scan (图片版): page numbers or a
# stamp's caption may be real text, a report page never is that short.
SCANNED_CHARS_PER_PAGE = 20

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
_DEFAULT_SHEET = re.compile(r"^(sheet|工作表)\s*\d+$", re.I)
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,4}[-—–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$")
_PARAGRAPH_START = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])"
)
_SENTENCE_END = "。！？；：”」』"
_TITLE_JUNK = re.compile(r"^(microsoft\s+word\s*-\s*)|(\.(docx?|wps|pdf))$|^(untitled|无标题)$", re.I)


class AttachmentError(ValueError):
    """The bytes are not a readable attachment (empty, HTML, truncated, corrupt, encrypted)."""


@dataclass
class AttachmentText:
    """What one attachment yields.

    ``text`` has one paragraph a line and tables as ``| a | b |`` rows; ``grids`` holds the DOCX/DOC
    and sheet tables as rows of cell strings (empty for PDF); ``pages`` is the PDF page count (``None``
    for other kinds); ``scanned`` is true for an image-only PDF.
    """

    kind: str
    text: str
    grids: list[list[list[str]]] = field(default_factory=list)
    pages: int | None = None
    scanned: bool = False
    title: str | None = None


def extract_attachment(body: bytes, url: str, content_type: str | None = None) -> AttachmentText:
    """Detect the kind of ``body`` and extract its text; :class:`AttachmentError` when it can't."""
    kind = detect_kind(body, url, content_type)
    readers = {
        "pdf": read_pdf,
        "docx": read_docx,
        "doc": read_doc,
        "wps": read_doc,
        "xls": read_xls,
        "xlsx": read_xlsx,
    }
    result = readers[kind](body)
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
        raise AttachmentError(f"corrupt or truncated ZIP container: {_one_line(error)}") from error
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise AttachmentError("ZIP archive that is neither DOCX nor XLSX")


def _ole_kind(body: bytes, claimed: str | None) -> str:
    import olefile

    try:
        with olefile.OleFileIO(BytesIO(body)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except (OSError, ValueError) as error:
        raise AttachmentError(f"corrupt or truncated OLE2 file: {_one_line(error)}") from error
    if "WordDocument" in streams:
        return "wps" if claimed == "wps" else "doc"
    if streams & {"Workbook", "Book"}:
        return "xls"
    raise AttachmentError("OLE2 file that is neither a Word nor an Excel document")


# ---------------------------------------------------------------- PDF


@dataclass(frozen=True)
class _Line:
    """A glyph, or a piece of a line built from glyphs, with its box (PDF units, y growing upwards)."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def read_pdf(body: bytes) -> AttachmentText:
    """Text of a PDF with wrapped lines joined into paragraphs; scans flagged ``scanned``."""
    if b"%%EOF" not in body[-2048:]:
        raise AttachmentError("truncated PDF (no %%EOF marker at the end)")
    document = _open_pdf(body)
    pages = _page_glyphs(document)
    paragraphs = [line for page in join_wrapped_lines(pages) for line in page]
    text = "\n".join(paragraphs)
    characters = sum(len(glyph.text) for page in pages for glyph in page)
    count = len(pages)
    title = choose_title(_pdf_info_title(document), paragraphs)
    return AttachmentText(
        kind="pdf",
        text=text,
        pages=count,
        scanned=count > 0 and characters < SCANNED_CHARS_PER_PAGE * count,
        title=title,
    )


def _open_pdf(body: bytes) -> Any:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        return PDFDocument(PDFParser(BytesIO(body)), password="")
    except PDFPasswordIncorrect as error:
        raise AttachmentError("encrypted PDF (needs a password)") from error
    except PDFEncryptionError as error:
        raise AttachmentError(f"encrypted PDF: {error}") from error
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as error:
        raise AttachmentError(f"corrupt PDF: {_one_line(error)}") from error


def _page_glyphs(document: Any) -> list[list[_Line]]:
    """The upright glyphs of each page (at most :data:`MAX_PAGES`); rotated watermarks are left out.

    No pdfminer layout analysis: its line building puts a quotation mark set in another font on a line
    of its own, so lines and table rows are built here from the glyphs (:func:`page_rows`).
    """
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import PDFException
    from pdfminer.psparser import PSException

    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    pages: list[list[_Line]] = []
    try:
        for page in PDFPage.create_pages(document):
            if len(pages) >= MAX_PAGES:
                break
            interpreter.process_page(page)
            pages.append(list(_glyphs(device.get_result())))
    except (PDFException, PSException, ValueError, KeyError, TypeError, AttributeError) as error:
        if not pages:
            raise AttachmentError(f"corrupt PDF: {_one_line(error)}") from error
    if not pages:
        raise AttachmentError("PDF without pages")
    return pages


def _glyphs(layout: Iterable[object]) -> Iterator[_Line]:
    from pdfminer.layout import LTChar, LTContainer

    for item in layout:
        if isinstance(item, LTChar):
            text = item.get_text()
            if item.upright and text.strip() and item.height > 0:
                yield _Line(text, item.x0, item.x1, item.y0, item.y1)
        elif isinstance(item, LTContainer):
            yield from _glyphs(item)


def join_wrapped_lines(pages: list[list[_Line]]) -> list[list[str]]:
    """Each page's lines as paragraphs: rows of cells become ``| a | b |``, wrapped lines are joined.

    A line continues the previous one when the previous reaches the right margin, does not end with a
    colon-like mark, and this line is not indented and does not start a numbered heading. Margins are
    the page's own, measured on its longer lines. A page number alone at the bottom or top of a page is
    dropped, and a paragraph wrapped over a page break is joined too.
    """
    out: list[list[str]] = []
    previous: _Line | None = None
    previous_right = 0.0
    for lines in pages:
        rows = _drop_page_numbers(page_rows(lines))
        left, right, em = _margins([row[0] for row in rows if len(row) == 1])
        paragraphs: list[str] = []
        for row in rows:
            if len(row) > 1:
                paragraphs.append("| " + " | ".join(cell.text for cell in row) + " |")
                previous = None
                continue
            line = row[0]
            target = paragraphs if paragraphs else (out[-1] if out else paragraphs)
            if previous is not None and target and _continues(previous, previous_right, line, left, em):
                target[-1] = _glue(target[-1], line.text)
            else:
                paragraphs.append(line.text)
            previous, previous_right = line, right
        out.append(paragraphs)
    return out


def page_rows(glyphs: list[_Line]) -> list[list[_Line]]:
    """Glyphs sharing a horizontal band form a row, top to bottom; each row splits into pieces at gaps
    wider than half an em. A row of one piece is a line of text; a row of several is a table row.
    """
    bands: list[tuple[float, float, list[_Line]]] = []
    for glyph in sorted(glyphs, key=lambda glyph: -(glyph.y0 + glyph.y1)):
        if bands:
            top, bottom, members = bands[-1]
            overlap = min(top, glyph.y1) - max(bottom, glyph.y0)
            if overlap >= 0.5 * min(glyph.height, top - bottom):
                members.append(glyph)
                bands[-1] = (max(top, glyph.y1), min(bottom, glyph.y0), members)
                continue
        bands.append((glyph.y1, glyph.y0, [glyph]))
    return [_pieces(sorted(members, key=lambda glyph: glyph.x0)) for _, _, members in bands]


def _pieces(row: list[_Line]) -> list[_Line]:
    em = statistics.median(glyph.height for glyph in row)
    pieces: list[list[_Line]] = [[row[0]]]
    for glyph in row[1:]:
        if glyph.x0 - pieces[-1][-1].x1 > 0.5 * em:
            pieces.append([glyph])
        else:
            pieces[-1].append(glyph)
    return [_piece_line(piece, em) for piece in pieces]


def _piece_line(glyphs: list[_Line], em: float) -> _Line:
    """Glyphs of one piece as text: a space only where Latin words stand apart."""
    text = glyphs[0].text
    for before, glyph in itertools.pairwise(glyphs):
        if glyph.x0 - before.x1 > 0.15 * em and before.text[-1].isascii() and glyph.text[0].isascii():
            text += " "
        text += glyph.text
    y0, y1 = min(g.y0 for g in glyphs), max(g.y1 for g in glyphs)
    return _Line(text, glyphs[0].x0, max(g.x1 for g in glyphs), y0, y1)


def _drop_page_numbers(rows: list[list[_Line]]) -> list[list[_Line]]:
    if rows and len(rows[-1]) == 1 and _PAGE_NUMBER.match(rows[-1][0].text):
        rows = rows[:-1]
    if rows and len(rows[0]) == 1 and _PAGE_NUMBER.match(rows[0][0].text):
        rows = rows[1:]
    return rows


def _margins(lines: list[_Line]) -> tuple[float, float, float]:
    """Left text margin, right text margin and the body font's em, from the page's longer lines."""
    long_lines = [line for line in lines if len(line.text) >= 12] or lines
    if not long_lines:
        return 0.0, 0.0, 10.0
    em = statistics.median(line.height for line in long_lines)
    return min(line.x0 for line in long_lines), max(line.x1 for line in long_lines), max(em, 1.0)


def _continues(previous: _Line, right: float, line: _Line, left: float, em: float) -> bool:
    reaches_right = previous.x1 >= right - 1.5 * em and len(previous.text) >= 10
    indented = line.x0 > left + 0.8 * em
    return (
        reaches_right
        and not indented
        and previous.text[-1] not in _SENTENCE_END[3:]
        and not _PARAGRAPH_START.match(line.text)
    )


def _glue(first: str, second: str) -> str:
    """Join a wrapped line: no space in CJK text or a number, one space between Latin words."""
    if first[-1:].isascii() and first[-1:].isalpha() and second[:1].isascii() and second[:1].isalpha():
        return f"{first} {second}"
    return first + second


def _pdf_info_title(document: Any) -> str | None:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for info in getattr(document, "info", []) or []:
        raw = resolve1(info.get("Title")) if isinstance(info, dict) else None
        if isinstance(raw, bytes):
            return decode_text(raw)
        if isinstance(raw, str):
            return raw
    return None


# ---------------------------------------------------------------- DOCX


def read_docx(body: bytes) -> AttachmentText:
    """Paragraphs and tables of a DOCX in body order; each table also kept as a grid."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_unzipped_size(body)
    try:
        document = docx.Document(BytesIO(body))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise AttachmentError(f"corrupt DOCX: {_one_line(error)}") from error
    except Exception as error:  # lxml's XMLSyntaxError and friends on damaged parts
        raise AttachmentError(f"corrupt DOCX: {_one_line(error)}") from error
    lines: list[str] = []
    grids: list[list[list[str]]] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.extend(_split_lines(_docx_paragraph_text(element)))
        elif tag == "tbl":
            grid = docx_grid(element)
            if grid:
                grids.append(grid)
                lines.extend(_grid_lines(grid))
    title = choose_title(document.core_properties.title, lines)
    return AttachmentText(kind="docx", text="\n".join(lines), grids=grids, title=title)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_paragraph_text(paragraph: Any) -> str:
    """Text of a ``w:p``: runs' ``w:t``, tabs as spaces and breaks as newlines."""
    parts = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        name = node.tag.rsplit("}", 1)[-1]
        parts.append(node.text or "" if name == "t" else (" " if name == "tab" else "\n"))
    return "".join(parts)


def docx_grid(table: Any) -> list[list[str]]:
    """Rows of a ``w:tbl`` as cell strings, one per ``w:tc`` like HTML's ``<td>``.

    A cell continuing a vertical merge is left out, as a rowspan'd ``<td>`` is absent from the HTML
    rows below it; a cell's paragraphs are joined without a separator (labels split over lines).
    """
    rows = []
    for row in table.iterchildren(f"{_W}tr"):
        cells = []
        for cell in row.iterchildren(f"{_W}tc"):
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                continue
            text = "".join(_docx_paragraph_text(p) for p in cell.iter(f"{_W}p"))
            cells.append(normalise_space(text.replace("\n", "")))
        if any(cells):
            rows.append(cells)
    return rows


def _check_unzipped_size(body: bytes) -> None:
    try:
        with zipfile.ZipFile(BytesIO(body)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise AttachmentError(f"corrupt or truncated ZIP container: {error}") from error
    if size > MAX_UNZIPPED_BYTES:
        raise AttachmentError(f"unzipped parts larger than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MiB")


# ---------------------------------------------------------------- DOC / WPS


def read_doc(body: bytes) -> AttachmentText:
    """Word 97-2003 binary (``.doc``, WPS Office ``.wps``) through :mod:`crawler.extract.files.msword`."""
    try:
        word = msword.read_word(body)
    except msword.WordError as error:
        raise AttachmentError(str(error)) from error
    return AttachmentText(
        kind="doc", text="\n".join(word.lines), grids=word.grids, title=choose_title(word.title, word.lines)
    )


# ---------------------------------------------------------------- XLS / XLSX


def read_xls(body: bytes) -> AttachmentText:
    """Every sheet of a ``.xls`` workbook as a grid (numbers written without a trailing ``.0``)."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=body, on_demand=True)
    except (xlrd.XLRDError, AssertionError, ValueError, IndexError, KeyError) as error:
        raise AttachmentError(f"corrupt XLS: {_one_line(error)}") from error
    sheets = []
    title = _ole_title(body)
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        rows = (sheet.row_values(r) for r in range(min(sheet.nrows, MAX_ROWS)))
        sheets.append((sheet.name, _grid_of(rows)))
    return _sheets_result("xls", sheets, title)


def read_xlsx(body: bytes) -> AttachmentText:
    """Every sheet of a ``.xlsx`` workbook as a grid, read in openpyxl's streaming read-only mode."""
    import openpyxl

    _check_unzipped_size(body)
    try:
        book = openpyxl.load_workbook(BytesIO(body), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises KeyError, InvalidFileException, XML errors …
        raise AttachmentError(f"corrupt XLSX: {_one_line(error)}") from error
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = (row for row, _ in zip(sheet.iter_rows(values_only=True), range(MAX_ROWS), strict=False))
            sheets.append((sheet.title, _grid_of(rows)))
        title = book.properties.title
    finally:
        book.close()
    return _sheets_result("xlsx", sheets, title)


def _grid_of(rows: Iterable[Iterable[object]]) -> list[list[str]]:
    grid = []
    for row in rows:
        cells = [_cell_text(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            grid.append(cells)
    return grid


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    return normalise_space(str(value))


def _sheets_result(kind: str, sheets: list[tuple[str, list[list[str]]]], title: str | None) -> AttachmentText:
    lines: list[str] = []
    grids = []
    for name, grid in sheets:
        if not grid:
            continue
        if not _DEFAULT_SHEET.match(name):
            lines.append(name)
        grids.append(grid)
        lines.extend(_grid_lines(grid))
    first_cells = [next((c for c in row if c), "") for row in grids[0][:3]] if grids else []
    title = choose_title(title, first_cells, first_line_fallback=False)
    return AttachmentText(kind=kind, text="\n".join(lines), grids=grids, title=title)


def _ole_title(body: bytes) -> str | None:
    import olefile

    try:
        with olefile.OleFileIO(BytesIO(body)) as ole:
            return msword.summary_title(ole)
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------- shared


def _grid_lines(grid: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(row) + " |" for row in grid]


def _split_lines(text: str) -> list[str]:
    return [line for line in (normalise_space(part) for part in text.split("\n")) if line]


def choose_title(
    metadata_title: str | None, lines: list[str], *, first_line_fallback: bool = True
) -> str | None:
    """A report-like title from the metadata or the first lines (two lines joined for a wrapped title).

    Falls back to the metadata title, then a short first line; ``Microsoft Word - x.doc`` is cleaned.
    """
    meta = normalise_space(_TITLE_JUNK.sub("", metadata_title or ""))
    head = [line for line in lines[:4] if not line.startswith("|")]
    candidates = [meta, *head[:2], "".join(head[:2]), "".join(head[:3])]
    for candidate in candidates:
        if candidate and len(candidate) <= 120 and pagekind.is_report_title(candidate):
            return candidate
    if meta:
        return meta
    return head[0] if first_line_fallback and head and len(head[0]) <= 60 else None


def _one_line(error: BaseException) -> str:
    text = normalise_space(str(error).replace("\n", " ")) or type(error).__name__
    return text[:200]
