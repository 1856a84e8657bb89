"""The held-out acceptance of issue #14, on pages the extraction code was never tuned on
(tests/heldout_pages.py): genuine report pages with spam's words in the shapes of other CMSs, spam
in vocabulary outside the lexicon, and a small portal with stub reports crawled by `govreports crawl`.

Every legitimate phrase kept, no false finding, no spam phrase left, every injection recorded, no
report with empty text, no info or footer line left; never worse than plain trafilatura; the spam is
found with the lexicon emptied too (it shares no term with it), and the genuine pages stay clean
without it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import heldout_pages as held
import pytest
import trafilatura
from click.testing import CliRunner

from crawler.cli import main
from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.extract import lexicon
from crawler.extract.page import extract_page

PAGES = [*held.GENUINE, *held.SPAM]
# What a page's info and footer lines hold (prose may say ICP备案, never a filing number).
CHROME = re.compile(r"ICP备\d+号|公网安备\d+号|点击数|浏览次数|版权所有|技术支持|打印本页|关闭窗口")


def extract_cli(case: held.Case, tmp_path: Path) -> dict:
    """The record `govreports extract FILE --url URL` prints for the saved page."""
    path = tmp_path / f"{case.name}.html"
    path.write_bytes(case.body)
    result = CliRunner().invoke(main, ["extract", str(path), "--url", case.url])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_held_out_set_is_big_enough_and_its_pages_distinct():
    assert len(held.GENUINE) >= 8 and len(held.SPAM) >= 10
    assert len({case.name for case in PAGES}) == len(PAGES) == len({case.url for case in PAGES})
    assert sum(len(case.legit) for case in held.GENUINE) >= 100


def test_the_spam_pages_share_no_term_with_the_lexicon():
    """Whole spam pages — payloads, hosts, link labels, the report around them — hold no term of the
    shipped lexicon: only structure can find their spam."""
    words = lexicon.load()
    for case in held.SPAM:
        markup = urllib.parse.unquote(case.html)
        assert words.words(markup) == [] and words.never_in_report(markup) == [], case.name
        hosts = re.findall(r"(?:https?:)?//([\w.-]+)", markup)
        assert [host for host in hosts if words.host_tokens(host)] == [], case.name
        labels = re.findall(r">([^<>]+)</a>", markup)
        assert [label for label in labels if words.is_channel(label)] == [], case.name
        assert all(phrase in markup for phrase in case.spam), case.name


def test_the_genuine_pages_use_the_words_spam_uses():
    prose = "\n".join(phrase for case in held.GENUINE for phrase in case.legit)
    words = [
        "赌博",
        "彩票",
        "博彩",
        "代孕",
        "配资",
        "澳门",
        "成人",
        "在线",
        "视频",
        "直播",
        "棋牌",
        "洗钱",
        "虚拟货币",
    ]
    words += ["发票", "游戏机", "网站访问量", "ICP备案", "代开发票", "电子游艺", "体育投注站", "澳门威尼斯人"]
    assert [word for word in words if word not in prose] == []
    shipped = lexicon.load()
    assert len({term for term in shipped.words(prose) if shipped.classify(term)}) >= 20


@pytest.mark.parametrize("case", held.GENUINE, ids=lambda case: case.name)
def test_a_genuine_page_keeps_every_phrase_with_no_finding(case, tmp_path):
    record = extract_cli(case, tmp_path)
    assert [phrase for phrase in case.legit if phrase not in record["text"]] == []
    assert record["spam"] == [] and not record["compromised"]
    assert record["is_report"] and record["text"].strip()
    assert CHROME.findall(record["text"]) == []


@pytest.mark.parametrize("case", held.SPAM, ids=lambda case: case.name)
def test_a_spam_page_loses_its_spam_keeps_its_report_and_records_it(case, tmp_path):
    record = extract_cli(case, tmp_path)
    assert [phrase for phrase in case.spam if phrase in record["text"]] == []
    assert [phrase for phrase in case.legit if phrase not in record["text"]] == []
    assert record["spam"] and record["compromised"]
    assert record["is_report"] and CHROME.findall(record["text"]) == []


@pytest.fixture
def no_words() -> Iterator[None]:
    with lexicon.using(lexicon.EMPTY):
        yield


@pytest.mark.parametrize("case", PAGES, ids=lambda case: case.name)
def test_structure_alone_finds_the_spam_and_spares_the_reports(case, no_words):
    """With the lexicon emptied: the same outcome on every page (no word list does the work)."""
    extraction = extract_page(case.body, case.url)
    assert [phrase for phrase in case.spam if phrase in extraction.text] == []
    assert [phrase for phrase in case.legit if phrase not in extraction.text] == []
    assert bool(extraction.spam) == case.record


@pytest.mark.parametrize("case", PAGES, ids=lambda case: case.name)
def test_never_worse_than_plain_trafilatura(case):
    ours = extract_page(case.body, case.url).text
    theirs = trafilatura.extract(case.body, include_tables=True) or ""
    assert sum(phrase in ours for phrase in case.legit) >= sum(phrase in theirs for phrase in case.legit)
    assert sum(phrase in ours for phrase in case.spam) <= sum(phrase in theirs for phrase in case.spam)


def test_info_lines_give_the_dates_and_issuer_and_leave_the_text():
    by_name = {case.name: case for case in held.GENUINE}
    expected = {
        "police_gbk_table": ("2024-01-30", "县公安局"),
        "education_font_table": ("2024-01-19", "区教育局"),
        "tax_article_content": ("2024-01-25", "新林县税务局"),
        "culture_zoom": ("2024-01-22", "澄江市文化广电旅游局"),
    }
    for name, (published, issuer) in expected.items():
        extraction = extract_page(by_name[name].body, by_name[name].url)
        assert (extraction.published_date, extraction.issuer) == (published, issuer), name


# --- the held-out portal, crawled by the real command ---------------------------------------------


class PortalServer:
    """The held-out portal on 127.0.0.1 (a free port), in a thread."""

    def __init__(self, pages: dict[str, tuple[bytes, str]]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                found = pages.get(self.path.split("?", 1)[0])
                if found is None:
                    self.send_error(404)
                    return
                body, content_type = found
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


@pytest.fixture
def portal() -> Iterator[PortalServer]:
    server = PortalServer(held.site())
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_the_held_out_portal_is_crawled_whole(portal, tmp_path):
    """`govreports crawl` stores every report: the ordinary one, both stubs filled from their files with
    their pages' metadata (one-line info blocks), and the report whose hidden spam is removed."""
    db_path = tmp_path / "corpus.db"
    command = [sys.executable, "-m", "crawler.cli", "crawl", portal.url("/"), "--db", str(db_path)]
    done = subprocess.run(
        [*command, "--render", "never", "--ocr", "never"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    database = corpus.open_db(db_path)
    stored = {row["url"]: dict(row) for row in queries.iter_reports(database)}
    sources = {url: {source["url"] for source in queries.sources_of(database, url)} for url in stored}
    database.close()
    paths = [held.ORDINARY_PATH, held.DOCX_STUB_PATH, held.PDF_STUB_PATH, held.SPAM_PATH]
    assert set(stored) == {portal.url(path) for path in paths}
    ordinary = stored[portal.url(held.ORDINARY_PATH)]
    assert all(line in ordinary["text"] for line in held.ORDINARY) and not ordinary["compromised"]
    docx_stub = stored[portal.url(held.DOCX_STUB_PATH)]
    assert docx_stub["text"].split("\n")[-len(held.DOCX_TEXT) :] == held.DOCX_TEXT
    assert docx_stub["report_file"] == portal.url(held.DOCX_PATH) and docx_stub["title"] == held.DOCX_TITLE
    assert (docx_stub["index_no"], docx_stub["issuer"], docx_stub["published_date"]) == (
        "SY-NYJ-2024-0007",
        "松原县农业农村局",
        "2024-01-22",
    )
    pdf_stub = stored[portal.url(held.PDF_STUB_PATH)]
    assert all(line in pdf_stub["text"] for line in held.PDF_TEXT) and "附件" not in pdf_stub["text"]
    assert pdf_stub["report_file"] == portal.url(held.PDF_PATH)
    for stub, file in ((docx_stub, held.DOCX_PATH), (pdf_stub, held.PDF_PATH)):
        assert sources[stub["url"]] == {stub["url"], portal.url(file)}
    assert (pdf_stub["issuer"], pdf_stub["written_date"], pdf_stub["published_date"]) == (
        "松原县应急管理局",
        "2024-01-25",
        "2024-01-26",
    )
    spammed = stored[portal.url(held.SPAM_PATH)]
    assert all(line in spammed["text"] for line in held.SPAM_REPORT) and spammed["compromised"]
    assert [word for word in held.SPAM_WORDS if word in spammed["text"]] == []
