"""DOCX → report text with python-docx: paragraphs and ``w:tbl`` tables in body order, each table
also kept as a grid of cell strings. The library is imported when first used.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from lxml import etree

from crawler.extract.files.attachment import (
    AttachmentError,
    AttachmentText,
    check_unzipped_size,
    choose_title,
    grid_lines,
    one_line,
    split_lines,
)
from crawler.extract.textutil import normalise_space


def read_docx(body: bytes) -> AttachmentText:
    """Paragraphs and tables of a DOCX in body order; each table also kept as a grid."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_unzipped_size(body)
    try:
        document = docx.Document(BytesIO(body))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise AttachmentError(f"corrupt DOCX: {one_line(error)}") from error
    except Exception as error:  # lxml's XMLSyntaxError and friends on damaged parts
        raise AttachmentError(f"corrupt DOCX: {one_line(error)}") from error
    lines: list[str] = []
    grids: list[list[list[str]]] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.extend(split_lines(_docx_paragraph_text(element)))
        elif tag == "tbl":
            grid = docx_grid(element)
            if grid:
                grids.append(grid)
                lines.extend(grid_lines(grid))
    title = choose_title(document.core_properties.title, lines)
    return AttachmentText(kind="docx", text="\n".join(lines), grids=grids, title=title)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_paragraph_text(paragraph: etree._Element) -> str:
    """Text of a ``w:p``: runs' ``w:t``, tabs as spaces and breaks as newlines."""
    parts = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        name = node.tag.rsplit("}", 1)[-1]
        parts.append(node.text or "" if name == "t" else (" " if name == "tab" else "\n"))
    return "".join(parts)


def docx_grid(table: etree._Element) -> list[list[str]]:
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
