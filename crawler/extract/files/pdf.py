"""PDF → report text with pdfminer.six: wrapped lines joined back into paragraphs, table rows as
``| a | b |`` lines, and image-only scans (图片版) flagged rather than dropped.

pdfminer's layout objects give each glyph's box, which is what joining wrapped lines back into
paragraphs needs (a line reaching the right margin continues; an indented line starts a paragraph);
it ships the Adobe CJK CMaps, so reports set in non-embedded fonts (``STSong-Light``, ``UniGB-UCS2-H``)
decode right, as do Word/WPS exports with ToUnicode maps. The library is imported when first used.
"""

from __future__ import annotations

import itertools
import re
import statistics
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

from crawler.extract.files.attachment import AttachmentError, AttachmentText, choose_title, one_line

if TYPE_CHECKING:  # pdfminer (and OCR) are imported when first used
    from pdfminer.pdfdocument import PDFDocument

    from crawler.extract.files.ocr import OcrPage, OcrResult

MAX_PAGES = 300
# A PDF declaring more pages, or more objects, than these is refused before any page is read; a stream
# inflating past MAX_STREAM_BYTES stops the reading (pdfminer would inflate it whole into memory).
MAX_DECLARED_PAGES = 5_000
MAX_OBJECTS = 500_000
MAX_STREAM_BYTES = 64 * 1024 * 1024
# References followed from one object to another before a chain counts as a cycle.
MAX_REFERENCE_CHAIN = 32
# A PDF averaging fewer text characters than this per page is a scan (图片版): page numbers or a
# stamp's caption may be real text, a report page never is that short.
SCANNED_CHARS_PER_PAGE = 20
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,4}[-—–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$")
_PARAGRAPH_START = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])"
)
_SENTENCE_END = "。！？；：”」』"


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


def read_pdf(body: bytes, ocr: str = "never") -> AttachmentText:
    """Text of a PDF with wrapped lines joined into paragraphs; scans flagged ``scanned``, and with
    ``ocr`` (``auto``/``always``, :mod:`crawler.extract.files.ocr`) their pages without a text layer
    read by OCR, their tables rebuilt from the layout (:mod:`crawler.extract.tables.layout`)."""
    if b"%%EOF" not in body[-2048:]:
        raise AttachmentError("truncated PDF (no %%EOF marker at the end)")
    _cap_inflation()
    try:
        document = _open_pdf(body)
        _check_counts(document)
        pages = _page_glyphs(document)
    except RecursionError as error:
        raise AttachmentError("corrupt PDF: objects nested too deeply") from error
    except _StreamTooLarge as error:
        raise AttachmentError(str(error)) from error
    characters = sum(len(glyph.text) for page in pages for glyph in page)
    count = len(pages)
    scanned = count > 0 and characters < SCANNED_CHARS_PER_PAGE * count
    result = _read_textless_pages(body, pages, scanned, ocr)
    title = _pdf_info_title(document)
    if result is not None and result.pages:
        return ocr_document(
            AttachmentText(kind="pdf", text="", pages=count, scanned=scanned), result, pages, title
        )
    paragraphs = [line for page in join_wrapped_lines(pages) for line in page]
    text = "\n".join(paragraphs)
    return AttachmentText(
        kind="pdf", text=text, pages=count, scanned=scanned, title=choose_title(title, paragraphs)
    )


def _read_textless_pages(body: bytes, pages: list[list[_Line]], scanned: bool, mode: str) -> OcrResult | None:
    """OCR of the pages without a text layer (``auto``: of a scanned PDF only), put in their place."""
    if mode == "never" or (mode == "auto" and not scanned):
        return None
    textless = [i for i, page in enumerate(pages) if sum(len(g.text) for g in page) < SCANNED_CHARS_PER_PAGE]
    if not textless:
        return None
    from crawler.extract.files import ocr

    try:
        result = ocr.read_pdf_pages(body, textless)
    except ocr.OcrUnavailable:
        if mode == "always":
            raise
        return None
    for index, page in result.pages.items():
        pages[index] = ocr_lines(page)
    return result


def ocr_lines(page: OcrPage) -> list[_Line]:
    """An OCR'd page's pieces of text as the glyph runs the layout functions read."""
    return [_Line(line.text, line.x0, line.x1, line.y0, line.y1) for line in page.lines]


def ocr_document(
    document: AttachmentText, result: OcrResult, pages: list[list[_Line]], title: str | None = None
) -> AttachmentText:
    """``document`` with what OCR read (``pages``: every page's glyph runs, OCR'd ones in place): the
    text, the tables of the OCR'd pages as grids (rows by position, cells by gaps, their rows in the
    text too), the engine and its confidence per page."""
    from crawler.extract.tables.layout import find_tables

    read = sorted(result.pages)
    tables = find_tables([_repaired(_drop_page_numbers(page_rows(pages[index]))) for index in read])
    cells: dict[tuple[int, int], list[str] | None] = {}
    for table in tables:
        for (page, row), grid_row in table.rows.items():
            cells[(read[page], row)] = None if grid_row is None else table.grid[grid_row]
    paragraphs = [line for page in join_wrapped_lines(pages, cells) for line in page]
    document.text = "\n".join(paragraphs)
    document.title = choose_title(title, paragraphs)
    document.grids = [table.grid for table in tables]
    document.ocr_engine = result.engine
    document.ocr_confidence = {index + 1: page.confidence for index, page in sorted(result.pages.items())}
    return document


def _repaired(rows: list[list[_Line]]) -> list[list[_Line]]:
    """OCR'd rows whose pieces joined a number and a speck beside it (``0 '``): the number."""
    from crawler.extract.tables.layout import repair_number

    return [[_Line(repair_number(p.text), p.x0, p.x1, p.y0, p.y1) for p in row] for row in rows]


def _open_pdf(body: bytes) -> PDFDocument:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        return _guarded_document()(PDFParser(BytesIO(body)), password="")
    except PDFPasswordIncorrect as error:
        raise AttachmentError("encrypted PDF (needs a password)") from error
    except PDFEncryptionError as error:
        raise AttachmentError(f"encrypted PDF: {error}") from error
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as error:
        raise AttachmentError(f"corrupt PDF: {one_line(error)}") from error


def _guarded_document() -> type[PDFDocument]:
    """pdfminer's document whose objects, when one is only a reference to another, are followed here
    with a bound: an object that refers to itself (``6 0 obj 6 0 R``) would make pdfminer loop for ever."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.pdftypes import PDFObjRef

    class GuardedDocument(PDFDocument):
        def getobj(self, objid: int) -> object:
            target = super().getobj(objid)
            seen = {objid}
            while isinstance(target, PDFObjRef):
                if target.objid in seen or len(seen) > MAX_REFERENCE_CHAIN:
                    raise PDFSyntaxError(f"reference cycle at object {target.objid}")
                seen.add(target.objid)
                target = super().getobj(target.objid)
            return target

    return GuardedDocument


def _check_counts(document: PDFDocument) -> None:
    """Refuse a PDF declaring more than :data:`MAX_DECLARED_PAGES` pages or :data:`MAX_OBJECTS` objects."""
    from pdfminer.pdftypes import resolve1

    objects = 0
    for xref in document.xrefs:
        objects += sum(1 for _ in xref.get_objids())
        if objects > MAX_OBJECTS:
            raise AttachmentError(f"too many objects in the PDF (over {MAX_OBJECTS})")
    try:
        count = resolve1(resolve1(document.catalog.get("Pages")).get("Count"))
    except Exception:  # a broken page tree: reading the pages says so
        return
    if isinstance(count, int) and count > MAX_DECLARED_PAGES:
        raise AttachmentError(f"too many pages ({count}; at most {MAX_DECLARED_PAGES} are read)")


class _StreamTooLarge(Exception):
    """A PDF stream inflating past :data:`MAX_STREAM_BYTES` (not a ValueError: pdfminer swallows those)."""


class _CappedInflater:
    """``zlib.decompressobj`` that counts what it gives out and stops past :data:`MAX_STREAM_BYTES`."""

    def __init__(self, wbits: int = zlib.MAX_WBITS) -> None:
        self._inflater = zlib.decompressobj(wbits)
        self._given = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        room = MAX_STREAM_BYTES + 1 - self._given
        out = self._inflater.decompress(data, min(max_length, room) if max_length else room)
        self._given += len(out)
        if self._given > MAX_STREAM_BYTES:
            raise _StreamTooLarge(_too_large())
        return out

    def flush(self, *args: int) -> bytes:
        return self._inflater.flush(*args)

    @property
    def eof(self) -> bool:
        return self._inflater.eof

    @property
    def unconsumed_tail(self) -> bytes:
        return self._inflater.unconsumed_tail

    @property
    def unused_data(self) -> bytes:
        return self._inflater.unused_data


class _CappedZlib:
    """What pdfminer's stream decoding uses of :mod:`zlib`, with inflation bounded."""

    error = zlib.error
    MAX_WBITS = zlib.MAX_WBITS

    @staticmethod
    def decompress(data: bytes, wbits: int = zlib.MAX_WBITS, bufsize: int = 0) -> bytes:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(data, MAX_STREAM_BYTES + 1)
        if len(out) > MAX_STREAM_BYTES:
            raise _StreamTooLarge(_too_large())
        if not inflater.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    @staticmethod
    def decompressobj(wbits: int = zlib.MAX_WBITS) -> _CappedInflater:
        return _CappedInflater(wbits)


def _too_large() -> str:
    return f"PDF stream inflating past {MAX_STREAM_BYTES // (1024 * 1024)} MiB"


def _cap_inflation() -> None:
    """Have pdfminer inflate streams through :class:`_CappedZlib` (its module reads ``zlib.decompress``
    when it decodes a stream)."""
    from pdfminer import pdftypes

    setattr(pdftypes, "zlib", _CappedZlib)  # noqa: B010 (pdfminer does not export its zlib)


def _page_glyphs(document: PDFDocument) -> list[list[_Line]]:
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
            raise AttachmentError(f"corrupt PDF: {one_line(error)}") from error
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


def join_wrapped_lines(
    pages: list[list[_Line]], tables: Mapping[tuple[int, int], list[str] | None] | None = None
) -> list[list[str]]:
    """Each page's lines as paragraphs: rows of cells become ``| a | b |``, wrapped lines are joined.

    A line continues the previous one when the previous reaches the right margin, does not end with a
    colon-like mark, and this line is not indented and does not start a numbered heading. Margins are
    the page's own, measured on its longer lines. A page number alone at the bottom or top of a page is
    dropped, and a paragraph wrapped over a page break is joined too. ``tables`` (OCR'd pages: from
    :func:`crawler.extract.tables.layout.find_tables`) gives the cells of rows that are table rows by
    ``(page, row)``, ``None`` for a row folded into the one before.
    """
    out: list[list[str]] = []
    previous: _Line | None = None
    previous_right = 0.0
    for number, lines in enumerate(pages):
        rows = _drop_page_numbers(page_rows(lines))
        left, right, em = _margins([row[0] for row in rows if len(row) == 1])
        paragraphs: list[str] = []
        for index, row in enumerate(rows):
            if tables is not None and (number, index) in tables:
                cells = tables[(number, index)]
                if cells is not None:
                    paragraphs.append("| " + " | ".join(cells) + " |")
                previous = None
                continue
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


def _pdf_info_title(document: PDFDocument) -> str | None:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for info in getattr(document, "info", []) or []:
        raw = resolve1(info.get("Title")) if isinstance(info, dict) else None
        if isinstance(raw, bytes):
            return decode_text(raw)
        if isinstance(raw, str):
            return raw
    return None
