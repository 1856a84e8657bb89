"""Requests per report found: govreports' focused crawl against a plain breadth-first crawl.

Serves the demo portal on 127.0.0.1 (its spam links pointing at 127.0.0.2), crawls it twice in one
process — the ``reports`` spider, then a breadth-first spider that follows every same-host link
(robots.txt obeyed, capped at ``--bfs-cap`` pages, the endless pager and calendar being endless) —
and prints one table and a summary line. Run: ``.venv/bin/python bench/discovery.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from twisted.internet import asyncioreactor

asyncioreactor.install()

import scrapy  # noqa: E402
from scrapy import signals  # noqa: E402
from scrapy.crawler import CrawlerRunner  # noqa: E402
from scrapy.utils.defer import deferred_from_coro  # noqa: E402
from twisted.internet import reactor  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.corpus import db as corpus  # noqa: E402
from crawler.corpus import queries  # noqa: E402
from crawler.corpus.dedupe import canonical_url  # noqa: E402
from crawler.crawl.runner import crawl_settings  # noqa: E402
from crawler.crawl.visit import Visit  # noqa: E402
from crawler.demo import DemoServer, DemoSite, build_site  # noqa: E402
from crawler.extract import pagekind  # noqa: E402
from spiders.reports import ReportsSpider  # noqa: E402


class BreadthFirstSpider(scrapy.Spider):
    """The baseline: every same-host link, in breadth-first order, nothing scored."""

    name = "bfs"
    custom_settings: ClassVar[dict[str, Any]] = {
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
    }

    def __init__(self, start: str, report_urls: set[str], skip_traps: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = start
        self.report_urls = report_urls
        self.skip_traps = skip_traps
        self.found: set[str] = set()

    async def start(self):  # type: ignore[no-untyped-def]
        yield scrapy.Request(self.start_url)

    def parse(self, response):  # type: ignore[no-untyped-def]
        if canonical_url(response.url) in self.report_urls:
            self.found.add(canonical_url(response.url))
        if not isinstance(response, scrapy.http.TextResponse):
            return
        host = response.url.split("/")[2]
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if url.startswith("http") and url.split("/")[2] == host:
                if self.skip_traps and (pagekind.is_trap_url(url) or "page=" in url):
                    continue
                yield scrapy.Request(url)


async def run(args: argparse.Namespace) -> list[tuple[str, int, int, int, float]]:
    spam = DemoServer(DemoSite(pages={}), host="127.0.0.2").start()
    site = build_site(spam_host=f"127.0.0.2:{spam.port}")
    server = DemoServer(site).start()
    expected = {canonical_url(server.url(path)) for path in site.expected_report_paths()}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "bench.db")
        base = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "ERROR"}
        settings = crawl_settings(db_path, base)
        runner = CrawlerRunner(settings)
        started = time.perf_counter()
        focused = runner.create_crawler(ReportsSpider)
        roles: dict[str, str] = {}

        def asked(request: scrapy.Request, spider: Any) -> None:
            visit = Visit.of(request)
            role = visit.role.value if visit.role is not None else _unasked_role(_server_path(request.url))
            roles.setdefault(_server_path(request.url), role + (" rendered" if visit.rendered else ""))

        focused.signals.connect(asked, signal=signals.request_reached_downloader)
        await focused.crawl_async(seeds=server.url("/"))
        database = corpus.open_db(db_path)
        found = len(expected & {row["url"] for row in queries.iter_reports(database)})
        # every request the portals answered: the crawler's, robots.txt and the browser's own (scripts,
        # XHR, challenge reloads), which the downloader's count leaves out
        requests = len(server.log) + len(spam.log)
        downloader = int(focused.stats.get_value("downloader/request_count", 0))
        rows.append(("govreports focused", requests, found, len(expected), time.perf_counter() - started))
        served = [
            (path, status, roles.get(path) or _unasked_role(path)) for path, status in server.log + spam.log
        ]
        print_roles(served, show=args.show_requests)
        print(
            f"focused crawl: {requests} requests served, {downloader} through the downloader", file=sys.stderr
        )

        bfs_settings = {key: value for key, value in settings.items() if key != "ITEM_PIPELINES"}
        bfs_settings |= {"CLOSESPIDER_PAGECOUNT": args.bfs_cap, "DOWNLOAD_HANDLERS": {}}
        for name, skip_traps in (("plain breadth-first", False), ("breadth-first, no traps", True)):
            started = time.perf_counter()
            bfs = CrawlerRunner(bfs_settings).create_crawler(BreadthFirstSpider)
            await bfs.crawl_async(start=server.url("/"), report_urls=expected, skip_traps=skip_traps)
            requests = int(bfs.stats.get_value("downloader/request_count", 0))
            found = len(bfs.spider.found)
            rows.append((name, requests, found, len(expected), time.perf_counter() - started))
    server.stop()
    spam.stop()
    return rows


def _server_path(url: str) -> str:
    """The request line's target as the demo server logs it (path and query)."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _unasked_role(path: str) -> str:
    """A request the spider did not make: robots.txt, or one the browser made while rendering."""
    return "robots.txt" if urlsplit(path).path == "/robots.txt" else "browser sub-request"


def print_roles(served: list[tuple[str, int, str]], *, show: bool) -> None:
    """Where the focused crawl's requests went, by the role the spider asked them in (stderr)."""
    by_role = Counter(role for _, _, role in served)
    print("focused crawl requests by role:", file=sys.stderr)
    for role, count in by_role.most_common():
        print(f"  {role:<24} {count:>4}", file=sys.stderr)
    if show:
        for path, status, role in served:
            print(f"  {status} {role:<24} {path}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bfs-cap", type=int, default=1000, help="pages the breadth-first crawl may fetch")
    parser.add_argument("--show-requests", action="store_true", help="list every focused request (stderr)")
    args = parser.parse_args()
    result: dict[str, Any] = {}

    def done(rows: Any) -> None:
        result["rows"] = rows
        reactor.stop()

    deferred = deferred_from_coro(run(args))
    deferred.addCallbacks(done, lambda failure: (result.setdefault("error", failure), reactor.stop()))
    reactor.run()
    if "error" in result:
        raise SystemExit(f"benchmark failed: {result['error'].getErrorMessage()}")
    rows = result["rows"]
    print(f"{'crawler':<22} {'requests':>8} {'reports found':>14} {'requests/report':>16} {'seconds':>8}")
    for name, requests, found, total, seconds in rows:
        per_report = requests / found if found else float("inf")
        print(f"{name:<22} {requests:>8} {f'{found}/{total}':>14} {per_report:>16.2f} {seconds:>8.1f}")
    (_, focused, found, total, _), (_, bfs, _, _, _), (_, fair_bfs, fair_found, _, _) = rows
    print(
        f"focused_requests={focused} bfs_requests={bfs} focused_vs_bfs={focused / bfs:.2f} "
        f"focused_vs_trapless_bfs={focused / fair_bfs:.2f} found={found}/{total} "
        f"trapless_bfs_found={fair_found}/{total}"
    )


if __name__ == "__main__":
    main()
