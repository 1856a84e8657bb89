"""Soak test: many rounds of a crawl over a fault-heavy local site, watching speed, errors and leaks.

Serves the demo portal on 127.0.0.1 and fault servers on 127.0.0.6–127.0.0.9 (5xx answers, a server
slower than the timeout, a gzip bomb, a redirect loop) plus a refused port, crawls them all ``--rounds``
times into one database (``GOVREPORTS_FULL``: every round fetches everything), and prints pages/s,
errors by kind, peak RSS and open file descriptors after the first and the last round (they must not
grow). Nothing leaves 127.0.0.0/8. Run: ``.venv/bin/python bench/soak.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import socket
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from twisted.internet import asyncioreactor

asyncioreactor.install()

from scrapy.crawler import CrawlerRunner  # noqa: E402
from scrapy.utils.defer import deferred_from_coro  # noqa: E402
from twisted.internet import reactor  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.crawl.runner import crawl_settings  # noqa: E402
from crawler.demo import DemoServer, DemoSite, build_site  # noqa: E402
from crawler.demo.model import Page, redirect  # noqa: E402
from spiders.reports import ReportsSpider  # noqa: E402

HTML = "text/html; charset=utf-8"
ERROR_KEYS = ("downloader/exception_type_count/", "downloader/response_status_count/5")
GOVREPORTS_ERRORS = (
    "pages/too_large",
    "pages/redirect_loop",
    "pages/failed",
    "seeds/failed",
    "budget/site_errors",
)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fault_servers() -> tuple[list[DemoServer], list[str]]:
    """Started fault servers and the seeds that reach them (plus one refused port)."""
    empty = DemoSite(pages={})
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024), 9)

    def slow(path: str) -> Page:
        time.sleep(3)
        return Page(path, b"<html></html>", HTML)

    routes: dict[str, dict[str, Any]] = {
        "127.0.0.6": {f"/e{n}": (lambda path: Page(path, b"error", HTML, status=500)) for n in range(12)},
        "127.0.0.7": {"/slow": slow},
        "127.0.0.8": {"/bomb": lambda path: Page(path, bomb, HTML, headers=(("Content-Encoding", "gzip"),))},
        "127.0.0.9": {},
    }
    servers, seeds = [], []
    for host, host_routes in routes.items():
        server = DemoServer(empty, host=host)
        for path, handler in host_routes.items():
            server.add_route(path, handler)
        servers.append(server.start())
        quiet(server)
        seeds += [server.url(path) for path in host_routes]
    loop = servers[-1]
    loop.add_route("/loop", lambda path: redirect(path, loop.url("/loop2"), 302))
    loop.add_route("/loop2", lambda path: redirect(path, loop.url("/loop"), 302))
    seeds.append(loop.url("/loop"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.9", 0))
        seeds.append(f"http://127.0.0.9:{probe.getsockname()[1]}/dead")
    return servers, seeds


def quiet(server: DemoServer) -> None:
    """No tracebacks on stderr when the crawler hangs up on a server it gave up waiting for."""
    if server._httpd is not None:
        server._httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"fds": [open_fds()], "errors": Counter(), "pages": 0, "seconds": 0.0}
    portal = DemoServer(build_site()).start()
    quiet(portal)
    servers, seeds = fault_servers()
    seeds.insert(0, portal.url("/"))
    with tempfile.TemporaryDirectory() as tmp:
        overrides = {
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "LOG_LEVEL": "CRITICAL",
            "DOWNLOAD_TIMEOUT": 1,
            "DOWNLOAD_MAXSIZE": 1024 * 1024,
            "GOVREPORTS_FULL": True,
            "GOVREPORTS_MAX_ERRORS_PER_SITE": 6,
        }
        settings = crawl_settings(str(Path(tmp) / "soak.db"), overrides)
        for _ in range(args.rounds):
            crawler = CrawlerRunner(settings).create_crawler(ReportsSpider)
            started = time.perf_counter()
            await crawler.crawl_async(seeds=",".join(seeds))
            result["seconds"] += time.perf_counter() - started
            stats = crawler.stats.get_stats()
            result["pages"] += int(stats.get("response_received_count", 0))
            for key, value in stats.items():
                if key.startswith(ERROR_KEYS):
                    result["errors"][key.split("/", 1)[1]] += value
                elif key.removeprefix("govreports/") in GOVREPORTS_ERRORS:
                    result["errors"][key] += value
            result["fds"].append(open_fds())
    for server in [portal, *servers]:
        server.stop()
    return result


def report(result: dict[str, Any], rounds: int) -> None:
    fds = result["fds"]
    print(
        f"rounds {rounds}, pages {result['pages']}, {result['seconds']:.1f} s, "
        f"{result['pages'] / result['seconds']:.1f} pages/s"
    )
    print("errors by kind:")
    for kind, count in sorted(result["errors"].items()):
        print(f"  {kind:<72} {count:>6}")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    print(f"open fds: before {fds[0]}, after round 1 {fds[1]}, after round {rounds} {fds[-1]}")
    grew = fds[-1] > fds[1]
    print("fds grew: YES (leak)" if grew else "fds grew: no")
    if grew:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="crawls of the whole fault-heavy site")
    args = parser.parse_args()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        reactor.stop()

    deferred = deferred_from_coro(run(args))
    deferred.addCallbacks(done, lambda failure: (outcome.setdefault("error", failure), reactor.stop()))
    reactor.run()
    if "error" in outcome:
        raise SystemExit(f"soak failed: {outcome['error'].getErrorMessage()}")
    report(outcome["result"], args.rounds)


if __name__ == "__main__":
    main()
