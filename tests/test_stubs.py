"""Stub report pages (issue #14): a page whose text is a lead to 附件 and its DOCX/PDF are one report —
the page's URL, title and metadata, the file's text, both URLs among its sources — over a real crawl
of the demo portal, through re-extraction from the stored captures, and as pure functions."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.corpus.dedupe import canonical_url
from crawler.corpus.reextract import reextract_corpus
from crawler.crawl.config import CrawlConfig
from crawler.crawl.items import ReportItem
from crawler.crawl.runner import crawl_settings
from crawler.demo import build_site
from crawler.demo.model import Page
from crawler.extract.dispatch import extract_item, fill_stub
from crawler.extract.record import Fetch
from pipelines.store import StorePipeline
from spiders.reports import ReportsSpider

SITE = build_site()


def _outcome(path: str, parent: str | None = None):
    page = SITE.pages[path]
    fetch = Fetch("http://127.0.0.1:9" + path, content_type=page.content_type, parent_url=parent)
    return extract_item(page.body, fetch)


def test_a_stub_page_is_a_report_pointing_to_its_file_and_its_lead_is_its_text():
    for stub in SITE.stubs:
        report = _outcome(stub.path).report
        assert report is not None and report.report_file == "http://127.0.0.1:9" + stub.file_path
        assert "详见附件" in report.text  # never empty: the lead, until the file fills it
        assert (report.index_no, report.issuer) == (stub.index_no, stub.issuer)


def test_fill_stub_takes_the_files_text_and_keeps_the_pages_metadata():
    for stub in SITE.stubs:
        page = _outcome(stub.path).report
        assert page is not None
        file = _outcome(stub.file_path, parent=page.url).report
        assert file is not None and file.attachment_of == page.url
        report = fill_stub(page, file)
        assert report.url == page.url and report.title == stub.title
        assert report.text == stub.text
        assert (report.index_no, report.issuer) == (stub.index_no, stub.issuer)
        assert (report.written_date, report.published_date) == (stub.written_date, stub.published_date)
        assert report.sources["text"] == "attachment" and report.report_file == file.url
        assert report.file_kind == file.kind and report.attachment_of is None
        assert report.content_hash != page.content_hash and report.signature != page.signature


def test_a_full_report_page_that_links_its_pdf_is_no_stub():
    twin = next(f for f in SITE.files if f.twin_of)
    report = _outcome(twin.twin_of).report
    assert report is not None and report.report_file is None


@deferred_f_from_coro_f
async def test_the_crawl_stores_each_stub_as_one_report_with_its_files_text(
    demo_server, fast_settings, tmp_path
):
    db_path = tmp_path / "corpus.db"
    crawler = get_crawler(ReportsSpider, fast_settings(db_path, GOVREPORTS_RENDER="never"))
    await crawler.crawl_async(seeds=demo_server.url("/"))
    database = corpus.open_db(db_path)
    stored = {row["url"]: row for row in queries.iter_reports(database)}
    for stub in SITE.stubs:
        url, file_url = (
            canonical_url(demo_server.url(stub.path)),
            canonical_url(demo_server.url(stub.file_path)),
        )
        row = stored[url]
        assert file_url not in stored
        assert row["text"] == stub.text and row["report_file"] == file_url
        assert (row["title"], row["report_year"], row["index_no"], row["issuer"]) == (
            stub.title,
            stub.report_year,
            stub.index_no,
            stub.issuer,
        )
        assert {source["url"] for source in queries.sources_of(database, url)} == {url, file_url}
        assert [a["url"] for a in queries.attachments_of(database, url)] == [file_url]
    # re-extraction from the stored captures fills the stubs again: nothing changes
    database.execute("update reports set text = 'x' where report_file is not null")
    reextract_corpus(database)
    again = {row["url"]: row for row in queries.iter_reports(database)}
    for stub in SITE.stubs:
        assert again[canonical_url(demo_server.url(stub.path))]["text"] == stub.text
    database.close()


@deferred_f_from_coro_f
async def test_a_stub_whose_file_never_came_is_filled_by_the_next_run(demo_server, fast_settings, tmp_path):
    """A crawl ending before a stub's file came (the file failed, a budget, Ctrl-C) stores the stub with
    its lead, but not its capture: the next run fetches the page again and fills it from its file. (With
    the capture stored, that run took the page for stored and the stub kept its lead for good.)"""
    stub = SITE.stubs[0]
    url = canonical_url(demo_server.url(stub.path))
    db_path = tmp_path / "corpus.db"
    demo_server.add_route(stub.file_path, lambda path: Page(path, b"gone", "text/plain", status=404))
    try:
        crawler = get_crawler(ReportsSpider, fast_settings(db_path, GOVREPORTS_RENDER="never"))
        await crawler.crawl_async(seeds=demo_server.url(stub.path))
    finally:
        del demo_server.routes[stub.file_path]
    database = corpus.open_db(db_path)
    first = {row["url"]: row for row in queries.iter_reports(database)}[url]
    assert first["text"] != stub.text and "附件" in first["text"]  # its own lead
    assert corpus.stored_capture(database, url) is None
    database.close()
    crawler = get_crawler(ReportsSpider, fast_settings(db_path, GOVREPORTS_RENDER="never"))
    await crawler.crawl_async(seeds=demo_server.url(stub.path))
    database = corpus.open_db(db_path)
    assert {row["url"]: row for row in queries.iter_reports(database)}[url]["text"] == stub.text
    assert corpus.stored_capture(database, url) is not None
    database.close()


def _item(path: str, parent: str | None = None) -> ReportItem:
    page = SITE.pages[path]
    url = "http://127.0.0.1:9" + path
    item = ReportItem(url=url, body=page.body, content_type=page.content_type, parent_url=parent)
    outcome = extract_item(page.body, item.fetch, capture=True)
    item.report, item.capture = outcome.report, outcome.capture
    return item


@deferred_f_from_coro_f
async def test_a_held_stub_keeps_its_capture_until_its_file_fills_it():
    """A run killed while a stub waits must leave no capture of it: the next run fetches it again."""
    store = StorePipeline(get_crawler(ReportsSpider), CrawlConfig(store_batch_size=1000))
    stub = SITE.stubs[0]
    page = _item(stub.path)
    await store.process_item(page)
    assert (store.pending, store.pending_pages) == ([], [])
    await store.process_item(_item(stub.file_path, parent=page.url))
    (filled,) = store.pending
    assert filled.report.text == stub.text and filled.fetch == page.fetch
    assert [row["url"] for row in store.pending_pages] == [
        "http://127.0.0.1:9" + stub.file_path,
        page.url,
    ]


def test_a_stubs_file_written_a_batch_before_the_stub_waits_for_its_report(tmp_path):
    """Both holds at once (batches of one): the stub's file comes first and its batch is written before
    the stub has come, so the file and its capture are held (not written); the stub then comes, is
    filled from that file, and the next batch stores the report, its file and both captures."""
    stub = SITE.stubs[0]
    page = _item(stub.path)
    file = _item(stub.file_path, parent=page.url)
    settings = crawl_settings(str(tmp_path / "c.db"), {"GOVREPORTS_STORE_BATCH_SIZE": 1})
    crawler = get_crawler(ReportsSpider, settings)
    crawler.spider = ReportsSpider()
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    held: list[str] = []

    async def file_then_stub() -> None:
        await store.process_item(file)
        await store.wait_for_writer()  # the file's batch is written: no report for it yet
        held.extend(held_file.url for held_file in store.held.files)
        await store.process_item(page)
        await store.close_spider()

    # a loop of its own on another thread: the test's reactor already runs the asyncio loop here
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, file_then_stub()).result()
    store.record_run_end(crawler.spider, "finished")
    assert held == [file.url]
    assert "govreports/files_without_report" not in crawler.stats.get_stats()
    database = corpus.open_db(tmp_path / "c.db")
    (row,) = queries.iter_reports(database)
    assert (row["url"], row["text"], row["report_file"]) == (page.url, stub.text, file.url)
    assert [a["url"] for a in queries.attachments_of(database, page.url)] == [file.url]
    assert {capture["url"] for capture in queries.iter_pages(database, [page.url, file.url])} == {
        page.url,
        file.url,
    }
    database.close()
