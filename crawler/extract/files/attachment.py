"""What every attachment reader yields (:class:`AttachmentText`), and what they share: the error they
raise, the zip-bomb guard, ``|`` table rows and the choice of a report-like title.

Kept apart from the readers and the dispatch (:mod:`crawler.extract.files.read`) so that each reader
module imports only this one and its own library.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from crawler.extract import pagekind
from crawler.extract.textutil import normalise_space

# A DOCX/XLSX whose parts inflate past this in all, or whose one XML part inflates past MAX_XML_PART_BYTES,
# is refused before python-docx or openpyxl parse it (a report's document.xml is a few MB; their trees
# take ten to twenty times the XML's size in memory).
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_XML_PART_BYTES = 8 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
_INFLATE_CHUNK = 1024 * 1024
_TITLE_JUNK = re.compile(r"^(microsoft\s+word\s*-\s*)|(\.(docx?|wps|pdf))$|^(untitled|无标题)$", re.I)


class AttachmentError(ValueError):
    """The bytes are not a readable attachment (empty, HTML, truncated, corrupt, encrypted)."""


@dataclass
class AttachmentText:
    """What one attachment yields.

    ``text`` has one paragraph a line and tables as ``| a | b |`` rows; ``grids`` holds the DOCX/DOC
    and sheet tables as rows of cell strings (empty for PDF); ``pages`` is the PDF page count (``None``
    for other kinds); ``scanned`` is true for an image-only PDF or an image. When pages were read by
    OCR, ``ocr_engine`` names the engine and ``ocr_confidence`` gives its mean confidence (0–1) for
    each of those pages, by page number (1-based).
    """

    kind: str
    text: str
    grids: list[list[list[str]]] = field(default_factory=list)
    pages: int | None = None
    scanned: bool = False
    title: str | None = None
    ocr_engine: str | None = None
    ocr_confidence: dict[int, float] = field(default_factory=dict)


def check_unzipped_size(body: bytes) -> None:
    """:class:`AttachmentError` for a ZIP container (DOCX, XLSX) that inflates past the limits.

    The sizes the archive declares are checked first, then every part is inflated in chunks and its
    real size counted (nothing kept): a zip bomb that lies about its sizes is stopped at the limit, and
    a part whose bytes do not match its declared size or CRC is corrupt.
    """
    try:
        with zipfile.ZipFile(BytesIO(body)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise AttachmentError(f"ZIP container with {len(members)} parts")
            _check_sizes(sum(info.file_size for info in members), max(_sizes(members), default=0))
            total = 0
            for info in members:
                part = _inflated_size(archive, info, MAX_UNZIPPED_BYTES - total)
                total += part
                limit = MAX_XML_PART_BYTES if info.filename.endswith((".xml", ".rels")) else part
                _check_sizes(total, part if part > limit else 0)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        if isinstance(error, AttachmentError):
            raise
        raise AttachmentError(f"corrupt or truncated ZIP container: {one_line(error)}") from error
    except NotImplementedError as error:  # an unsupported compression method
        raise AttachmentError(f"unsupported ZIP container: {one_line(error)}") from error


def _sizes(members: list[zipfile.ZipInfo]) -> list[int]:
    return [info.file_size for info in members if info.filename.endswith((".xml", ".rels"))]


def _check_sizes(total: int, xml_part: int) -> None:
    if total > MAX_UNZIPPED_BYTES:
        raise AttachmentError(f"unzipped parts larger than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MiB")
    if xml_part > MAX_XML_PART_BYTES:
        raise AttachmentError(f"an XML part larger than {MAX_XML_PART_BYTES // (1024 * 1024)} MiB unzipped")


def _inflated_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """The real inflated size of one part, read in chunks; stops one chunk past ``budget``."""
    size = 0
    with archive.open(info) as part:
        while chunk := part.read(_INFLATE_CHUNK):
            size += len(chunk)
            if size > budget:
                break
    return size


def grid_lines(grid: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(row) + " |" for row in grid]


def split_lines(text: str) -> list[str]:
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


def one_line(error: BaseException) -> str:
    text = normalise_space(str(error).replace("\n", " ")) or type(error).__name__
    return text[:200]
