"""Render the demo's attachment fixtures into ``crawler/demo/files/`` (run by hand, not by tests).

The words and numbers come from :mod:`crawler.demo.attachments`; this script only dresses them the
way portals' files look, with the tools those files are made with:

* DOCX by python-docx: 仿宋 body text with a two-character first-line indent, 黑体 headings, real
  ``w:tbl`` tables with the template's merged header cells (table 3: 3 label columns + 7 numbers);
* ``.doc`` and ``.wps`` by LibreOffice from such a DOCX (filter ``MS Word 97``: WPS Office's ``.wps``
  is the same Word 97 compound file), the county twin PDF by LibreOffice's PDF export (embedded
  TrueType subsets with ToUnicode maps, as Word/WPS exports have), ``.xls`` by LibreOffice from XLSX;
* the township PDF by reportlab in the non-embedded ``STSong-Light`` CID font (``UniGB-UCS2-H``), its
  tables drawn as ruled grids, and the scanned 图片版 PDF by Pillow page images inside a reportlab PDF.

Needs (dev machine only): ``pip install reportlab pillow pypdf`` and
``apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-wqy-zenhei``.
LibreOffice stamps dates into its files, so re-running changes bytes; the committed files are the
fixtures and ``tests/test_attachments.py`` checks they still match the words here.

    .venv/bin/python bench/make_attachment_fixtures.py
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from crawler.demo import attachments, stats
from crawler.demo.attachments import DocumentSpec

OUT = Path(__file__).resolve().parents[1] / "crawler" / "demo" / "files"
FIXED_DATE = dt.datetime(2024, 3, 18, 9, 0, 0)
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


# ---------------------------------------------------------------- DOCX


def _font(run: Any, east_asia: str, size: float) -> None:
    run.font.size = Pt(size)
    run.font.name = east_asia
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def _paragraph(document: Any, text: str, *, heading: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(32)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(28)
    run = paragraph.add_run(text)
    _font(run, "黑体" if heading else "仿宋_GB2312", 16)


def _cell(cell: Any, text: str, size: float = 9) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text), "宋体", size)


def _table3(document: Any, grid: list[list[str]]) -> None:
    """Table 3 with the template's merges: 3 label columns, 7 number columns."""
    data = grid[3:]
    table = document.add_table(rows=3 + len(data), cols=10)
    table.style = "Table Grid"
    corner = table.cell(0, 0).merge(table.cell(2, 2))
    _cell(corner, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    _cell(table.cell(0, 3).merge(table.cell(0, 9)), "申请人情况")
    _cell(table.cell(1, 3).merge(table.cell(2, 3)), "自然人")
    _cell(table.cell(1, 4).merge(table.cell(1, 8)), "法人或其他组织")
    _cell(table.cell(1, 9).merge(table.cell(2, 9)), "总计")
    for offset, label in enumerate(stats.TABLE3_COLUMNS[1:6]):
        _cell(table.cell(2, 4 + offset), label)
    labels = [row[0] for row in data]
    groups = _label_groups(labels)
    for r, row in enumerate(data, start=3):
        for c, value in enumerate(row[1:], start=3):
            _cell(table.cell(r, c), value)
    for first, last, column, text, span_to in groups:
        merged = table.cell(first + 3, column).merge(table.cell(last + 3, span_to))
        _cell(merged, text)


def _label_groups(labels: list[str]) -> list[tuple[int, int, int, str, int]]:
    """Merged label cells of table 3: (first row, last row, column, text, last column)."""
    outcome_rows = [i for i, label in enumerate(labels) if label not in _TOP_LABELS]
    groups = [(outcome_rows[0], outcome_rows[-1], 0, "三、本年度办理结果", 0)]
    for i, label in enumerate(labels):
        if label in _TOP_LABELS:
            groups.append((i, i, 0, label, 2))
        elif label[:1] == "（":
            groups.append((i, i, 1, label, 2))
    for head, prefix in _GROUP_HEADS:
        rows = [i for i, label in enumerate(labels) if label in prefix]
        groups.append((rows[0], rows[-1], 1, head, 1))
        groups += [(i, i, 2, labels[i], 2) for i in rows]
    return groups


_TOP_LABELS = {stats.TABLE3_LABELS[k] for k in ("new", "carried_over", "carry_forward")}
_GROUP_HEADS = (
    ("（三）不予公开", set(stats.REFUSED_LABELS)),
    ("（四）无法提供", set(stats.UNABLE_LABELS)),
    ("（五）不予处理", set(stats.NOT_PROCESSED_LABELS)),
    ("（六）其他处理", set(stats.OTHER_LABELS_2021)),
)


def _table4(document: Any, grid: list[list[str]]) -> None:
    table = document.add_table(rows=4, cols=15)
    table.style = "Table Grid"
    _cell(table.cell(0, 0).merge(table.cell(0, 4)), "行政复议")
    _cell(table.cell(0, 5).merge(table.cell(0, 14)), "行政诉讼")
    for c, label in enumerate(stats.TABLE4_COLUMNS):
        _cell(table.cell(1, c).merge(table.cell(2, c)), label, 8)
    _cell(table.cell(1, 5).merge(table.cell(1, 9)), "未经复议直接起诉")
    _cell(table.cell(1, 10).merge(table.cell(1, 14)), "复议后起诉")
    for c, label in enumerate(stats.TABLE4_COLUMNS * 2, start=5):
        _cell(table.cell(2, c), label, 8)
    for c, value in enumerate(grid[3]):
        _cell(table.cell(3, c), value)


def _table2(document: Any, grid: list[list[str]]) -> None:
    table = document.add_table(rows=len(grid), cols=4)
    table.style = "Table Grid"
    for r, row in enumerate(grid):
        cells = row if len(row) == 4 else [row[0], row[1], row[1], row[1]]
        if len(row) == 4:
            for c, value in enumerate(cells):
                _cell(table.cell(r, c), value)
        else:
            _cell(table.cell(r, 0), row[0])
            _cell(table.cell(r, 1).merge(table.cell(r, 3)), row[1])


_TABLE_WRITERS = {"table2": _table2, "table3": _table3, "table4": _table4}


def _footer_page_number(document: Any) -> None:
    """``- N -`` centred in the footer, as 公文 print their page numbers."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("- ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" -")


def make_docx(spec: DocumentSpec, *, page_numbers: bool = False) -> bytes:
    document = docx.Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(spec.title), "方正小标宋简体", 20)
    for kind, text in spec.parts:
        if kind == "table":
            _TABLE_WRITERS[text](document, spec.tables[text])
        else:
            _paragraph(document, text, heading=kind == "heading")
    if page_numbers:
        _footer_page_number(document)
    core = document.core_properties
    core.title, core.author = spec.title, "青岚县人民政府"
    core.created = core.modified = FIXED_DATE
    core.last_modified_by = "青岚县人民政府"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- LibreOffice


def convert(data: bytes, suffix: str, target: str) -> bytes:
    """Convert with headless LibreOffice (``target`` like ``pdf`` or ``doc:MS Word 97``)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"in.{suffix}"
        source.write_bytes(data)
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(Path(tmp) / "out"),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        (result,) = (Path(tmp) / "out").iterdir()
        return result.read_bytes()


# ---------------------------------------------------------------- reportlab PDFs

SONG = "STSong-Light"


def _wrap(text: str, width: float, size: float, indent: float = 0) -> list[str]:
    lines, current, room = [], "", width - indent
    for char in text:
        if pdfmetrics.stringWidth(current + char, SONG, size) > room:
            lines.append(current)
            current, room = char, width
        else:
            current += char
    return [*lines, current] if current else lines


class _Pages:
    """A tiny flowing writer: paragraphs wrap at the margins, ruled tables, new pages when full."""

    def __init__(self, target: io.BytesIO, title: str) -> None:
        self.c = canvas.Canvas(target, pagesize=A4, invariant=1)
        self.c.setTitle(title)
        self.c.setAuthor("石门镇人民政府")
        self.left, self.right, self.top, self.bottom = 72.0, A4[0] - 72.0, A4[1] - 72.0, 72.0
        self.y = self.top
        self.page = 1

    def need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.c.setFont(SONG, 10)
            self.c.drawCentredString(A4[0] / 2, 40, f"- {self.page} -")
            self.c.showPage()
            self.page += 1
            self.y = self.top

    def title(self, text: str) -> None:
        self.c.setFont(SONG, 18)
        self.need(40)
        self.c.drawCentredString(A4[0] / 2, self.y - 18, text)
        self.y -= 48

    def paragraph(self, text: str, size: float = 12) -> None:
        width = self.right - self.left
        for i, line in enumerate(_wrap(text, width, size, indent=2 * size)):
            self.need(size * 1.8)
            self.c.setFont(SONG, size)
            self.c.drawString(self.left + (2 * size if i == 0 else 0), self.y - size, line)
            self.y -= size * 1.8

    def table(self, grid: list[list[str]], widths: list[float], size: float = 7) -> None:
        for row in grid:
            cells = row if len(row) == len(widths) else [*row, *[""] * (len(widths) - len(row))]
            wrapped = [_wrap(cell, w - 4, size) or [""] for cell, w in zip(cells, widths, strict=True)]
            height = max(len(lines) for lines in wrapped) * size * 1.3 + 6
            self.need(height)
            x = self.left
            for lines, w in zip(wrapped, widths, strict=True):
                self.c.rect(x, self.y - height, w, height)
                self.c.setFont(SONG, size)
                for k, line in enumerate(lines):
                    self.c.drawString(x + 2, self.y - 3 - size * (k + 1) * 1.2, line)
                x += w
            self.y -= height
        self.y -= 12

    def save(self) -> None:
        self.c.setFont(SONG, 10)
        self.c.drawCentredString(A4[0] / 2, 40, f"- {self.page} -")
        self.c.save()


def make_reportlab_pdf(spec: DocumentSpec) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont(SONG))
    out = io.BytesIO()
    pages = _Pages(out, spec.title)
    pages.title(spec.title)
    widths = {"table2": [150.0, 100.0, 100.0, 100.0], "table3": [200.0, *[35.0] * 7], "table4": [30.0] * 15}
    for kind, text in spec.parts:
        if kind == "table":
            grid = spec.tables[text]
            pages.table(grid, widths[text], size=6 if text == "table4" else 7)
        else:
            pages.paragraph(text)
    pages.save()
    return out.getvalue()


def make_encrypted_pdf(pdf: bytes) -> bytes:
    """The same PDF locked with a user password (RC4-128, as older Acrobat/WPS exports use)."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt("qinglan2022", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------- workbooks


def make_xlsx(spec: DocumentSpec) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    names = {"table2": "主动公开", "table3": "依申请公开", "table4": "复议诉讼"}
    for key, grid in spec.tables.items():
        sheet = book.create_sheet(names[key])
        for row in grid:
            sheet.append([int(v) if v.isdigit() else v for v in row])
    book.properties.title = spec.title + "附表"
    book.properties.creator = "青岚县人民政府"
    book.properties.created = book.properties.modified = FIXED_DATE
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    if not shutil.which("soffice"):
        raise SystemExit("needs LibreOffice: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui")
    OUT.mkdir(parents=True, exist_ok=True)
    specs = attachments.SPECS
    files = {
        "smz2022.pdf": make_reportlab_pdf(specs["smz2022"]),
        "smz2022_locked.pdf": make_encrypted_pdf(make_reportlab_pdf(specs["smz2022"])),
        "jyj2023.docx": make_docx(specs["jyj2023"]),
        "county2023.pdf": convert(
            make_docx(attachments.county_2023_spec(), page_numbers=True), "docx", "pdf:writer_pdf_Export"
        ),
        "jyj2021.doc": convert(make_docx(specs["jyj2021"]), "docx", "doc:MS Word 97"),
        "smz2023.wps": convert(make_docx(specs["smz2023"]), "docx", "doc:MS Word 97"),
        "smz2022_tables.xlsx": make_xlsx(specs["smz2022"]),
        "jyj2021_tables.xls": convert(make_xlsx(specs["jyj2021"]), "xlsx", "xls:MS Excel 97"),
    }
    for name, data in files.items():
        (OUT / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
