"""`govreports browse`: datasette on the corpus, read-only, on 127.0.0.1, with its full-text search; stored
page content is shown as text, never run (checked in headless Debian chromium)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typed_records import stored

from crawler.corpus import browse, dedupe
from crawler.corpus import db as corpus

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and nothing but the page asked for: no sync, updates or background requests.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE_TEXT = '年度报告正文 <script>window.__pwned=1</script><b id="x">bold</b> 结束'
HOSTILE_URL = "http://127.0.0.1/hostile.html"
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent")


def demo_records(demo_site):
    """The demo portal's manifest reports as stored records, plus one whose text is hostile markup."""
    records = [
        {
            "url": f"http://127.0.0.1{report.path}",
            "title": report.title,
            "text": report.text,
            "report_year": report.report_year,
            "body": report.body,
            "level": report.level,
            "template_version": report.template_version,
        }
        for report in demo_site.reports
    ]
    hostile = {"url": HOSTILE_URL, "title": "恶意脚本测试报告", "text": HOSTILE_TEXT, "report_year": 2023}
    return [*records, hostile]


@pytest.fixture
def corpus_path(tmp_path, demo_site):
    path = tmp_path / "corpus.db"
    database = corpus.open_db(path)
    dedupe.store_reports(database, [stored(**record) for record in demo_records(demo_site)])
    corpus.checkpoint(database)
    database.close()
    return path


@pytest.fixture
def datasette(corpus_path, tmp_path):
    """The base URL of datasette serving the corpus on a free port; stopped afterwards."""
    port = browse.free_port()
    with open(tmp_path / "datasette.log", "wb") as log:
        process = browse.start_datasette(corpus_path, port, log=log)
        try:
            browse.wait_until_ready(browse.url_of(port), process)
            yield browse.url_of(port).rstrip("/")
        finally:
            browse.stop(process)


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def search_url(base: str, term: str) -> str:
    return f"{base}/corpus/reports?_search={urllib.parse.quote(term)}"


def test_datasette_listens_on_loopback_only_and_read_only():
    command = browse.datasette_command("c.db", 8123)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert "--immutable" in command


def test_datasette_serves_the_corpus_immutable(datasette):
    (database,) = get_json(f"{datasette}/-/databases.json")
    assert database["name"] == "corpus" and database["is_mutable"] is False


def test_datasette_search_uses_the_fts_index(datasette, demo_site):
    report = demo_site.reports[0]
    rows = get_json(
        search_url(datasette, report.title).replace("reports?", "reports.json?") + "&_shape=array"
    )
    assert report.title in [row["title"] for row in rows]


def test_wait_until_ready_reports_a_process_that_exits(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(browse.BrowseError, match="status 3"):
        browse.wait_until_ready(browse.url_of(browse.free_port()), process, timeout=10)


def in_browser(check, *args):
    """Run ``check(page, *args)`` in headless chromium, in a thread of its own: Playwright's sync API
    refuses to run where an asyncio loop is running (pytest-twisted's reactor)."""

    def run():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                return check(browser.new_page(), *args)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=120)


def search_in_page(page, base: str, term: str) -> dict:
    """Type ``term`` into datasette's search box on the reports table; what the page then shows."""
    page.goto(f"{base}/corpus/reports")
    page.fill("input[name=_search]", term)
    page.press("input[name=_search]", "Enter")
    page.wait_for_load_state()
    return {
        "url": page.url,
        "body": page.inner_text("body"),
        "pwned": page.evaluate("typeof window.__pwned"),
        "injected": page.query_selector("#x") is not None,
    }


@needs_chromium
def test_a_report_is_found_through_the_search_box_in_chromium(datasette, demo_site):
    report = next(r for r in demo_site.reports if r.level == "乡")
    started = time.monotonic()
    shown = in_browser(search_in_page, datasette, report.title)
    print(f"browser search: {time.monotonic() - started:.1f} s")
    assert "_search=" in shown["url"]
    assert report.title in shown["body"]


@needs_chromium
def test_stored_markup_is_shown_as_text_never_run(datasette):
    started = time.monotonic()
    shown = in_browser(search_in_page, datasette, "恶意脚本")
    print(f"browser escaping check: {time.monotonic() - started:.1f} s")
    assert "恶意脚本测试报告" in shown["body"]
    assert "<script>window.__pwned=1</script>" in shown["body"]  # the markup, as text
    assert shown["pwned"] == "undefined"
    assert shown["injected"] is False


@contextlib.contextmanager
def browse_command(corpus_path, port, sigint_ignored=False):
    """`govreports browse` in a session of its own; on the way out the whole session (the command and
    its datasette) is ended if it is still there."""
    command = [sys.executable, "-m", "crawler.cli", "browse", "--db", str(corpus_path), "--port", str(port)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # a datasette left in the session


def datasette_answers(port: int) -> bool:
    try:
        return bool(get_json(f"http://127.0.0.1:{port}/corpus/reports.json?_shape=array&_size=1"))
    except OSError:
        return False


@pytest.mark.parametrize("sigint_ignored", [False, True])
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_browse_command_prints_the_url_and_stops_datasette_on_a_signal(
    corpus_path, stop_signal, sigint_ignored
):
    """Also when started with SIGINT ignored, as a shell without job control starts a command with ``&``
    (four clean-clone runs started so failed the SIGINT case: the command never stopped)."""
    port = browse.free_port()
    with browse_command(corpus_path, port, sigint_ignored) as process:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(f"corpus at http://127.0.0.1:{port}/")
        assert datasette_answers(port)
        process.send_signal(stop_signal)
        assert process.wait(timeout=20) == 0
        assert not datasette_answers(port)
