"""Attachment reports: kind detection, text of every demo fixture, scans flagged, broken files refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from crawler.demo import DemoSite
from crawler.demo.attachments import (
    BROKEN_HTML_PATH,
    BROKEN_TRUNCATED_PATH,
    TWIN_HTML_PATH,
    AttachmentFixture,
    attachment_fixtures,
    county_2023_spec,
    read_file,
)
from crawler.demo.stats import TABLE3_LABELS
from crawler.extract.files import pdf as pdf_reader
from crawler.extract.files import read
from crawler.extract.files.attachment import AttachmentError
from crawler.extract.files.read import detect_kind, extract_attachment

FIXTURES = attachment_fixtures()
GOOD = [f for f in FIXTURES if not f.broken]
BROKEN = [f for f in FIXTURES if f.broken]
REPORTS = [f for f in GOOD if f.text and not f.scanned]  # the scan: tests/test_ocr.py


def by_kind(kind: str) -> AttachmentFixture:
    return next(f for f in GOOD if f.kind == kind and not f.scanned)


def lines_of(fixture: AttachmentFixture) -> set[str]:
    return set(extract_attachment(fixture.body, fixture.path, fixture.content_type).text.split("\n"))


# ---------------------------------------------------------------- the fixtures themselves


def test_fixtures_cover_every_kind_a_scan_and_two_broken_files() -> None:
    assert {f.kind for f in GOOD} == set(read.KINDS) - {"image"}  # images: drawn by tests/test_ocr.py
    assert any(f.scanned for f in GOOD)
    assert {f.path for f in BROKEN} == {BROKEN_TRUNCATED_PATH, BROKEN_HTML_PATH}


def test_fixtures_are_the_same_bytes_on_every_call() -> None:
    assert [f.body for f in attachment_fixtures()] == [f.body for f in FIXTURES]


def test_fixture_paths_are_unique_ascii_file_names() -> None:
    paths = [f.path for f in FIXTURES]
    assert len(set(paths)) == len(paths)
    assert all(path.isascii() and path.rsplit("/", 1)[-1].startswith("P0") for path in paths)


def test_twin_fixture_text_is_the_demo_pages_manifest_text(demo_site: DemoSite) -> None:
    twin = next(f for f in GOOD if f.twin_of)
    report = demo_site.report(TWIN_HTML_PATH)
    assert report is not None
    assert twin.text == report.text
    assert twin.title == report.title


# ---------------------------------------------------------------- extraction of every fixture


@pytest.mark.parametrize("fixture", GOOD, ids=lambda f: f.file_name)
def test_fixture_extracts_as_its_kind_with_its_must_have_phrases(fixture: AttachmentFixture) -> None:
    result = extract_attachment(fixture.body, fixture.path, fixture.content_type)
    assert result.kind == fixture.kind
    must_have = () if fixture.scanned else fixture.must_have  # read by OCR only when asked: test_ocr.py
    assert [phrase for phrase in must_have if phrase not in result.text] == []


@pytest.mark.parametrize("fixture", REPORTS, ids=lambda f: f.file_name)
def test_every_paragraph_comes_out_as_one_line(fixture: AttachmentFixture) -> None:
    lines = lines_of(fixture)
    missing = [p for p in fixture.text.split("\n") if p not in lines]
    assert missing == []


@pytest.mark.parametrize("fixture", REPORTS, ids=lambda f: f.file_name)
def test_title_comes_from_metadata_or_first_lines(fixture: AttachmentFixture) -> None:
    result = extract_attachment(fixture.body, fixture.path, fixture.content_type)
    assert result.title == fixture.title


def test_twin_pdf_holds_every_paragraph_of_the_html_report(demo_site: DemoSite) -> None:
    twin = next(f for f in GOOD if f.twin_of)
    report = demo_site.report(TWIN_HTML_PATH)
    assert report is not None
    lines = lines_of(twin)
    paragraphs = report.text.split("\n")
    assert sum(p in lines for p in paragraphs) == len(paragraphs)


def test_twin_pdf_keeps_curly_quotes_in_place() -> None:
    twin = next(f for f in GOOD if f.twin_of)
    assert "公开栏“一网多端”协同发布格局" in extract_attachment(twin.body, twin.path).text


def test_twin_pdf_drops_page_number_footers() -> None:
    twin = next(f for f in GOOD if f.twin_of)
    result = extract_attachment(twin.body, twin.path)
    assert result.pages is not None and result.pages > 1
    assert not any(line.startswith("- ") and line.endswith(" -") for line in result.text.split("\n"))


def test_pdf_tables_come_out_as_cell_rows() -> None:
    twin = next(f for f in GOOD if f.twin_of)
    rows = county_2023_spec().tables["table2"]
    assert "| 行政许可 | " + rows[4][1] + " |" in extract_attachment(twin.body, twin.path).text


def test_pdf_in_a_non_embedded_cid_font_decodes_to_chinese() -> None:
    township = next(f for f in GOOD if f.file_name.endswith("204513.pdf"))
    assert "石门镇党委、政府坚持把政务公开" in extract_attachment(township.body, township.path).text


# ---------------------------------------------------------------- tables


def table3_rows(fixture: AttachmentFixture) -> list[list[str]]:
    """The extracted grid holding table 3 (the one with the 本年新收 row)."""
    result = extract_attachment(fixture.body, fixture.path, fixture.content_type)
    return next(grid for grid in result.grids if any(TABLE3_LABELS["new"] in row for row in grid))


@pytest.mark.parametrize("kind", ["docx", "doc", "wps", "xls", "xlsx"])
def test_grids_hold_the_table3_numbers_row_by_row(kind: str) -> None:
    fixture = by_kind(kind)
    grid = table3_rows(fixture)
    for expected in fixture.tables["table3"][3:]:
        label, numbers = expected[0], expected[1:]
        row = next(row for row in grid if label in row)
        assert row[-7:] == numbers, label


def test_docx_grid_leaves_out_vertically_merged_cells_like_html_rowspans() -> None:
    grid = table3_rows(by_kind("docx"))
    partly = next(row for row in grid if TABLE3_LABELS["partly_granted"] in row)
    assert partly[0] == TABLE3_LABELS["partly_granted"]


def test_docx_tables_render_as_pipe_rows_in_the_text() -> None:
    fixture = by_kind("docx")
    text = extract_attachment(fixture.body, fixture.path).text
    assert "| 一、本年新收政府信息公开申请数量 | 20 | 3 | 0 | 0 | 1 | 0 | 24 |" in text


def test_doc_table_rows_end_at_row_marks_not_at_empty_cells() -> None:
    grid = table3_rows(by_kind("doc"))
    assert all(len(row) <= 10 for row in grid)


def test_sheets_name_their_non_default_sheets_in_the_text() -> None:
    fixture = by_kind("xlsx")
    assert "依申请公开" in extract_attachment(fixture.body, fixture.path).text.split("\n")


def test_xls_numbers_lose_the_float_suffix() -> None:
    fixture = by_kind("xls")
    result = extract_attachment(fixture.body, fixture.path)
    assert "12.0" not in result.text and "| 12 |" in result.text


# ---------------------------------------------------------------- scans


def test_scanned_pdf_is_flagged_with_its_pages() -> None:
    scan = next(f for f in GOOD if f.scanned)
    result = extract_attachment(scan.body, scan.path, scan.content_type)
    assert result.scanned and result.pages is not None and result.pages >= 1
    assert result.text == ""


def test_text_pdfs_are_not_flagged_scanned() -> None:
    assert not any(
        extract_attachment(f.body, f.path).scanned
        for f in GOOD
        if f.kind == "pdf" and f.text and not f.scanned
    )


# ---------------------------------------------------------------- refusals


def one_line_error(body: bytes, url: str, content_type: str | None = None) -> str:
    with pytest.raises(AttachmentError) as caught:
        extract_attachment(body, url, content_type)
    message = str(caught.value)
    assert message and "\n" not in message
    return message


def test_truncated_pdf_is_refused() -> None:
    broken = next(f for f in BROKEN if f.path == BROKEN_TRUNCATED_PATH)
    assert "truncated" in one_line_error(broken.body, broken.path, broken.content_type)


def test_html_served_as_pdf_is_not_an_attachment() -> None:
    broken = next(f for f in BROKEN if f.path == BROKEN_HTML_PATH)
    assert "HTML" in one_line_error(broken.body, broken.path, broken.content_type)


@pytest.mark.parametrize("body", [b"", b"   \n"])
def test_empty_body_is_refused(body: bytes) -> None:
    assert "empty" in one_line_error(body, "https://a.gov.cn/P0.pdf")


def test_corrupt_pdf_is_refused() -> None:
    body = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
    one_line_error(body, "https://a.gov.cn/P0.pdf")


def test_truncated_docx_is_refused() -> None:
    docx = by_kind("docx").body
    assert "ZIP" in one_line_error(docx[: len(docx) // 2], "https://a.gov.cn/P0.docx")


def test_truncated_doc_is_refused() -> None:
    doc = by_kind("doc").body
    one_line_error(doc[: len(doc) // 3], "https://a.gov.cn/P0.doc")


def test_zip_that_is_no_office_file_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("report.txt", "青岚县")
    assert "neither DOCX nor XLSX" in one_line_error(out.getvalue(), "https://a.gov.cn/P0.docx")


def test_unknown_bytes_name_the_claimed_kind() -> None:
    assert "PDF" in one_line_error(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "https://a.gov.cn/P0.pdf")


def test_encrypted_pdf_with_a_user_password_is_refused() -> None:
    locked = read_file("smz2022_locked.pdf")
    assert "encrypted" in one_line_error(locked, "https://a.gov.cn/P0.pdf")


def test_oversized_body_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_BYTES", 1000)
    assert "larger" in one_line_error(by_kind("pdf").body, "https://a.gov.cn/P0.pdf")


# ---------------------------------------------------------------- kind detection


def test_magic_bytes_beat_a_lying_suffix_and_content_type() -> None:
    docx = by_kind("docx").body
    assert detect_kind(docx, "https://a.gov.cn/P0.pdf", "application/pdf") == "docx"


def test_pdf_under_a_doc_url_is_a_pdf() -> None:
    pdf = by_kind("pdf").body
    assert extract_attachment(pdf, "https://a.gov.cn/P0.doc", "application/msword").kind == "pdf"


def test_word_binary_is_wps_only_when_the_url_says_so() -> None:
    doc = by_kind("doc").body
    assert detect_kind(doc, "https://a.gov.cn/P0.wps") == "wps"
    assert detect_kind(doc, "https://a.gov.cn/P0.doc") == "doc"
    assert detect_kind(doc, "https://a.gov.cn/download?id=7") == "doc"


def test_ole2_workbook_is_xls_whatever_the_suffix() -> None:
    assert detect_kind(by_kind("xls").body, "https://a.gov.cn/P0.doc") == "xls"


def test_xlsx_zip_is_xlsx() -> None:
    assert detect_kind(by_kind("xlsx").body, "https://a.gov.cn/getfile?id=1") == "xlsx"


@pytest.mark.parametrize(
    ("url", "content_type", "claimed"),
    [
        ("https://a.gov.cn/P0.PDF", None, "pdf"),
        ("https://a.gov.cn/P0.wps?v=2", None, "wps"),
        ("https://a.gov.cn/down.jsp?id=3", "application/vnd.ms-excel", "xls"),
        ("https://a.gov.cn/down.jsp?id=3", "text/plain", None),
    ],
)
def test_claimed_kind_reads_suffix_then_content_type(
    url: str, content_type: str | None, claimed: str
) -> None:
    assert read.claimed_kind(url, content_type) == claimed


# ---------------------------------------------------------------- wrapped-line joining


def line(text: str, x0: float, x1: float, y: float) -> pdf_reader._Line:
    return pdf_reader._Line(text, x0, x1, y, y + 12)


def test_wrapped_line_reaching_the_margin_is_joined_to_the_next() -> None:
    page = [
        line("全年主动公开政府信息一千二百条，其中政策文件", 96, 500, 700),
        line("三十条。", 72, 120, 680),
    ]
    page += [line("这是另一段首行缩进的文字内容，长度足够。", 96, 400, 660)]
    pages = pdf_reader.join_wrapped_lines([glyph_rows(page)])
    assert pages == [
        ["全年主动公开政府信息一千二百条，其中政策文件三十条。", "这是另一段首行缩进的文字内容，长度足够。"]
    ]


def test_numbered_heading_after_a_full_line_starts_a_paragraph() -> None:
    page = [
        line("这一行文字一直写到了右边距而没有句号结尾的情形", 72, 500, 700),
        line("二、主动公开政府信息情况", 72, 230, 680),
    ]
    assert pdf_reader.join_wrapped_lines([glyph_rows(page)]) == [[page[0].text, page[1].text]]


def glyph_rows(lines: list[pdf_reader._Line]) -> list[pdf_reader._Line]:
    """Split test lines into per-character glyphs, as pdfminer hands them over."""
    glyphs = []
    for item in lines:
        width = (item.x1 - item.x0) / len(item.text)
        glyphs += [
            pdf_reader._Line(ch, item.x0 + i * width, item.x0 + (i + 1) * width, item.y0, item.y1)
            for i, ch in enumerate(item.text)
        ]
    return glyphs
