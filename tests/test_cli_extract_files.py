"""``govreports extract`` reads every format the crawl reads, told by the bytes, not the name, with the
same JSON contract (RECORD_KEYS first); binary is never printed as text."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.demo.attachments import attachment_fixtures
from crawler.extract.record import RECORD_KEYS

FIXTURES = {f.kind + ("_scan" if f.scanned else ""): f for f in attachment_fixtures() if not f.broken}


def extract(*args: str):
    return CliRunner().invoke(main, ["extract", *args])


@pytest.mark.parametrize("kind", ["pdf", "docx", "doc", "wps", "xls", "xlsx"])
def test_every_file_format_by_its_bytes_under_a_misleading_name(kind, tmp_path):
    fixture = FIXTURES[kind]
    saved = tmp_path / "download.html"  # the name says HTML: the bytes decide
    saved.write_bytes(fixture.body)
    result = extract(str(saved), "--url", "http://www.qinglan.gov.cn" + fixture.path)
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert list(record)[: len(RECORD_KEYS)] == list(RECORD_KEYS)
    assert record["kind"] == kind and record["scanned"] is False
    assert all(phrase in record["text"] for phrase in fixture.must_have)
    assert record["report_year"] == fixture.report_year


def test_a_scanned_pdf_gives_empty_text_and_scanned_true(tmp_path):
    saved = tmp_path / "scan.pdf"
    saved.write_bytes(FIXTURES["pdf_scan"].body)
    record = json.loads(extract(str(saved)).output)
    assert (record["text"], record["scanned"], record["kind"]) == ("", True, "pdf")


def test_text_output_of_a_docx_is_its_text(tmp_path):
    saved = tmp_path / "report"
    saved.write_bytes(FIXTURES["docx"].body)
    result = extract(str(saved), "--format", "text")
    assert result.exit_code == 0 and "一、总体情况" in result.output and "PK" not in result.output


def test_a_pdf_fetched_by_url_is_read_not_printed(demo_server):
    fixture = FIXTURES["pdf"]
    result = extract(demo_server.url(fixture.path))
    assert result.exit_code == 0, result.output
    assert "%PDF" not in result.output
    record = json.loads(result.output)
    assert record["kind"] == "pdf" and all(phrase in record["text"] for phrase in fixture.must_have)


def test_an_html_page_keeps_its_contract_and_says_its_kind(tmp_path):
    saved = tmp_path / "page.pdf"  # the name says PDF: the bytes are a page
    page = "<html><head><title>x</title></head><body><div id=zoom><p>一段足够长的正文内容，"
    page += "用来确认它是一个网页而不是文件。</p></div></body></html>"
    saved.write_bytes(page.encode())
    record = json.loads(extract(str(saved)).output)
    assert list(record)[: len(RECORD_KEYS)] == list(RECORD_KEYS) and record["kind"] == "html"


def test_unreadable_binary_is_one_error_line(tmp_path):
    saved = tmp_path / "blob.bin"
    saved.write_bytes(bytes(range(256)) * 8)
    result = extract(str(saved))
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
