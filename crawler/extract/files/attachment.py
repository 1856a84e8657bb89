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

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
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
    try:
        with zipfile.ZipFile(BytesIO(body)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise AttachmentError(f"corrupt or truncated ZIP container: {error}") from error
    if size > MAX_UNZIPPED_BYTES:
        raise AttachmentError(f"unzipped parts larger than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MiB")


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
