"""Nothing listens on a port during a crawl: no telnet console, no remote control, no browser debugging
port; only what the user asks for (``browse``) opens one. Listening sockets are read from /proc: the
TCP tables, and the socket inodes each process of the crawl (the test process or the ``govreports``
process, and their children: extraction workers, the Playwright driver, Chromium) holds open."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from scrapy import Request, signals
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.demo import DemoServer
from spiders.reports import ReportsSpider

PROC = Path("/proc")
LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp

pytestmark = pytest.mark.skipif(not (PROC / "net" / "tcp").exists(), reason="needs Linux /proc")


def process_tree(root: int) -> dict[int, str]:
    """``root`` and all its descendants, pid → command name."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name, _, rest = stat[stat.index("(") + 1 :].rpartition(")")
        parents[int(entry.name)] = int(rest.split()[1])
        names[int(entry.name)] = name
    tree = {root}
    grew = True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= found
        grew = bool(found)
    return {pid: names.get(pid, "?") for pid in tree}


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        fds = list((PROC / str(pid) / "fd").iterdir())
    except OSError:
        return inodes
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def listening_sockets() -> dict[str, int]:
    """Every listening TCP socket of this network namespace: inode → port."""
    found = {}
    for table in ("tcp", "tcp6"):
        lines = (PROC / "net" / table).read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            if fields[3] == LISTEN:
                found[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    return found


@dataclass(frozen=True)
class Listener:
    inode: str  # one socket: forked workers inherit their parent's, so several processes may hold it
    port: int
    pid: int
    process: str


def listeners(root: int) -> set[Listener]:
    """The listening sockets that ``root`` or one of its descendants holds."""
    listening = listening_sockets()
    return {
        Listener(inode, listening[inode], pid, name)
        for pid, name in process_tree(root).items()
        for inode in socket_inodes(pid)
        if inode in listening
    }


def opened(before: set[Listener], during: list[set[Listener]]) -> set[Listener]:
    """Sockets seen during the crawl that did not listen before it."""
    known = {listener.inode for listener in before}
    return {listener for listener in set().union(*during) if listener.inode not in known}


def has_browser(root: int) -> bool:
    return any("chrom" in name for name in process_tree(root).values())


@dataclass
class Watch:
    """What listened while the crawl ran, seen at every response (rendered ones included, while the
    browser runs), and whether the browser was among the crawl's processes then."""

    snapshots: list[set[Listener]] = field(default_factory=list)
    browser_seen: bool = False

    def snapshot(self, request: Request) -> None:
        self.snapshots.append(listeners(os.getpid()))
        if request.meta.get("playwright"):
            self.browser_seen = self.browser_seen or has_browser(os.getpid())


async def watched_crawl(settings: dict, seeds: str) -> tuple[set[Listener], Watch]:
    """Crawl ``seeds`` and return what listened before the crawl and what was seen during it."""
    before = listeners(os.getpid())
    watch = Watch()
    crawler = get_crawler(ReportsSpider, settings)

    def on_response(request: Request) -> None:
        watch.snapshot(request)

    crawler.signals.connect(on_response, signal=signals.response_received)
    await crawler.crawl_async(seeds=seeds)
    return before, watch


@deferred_f_from_coro_f
async def test_a_crawl_opens_no_listening_port(demo_server: DemoServer, fast_settings, tmp_path):
    """The demo portal with its script-filled list and challenge: Chromium runs during the crawl."""
    before, watch = await watched_crawl(fast_settings(tmp_path / "c.db"), demo_server.url("/"))
    # what listened before are the test's own servers, in this process (the demo portal among them)
    assert demo_server.port in {listener.port for listener in before}
    assert {listener.pid for listener in before} == {os.getpid()}
    assert len(watch.snapshots) > 10
    assert watch.browser_seen
    assert opened(before, watch.snapshots) == set()


@deferred_f_from_coro_f
async def test_the_watch_sees_a_telnet_console(demo_server: DemoServer, fast_settings, tmp_path):
    """The control: Scrapy's telnet console, turned back on, is seen listening during the crawl."""
    settings = fast_settings(
        tmp_path / "c.db",
        GOVREPORTS_RENDER="never",
        TELNETCONSOLE_ENABLED=True,
        EXTENSIONS={"crawler.crawl.extensions.ProgressLine": 500, "crawler.crawl.ledger.RunLedger": 0},
    )
    before, watch = await watched_crawl(settings, demo_server.url("/zwgk/xxgknb/"))
    new = opened(before, watch.snapshots)
    assert len({listener.inode for listener in new}) == 1
    assert all(6023 <= listener.port <= 6073 for listener in new)  # TELNETCONSOLE_PORT
    assert os.getpid() in {listener.pid for listener in new}


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_the_crawl_command_opens_no_listening_port(demo_server: DemoServer, tmp_path):
    """``govreports crawl`` in its own process, watched from outside while it runs."""
    fast = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    command = [sys.executable, "-m", "crawler.cli", "crawl", demo_server.url("/"), *fast]
    command += ["--db", str(tmp_path / "c.db")]
    crawl = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen: set[Listener] = set()
    looks = 0
    browser_seen = False
    try:
        deadline = time.monotonic() + 300
        while crawl.poll() is None and time.monotonic() < deadline:
            seen |= listeners(crawl.pid)
            browser_seen = browser_seen or has_browser(crawl.pid)
            looks += 1
            time.sleep(0.1)
    finally:
        if crawl.poll() is None:
            crawl.kill()
        _, stderr = crawl.communicate(timeout=60)
    assert crawl.returncode == 0, stderr
    assert looks > 10 and browser_seen
    assert seen == set()
