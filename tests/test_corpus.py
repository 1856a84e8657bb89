"""The corpus over time: incremental re-runs, report identity across copies, resume after a kill."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace

import opencc
import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.corpus.dedupe import Copy, canonical_url, find_match, same_report
from crawler.demo import DemoServer, DemoSite, Page, build_site
from crawler.extract.fingerprint import content_hash, text_signature
from pipelines.store import StorePipeline
from spiders.reports import ReportsSpider

CHANGED = "/zwgk/xxgknb/202201/t20220125_18764.html"
COLUMN = "/zwgk/bm/jyj/xxgknb/"
ADDED = "/zwgk/bm/jyj/xxgknb/202501/t20250110_30001.html"


@pytest.fixture(scope="module")
def portal() -> Iterator[DemoServer]:
    server = DemoServer(build_site()).start()
    yield server
    server.stop()


async def crawl(settings: dict, **spider_args) -> dict:
    crawler = get_crawler(ReportsSpider, settings)
    await crawler.crawl_async(**spider_args)
    assert crawler.stats is not None
    return crawler.stats.get_stats()


def change_one_report_and_add_one(server: DemoServer) -> None:
    site = server.site
    changed = site.pages[CHANGED]
    server.add_page(
        replace(changed, body=changed.body.replace("。</p>".encode(), "（已更正）。</p>".encode(), 1))
    )
    template = site.pages["/zwgk/bm/jyj/xxgknb/202301/t20230118_20877.html"]
    server.add_page(replace(template, path=ADDED, body=template.body.replace(b"2022", b"2024")))
    listing = site.pages[COLUMN + "index.html"]
    title = "2024年青岚县教育局政府信息公开工作年度报告"
    item = f'<li><a href="./202501/t20250110_30001.html" title="{title}">x</a></li>'
    body = listing.body.replace(b'<ul class="list">', b'<ul class="list">' + item.encode(), 1)
    server.add_page(replace(listing, path=COLUMN, body=body))
    server.add_page(replace(listing, body=body))


@deferred_f_from_coro_f
async def test_a_rerun_fetches_only_new_or_changed_reports(portal, fast_settings, tmp_path):
    settings = fast_settings(tmp_path / "c.db", GOVREPORTS_RENDER="never")
    first = await crawl(settings, seeds=portal.url("/"))
    stored_first = first["govreports/stored"]
    change_one_report_and_add_one(portal)
    mark = len(portal.log)
    second = await crawl(settings, seeds=portal.url("/"))
    assert second["govreports/store/new"] == 1 and second["govreports/store/versions"] == 1
    answers = dict(portal.log[mark:])
    assert answers[CHANGED] == 200 and answers[ADDED] == 200
    not_modified = [path for path, status in answers.items() if status == 304]
    # every other stored report and file answered 304 (the unchanged pages' files were asked again)
    assert len(not_modified) == stored_first - 1 + first.get("govreports/extract/attachment", 0)
    database = corpus.open_db(tmp_path / "c.db")
    (version,) = queries.versions_of(database, canonical_url(portal.url(CHANGED)))
    assert "（已更正）" not in version["text"]
    assert queries.count_reports(database) == stored_first + 1
    runs = queries.list_runs(database)
    assert [run["status"] for run in runs] == ["finished", "finished"]


@deferred_f_from_coro_f
async def test_full_refetches_everything(portal, fast_settings, tmp_path):
    settings = fast_settings(tmp_path / "c.db", GOVREPORTS_RENDER="never")
    await crawl(settings, seeds=portal.url(COLUMN))
    mark = len(portal.log)
    stats = await crawl(settings | {"GOVREPORTS_FULL": True}, seeds=portal.url(COLUMN))
    assert 304 not in {status for _, status in portal.log[mark:]}
    assert stats["govreports/store/updated"] >= 3 and stats.get("govreports/store/new", 0) == 0


# --- identity: mirrors, copies, years -------------------------------------------------------------


def mirror_of(page: Page, path: str) -> Page:
    """A spam mirror: traditional script with pinyin glosses, a gambling title, on a non-gov host."""
    text = opencc.OpenCC("s2t").convert(page.body.decode("utf-8"))
    text = text.replace("數", "數(shù)").replace("<title>", "<title>澳门新葡京娱乐城-", 1)
    return Page(path, text.encode("utf-8"), "text/html; charset=utf-8")


@deferred_f_from_coro_f
async def test_a_traditional_mirror_joins_the_official_report_which_stays_canonical(fast_settings, tmp_path):
    site = build_site()
    official = DemoServer(site).start()
    mirror = DemoServer(DemoSite(pages={}), host="127.0.0.2").start()
    path = "/zwgk/xxgknb/202003/t20200331_12877.html"
    mirror.add_page(mirror_of(site.pages[path], "/copy/2019.html"))
    settings = fast_settings(
        tmp_path / "c.db", GOVREPORTS_RENDER="never", GOVREPORTS_OFFICIAL_HOSTS=["127.0.0.1"]
    )
    try:
        await crawl(settings, seeds=mirror.url("/copy/2019.html"))  # the mirror is found first
        await crawl(settings, seeds=official.url(path))
    finally:
        official.stop()
        mirror.stop()
    database = corpus.open_db(tmp_path / "c.db")
    (report,) = queries.iter_reports(database)
    assert report["url"] == canonical_url(official.url(path))
    sources = {source["url"]: source for source in queries.sources_of(database, report["url"])}
    assert set(sources) == {report["url"], canonical_url(mirror.url("/copy/2019.html"))}
    assert sources[report["url"]]["is_canonical"] == 1 and sources[report["url"]]["is_gov"] == 1
    mirrored = sources[canonical_url(mirror.url("/copy/2019.html"))]
    assert mirrored["is_gov"] == 0 and mirrored["compromised"] == 1


TEXT = "一、总体情况\n2021年，我县全年主动公开政府信息1234条，收到政府信息公开申请56件，全部按时答复。" * 4


def copy(url: str, year: int, text: str = TEXT, **extra) -> Copy:
    return Copy(url, year, "青岚县人民政府", "", None, text_signature(text), **extra)


def test_different_years_are_never_one_report():
    assert (
        same_report(copy("http://a.gov.cn/2021.html", 2022), copy("http://a.gov.cn/2020.html", 2021)) is None
    )


def test_a_non_gov_copy_never_replaces_a_gov_one():
    official = copy("http://a.gov.cn/1.html", 2021, is_gov=True)
    match = find_match(copy("http://mirror.example/1.html", 2021), [official])
    assert match is not None and match.reason == "near" and not match.promote


def test_versions_of_one_title_on_one_site_are_one_report():
    scan = Copy("http://a.gov.cn/1.pdf", 2022, None, "青岚县2022年报", None, None, kind="pdf", scanned=True)
    page = Copy("http://a.gov.cn/1.html", 2022, None, "青岚县2022年报", "h", text_signature(TEXT))
    match = find_match(page, [scan])
    assert match is not None and match.reason == "version" and match.promote  # the page over the scan


# --- resume after SIGKILL --------------------------------------------------------------------------


def crawl_command(server: DemoServer, db_path, job_dir=None) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "crawler.cli",
        "crawl",
        server.url("/"),
        "--db",
        str(db_path),
        "--render",
        "never",
    ]
    command += [
        "-s",
        "GOVREPORTS_STORE_BATCH_SIZE=2",
        "-s",
        "DOWNLOAD_DELAY=0.05",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
    ]
    return command + (["--job-dir", str(job_dir)] if job_dir else [])


def corpus_state(db_path) -> tuple[set, set, set]:
    database = corpus.open_db(db_path, create=False)
    reports = {(r["url"], r["content_hash"]) for r in queries.iter_reports(database)}
    sources = {(row[0], row[1]) for row in database.execute("select url, report_url from sources")}
    files = {(row[0], row[1]) for row in database.execute("select url, report_url from attachments")}
    database.close()
    return reports, sources, files


def stored_count(db_path) -> int:
    try:
        with sqlite3.connect(db_path) as connection:
            return int(connection.execute("select count(*) from reports").fetchone()[0])
    except sqlite3.Error:
        return 0


def integrity(db_path) -> str:
    with sqlite3.connect(db_path) as connection:
        return str(connection.execute("pragma integrity_check").fetchone()[0])


def test_a_killed_crawl_resumes_to_the_same_corpus(tmp_path):
    server = DemoServer(build_site()).start()
    logs: list[str] = []  # each run's own account (its summary, or its last lines before the kill)
    try:
        reference = tmp_path / "reference.db"
        subprocess.run(crawl_command(server, reference), check=True, capture_output=True, timeout=300)
        db_path, job_dir = tmp_path / "resumed.db", tmp_path / "job"
        for kill_after in (2, 8, 16):  # reports stored when the process is killed
            log_path = tmp_path / f"killed-at-{kill_after}.log"
            with log_path.open("wb") as log:
                process = subprocess.Popen(crawl_command(server, db_path, job_dir), stdout=log, stderr=log)
                deadline = time.monotonic() + 120
                while (
                    process.poll() is None
                    and stored_count(db_path) < kill_after
                    and time.monotonic() < deadline
                ):
                    time.sleep(0.02)
                ended_alone = process.poll()
                if ended_alone is None:
                    os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
            logs.append(run_account(log_path, f"kill at {kill_after}: exit {ended_alone}", db_path))
            assert integrity(db_path) == "ok"
        final = subprocess.run(crawl_command(server, db_path, job_dir), capture_output=True, timeout=300)
        logs.append(f"--- resumed run: exit {final.returncode}\n" + tail(final.stdout + final.stderr))
        assert final.returncode == 0, "\n".join(logs)
    finally:
        server.stop()
    resumed, expected = corpus_state(db_path), corpus_state(reference)
    for got, want in zip(resumed, expected, strict=True):
        assert got == want, (sorted(got - want), sorted(want - got), "\n".join(logs))
    runs = queries.list_runs(corpus.open_db(db_path))
    assert runs[-1]["status"] == "finished" and {"interrupted"} <= {run["status"] for run in runs[:-1]}


# A crawl stopped cleanly with requests still queued: after its first pages, not its first reports (on a
# busy machine extraction lags, and by the third report every page had been fetched: nothing was queued).
STOPPED_EARLY = ["-s", "CLOSESPIDER_PAGECOUNT=6"]


def test_a_request_queue_a_killed_crawl_left_half_written_is_discarded_not_trusted(tmp_path):
    """Scrapy's disk queues are consistent only once closed: a crawl killed after opening them leaves
    files whose sizes were never written (an empty file, when its buffer never reached the disk), and
    the next crawl lost every request of such a queue's priority — a whole column (CI, stop 20/21).
    Built for real: a crawl stopped cleanly with requests queued (:data:`STOPPED_EARLY`), then its queue
    files emptied and the marker of a crawl in progress left, as a crawl killed after reopening them
    leaves them. The next crawl with that job directory must still reach the whole corpus."""
    server = DemoServer(build_site()).start()
    try:
        reference = tmp_path / "reference.db"
        subprocess.run(crawl_command(server, reference), check=True, capture_output=True, timeout=300)
        db_path, job_dir = tmp_path / "resumed.db", tmp_path / "job"
        stopped = [*crawl_command(server, db_path, job_dir), *STOPPED_EARLY]
        subprocess.run(stopped, check=True, capture_output=True, timeout=300)
        queue_files = [path for path in (job_dir / "requests.queue").rglob("*") if path.is_file()]
        assert any(path.name != "active.json" and path.stat().st_size > 0 for path in queue_files)
        for path in queue_files:
            if path.name != "active.json":
                path.write_bytes(b"")
        (job_dir / "govreports.running").write_text("4242\n")
        resumed = subprocess.run(crawl_command(server, db_path, job_dir), capture_output=True, timeout=300)
    finally:
        server.stop()
    output = tail(resumed.stdout + resumed.stderr)
    assert resumed.returncode == 0, output
    assert corpus_state(db_path)[0] == corpus_state(reference)[0], output
    assert b"errors in the crawl's log" not in resumed.stderr
    assert not (job_dir / "govreports.running").exists()  # a crawl that ended leaves no marker
    runs = queries.list_runs(corpus.open_db(db_path))
    assert json.loads(runs[-1]["counts"]).get("govreports/jobdir/discarded_after_kill") == 1


def test_a_crawl_that_lost_requests_to_an_error_in_scrapy_says_so(tmp_path):
    """A queue broken some other way (no marker to go by: emptied files Scrapy does not know it has) makes
    Scrapy's scheduler fail on pushing requests, an error only its log shows: the summary says so."""
    server = DemoServer(build_site()).start()
    try:
        db_path, job_dir = tmp_path / "c.db", tmp_path / "job"
        stopped = [*crawl_command(server, db_path, job_dir), *STOPPED_EARLY]
        subprocess.run(stopped, check=True, capture_output=True, timeout=300)
        for path in (job_dir / "requests.queue").rglob("*"):
            if path.is_file():
                path.unlink() if path.name == "active.json" else path.write_bytes(b"")
        again = subprocess.run(crawl_command(server, db_path, job_dir), capture_output=True, timeout=300)
    finally:
        server.stop()
    assert b"errors in the crawl's log" in again.stderr, tail(again.stdout + again.stderr)


def tail(output: bytes, lines: int = 25) -> str:
    return "\n".join(output.decode("utf-8", "replace").splitlines()[-lines:])


def run_account(log_path, title: str, db_path) -> str:
    """A killed run's last log lines and the corpus's count after it (what a failure report needs)."""
    return f"--- {title}, {stored_count(db_path)} reports stored\n" + tail(log_path.read_bytes())


# --- a file whose item reaches the store before its report's ---------------------------------------

TWIN_REPORT = "/zwgk/xxgknb/202403/t20240320_24518.html"
TWIN_FILE = "/zwgk/xxgknb/202403/P020240320385126470193.pdf"


class FileWritten:
    """After the store: notes that the twin report's PDF went through it."""

    passed: asyncio.Event

    def process_item(self, item):
        if item.url.endswith(TWIN_FILE):
            FileWritten.passed.set()
        return item


class ReportAfterItsFile:
    """Before the store: holds the twin report's item until its PDF's batch is written, as a report
    whose extraction is slower than its file's download and extraction arrives (under load); notes
    which files the store held back then."""

    held: list[str]

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item):
        if item.url.endswith(TWIN_REPORT):
            await asyncio.wait_for(FileWritten.passed.wait(), 60)
            (store,) = [
                p for p in self.crawler.engine.scraper.itemproc.middlewares if isinstance(p, StorePipeline)
            ]
            async with store.flush_turn:
                await store.wait_for_writer()
            ReportAfterItsFile.held = [file.url for file in store.held.files]
        return item


@deferred_f_from_coro_f
async def test_a_file_whose_batch_is_written_before_its_reports_is_stored(portal, fast_settings, tmp_path):
    """The file's batch is written before its report's: the file waits for its report (it used to be
    dropped while its capture was written, so every later run got a 304 for it and never stored it)."""
    FileWritten.passed = asyncio.Event()
    ReportAfterItsFile.held = []
    settings = fast_settings(tmp_path / "c.db", GOVREPORTS_RENDER="never", GOVREPORTS_STORE_BATCH_SIZE=1)
    pipelines = settings["ITEM_PIPELINES"] | {ReportAfterItsFile: 600, FileWritten: 950}
    stats = await crawl(settings | {"ITEM_PIPELINES": pipelines}, seeds=portal.url(TWIN_REPORT))
    assert FileWritten.passed.is_set()
    pair = (canonical_url(portal.url(TWIN_FILE)), canonical_url(portal.url(TWIN_REPORT)))
    assert ReportAfterItsFile.held == [pair[0]]  # the file's batch was written before its report came
    assert "govreports/files_without_report" not in stats
    database = corpus.open_db(tmp_path / "c.db")
    files = {(row["url"], row["report_url"]) for row in queries.iter_attachments(database)}
    assert files == {pair}
    captures = {row["url"] for row in queries.iter_pages(database, pair)}
    assert captures == set(pair)
    database.close()


# --- reextract, coverage, runs ---------------------------------------------------------------------


@deferred_f_from_coro_f
async def test_reextract_coverage_and_runs_on_a_crawled_corpus(portal, fast_settings, tmp_path):
    from click.testing import CliRunner

    from crawler.cli import main

    db_path = tmp_path / "c.db"
    await crawl(fast_settings(db_path, GOVREPORTS_RENDER="never"), seeds=portal.url(COLUMN))
    database = corpus.open_db(db_path)
    (url, text), *_ = database.execute("select url, text from reports order by url").fetchall()
    with database.conn:
        database.execute(
            "update reports set text = ?, content_hash = ? where url = ?",
            ["an older extractor wrote this", content_hash("an older extractor wrote this"), url],
        )
    runner = CliRunner()

    result = runner.invoke(main, ["reextract", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output
    database = corpus.open_db(db_path)
    assert database.execute("select text from reports where url = ?", [url]).fetchone()[0] == text
    assert [v["text"] for v in queries.versions_of(database, url)] == ["an older extractor wrote this"]

    seeds = tmp_path / "seeds.csv"
    seeds.write_text(
        f"url,body\n{portal.url(COLUMN)},青岚县教育局\nhttp://127.0.0.1:1/,青岚县水务局\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["coverage", "--db", str(db_path), "--seeds", str(seeds), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    stored_years = {int(year) for body, year, stored, *_ in rows if body == "青岚县教育局" and stored == "1"}
    assert stored_years >= {2021, 2022, 2023}  # the DOC, the HTML page and the DOCX
    assert all(stored == "0" for body, _, stored, *_ in rows if body == "青岚县水务局")  # a gap to chase

    result = runner.invoke(main, ["runs", "--db", str(db_path)])
    assert result.exit_code == 0 and "finished" in result.output
