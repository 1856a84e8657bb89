"""Reports published as ``<img>`` pages (issue #19, item 2): which images of a page are pages of its report,
one report made of the page and its images, and real crawls of the demo portal's image report (its
education bureau's 2024 report, two drawn pages, a logo and an ornament beside them). OCR is slow: one
crawl reads the two pages; the others run with OCR off."""

from __future__ import annotations

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler
from test_crawl import stored_reports

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.corpus.dedupe import canonical_url
from crawler.demo import DemoServer, build_site, scans
from crawler.extract.dispatch import extract_item
from crawler.extract.files import ocr
from crawler.extract.imagepages import PageImage, report_images
from crawler.extract.record import Fetch
from spiders.reports import ReportsSpider

BASE = "http://127.0.0.1:9"
SITE = build_site()
(IMAGE_REPORT,) = SITE.image_reports

needs_ocr = pytest.mark.skipif(
    not (scans.have_cjk_font() and ocr.available()), reason="needs a CJK font and rapidocr-onnxruntime"
)


def _page(paths_and_tags: str, *, lead: str = "") -> str:
    return f"""<html><head><title>青岚县教育局2024年度政府信息公开工作年度报告</title></head><body>
<div class="header"><img src="/images/top.jpg"></div>
<div class="TRS_Editor"><p>{lead}</p>{paths_and_tags}</div>
<div class="footer"><img src="/images/police.png"></div></body></html>"""


# ---------------------------------------------------------------- which images are pages


def test_the_demo_articles_pages_are_found_and_its_logo_and_ornament_are_not():
    page = SITE.pages[IMAGE_REPORT.path]
    urls = report_images(page.body.decode("utf-8"), BASE + IMAGE_REPORT.path)
    # the logo by its class and size; the ornament (no attribute at all) by its place: before the image
    # the article numbers as its page 1
    assert urls == [BASE + path for path in IMAGE_REPORT.image_paths]
    assert BASE + IMAGE_REPORT.logo_path not in urls and BASE + IMAGE_REPORT.ornament_path not in urls


def test_a_page_image_with_no_attributes_is_a_page():
    tags = '<img src="W0201.png"><img src="W0202.jpg"><img src="W0203.jpg">'
    urls = report_images(_page(tags), "http://www.qinglan.gov.cn/a/t1.html")
    assert urls == [
        f"http://www.qinglan.gov.cn/a/W020{n}.{ext}" for n, ext in ((1, "png"), (2, "jpg"), (3, "jpg"))
    ]


@pytest.mark.parametrize(
    ("tags", "pages"),
    [
        # numbered from 1 in order: what comes before page 1 is none of its pages
        ('<img src="o.png"><img src="a.jpg" alt="报告第1页"><img src="b.jpg" alt="报告第2页">', "ab"),
        ('<img src="o.png"><img src="a.jpg" title="第 1 页"><img src="b.jpg" title="第2页/共2页">', "ab"),
        ('<img src="o.png"><img src="a.jpg" alt="Page 1"><img src="b.jpg" alt="page 2">', "ab"),
        # a page after page 1 whose alt the editor left out is still a page
        (
            '<img src="o.png"><img src="a.jpg" alt="第1页"><img src="b.jpg"><img src="c.jpg" alt="第2页">',
            "abc",
        ),
        ('<img src="a.jpg" alt="第1页"><img src="b.jpg" alt="第2页"><img src="c.jpg">', "abc"),
        # numbers not 1, 2, 3… in order say nothing: every image is kept
        ('<img src="o.png"><img src="a.jpg" alt="第2页"><img src="b.jpg" alt="第3页">', "oab"),
        ('<img src="o.png"><img src="a.jpg" alt="第2页"><img src="b.jpg" alt="第1页">', "oab"),
        ('<img src="o.png"><img src="a.jpg" alt="报告"><img src="b.jpg" alt="报告">', "oab"),
    ],
)
def test_an_image_before_the_numbered_page_one_is_no_page(tags, pages):
    urls = report_images(_page(tags), "http://www.qinglan.gov.cn/a/t1.html")
    names = {"o": "o.png", "a": "a.jpg", "b": "b.jpg", "c": "c.jpg"}
    assert urls == [f"http://www.qinglan.gov.cn/a/{names[key]}" for key in pages]


def test_pages_of_text_have_no_image_pages():
    for report in SITE.reports[:6]:
        page = SITE.pages[report.path]
        assert report_images(page.body.decode("utf-8", "replace"), BASE + report.path) == []


@pytest.mark.parametrize(
    "tag",
    [
        '<img src="qrcode.png">',
        '<img src="a.png" class="share-weixin">',
        '<img src="p.jpg" width="120" height="90">',
        '<img src="p.jpg" style="width:64px;height:64px">',
        '<img src="p.jpg" alt="扫码关注二维码">',
        '<img src="http://cdn.example.com/p1.jpg">',  # another site
        '<img src="data:image/png;base64,AAAA">',
        '<img src="seal.svg">',
        '<img src="/images/line.gif">',
        '<img src="title_bg.png">',
        '<img src="/images/fgx2.jpg">',
    ],
)
def test_decorations_and_other_sites_images_are_no_pages(tag):
    assert report_images(_page(tag), "http://www.qinglan.gov.cn/a/t1.html") == []


def test_an_article_of_text_with_a_picture_is_no_image_report():
    lead = "2024年，我局围绕招生入学、学生资助和校园安全公开政府信息。" * 10
    page = _page('<img src="W1.jpg">', lead=lead)
    assert report_images(page, "http://www.qinglan.gov.cn/a/t1.html") == []


def test_a_linked_larger_version_lazy_sources_and_a_sibling_host_are_taken_in_order():
    tags = (
        '<a href="big1.jpg"><img src="thumb1.jpg"></a>'
        '<img data-original="p2.png" src="/images/loading.gif">'
        '<img src="http://file.qinglan.gov.cn/up/p3.jpg">'
        '<img src="big1.jpg">'
    )
    urls = report_images(_page(tags, lead="（图片版）"), "http://www.qinglan.gov.cn/a/t1.html")
    assert urls == [
        "http://www.qinglan.gov.cn/a/big1.jpg",
        "http://www.qinglan.gov.cn/a/p2.png",
        "http://file.qinglan.gov.cn/up/p3.jpg",
    ]


# ---------------------------------------------------------------- one report of the page and its images


def _fetched(*, missing: str | None = None) -> list[PageImage]:
    paths = (IMAGE_REPORT.ornament_path, *IMAGE_REPORT.image_paths)
    return [
        PageImage(BASE + path, failure="HTTP 404")
        if path == missing
        else PageImage(BASE + path, SITE.pages[path].body)
        for path in paths
    ]


def test_without_ocr_the_page_and_its_images_are_one_scanned_report_with_the_pages_metadata():
    page = SITE.pages[IMAGE_REPORT.path]
    fetch = Fetch(BASE + IMAGE_REPORT.path, content_type=page.content_type)
    assert extract_item(page.body, fetch).report is None  # alone, the page says too little
    outcome = extract_item(page.body, fetch, images=_fetched(missing=IMAGE_REPORT.image_paths[1]))
    report = outcome.report
    assert report is not None and report.url == fetch.url and report.title == IMAGE_REPORT.title
    assert (report.scanned, report.pages, report.file_kind, report.ocr_confidence) == (True, 1, "image", None)
    assert (report.index_no, report.issuer) == (IMAGE_REPORT.index_no, IMAGE_REPORT.issuer)
    assert (report.written_date, report.published_date) == (
        IMAGE_REPORT.written_date,
        IMAGE_REPORT.published_date,
    )
    assert report.report_year == IMAGE_REPORT.report_year and report.content_hash
    notes = report.sources["images"]
    assert f"{BASE}{IMAGE_REPORT.image_paths[1]}: not fetched (HTTP 404)" in notes
    assert f"{BASE}{IMAGE_REPORT.ornament_path}: 360x24 px, not a page" in notes
    assert outcome.counters.count("image_failed") == 1 and outcome.counters.count("image_rejected") == 1


# ---------------------------------------------------------------- real crawls


@needs_ocr
@deferred_f_from_coro_f
async def test_the_crawl_stores_the_image_report_once_with_its_ocr_text_and_tables(
    demo_server, fast_settings, tmp_path
):
    db_path = tmp_path / "corpus.db"
    settings = fast_settings(db_path, GOVREPORTS_RENDER="never", GOVREPORTS_OCR="auto")
    before = len(demo_server.requests)
    crawler = get_crawler(ReportsSpider, settings)
    await crawler.crawl_async(seeds=demo_server.url("/zwgk/bm/jyj/xxgknb/"))
    fetched = demo_server.requests[before:]
    stored = stored_reports(db_path)
    row = stored[canonical_url(demo_server.url(IMAGE_REPORT.path))]
    assert row["title"] == IMAGE_REPORT.title and row["report_year"] == IMAGE_REPORT.report_year
    assert (row["index_no"], row["issuer"]) == (IMAGE_REPORT.index_no, IMAGE_REPORT.issuer)
    assert all(phrase in row["text"] for phrase in IMAGE_REPORT.must_have)
    lines = IMAGE_REPORT.text.split("\n")
    assert sum(line in row["text"] for line in lines) >= len(lines) - 3  # OCR misreads a character or two
    assert row["scanned"] == 1 and row["ocr_confidence"] > 0.9
    assert row["sources"]["text"] == row["sources"]["tables"] == "ocr"
    assert row["sources"]["ocr"].startswith("rapidocr p1=") and " p2=" in row["sources"]["ocr"]  # two pages
    assert {"table2", "table3", "table4"} <= set(row["tables"])
    assert row["tables"]["table3"]["new"]["total"]["value"] == 10
    assert row["checks"] and all(check["status"] == "pass" for check in row["checks"])
    # none of the images is a report; its pages are fetched once each, the logo and the ornament never
    images = {canonical_url(demo_server.url(p)) for p in IMAGE_REPORT.image_paths}
    assert not images & set(stored)
    assert [fetched.count(path) for path in IMAGE_REPORT.image_paths] == [1, 1]
    assert IMAGE_REPORT.logo_path not in fetched and IMAGE_REPORT.ornament_path not in fetched
    assert "images" not in row["sources"]  # nothing left out
    stats = crawler.stats.get_stats()
    assert stats["govreports/pages/image_report"] == 1 and stats["govreports/pages/image"] == 2
    assert "govreports/extract/image_rejected" not in stats
    # reextract cannot read the images again (only the page is captured): the report stays as stored
    from click.testing import CliRunner

    from crawler.cli import main

    for flags in ([], ["--ocr"]):
        result = CliRunner().invoke(main, ["reextract", "--db", str(db_path), *flags])
        assert result.exit_code == 0 and "kept as stored: 1 (text " in result.output, result.output
        again = stored_reports(db_path)[canonical_url(demo_server.url(IMAGE_REPORT.path))]
        assert (again["text"], again["tables"], again["scanned"]) == (row["text"], row["tables"], 1)


@deferred_f_from_coro_f
async def test_an_image_page_that_404s_still_gives_the_report_with_a_finding(fast_settings, tmp_path):
    site = build_site()
    missing = IMAGE_REPORT.image_paths[0]
    del site.pages[missing]
    server = DemoServer(site).start()
    try:
        db_path = tmp_path / "corpus.db"
        crawler = get_crawler(ReportsSpider, fast_settings(db_path, GOVREPORTS_RENDER="never", RETRY_TIMES=0))
        await crawler.crawl_async(seeds=server.url("/zwgk/bm/jyj/xxgknb/"))
        assert server.requests.count(missing) == 1
        url = canonical_url(server.url(IMAGE_REPORT.path))
    finally:
        server.stop()
    stored = stored_reports(db_path)
    row = stored[url]
    assert row["scanned"] == 1 and row["title"] == IMAGE_REPORT.title
    assert f"{server.url(missing)}: not fetched (HTTP 404)" in row["sources"]["images"]
    database = corpus.open_db(db_path, create=False)
    (run,) = queries.list_runs(database)
    dropped = queries.dropped_pages(database, run["id"])
    assert any(
        page["url"] == server.url(missing)
        and page["reason"] == "failed"
        and IMAGE_REPORT.path in page["detail"]
        for page in dropped
    )
    assert crawler.stats.get_stats()["govreports/pages/image_failed"] == 1
