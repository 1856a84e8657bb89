"""Throughput of govreports' full pipeline against a bare link-following spider and a naive pipeline.

Generates a large portal (one report column: ``--pages`` report pages of ~30 KB in the demo portal's
report layout — chrome, metadata block, the official statistics tables — each with its own body, year,
title and text, plus listing pages of 20 links), serves
it from nginx (Debian's ``nginx-light``, when installed) or else Python's threaded HTTP server, and
crawls it three times, each crawl in its own subprocess so CPU and peak RSS are per crawl:

(a) bare: a Scrapy spider that only follows links;
(b) naive: the same spider with ``trafilatura.extract`` in the callback and one SQLite insert and
    commit per report;
(c) full: the ``reports`` spider with the project's settings and pipelines, ``GOVREPORTS_RENDER=never``,
    into a temporary corpus.

All three run with the same concurrency (16 requests, 16 per host, no delay, no AutoThrottle): what is
measured is processing, not politeness. Prints one table per size; the last line reads
``full_vs_naive=<c/b> full_vs_bare=<c/a> rss_mb=<peak RSS of c>`` (for the largest size).
Run: ``.venv/bin/python bench/throughput.py [--pages 2000] [--pages 10000]`` (default both).
This is a benchmark, not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from itertools import accumulate
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LINKS_PER_LISTING = 20
SIZES = (2000, 10000)
COMMON_SETTINGS: dict[str, Any] = {
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
}
FULL_SETTINGS: dict[str, Any] = {
    "GOVREPORTS_MAX_PAGES_PER_SITE": 10_000_000,
    "GOVREPORTS_MAX_LISTING_PAGES": 10_000_000,
    "GOVREPORTS_MAX_DEPTH": 10_000_000,
    "GOVREPORTS_PROGRESS": False,
    "GOVREPORTS_STORE_BATCH_SIZE": 200,
}
# Reporting bodies of the demo portal whose reports the bench's pages imitate.
BODY_KEYS = ("county", "jyj", "czj", "smz", "wjw", "zrzyj")


# --- the portal -------------------------------------------------------------------------------------
class Vocabulary:
    """Words of invented CJK text with Zipf frequencies, as in real prose: a report's text has real
    reports' spread of characters (a few hundred distinct, its trigrams 55–75 % distinct), yet no two
    pages share a run of words, so none is a near-duplicate of another."""

    def __init__(self, seed: int = 11, characters: int = 3000, words: int = 8000) -> None:
        rng = random.Random(seed)
        pool = [chr(code) for code in range(0x4E00, 0x9FA5)]
        rng.shuffle(pool)
        pool = pool[:characters]
        zipf_characters = list(accumulate(1 / rank for rank in range(1, characters + 1)))
        lengths = (1, 2, 2, 2, 3, 4)
        self.words = [
            "".join(rng.choices(pool, cum_weights=zipf_characters, k=rng.choice(lengths)))
            for _ in range(words)
        ]
        self.zipf_words = list(accumulate(1 / rank for rank in range(1, words + 1)))

    def text(self, rng: random.Random, chars: int) -> str:
        out: list[str] = []
        length = 0
        while length < chars:
            words = "".join(rng.choices(self.words, cum_weights=self.zipf_words, k=rng.randint(5, 16)))
            sentence = f"{words}{rng.randint(1, 999)}件。"
            out.append(sentence)
            length += len(sentence)
        return "".join(out)


def _report_page(number: int, rng: random.Random, vocabulary: Vocabulary) -> tuple[str, str, str]:
    """(path, title, html) of report ``number``: a page of the demo portal's report layout (its chrome,
    metadata block and official statistics tables, ~30 KB, like real report pages, whose text is 1–17 %
    of their bytes), with its paragraphs rewritten in ``vocabulary`` so every report is distinct."""
    from dataclasses import replace

    from crawler.demo import reports
    from crawler.demo.catalog import BODIES, ReportSpec

    key = BODY_KEYS[number % len(BODY_KEYS)]
    year = 2019 + number % 6
    title = f"{BODIES[key].name}第{number}片区{year}年政府信息公开工作年度报告"
    path = f"/xxgknb/{year + 1}01/t{year + 1}0115_{number}.html"
    spec = ReportSpec(
        body=key,
        year=year,
        title=title,
        path=path,
        published=f"{year + 1}-01-15 09:00",
        written=f"{year + 1}-01-10",
        doc_no=None,
        meta_style=("table", "ul", "dl")[number % 3],
        container=("zoom", "trs", "article")[number % 3],
    )
    built = reports.build_report(spec, rng, None, number)
    blocks = [
        replace(block, text=vocabulary.text(rng, len(block.text))) if block.kind == "para" else block
        for block in built.blocks
    ]
    page = reports.render_page(replace(built, blocks=blocks), number % 4)
    return path, title, page.body.decode("utf-8")


def _listing_page(index: int, last: int, links: list[tuple[str, str]]) -> str:
    items = "\n".join(f'<li><a href="{path}" title="{title}">{title}</a></li>' for path, title in links)
    following = f'<a href="index_{index + 1}.html">下一页</a>' if index < last else ""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>
<body><h2>政府信息公开年报</h2><ul class="list">{items}</ul>
<div class="page">{following}</div></body></html>"""


def generate_portal(root: Path, pages: int, seed: int = 7) -> tuple[int, int]:
    """Write the portal under ``root``; return the number of files (pages a full crawl can fetch) and
    the median size of a report page in bytes."""
    rng = random.Random(seed)
    vocabulary = Vocabulary()
    reports = [_report_page(number, rng, vocabulary) for number in range(1, pages + 1)]
    for path, _title, html in reports:
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    chunks = [reports[i : i + LINKS_PER_LISTING] for i in range(0, pages, LINKS_PER_LISTING)]
    for index, chunk in enumerate(chunks):
        name = "index.html" if index == 0 else f"index_{index}.html"
        html = _listing_page(index, len(chunks) - 1, [(path, title) for path, title, _ in chunk])
        (root / "xxgknb" / name).write_text(html, encoding="utf-8")
    home = '<html><head><meta charset="utf-8"><title>青岚县人民政府</title></head><body>'
    home += '<a href="/xxgknb/">政府信息公开年报</a></body></html>'
    (root / "index.html").write_text(home, encoding="utf-8")
    for directory in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        directory.chmod(0o755)
    median = sorted(len(html.encode("utf-8")) for _path, _title, html in reports)[pages // 2]
    return pages + len(chunks) + 1, median


# --- the server -------------------------------------------------------------------------------------
class Server:
    """nginx over ``root`` when Debian's nginx is installed, else Python's threaded HTTP server."""

    def __init__(self, root: Path, work: Path) -> None:
        self.root, self.work = root, work
        self.process: subprocess.Popen[bytes] | None = None
        self.httpd: ThreadingHTTPServer | None = None
        self.kind = ""
        self.port = 0

    def start(self) -> Server:
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if nginx:
            self._start_nginx(nginx)
        else:
            handler = partial(_QuietHandler, directory=str(self.root))
            self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            self.port = int(self.httpd.server_address[1])
            threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
            self.kind = "python http.server (threaded)"
        return self

    def _start_nginx(self, nginx: str) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        conf = self.work / "nginx.conf"
        conf.write_text(
            f"""worker_processes 1; daemon off; pid {self.work}/nginx.pid; error_log {self.work}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; default_type text/html; charset utf-8; types {{ text/html html; }}
  client_body_temp_path {self.work}/body; proxy_temp_path {self.work}/proxy;
  fastcgi_temp_path {self.work}/fcgi; uwsgi_temp_path {self.work}/uwsgi; scgi_temp_path {self.work}/scgi;
  server {{ listen 127.0.0.1:{self.port}; root {self.root}; index index.html; }} }}
"""
        )
        command = [nginx, "-p", str(self.work), "-e", f"{self.work}/error.log", "-c", str(conf)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip()
        self.kind = version.replace("nginx version: ", "") or "nginx"
        _wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.httpd is not None:
            self.httpd.shutdown()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _wait_for_port(port: int) -> None:
    import socket

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


# --- the crawls (each in its own process) -----------------------------------------------------------
def _link_spider(naive_db: str | None) -> type:
    import sqlite3

    import scrapy

    class LinkSpider(scrapy.Spider):
        name = "links"

        def __init__(self, url: str = "", **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.start_urls = [url]
            self.db = sqlite3.connect(naive_db) if naive_db else None
            if self.db is not None:
                self.db.execute("create table if not exists reports (url text primary key, text text)")

        def parse(self, response: Any, **kwargs: Any) -> Any:
            if self.db is not None and "/t20" in response.url:
                import trafilatura

                text = trafilatura.extract(response.text) or ""
                self.db.execute("insert or replace into reports values (?, ?)", (response.url, text))
                self.db.commit()
            for href in response.css("a::attr(href)").getall():
                if not href.startswith(("javascript:", "mailto:", "#")):  # not a page: follow() refuses it
                    yield response.follow(href, callback=self.parse)

    return LinkSpider


def run_child(mode: str, url: str, work: Path) -> dict[str, Any]:
    """One crawl in this process; returns pages fetched, seconds, CPU seconds and peak RSS."""
    from scrapy.crawler import CrawlerProcess

    started = time.monotonic()
    if mode == "full":
        sys.path.insert(0, str(ROOT))
        from crawler.crawl.runner import run_crawl
        from crawler.crawl.seeds import Seed

        overrides = COMMON_SETTINGS | FULL_SETTINGS | {"GOVREPORTS_RENDER": "never"}
        summary = run_crawl([Seed(url)], str(work / "full.db"), overrides=overrides)
        pages, stored, errors = summary.pages_fetched, summary.reports_in_db, summary.pages_failed
    else:
        process = CrawlerProcess(COMMON_SETTINGS)
        spider = _link_spider(str(work / "naive.db") if mode == "naive" else None)
        crawler = process.create_crawler(spider)
        process.crawl(crawler, url=url)
        process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        pages = int(stats.get("response_received_count", 0))
        stored = 0
        # a callback that raised (a link follow() refuses) stopped reading its page: not a fair crawl
        errors = sum(int(v) for k, v in stats.items() if k.startswith("spider_exceptions/"))
    seconds = time.monotonic() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "pages": pages,
        "stored": stored,
        "errors": errors,
        "seconds": seconds,
        "cpu": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        # this process's high-water mark plus the largest child's (pool workers), in MB
        "rss_mb": (_vm_hwm_kb() + children.ru_maxrss) / 1024,
    }


def _vm_hwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(mode: str, url: str, work: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", mode, "--url", url, "--work", str(work)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} crawl failed:\n{done.stderr[-3000:]}")
    result = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    if result["errors"]:
        failed = f"{mode} crawl had {result['errors']} failed pages or callbacks"
        raise RuntimeError(f"{failed}:\n{done.stderr[-3000:]}")
    return result


# --- the table --------------------------------------------------------------------------------------
def bench(size: int) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="govreports-bench-") as temp:
        root, work = Path(temp) / "site", Path(temp) / "work"
        root.mkdir()
        work.mkdir()
        Path(temp).chmod(0o755)
        files, median = generate_portal(root, size)
        server = Server(root, work).start()
        try:
            url = f"http://127.0.0.1:{server.port}/"
            print(
                f"\n{size} report pages (median {median / 1024:.0f} KB; {files} files,"
                f" served by {server.kind}):",
                flush=True,
            )
            results = {mode: measure(mode, url, work) for mode in ("bare", "naive", "full")}
        finally:
            server.stop()
    header = f"{'crawl':<34}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'CPU%':>7}"
    print(f"{header}{'peak RSS MB':>13}{'reports':>9}")
    labels = {
        "bare": "(a) bare link-following",
        "naive": "(b) naive (trafilatura, 1 insert)",
        "full": "(c) govreports full pipeline",
    }
    for mode, row in results.items():
        rate = row["pages"] / row["seconds"]
        row["rate"] = rate
        cpu = 100 * row["cpu"] / row["seconds"]
        print(
            f"{labels[mode]:<34}{row['pages']:>7}{row['seconds']:>9.1f}{rate:>9.1f}{cpu:>7.0f}"
            f"{row['rss_mb']:>13.0f}{row['stored'] or '':>9}"
        )
    full = results["full"]["rate"]
    print(f"c/b = {full / results['naive']['rate']:.2f}   c/a = {full / results['bare']['rate']:.2f}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, action="append", help="report pages (repeatable)")
    parser.add_argument("--child", choices=("bare", "naive", "full"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.url, args.work)))
        return
    print(f"govreports throughput, {os.cpu_count()} cores, GOVREPORTS_RENDER=never")
    runs = {size: bench(size) for size in sorted(args.pages or SIZES)}
    rss = [run["full"]["rss_mb"] for run in runs.values()]
    if len(rss) > 1:
        spread = 100 * (max(rss) / min(rss) - 1)
        print(f"peak RSS of (c): {min(rss):.0f}–{max(rss):.0f} MB ({spread:.0f}% apart)")
    last = runs[max(runs)]
    full = last["full"]["rate"]
    print(
        f"full_vs_naive={full / last['naive']['rate']:.2f} full_vs_bare={full / last['bare']['rate']:.2f} "
        f"rss_mb={max(rss):.0f}"
    )


if __name__ == "__main__":
    main()
