"""Report records: which source wins when block, <meta>, text and URL disagree, the `sources` each record
keeps, the seed's hints, and the statistics (tables, checks, template) of demo pages and files."""

from __future__ import annotations

import asyncio
import dataclasses
import pickle
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler
from test_tables import expected_tables, numbers

from crawler.corpus import db as corpus
from crawler.corpus import dedupe, queries
from crawler.corpus.export import export_records
from crawler.corpus.rows import stored_of_row
from crawler.crawl.items import ReportItem
from crawler.crawl.runner import crawl_settings
from crawler.demo import DemoSite
from crawler.demo.attachments import attachment_fixtures
from crawler.extract import provenance
from crawler.extract.dispatch import capture_of, extract_item, finish_report, with_identity
from crawler.extract.files.attachment import AttachmentText
from crawler.extract.files.read import extract_attachment
from crawler.extract.page import attachment_record, extract_page
from crawler.extract.record import RECORD_KEYS, Fetch, Report, Stored, contract
from crawler.extract.tables.statistics import Statistics
from pipelines.dedupe import UrlDedupePipeline
from pipelines.store import StorePipeline

TITLE = "青岚县2023年政府信息公开工作年度报告"
URL = "http://www.qinglan.gov.cn/zwgk/xxgknb/202403/t20240320_1.html"
CONTENT = "<p>一、总体情况</p><p>青岚县人民政府认真贯彻落实《条例》，全年主动公开政府信息1200条。</p>"


def page(
    *,
    block: str | None = None,
    meta: str | None = None,
    text: str | None = None,
    title: str = TITLE,
    meta_title: bool = False,
    content: str = CONTENT,
) -> bytes:
    """A report page whose publishing date each source may state differently."""
    head = f'<meta name="PubDate" content="{meta}">' if meta else ""
    head += f'<meta name="ArticleTitle" content="{title}">' if meta_title else ""
    block_html = (
        '<table class="xxgk"><tr><td>索 引 号：</td><td>000014348/2024-00012</td>'
        f"<td>发布日期：</td><td>{block}</td></tr></table>"
        if block
        else ""
    )
    info = f'<div class="info">时间：{text}　来源：县政府办</div>' if text else ""
    return (
        f"<html><head><title>{title}_青岚县人民政府</title>{head}</head><body>{block_html}"
        f'<h1>{title}</h1>{info}<div id="zoom">{content}</div></body></html>'
    ).encode()


def published(body: bytes, url: str = URL) -> tuple[str | None, str | None]:
    extraction = extract_page(body, url)
    return extraction.published_date, extraction.sources.get("published_date")


# ------------------------------------------------------------------------------------- precedence


def test_block_wins_over_meta_text_and_url():
    assert published(page(block="2024-03-22", meta="2024-03-21", text="2024-03-23")) == (
        "2024-03-22",
        "block",
    )


def test_meta_wins_over_text_and_url():
    assert published(page(meta="2024-03-21 09:30", text="2024-03-23")) == ("2024-03-21", "meta")


def test_text_wins_over_url():
    assert published(page(text="2024年3月23日")) == ("2024-03-23", "text")


def test_url_is_the_last_fallback():
    assert published(page()) == ("2024-03-20", "url")


def test_no_source_no_value_and_no_source_recorded():
    assert published(page(), "http://www.qinglan.gov.cn/zwgk/xxgknb/report.html") == (None, None)


def test_resolve_follows_the_precedence_whatever_the_order_given():
    candidates = {"url": {"x": "u"}, "text": {"x": "t", "y": "t"}, "meta": {"x": ""}, "block": {"z": "b"}}
    assert provenance.resolve(candidates, ["x", "y", "z", "w"]) == (
        {"x": "t", "y": "t", "z": "b"},
        {"x": "text", "y": "text", "z": "block"},
    )


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("http://a.gov.cn/xxgk/202403/t20240320_1.html", "2024-03-20"),
        ("http://a.gov.cn/art/2019-03/28/art_1.html", "2019-03-28"),
        ("http://a.gov.cn/c/20210115/12.html", "2021-01-15"),
        ("http://a.gov.cn/xxgk/202413/t20241340_1.html", None),
        ("http://a.gov.cn/xxgk/index_2.html", None),
    ],
)
def test_url_date(url, date):
    assert provenance.url_date(url) == date


def test_a_files_metadata_block_comes_from_its_text_and_its_date_from_the_url():
    text = f"{TITLE}\n索 引 号：\n000014348/2024-00012\n成文日期：2024年3月1日\n一、总体情况"
    document = AttachmentText(kind="pdf", text=text)
    record = contract(attachment_record(document, "http://a.gov.cn/xxgk/202403/t20240320_9.pdf", None))
    assert (record["index_no"], record["written_date"], record["published_date"]) == (
        "000014348/2024-00012",
        "2024-03-01",
        "2024-03-20",
    )
    assert record["sources"] == {
        "title": "text",
        "index_no": "text",
        "written_date": "text",
        "published_date": "url",
        "report_year": "title",
        "body": "title",
        "level": "title",
        "region": "title",
    }


def test_traditional_date_label_of_a_mirror_is_read():
    body = page().replace(b'<div id="zoom">', "<div>時間:2015-03-25 10:12</div><div id=zoom>".encode())
    assert published(body, "http://mirror.example/a.html") == ("2015-03-25", "text")


# ------------------------------------------------------------------------------------- title and body


@pytest.mark.parametrize(
    ("body", "source"),
    [
        (page(meta_title=True), "meta"),
        (page(), "heading"),
        (page().replace(f"<h1>{TITLE}</h1>".encode(), b""), "page_title"),
    ],
)
def test_title_source(body, source):
    extraction = extract_page(body, URL)
    assert (extraction.title, extraction.sources["title"]) == (TITLE, source)


def test_year_body_level_and_region_come_from_the_title():
    extraction = extract_page(page(title="2022年青岚县教育局政府信息公开工作年度报告"), URL)
    assert (extraction.report_year, extraction.body, extraction.level, extraction.region) == (
        2022,
        "青岚县教育局",
        "部门",
        "青岚县",
    )
    assert {extraction.sources[name] for name in ("report_year", "body", "level", "region")} == {"title"}


def test_year_and_body_from_the_text_when_the_title_lacks_them():
    content = "<p>特制定青岚县教育局2021年度政府信息公开工作年度报告如下。</p>" + CONTENT
    extraction = extract_page(page(title="政府信息公开工作年度报告", content=content), URL)
    assert (extraction.report_year, extraction.sources["report_year"]) == (2021, "text")
    assert (extraction.body, extraction.sources["body"]) == ("青岚县教育局", "text")


def test_township_county_from_the_site_name():
    body = page(title="石门镇2023年政府信息公开工作年度报告").replace(
        "_青岚县人民政府".encode(), "_青岚县石门镇人民政府".encode()
    )
    assert extract_page(body, URL).body == "青岚县石门镇人民政府"


def test_record_keys_extend_the_contract_in_order():
    record = contract(extract_page(page(), URL))
    assert list(record)[: len(RECORD_KEYS)] == list(RECORD_KEYS)
    assert RECORD_KEYS[:11][-2:] == ("spam", "tables")
    assert {"checks", "template_version", "raw_tables", "sources", "body", "level", "region"} <= set(record)


# ------------------------------------------------------------------------------------- seed hints


def test_seed_hints_win_and_are_recorded():
    record = Report(URL, body="青岚县教育局", level="部门", region="青岚县", sources={"body": "title"})
    hinted = provenance.with_seed_hints(record, {"body": "青岚县教育局（本级）", "region": "", "level": None})
    assert (hinted.body, hinted.sources["body"]) == ("青岚县教育局（本级）", "seed")
    assert (hinted.region, hinted.level) == ("青岚县", "部门")
    assert "region" not in hinted.sources and record.sources == {"body": "title"}


def stored_by_the_pipeline(tmp_path, items: list[ReportItem]) -> tuple[dict[str, dict[str, Any]], Any, int]:
    """Items through the store pipeline as a crawl would (no reactor): rows by URL, the db, the run id."""

    class Crawl(Spider):
        name = "records"

    crawler = get_crawler(Crawl, crawl_settings(str(tmp_path / "c.db")))
    crawler.spider = Crawl()
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()

    async def write_all() -> None:
        for item in items:
            await pipeline.process_item(item)
        await pipeline.close_spider()

    # a loop of its own on another thread: the test's reactor already runs the asyncio loop here
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, write_all()).result()
    run_id = pipeline.run_id
    pipeline.record_run_end(crawler.spider, "finished")
    database = corpus.open_db(tmp_path / "c.db")
    assert run_id is not None
    return {row["url"]: row for row in queries.iter_reports(database)}, database, run_id


def item(url: str, body: bytes, **seed: Any) -> ReportItem:
    """An item as the extraction pipeline hands it on (report with the seed's hints, content hash and
    signature; capture), for any page: the report gate is not what these tests are about."""
    fetched = ReportItem(url=url, body=body, capture=capture_of(body), **seed)
    fetched.report = finish_report(extract_page(body, url), fetched.fetch)
    return fetched


def test_store_fills_body_level_region_from_the_title_unless_the_seed_gives_them(tmp_path):
    plain = item(URL, page())
    seeded = item(URL.replace("_1", "_2"), page(), seed_body="青岚县政府办公室", seed_level="部门")
    rows, _, _ = stored_by_the_pipeline(tmp_path, [plain, seeded])
    first, second = rows[plain.url], rows[seeded.url]
    assert (first["body"], first["level"], first["region"]) == ("青岚县人民政府", "县", "青岚县")
    assert first["sources"]["body"] == "title"
    assert (second["body"], second["level"], second["region"]) == ("青岚县政府办公室", "部门", "青岚县")
    assert (second["sources"]["body"], second["sources"]["level"], second["sources"]["region"]) == (
        "seed",
        "seed",
        "title",
    )


def test_a_registry_seeds_division_code_is_a_hint_stored_and_read_back_as_one(tmp_path):
    """The national registry's division code travels like the other seed hints: the fetch's hint, the
    report's field (``sources``: seed), the stored column, and the fetch a stored report is read back
    as (so ``reextract`` keeps it)."""
    seeded = item(URL, page(), seed_body="青岚县人民政府", seed_level="县", seed_division_code="539923")
    assert seeded.fetch.hints["division_code"] == "539923"
    assert seeded.report is not None and seeded.report.division_code == "539923"
    rows, _, _ = stored_by_the_pipeline(tmp_path, [seeded])
    row = rows[seeded.url]
    assert (row["division_code"], row["sources"]["division_code"]) == ("539923", "seed")
    again = stored_of_row(row)
    assert again.fetch is not None and again.fetch.seed_division_code == "539923"
    assert again.report.division_code == "539923"
    plain = stored_of_row(row | {"sources": {}})  # a code the seed did not give is not a hint
    assert plain.fetch is not None and plain.fetch.seed_division_code is None


def test_the_run_lists_the_compromised_sites(tmp_path):
    spam = (
        '<div style="display:none">澳门新葡京 百家乐 时时彩 <a href="http://spam.example/">娱乐城</a></div>'
    )
    dirty = page(content=CONTENT + spam)
    items = [
        item("http://a.gov.cn/xxgk/202403/t20240320_1.html", dirty),
        item("http://a.gov.cn/xxgk/202403/t20240320_2.html", dirty),
        item("http://b.gov.cn/xxgk/202403/t20240320_3.html", dirty),
        item("http://c.gov.cn/xxgk/202403/t20240320_4.html", page()),
    ]
    rows, database, run_id = stored_by_the_pipeline(tmp_path, items)
    assert queries.compromised_sites(database, run_id) == [("a.gov.cn", 2), ("b.gov.cn", 1)]
    # the same text at four URLs is one report with four sources, each flagged on its own; the clean
    # copy outranks the compromised ones as the canonical source
    (report,) = rows.values()
    assert report["url"] == "http://c.gov.cn/xxgk/202403/t20240320_4.html"
    assert report["compromised"] == 0
    sources = {source["url"]: source["compromised"] for source in queries.sources_of(database, report["url"])}
    assert sources == {item.url: int(item.url[-6] != "4") for item in items}


# ------------------------------------------------------------------------------------- statistics


def extract_demo(site: DemoSite, path: str):
    return extract_page(site.pages[path].body, f"http://127.0.0.1{path}", site.pages[path].content_type)


def test_demo_records_equal_the_manifest(demo_site: DemoSite):
    for report in demo_site.reports:
        extraction = extract_demo(demo_site, report.path)
        got = (extraction.template_version, extraction.body, extraction.level)
        assert got == (report.template_version, report.body, report.level), report.path


def test_demo_record_tables_equal_the_manifest(demo_site: DemoSite):
    for report in [r for r in demo_site.reports if r.tables]:
        extraction = extract_demo(demo_site, report.path)
        parsed = Statistics(extraction.template_version, extraction.tables)
        assert numbers(parsed) == expected_tables(report), report.path


def test_demo_record_checks_all_pass_with_both_sides(demo_site: DemoSite):
    for report in [r for r in demo_site.reports if r.template_version != "2008"]:
        checks = extract_demo(demo_site, report.path).checks
        assert len(checks) >= 40, report.path
        assert all(c["status"] == "pass" and c["left"] == c["right"] for c in checks), report.path


def test_raw_cell_strings_are_kept_in_the_record(demo_site: DemoSite):
    report = next(r for r in demo_site.reports if r.template_version == "2021")
    cell = extract_demo(demo_site, report.path).tables["table3"]["new"]["total"]
    assert cell == {"raw": str(report.tables["table3"]["rows"]["new"][6]), "value": cell["value"]}


def test_page_without_tables_has_empty_statistics():
    extraction = extract_page(page(), URL)
    assert (extraction.tables, extraction.checks, extraction.raw_tables) == ({}, [], [])


def test_attachment_records_carry_statistics_and_sources():
    docx = next(f for f in attachment_fixtures() if f.kind == "docx" and not f.broken)
    document = extract_attachment(docx.body, docx.path)
    record = contract(attachment_record(document, f"http://127.0.0.1{docx.path}", None))
    assert record["template_version"] == "2021" and set(record["tables"]) == {"table2", "table3", "table4"}
    assert record["checks"] and {check["status"] for check in record["checks"]} == {"pass"}
    assert record["raw_tables"] and record["raw_tables"][0]["rows"]
    assert (record["body"], record["level"], record["sources"]["body"]) == ("青岚县教育局", "部门", "title")
    assert list(record)[: len(RECORD_KEYS)] == list(RECORD_KEYS)


def test_export_carries_the_stored_statistics(tmp_path, demo_site: DemoSite):
    report = next(r for r in demo_site.reports if r.template_version == "2019")
    extraction = extract_demo(demo_site, report.path)
    database = corpus.open_db(tmp_path / "c.db")
    dedupe.store_reports(database, [Stored(extraction)])
    (exported,) = export_records(database)
    assert list(exported)[: len(RECORD_KEYS)] == list(RECORD_KEYS)
    assert (exported["tables"], exported["checks"], exported["sources"]) == (
        extraction.tables,
        extraction.checks,
        extraction.sources,
    )
    assert (exported["template_version"], exported["compromised"]) == ("2019", int(extraction.compromised))


# ------------------------------------------------------------------------------------- the typed record


def test_the_worker_makes_the_whole_record_and_it_crosses_a_process_pool():
    fetch = Fetch(URL, seed_body="青岚县政府办公室", anchor_text=TITLE)
    content = CONTENT + "<p>" + "全年办理政府信息公开申请三十件，全部按期答复。" * 6 + "</p>"
    outcome = extract_item(page(content=content), fetch, capture=True)
    assert outcome.report is not None and outcome.capture is not None
    assert pickle.loads(pickle.dumps(outcome)) == outcome
    report = outcome.report
    assert (report.body, report.sources["body"], report.kind) == ("青岚县政府办公室", "seed", "html")
    assert report.content_hash and report.signature and outcome.capture.size == len(page(content=content))
    assert list(contract(report, {}))[: len(RECORD_KEYS)] == list(RECORD_KEYS)


def test_a_stored_report_reads_back_as_the_records_it_was_made_from(tmp_path):
    extraction = extract_page(page(), URL)
    report = with_identity(extraction)
    report = provenance.with_seed_hints(report, {"level": "部门"})
    fetch = Fetch(URL, content_type="text/html", seed="http://a.gov.cn/", fetched_at="2024-03-20")
    fetch = dataclasses.replace(fetch, seed_level="部门")
    database = corpus.open_db(tmp_path / "c.db")
    dedupe.store_reports(database, [Stored(report, fetch, 7)])
    (row,) = queries.iter_report_records(database)
    again = stored_of_row(row)
    assert contract(again.report, {}) == contract(report, {})
    assert (again.report.content_hash, again.report.signature) == (report.content_hash, report.signature)
    assert again.fetch == fetch and again.run_id == 7


def test_url_dedupe_makes_a_new_report_under_the_canonical_url():
    crawler = get_crawler(Spider)
    pipeline = UrlDedupePipeline(crawler)
    fetched = item(URL + "?utm_source=x#top", page())
    extracted = fetched.report
    pipeline.process_item(fetched)
    assert fetched.report is not extracted and extracted is not None
    assert (fetched.report.url, extracted.url) == (URL, URL + "?utm_source=x#top")
