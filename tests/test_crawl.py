"""End to end: a real Scrapy crawl over HTTP of the demo portal into a real SQLite file."""

from __future__ import annotations

from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.corpus.dedupe import canonical_url
from crawler.crawl.ledger import RunLedger
from spiders.reports import ReportsSpider


async def crawl(settings: dict, **spider_args) -> dict:
    crawler = get_crawler(ReportsSpider, settings)
    await crawler.crawl_async(**spider_args)
    assert crawler.stats is not None
    return {"stats": crawler.stats.get_stats(), "ledger": RunLedger.of(crawler)}


def stored_reports(db_path) -> dict[str, dict]:
    database = corpus.open_db(db_path, create=False)
    try:
        return {row["url"]: row for row in queries.iter_reports(database)}
    finally:
        database.close()


@deferred_f_from_coro_f
async def test_demo_crawl_stores_exactly_the_manifest(demo_server, demo_site, fast_settings, tmp_path):
    db_path = tmp_path / "corpus.db"
    result = await crawl(fast_settings(db_path), seeds=demo_server.url("/"))
    stored = stored_reports(db_path)
    assert set(stored) == {canonical_url(demo_server.url(path)) for path in demo_site.expected_report_paths()}
    expected = {canonical_url(demo_server.url(report.path)): report for report in demo_site.reports}
    decoys = {canonical_url(demo_server.url(decoy.path)) for decoy in demo_site.decoys}
    assert not decoys & set(stored)
    for url, report in expected.items():
        assert stored[url]["title"] == report.title
        assert stored[url]["report_year"] == report.report_year
        assert stored[url]["published_date"] == report.published_date
    assert result["stats"]["finish_reason"] == "finished"


@deferred_f_from_coro_f
async def test_the_crawl_is_focused_and_obeys_robots(demo_server, demo_site, fast_settings, tmp_path):
    before = len(demo_server.requests)
    await crawl(fast_settings(tmp_path / "corpus.db"), seeds=demo_server.url("/"))
    fetched = demo_server.requests[before:]
    assert "/robots.txt" in fetched
    assert not any(path.startswith(("/search", "/admin")) for path in fetched)
    pages = [path for path in fetched if not path.startswith("/images/") and "list.json" not in path]
    assert len(pages) < len(demo_site.pages)  # a focused crawl never walks the whole portal
    rendered = ("/zwgk/xz/hxz/", "/zwgk/bm/wjw/xxgknb/")  # a challenge and a script-filled list
    twice = {path for path in pages if pages.count(path) > 1}
    assert twice and all(path.startswith(rendered) for path in twice)  # nothing else fetched twice


@deferred_f_from_coro_f
async def test_gbk_pages_come_out_as_correct_text(demo_server, demo_site, fast_settings, tmp_path):
    db_path = tmp_path / "corpus.db"
    await crawl(fast_settings(db_path, GOVREPORTS_RENDER="never"), seeds=demo_server.url("/"))
    stored = stored_reports(db_path)
    gbk = [report for report in demo_site.reports if report.encoding == "gbk"]
    assert any(report.served_charset == "utf-8" for report in gbk)  # the wrong-header page is among them
    for report in gbk:
        row = stored[canonical_url(demo_server.url(report.path))]
        assert row["encoding"] == "gb18030"
        for phrase in report.must_have:
            assert phrase in row["text"], (report.path, phrase)


@deferred_f_from_coro_f
async def test_bad_seeds_are_reported_and_the_crawl_goes_on(demo_server, demo_site, fast_settings, tmp_path):
    db_path = tmp_path / "corpus.db"
    seeds = ["not-a-url", "http://127.0.0.1:1/", demo_server.url("/robots.txt"), demo_server.url("/")]
    result = await crawl(fast_settings(db_path, RETRY_TIMES=0), seeds=",".join(seeds))
    ledger = result["ledger"]
    assert ledger.seed_problems == ("seed 'not-a-url': not a URL (no http:// or https://)",)
    failures = sorted(ledger.seed_failures)
    assert len(failures) == 2
    assert failures[0].startswith("seed http://127.0.0.1:1/: unreachable (")
    assert (
        failures[1] == f"seed {demo_server.url('/robots.txt')}: not an HTML page (text/plain; charset=utf-8)"
    )
    assert all("\n" not in failure for failure in failures)
    assert len(stored_reports(db_path)) == len(demo_site.expected_report_paths())
    (run,) = queries.list_runs(corpus.open_db(db_path))
    assert "not-a-url" in run["errors"] and "127.0.0.1:1" in run["errors"]


@deferred_f_from_coro_f
async def test_no_remote_control_or_telnet_port(demo_server, fast_settings, tmp_path):
    from crawler.crawl import settings as project_settings

    assert project_settings.REMOTE_CONTROL_ENABLED is False
    assert project_settings.TELNETCONSOLE_ENABLED is False
    crawler = get_crawler(ReportsSpider, fast_settings(tmp_path / "c.db", GOVREPORTS_RENDER="never"))
    await crawler.crawl_async(seeds=demo_server.url("/zwgk/xxgknb/"))
    assert crawler.extensions is not None
    names = {type(extension).__name__ for extension in crawler.extensions.middlewares}
    assert not names & {"RemoteControl", "TelnetConsole"}
    assert "ProgressLine" not in names  # off unless the CLI asks for it


@deferred_f_from_coro_f
async def test_file_reports_and_a_report_with_its_pdf(demo_server, demo_site, fast_settings, tmp_path):
    db_path = tmp_path / "corpus.db"
    settings = fast_settings(db_path, GOVREPORTS_RENDER="never", GOVREPORTS_OCR="auto")
    result = await crawl(settings, seeds=demo_server.url("/"))
    stored = stored_reports(db_path)
    database = corpus.open_db(db_path)
    for file in demo_site.files:
        url = canonical_url(demo_server.url(file.path))
        if file.twin_of is not None:  # one report, two files: the page and its PDF
            report_url = canonical_url(demo_server.url(file.twin_of))
            assert url not in stored
            (attachment,) = queries.attachments_of(database, report_url)
            assert attachment["url"] == url and attachment["kind"] == "pdf"
            assert all(phrase in attachment["text"] for phrase in file.must_have)
            continue
        row = stored[url]
        assert (row["title"], row["report_year"], row["kind"]) == (file.title, file.report_year, file.kind)
        assert bool(row["scanned"]) == file.scanned
        assert all(phrase in row["text"] for phrase in file.must_have)
        if file.scanned:  # read by OCR: text, tables and checks, its confidence kept
            assert row["ocr_confidence"] > 0.9 and row["sources"]["text"] == "ocr"
            assert {"table2", "table3", "table4"} <= set(row["tables"])
            assert row["checks"] and all(check["status"] == "pass" for check in row["checks"])
        assert [a["url"] for a in queries.attachments_of(database, url)] == [url]
    assert result["stats"]["govreports/extract/attachment_failed"] == 1  # the truncated PDF, dropped
