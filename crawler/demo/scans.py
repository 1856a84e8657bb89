"""Scanned reports (图片版) drawn from a report's own words and tables: page images as a scanner gives
them, and the image-only PDF a portal serves.

A report is a title, then ``(kind, text)`` parts (``heading``, ``para``, ``table`` naming one of its
grids), as :class:`crawler.demo.attachments.DocumentSpec` holds it. :func:`render_pages` lays it out
on A4 pages at a resolution (dpi) the way a Word report prints — a centred title, indented
paragraphs, ruled tables whose cells are top-aligned and whose long labels wrap — and then spoils it
like a scanner: a slight skew, grey paper, speckles and JPEG-like blur. The OCR benchmark
(``bench/ocr.py``) and the OCR tests render at 150 and 300 dpi; the demo portal serves one rendering.
The ground truth of every scan is the report it was drawn from: :attr:`DocumentSpec.text` and the
cells of its tables.

Pillow and a CJK font are needed (Debian ``fonts-noto-cjk`` or ``fonts-wqy-microhei``; ``make demo``
and ``make test`` install one): the drawings are made when first asked for, never stored in git.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image, ImageFont

# (path, face index of the simplified-Chinese face) in the order tried.
SERIF_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
)
SANS_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
)
A4_INCHES = (8.27, 11.69)
MARGIN_INCHES = (0.85, 0.9)  # left/right, top/bottom
BODY_PT, TITLE_PT, TABLE_PT = 12.0, 16.0, 8.5
KEEP_TOGETHER_ROWS = 8


class NoCJKFont(RuntimeError):
    """No CJK font installed to draw the scans with (apt-get install fonts-noto-cjk)."""


@dataclass(frozen=True)
class Spoil:
    """How a scanner spoils a page: skew in degrees, speckles per square inch, grey paper level."""

    skew: float = 0.3
    speckles: float = 6.0
    paper: int = 242
    ink: int = 35
    blur: float = 0.4


CLEAN = Spoil(skew=0.0, speckles=0.0, paper=255, ink=0, blur=0.0)


def _font_file(candidates: Sequence[tuple[str, int]]) -> tuple[str, int]:
    for path, index in candidates:
        if Path(path).is_file():
            return path, index
    raise NoCJKFont("no CJK font to draw scans with: apt-get install fonts-noto-cjk")


@cache
def _font(size_px: int, sans: bool = False) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    path, index = _font_file(SANS_FONTS if sans else SERIF_FONTS)
    return ImageFont.truetype(path, size_px, index=index)


def have_cjk_font() -> bool:
    try:
        _font_file(SERIF_FONTS)
    except NoCJKFont:
        return False
    return True


class _Pages:
    """Lays out blocks top to bottom on A4 pages at ``dpi``; a block that does not fit starts a page."""

    def __init__(self, dpi: int) -> None:

        self.dpi = dpi
        self.width, self.height = round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi)
        self.left = round(MARGIN_INCHES[0] * dpi)
        self.right = self.width - self.left
        self.top = round(MARGIN_INCHES[1] * dpi)
        self.bottom = self.height - self.top
        self.pages: list[Image.Image] = []
        self._new_page()

    def px(self, points: float) -> int:
        return round(points * self.dpi / 72)

    def _new_page(self) -> None:
        from PIL import Image, ImageDraw

        self.page = Image.new("L", (self.width, self.height), 255)
        self.draw = ImageDraw.Draw(self.page)
        self.pages.append(self.page)
        self.y = self.top

    def _room(self, height: int) -> None:
        if self.y + height > self.bottom and self.y > self.top:
            self._new_page()

    def title(self, text: str) -> None:
        font = _font(self.px(TITLE_PT), sans=True)
        for line in _wrap(text, font, self.right - self.left):
            width = font.getlength(line)
            self._room(self.px(TITLE_PT * 1.6))
            self.draw.text(((self.width - width) / 2, self.y), line, font=font, fill=0)
            self.y += self.px(TITLE_PT * 1.6)
        self.y += self.px(BODY_PT)

    def paragraph(self, text: str, heading: bool = False) -> None:
        font = _font(self.px(BODY_PT), sans=heading)
        indent = 0 if heading else round(2 * font.getlength("中"))
        step = self.px(BODY_PT * 1.75)
        lines = _wrap(text, font, self.right - self.left, first_indent=indent)
        for index, line in enumerate(lines):
            self._room(step)
            self.draw.text((self.left + (indent if index == 0 else 0), self.y), line, font=font, fill=0)
            self.y += step
        self.y += self.px(BODY_PT * 0.35)

    def table(self, grid: list[list[str]], label_column: bool) -> None:
        size = self.px(TABLE_PT)
        font = _font(size)
        columns = max(len(row) for row in grid)
        width = self.right - self.left
        if label_column:
            label_width = round(width * 0.34)
            rest = (width - label_width) / (columns - 1)
            edges = [self.left, *(round(self.left + label_width + i * rest) for i in range(columns))]
        else:
            edges = [round(self.left + i * width / columns) for i in range(columns + 1)]
        pad, leading = round(size * 0.45), round(size * 1.25)
        self.y += self.px(BODY_PT * 0.3)
        heights = [self._row_height(row, columns, label_column, edges, font, pad, leading) for row in grid]
        if len(grid) <= KEEP_TOGETHER_ROWS and self.y + sum(heights) > self.bottom:
            self._new_page()  # a small table is not broken over two pages
        for row in grid:
            spans = _spans(len(row), columns, label_column)
            cells = [
                _wrap(text, font, edges[end] - edges[start] - 2 * pad)
                for text, (start, end) in zip(row, spans, strict=True)
            ]
            height = max(len(lines) for lines in cells) * leading + 2 * pad
            if self.y + height > self.bottom:
                self._new_page()
            top = self.y
            self.draw.line((self.left, top, self.right, top), fill=0, width=max(1, self.dpi // 150))
            for lines, (start, end) in zip(cells, spans, strict=True):
                x0, x1 = edges[start], edges[end]
                for k, line in enumerate(lines):
                    x = x0 + pad if start == 0 and label_column else (x0 + x1 - font.getlength(line)) / 2
                    self.draw.text((x, top + pad + k * leading), line, font=font, fill=0)
            self.y = top + height
            for start, _ in spans:
                self.draw.line(
                    (edges[start], top, edges[start], self.y), fill=0, width=max(1, self.dpi // 150)
                )
            self.draw.line((self.right, top, self.right, self.y), fill=0, width=max(1, self.dpi // 150))
        self.draw.line((self.left, self.y, self.right, self.y), fill=0, width=max(1, self.dpi // 150))
        self.y += self.px(BODY_PT)

    def _row_height(
        self,
        row: list[str],
        columns: int,
        label_column: bool,
        edges: list[int],
        font: ImageFont.FreeTypeFont,
        pad: int,
        leading: int,
    ) -> int:
        spans = _spans(len(row), columns, label_column)
        lines = [
            len(_wrap(text, font, edges[end] - edges[start] - 2 * pad))
            for text, (start, end) in zip(row, spans, strict=True)
        ]
        return max(lines) * leading + 2 * pad


def _spans(cells: int, columns: int, label_column: bool) -> list[tuple[int, int]]:
    """Column spans of a row of ``cells`` in a table of ``columns``: a short row's cells share the
    columns (the label keeps its own column)."""
    if cells == columns:
        return [(i, i + 1) for i in range(columns)]
    first = 1 if label_column and cells > 1 else 0
    spans = [(0, 1)] if first else []
    share = (columns - first) / (cells - first)
    spans += [(first + round(i * share), first + round((i + 1) * share)) for i in range(cells - first)]
    return spans


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float, first_indent: float = 0) -> list[str]:
    lines, line, room = [], "", width - first_indent
    for char in text:
        if line and font.getlength(line + char) > room:
            lines.append(line)
            line, room = "", width
        line += char
    return [*lines, line] if line or not lines else lines


def render_pages(
    title: str,
    parts: Sequence[tuple[str, str]],
    tables: dict[str, list[list[str]]],
    dpi: int,
    spoil: Spoil = Spoil(),
    seed: str = "scan",
) -> list[Image.Image]:
    """The report laid out at ``dpi`` and spoiled like a scan (grayscale page images)."""
    pages = _Pages(dpi)
    pages.title(title)
    for kind, text in parts:
        if kind == "table":
            grid = tables[text]
            pages.table(grid, label_column=text != "table4")
        else:
            pages.paragraph(text, heading=kind == "heading")
    rng = random.Random(f"{seed}-{dpi}")
    return [_spoiled(page, spoil, rng, dpi) for page in pages.pages]


def _spoiled(page: Image.Image, spoil: Spoil, rng: random.Random, dpi: int) -> Image.Image:
    from PIL import Image, ImageDraw, ImageFilter

    if spoil.ink or spoil.paper != 255:
        scale = (spoil.paper - spoil.ink) / 255
        page = page.point(lambda value: round(spoil.ink + value * scale))
    if spoil.skew:
        angle = rng.uniform(0.5, 1.0) * spoil.skew * rng.choice((-1, 1))
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=spoil.paper)
    draw = ImageDraw.Draw(page)
    area = (page.width / dpi) * (page.height / dpi)
    for _ in range(round(spoil.speckles * area)):
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        radius = rng.uniform(0.3, 1.2) * dpi / 150
        draw.ellipse((x, y, x + radius, y + radius), fill=rng.randrange(60, 180))
    if spoil.blur:
        page = page.filter(ImageFilter.GaussianBlur(spoil.blur * dpi / 300))
    return page


def image_pdf(pages: Sequence[Image.Image], dpi: int) -> bytes:
    """An image-only PDF of the pages (one JPEG per page, no text layer), as a scanner makes it."""
    out = io.BytesIO()
    first, *rest = pages
    first.save(out, format="PDF", save_all=True, append_images=rest, resolution=dpi, quality=80)
    return out.getvalue()


def image_bytes(page: Image.Image, kind: str = "JPEG") -> bytes:
    """One page as an image file (JPEG or PNG), as an article of scanned pages shows it."""
    out = io.BytesIO()
    options: dict[str, Any] = {"quality": 85} if kind == "JPEG" else {"optimize": True}
    page.save(out, format=kind, **options)
    return out.getvalue()
