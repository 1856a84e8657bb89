"""The reading room on datasette (`govreports browse`), over a corpus from a real crawl of the demo portal:
a report page a person can read (checked in headless Debian chromium, with a screenshot), facets, the
CLI's search behind the search box, charts, and one `error:` line on a busy port."""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import urllib.parse
import urllib.request
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from crawler.corpus import browse
from crawler.corpus import db as corpus
from crawler.corpus.browse import plugin
from crawler.corpus.search import search_reports

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent")
# Queries datasette's own search finds nothing for (two characters; traditional script).
CLI_ONLY_QUERIES = ("复议", "公開條例")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Path:
    """A corpus from `govreports demo`: the demo portal served and crawled for real."""
    db_path = tmp_path_factory.mktemp("readingroom") / "corpus.db"
    command = [sys.executable, "-m", "crawler.cli", "demo", "--port", "0", "--db", str(db_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return db_path


@pytest.fixture(scope="module")
def room(crawled, tmp_path_factory):
    """The base URL of the reading room on the crawled corpus; stopped afterwards."""
    port = browse.free_port()
    with open(tmp_path_factory.mktemp("log") / "datasette.log", "wb") as log:
        process = browse.start_datasette(crawled, port, log=log)
        try:
            browse.wait_until_ready(browse.url_of(port), process)
            yield browse.url_of(port).rstrip("/")
        finally:
            browse.stop(process)


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.load(response)


def table_json(base: str, **params: str) -> dict:
    return get_json(f"{base}/corpus/reports.json?{urllib.parse.urlencode(params)}")


def known_report(demo_site, crawled):
    """The demo county government's latest report on the 2021 template, an HTML page, and its URL as
    stored."""
    report = max(
        (r for r in demo_site.reports if r.level == "县" and r.template_version == "2021"),
        key=lambda r: r.report_year,
    )
    database = corpus.open_db(crawled, create=False)
    (url,) = database.execute("select url from reports where title = ?", [report.title]).fetchone()
    database.close()
    return report, url


@pytest.mark.parametrize("query", CLI_ONLY_QUERIES)
def test_the_search_box_finds_what_the_cli_finds(room, crawled, query):
    database = corpus.open_db(crawled, create=False)
    cli_urls = {hit["url"] for hit in search_reports(database, query, limit=1000)}
    database.close()
    shown = table_json(room, _search=query, _shape="array", _size="max", _col="title")
    assert cli_urls and {row["url"] for row in shown} == cli_urls


def test_the_reports_table_has_facets_by_year_level_region_and_template(room):
    facets = table_json(room, _size="1")["facet_results"]
    assert {"report_year", "level", "region", "template_version"} <= set(facets)


def test_rename_search_keeps_every_other_parameter():
    renamed = plugin.rename_search(b"_search=%E5%A4%8D&_facet=level&_searchmode=raw")
    assert renamed == b"_govsearch=%E5%A4%8D&_facet=level&_searchmode=raw"


def test_charts_and_their_numbers(room, demo_site):
    with urllib.request.urlopen(f"{room}/-/charts", timeout=20) as response:
        page = response.read().decode()
    assert page.count("<svg xmlns='http://www.w3.org/2000/svg' role='img'") == 4
    county = next(r for r in demo_site.reports if r.level == "县")
    assert f"<title>{county.body} {county.report_year}: 1</title>" in page  # a coverage cell
    trend = get_json(f"{room}/corpus/trend_requests_reviews_litigation.json?_shape=array")
    assert sum(row["requests"] or 0 for row in trend) > 0
    assert sum(row["reviews"] or 0 for row in trend) > 0
    per_year = get_json(f"{room}/corpus/reports_per_year_and_level.json?_shape=array")
    assert sum(row["reports"] for row in per_year) == len(demo_site.expected_report_paths())


def in_browser(check, *args):
    """Run ``check(page, *args)`` in headless chromium, in a thread of its own (Playwright's sync API
    refuses to run where an asyncio loop is running)."""

    def run():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                return check(browser.new_page(viewport={"width": 1000, "height": 1000}), *args)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=120)


def png_pixels(png: bytes) -> tuple[int, int, bytes]:
    """Width, height and the inflated image data (filter bytes included) of a PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, size = 8, b"", (0, 0)
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            size = struct.unpack(">II", data[:8])
        elif kind == b"IDAT":
            idat += data
        position += 12 + length
    return size[0], size[1], zlib.decompress(idat)


def read_a_report(page, base: str, title: str, paragraph: str, new_requests: str, shot: Path) -> dict:
    """Find a report through the search box, follow its title to the report page, look at it."""
    page.goto(f"{base}/corpus/reports")
    page.fill("input[name=_search]", title)
    page.press("input[name=_search]", "Enter")
    page.wait_for_load_state()
    page.locator("a.govreports-read", has_text=title).first.click()
    page.wait_for_load_state()
    new_row = page.locator("#statistics-table3 tr", has_text="本年新收政府信息公开申请数量")
    total_cell = new_row.locator("td").last
    total_cell.scroll_into_view_if_needed()
    shown = {
        "url": page.url,
        "heading": page.inner_text("h1"),
        "paragraph_visible": page.locator(".report-text p", has_text=paragraph).first.is_visible(),
        "cell_text": total_cell.inner_text(),
        "cell_visible": total_cell.is_visible(),
        "check_rows": page.locator("table.checks tbody tr").count(),
    }
    page.locator(".report-text p", has_text=paragraph).first.scroll_into_view_if_needed()
    page.screenshot(path=str(shot))
    return shown


@needs_chromium
def test_a_report_reads_as_a_report_in_chromium(room, crawled, demo_site, tmp_path):
    report, url = known_report(demo_site, crawled)
    paragraph = next(line for line in report.text.split("\n") if len(line) > 40)
    new_requests = str(report.tables["table3"]["rows"]["new"][-1])
    shot = tmp_path / "report.png"
    shown = in_browser(read_a_report, room, report.title, paragraph[:40], new_requests, shot)
    assert shown["url"].startswith(f"{room}/-/report?")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(shown["url"]).query)["url"] == [url]
    assert shown["heading"] == report.title
    assert shown["paragraph_visible"]
    assert shown["cell_visible"] and shown["cell_text"] == new_requests
    assert shown["check_rows"] > 0
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (1000, 1000)
    assert shot.stat().st_size > 20_000
    assert len(set(pixels)) > 32  # not a blank page: text, table borders, links


def test_browse_on_a_busy_port_is_one_error_line(crawled):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        port = occupant.getsockname()[1]
        command = [sys.executable, "-m", "crawler.cli", "browse", "--db", str(crawled), "--port", str(port)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"error: port {port} on 127.0.0.1 is in use (Address already in use); pick another with --port"
    ]


def test_restore_search_undoes_the_rename_in_redirects():
    assert plugin.restore_search(b"/corpus/reports?_govsearch=%E5%A4%8D&_sort=url") == (
        b"/corpus/reports?_search=%E5%A4%8D&_sort=url"
    )
    assert plugin.restore_search(b"/corpus/reports") == b"/corpus/reports"


def test_text_blocks_keep_paragraphs_headings_and_grids_apart():
    from crawler.corpus.browse.reading import text_blocks

    blocks = text_blocks("导语一段。\n一、总体情况\n第一段。\n\n| 规章 | 0 |\n| 规范性文件 | 7 |\n第二段。")
    assert [block.kind for block in blocks] == ["paragraph", "heading", "paragraph", "grid", "paragraph"]
    assert blocks[3].rows == (("规章", "0"), ("规范性文件", "7"))


def test_statistics_tables_carry_the_templates_labels():
    from crawler.corpus.browse.reading import statistics_tables

    review = {"upheld": {"raw": "1", "value": 1}, "total": {"raw": "—", "value": None}}
    stored = {"table4": {"review": review}}
    (table,) = statistics_tables(json.dumps(stored), "2021")
    assert table.columns == ["", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert table.rows == [("行政复议", ["1", "", "", "", "—"])]


def test_the_reading_room_names_every_row_as_the_tidy_export_does():
    """One source of labels: the room's tables and the ``statistics`` export agree on every key,
    including the 2008 indicators whose wording the two once disagreed on."""
    from crawler.corpus.browse.reading import statistics_tables
    from crawler.extract.tables import labels

    cell = {"raw": "3", "value": 3}
    stored = {
        "indicators": {"answers_total": cell, "staff_full_time": cell, "unlabelled_key": cell},
        "table3": {key: {"total": cell} for key in labels.TABLE3_ROW_LABELS},
        "table2": {"other_services": {"made": cell}},
    }
    tables = {table.key: table for table in statistics_tables(json.dumps(stored), "2021")}
    shown = [label for label, _ in tables["indicators"].rows]
    assert shown == ["对申请的答复数", "政府信息公开专职人员数", "unlabelled_key"]
    assert [label for label, _ in tables["table3"].rows] == list(labels.TABLE3_ROW_LABELS.values())
    # a 2019-only row in a 2021 report keeps the 2019 template's name rather than its key
    assert tables["table2"].rows[0][0] == "其他对外管理服务事项"


def test_chart_labels_are_escaped():
    from crawler.corpus.browse.charts import coverage_grid, stacked_bars

    hostile = "<script>x()</script>"
    assert "<script>" not in coverage_grid([(hostile, 2020, 1)], hostile)
    assert "<script>" not in stacked_bars([(2020, hostile, 1)], "reports")
