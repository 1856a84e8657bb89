"""Render the demo's stub-report files into ``crawler/demo/files/`` (run by hand, not by tests).

The words come from :mod:`crawler.demo.stubs`. The DOCX is written by python-docx; the PDF by the
small writer below (one page, the non-embedded ``STSong-Light`` CID font in ``UniGB-UCS2-H``, the way
many exported Chinese PDFs reference it), so no PDF library is needed. Deterministic: re-running gives
the same bytes for the PDF; python-docx stamps no dates when core properties are set.

    .venv/bin/python bench/make_stub_fixtures.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from crawler.demo.stubs import STUBS, StubSpec

OUT = Path(__file__).resolve().parents[1] / "crawler" / "demo" / "files"
FIXED_DATE = dt.datetime(2025, 1, 23, 9, 0, 0)
CHARS_PER_LINE = 34


def write_docx(spec: StubSpec, path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = spec.title
    document.core_properties.created = FIXED_DATE
    document.core_properties.modified = FIXED_DATE
    for text, heading in [(spec.title, True), *((p, _is_heading(p)) for p in spec.paragraphs)]:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.font.size = Pt(16)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体" if heading else "仿宋")
    document.save(str(path))


def _is_heading(text: str) -> bool:
    return len(text) < 30 and text[:1] in "一二三四五六七八九"


def _hex(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def write_pdf(spec: StubSpec, path: Path) -> None:
    """One A4 page: the title, then each paragraph wrapped at CHARS_PER_LINE, 14pt lines."""
    lines: list[str] = [spec.title, ""]
    for paragraph in spec.paragraphs:
        lines += [paragraph[i : i + CHARS_PER_LINE] for i in range(0, len(paragraph), CHARS_PER_LINE)]
    y = 800
    ops = ["BT", "/F1 12 Tf"]
    for line in lines:
        if line:
            ops.append(f"1 0 0 1 60 {y} Tm {_hex(line)} Tj")
        y -= 20
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
        b" /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R"
        b" /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        b"<< /Title " + _hex(spec.title).encode("ascii").replace(b"<", b"<FEFF", 1) + b" >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    path.write_bytes(bytes(out))


def main() -> None:
    for spec in STUBS:
        target = OUT / spec.file_name
        (write_docx if spec.kind == "docx" else write_pdf)(spec, target)
        print(target)


if __name__ == "__main__":
    main()
