"""The run ledger: what it records, how components find it, what the store writes from it into the run's
row — and that no component keeps the run's state on the spider any more (read from the source)."""

from __future__ import annotations

import ast
import json
from collections import Counter
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.crawl import settings as project_settings
from crawler.crawl.ledger import MAX_FAILED_PAGES_KEPT, LedgerMissing, RunLedger, SeedList
from crawler.crawl.runner import crawl_settings
from crawler.crawl.seeds import Seed
from spiders.reports import ReportsSpider

ROOT = Path(__file__).resolve().parent.parent
A, B = Seed("https://a.gov.cn/zwgk/"), Seed("https://b.gov.cn/")


class Given:
    """A spider's stand-in that names seeds (a :class:`crawler.crawl.ledger.SeedSource`)."""

    def __init__(self, given: SeedList) -> None:
        self.given = given

    def seed_list(self) -> SeedList:
        return self.given


class Crawl:
    """A crawler's stand-in: the ledger only asks it for its spider."""

    def __init__(self, spider: object = None) -> None:
        self.spider = spider


# ---------------------------------------------------------------------------------------- recording


def test_the_ledger_records_notes_failures_and_per_seed_counts():
    ledger = RunLedger(Crawl(Given(SeedList.of([A, B], ["seed 'x': not a URL"]))))
    ledger.count(A, "pages")
    ledger.count(A, "pages")
    ledger.count(A, "reports", 3)
    ledger.count(B, "errors")
    ledger.note("seed https://a.gov.cn/zwgk/: column gone (HTTP 404); re-discovering from https://a.gov.cn/")
    ledger.seed_failed("seed https://b.gov.cn/: unreachable (HTTP 503)")
    ledger.page_failed("https://a.gov.cn/zwgk/t1.html: HTTP 500")
    assert ledger.seeds == (A, B) and ledger.seed_problems == ("seed 'x': not a URL",)
    assert ledger.errors() == ["seed 'x': not a URL", "seed https://b.gov.cn/: unreachable (HTTP 503)"]
    assert ledger.per_seed_counts() == {A.url: {"pages": 2, "reports": 3}, B.url: {"errors": 1}}
    with pytest.raises(ValueError, match="not a per-seed counter"):
        ledger.count(A, "page")
    account = ledger.account(Counter({A.url: 2, "https://c.gov.cn/": 1}))
    assert account.seeds == [A.url, B.url]
    assert account.errors == ledger.errors() and account.notes == ledger.notes
    assert account.per_seed == {
        A.url: {"pages": 2, "reports": 3, "reports_stored": 2},
        B.url: {"errors": 1},
        "https://c.gov.cn/": {"reports_stored": 1},
    }
    assert account.failed_pages == ["https://a.gov.cn/zwgk/t1.html: HTTP 500"]
    account.notes.append("later")  # the account is a copy: the ledger goes on alone
    assert "later" not in ledger.notes


def test_only_the_first_failed_pages_are_kept():
    ledger = RunLedger()
    for number in range(MAX_FAILED_PAGES_KEPT + 5):
        ledger.page_failed(f"https://a.gov.cn/{number}.html: HTTP 500")
    assert len(ledger.failed_pages) == MAX_FAILED_PAGES_KEPT
    assert ledger.failed_pages[-1] == f"https://a.gov.cn/{MAX_FAILED_PAGES_KEPT - 1}.html: HTTP 500"


def test_the_seeds_come_from_the_spider_whichever_scrapy_built_first():
    crawl = Crawl()
    ledger = RunLedger(crawl)  # get_crawler: the extensions first, the spider later
    assert ledger.seeds is None and ledger.seed_problems == () and ledger.account().seeds == []
    crawl.spider = Given(SeedList.of([A]))
    assert ledger.seeds == (A,)
    crawl.spider = Given(SeedList.of([B]))  # taken once: the run's seeds do not change
    assert ledger.seeds == (A,)
    # scrapy crawl: the spider first
    assert RunLedger(Crawl(Given(SeedList.of([B], ["bad"])))).errors() == ["bad"]
    # a spider that is not ours names no seeds: the address guard then checks nothing
    assert RunLedger(Crawl(Spider(name="other"))).seeds is None


# ------------------------------------------------------------------------------------ finding it


def test_components_find_the_ledger_among_the_extensions():
    crawler = get_crawler(ReportsSpider, crawl_settings("unused.db"))
    ledger = RunLedger.of(crawler)
    assert isinstance(ledger, RunLedger) and RunLedger.of(crawler) is ledger
    assert ledger in crawler.extensions.middlewares
    assert project_settings.EXTENSIONS["crawler.crawl.ledger.RunLedger"] is not None


def test_a_crawl_without_the_ledger_fails_clearly():
    crawler = get_crawler(ReportsSpider, {"EXTENSIONS": {}})
    with pytest.raises(LedgerMissing, match=r"EXTENSIONS must enable crawler\.crawl\.ledger\.RunLedger"):
        RunLedger.of(crawler)
    unbuilt = AsyncCrawlerRunner(crawl_settings("unused.db")).create_crawler(ReportsSpider)
    with pytest.raises(LedgerMissing, match="before the extensions exist"):
        RunLedger.of(unbuilt)


def test_the_distributed_spider_finds_the_same_ledger():
    from crawler.crawl.distributed import DistributedReportsSpider, redis_settings

    settings = crawl_settings("unused.db") | redis_settings("redis://127.0.0.1:1")
    crawler = get_crawler(DistributedReportsSpider, settings)
    spider = DistributedReportsSpider.from_crawler(crawler, seed_objects=[A, B])
    crawler.spider = spider
    assert spider.ledger is RunLedger.of(crawler)
    assert RunLedger.of(crawler).seeds == (A, B)


# -------------------------------------------------------------------------- into the run's row


@deferred_f_from_coro_f
async def test_the_run_row_is_what_the_ledger_kept(demo_server, fast_settings, tmp_path):
    """A real crawl of the demo portal: a bad seed line, an unreachable seed, a file that is not a
    page, a moved column. The run's row holds exactly what the ledger recorded."""
    db_path = tmp_path / "c.db"
    seeds = [
        "not-a-url",
        "http://127.0.0.1:1/",
        demo_server.url("/robots.txt"),
        demo_server.url("/zwgk/nb/"),
        demo_server.url("/zwgk/bm/jyj/xxgknb/"),
    ]
    crawler = get_crawler(ReportsSpider, fast_settings(db_path, GOVREPORTS_RENDER="never", RETRY_TIMES=0))
    await crawler.crawl_async(seeds=",".join(seeds))
    ledger = RunLedger.of(crawler)
    (run,) = queries.list_runs(corpus.open_db(db_path))

    assert json.loads(run["seeds"]) == seeds[1:] == [seed.url for seed in ledger.seeds or ()]
    assert json.loads(run["errors"]) == ledger.errors()
    assert ledger.seed_problems == ("seed 'not-a-url': not a URL (no http:// or https://)",)
    assert sorted(ledger.seed_failures) == [
        f"seed {seeds[1]}: unreachable (DownloadConnectionRefusedError: "
        "Connection was refused by other side: 111: Connection refused.)",
        f"seed {seeds[2]}: not an HTML page (text/plain; charset=utf-8)",
    ]
    home = demo_server.url("/")
    assert (
        json.loads(run["notes"])
        == ledger.notes
        == [f"seed {seeds[3]}: column gone (HTTP 404); re-discovering from {home}"]
    )
    assert json.loads(run["failed_pages"]) == ledger.failed_pages == []

    per_seed = json.loads(run["per_seed"])
    stored = Counter(row["seed"] for row in queries.iter_reports(corpus.open_db(db_path)))
    assert per_seed == ledger.account(stored).per_seed
    assert per_seed[seeds[1]] == {"errors": 1} and per_seed[seeds[2]] == {"pages": 1}
    column, moved = per_seed[seeds[4]], per_seed[seeds[3]]
    assert column["pages"] >= 2 and column["reports"] >= 1 and column["reports_stored"] == stored[seeds[4]]
    assert moved["errors"] == 1 and moved["reports_stored"] == stored[seeds[3]] > 0
    assert sum(count.get("reports_stored", 0) for count in per_seed.values()) == run_reports(db_path)


def run_reports(db_path: Path) -> int:
    database = corpus.open_db(db_path)
    try:
        return queries.count_reports(database)
    finally:
        database.close()


# ------------------------------------------------------------------------------- no blackboard

# What the spider used to carry for the others.
LEDGER_STATE = {"seeds", "seed_problems", "seed_failures", "notes", "per_seed", "failed_pages"}
# The loose request.meta keys a Visit replaced.
OLD_META_KEYS = {"role", "seed", "anchor", "listing_pages", "parent", "column_only"}


def project_sources() -> dict[Path, ast.Module]:
    paths = [*(ROOT / "crawler").rglob("*.py"), *(ROOT / "spiders").rglob("*.py")]
    paths += [*(ROOT / "pipelines").rglob("*.py")]
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in paths}


def names_a_spider(node: ast.expr) -> bool:
    """``spider``, ``self.spider``, ``self.crawler.spider``, ``crawler.spider`` …"""
    return (isinstance(node, ast.Name) and node.id == "spider") or (
        isinstance(node, ast.Attribute) and node.attr == "spider"
    )


def reads_spider_state(node: ast.AST) -> bool:
    """``getattr(spider, …)`` / ``hasattr(self.crawler.spider, …)``, or ``….spider.notes`` and the like."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("getattr", "hasattr")
    ):
        return bool(node.args) and names_a_spider(node.args[0])
    return isinstance(node, ast.Attribute) and node.attr in LEDGER_STATE and names_a_spider(node.value)


def reads_loose_meta(node: ast.AST) -> bool:
    """``….meta["role"]``, ``….meta.get("seed")``, ``….meta.get("govreports_…")``."""
    key: ast.expr | None = None
    if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("meta"):
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        key = node.args[0] if node.args and ast.unparse(node.func.value).endswith("meta") else None
    if not isinstance(key, ast.Constant):
        return False
    return key.value in OLD_META_KEYS or str(key.value).startswith("govreports_")


def blackboard_uses(tree: ast.Module) -> list[str]:
    return [
        ast.unparse(node) for node in ast.walk(tree) if reads_spider_state(node) or reads_loose_meta(node)
    ]


def test_no_component_reads_run_state_from_the_spider_or_loose_meta_keys():
    found = {
        str(path.relative_to(ROOT)): uses
        for path, tree in project_sources().items()
        if (uses := blackboard_uses(tree))
    }
    assert found == {}


def test_the_spider_keeps_no_run_state_of_its_own():
    tree = ast.parse((ROOT / "spiders" / "reports.py").read_text(encoding="utf-8"))
    assigned = {
        target.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute) and ast.unparse(target.value) in ("self", "spider")
    }
    assert assigned and not assigned & LEDGER_STATE


def test_the_source_check_sees_the_old_ways():
    old = """
notes = getattr(self.crawler.spider, "notes", None)
seeds = [seed.url for seed in getattr(spider, "seeds", [])]
self.crawler.spider.failed_pages.append(line)
role = request.meta.get("role")
seed = response.meta["seed"]
rendered = meta.get("govreports_rendered")
"""
    assert len(blackboard_uses(ast.parse(old))) == 6
