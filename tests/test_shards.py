"""Issue #18 item 4: one SQLite file per province. A real crawl of the demo portal over HTTP on 127.0.0.1
with ``--db-per-province`` (a stand-in registry gives its columns the codes and regions of different
provinces) puts each report in its province's file, none twice; search, export, coverage and show read
the shard directory as the same crawl into one ``--db`` file reads; a second run adds nothing."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.corpus.shards import LEDGER
from crawler.crawl import shards
from crawler.extract.record import Report

HEADER = "url,body,level,region,division_code\n"
# Demo columns (its bodies' 年报 columns, no script or challenge in the way) as registered portals of
# different places: column → (registry row after the URL, the shard its reports belong in).
COLUMNS = {
    "/zwgk/xxgknb/": ("青岚县人民政府,县,浙江省/杭州市/西湖区,330106", "33-浙江省.db"),
    "/zwgk/bm/jyj/xxgknb/": ("青岚县教育局,县,北京市/东城区,110101", "11-北京市.db"),
    "/zwgk/bm/czj/xxgknb/": ("财政部,国务院部门,国务院/国务院组成部门,", "central.db"),
    # no code: the region's province (江苏省) decides
    "/zwgk/bm/zrzyj/xxgknb/": ("南京市人民政府,市,江苏省/南京市,", "32-江苏省.db"),
}
# Seeded as a bare URL (no registry row): its region (青岚县…) names no known province.
UNREGISTERED = "/zwgk/xz/smz/xxgknb/"
FAST = ["--render", "never", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
# Columns of a stored report that say when it was fetched and stored: two crawls differ there only.
WHEN = ("fetched_at", "first_seen_at", "updated_at")


def stand_in_registry(path: Path, base: str, changed: dict[str, str] | None = None) -> Path:
    rows = {column: row for column, (row, _) in COLUMNS.items()} | (changed or {})
    path.write_text(HEADER + "".join(f"{base}{column},{row}\n" for column, row in rows.items()), "utf-8")
    return path


def crawl(base: str, registry_file: Path, *target: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "crawler.cli", "crawl", "--registry-file", str(registry_file)]
    done = subprocess.run(
        [*command, base + UNREGISTERED, *FAST, *target], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done


def reports_of(path: Path) -> dict[str, dict]:
    database = sqlite3.connect(path)
    database.row_factory = sqlite3.Row
    try:
        return {row["url"]: dict(row) for row in database.execute("select * from reports")}
    finally:
        database.close()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def crawled(demo_server, tmp_path_factory):
    """The same seeds crawled into a shard directory and into one file."""
    root = tmp_path_factory.mktemp("shards")
    base = demo_server.url("").rstrip("/")
    portals = stand_in_registry(root / "portals.csv", base)
    sharded = crawl(base, portals, "--db-per-province", str(root / "provinces"))
    crawl(base, portals, "--db", str(root / "one.db"))
    return {"root": root, "base": base, "dir": root / "provinces", "one": root / "one.db", "out": sharded}


def shard_reports(directory: Path) -> dict[str, set[str]]:
    return {path.name: set(reports_of(path)) for path in sorted(directory.glob("*.db"))}


def test_every_report_is_in_its_provinces_shard_and_none_twice(crawled):
    by_shard = shard_reports(crawled["dir"])
    expected = {shard for _, shard in COLUMNS.values()} | {"unknown.db", LEDGER}
    assert set(by_shard) == expected
    assert by_shard[LEDGER] == set()  # the run ledger holds runs and dropped pages, no report
    everything = [url for urls in by_shard.values() for url in urls]
    assert len(everything) == len(set(everything))  # none twice
    single = set(reports_of(crawled["one"]))
    assert set(everything) == single and len(single) > 20
    home = {column: shard for column, (_, shard) in COLUMNS.items()} | {UNREGISTERED: "unknown.db"}
    for shard, urls in by_shard.items():
        for url in urls:
            column = next(column for column in home if urlsplit(url).path.startswith(column))
            assert home[column] == shard, url
    # each column's manifest reports are all stored (the demo's manifest, per column)
    assert all(by_shard[shard] for shard in home.values())
    out = crawled["out"].stdout
    assert f"corpus {crawled['dir']}: {len(single)} reports in 5 shards" in out
    assert "33-浙江省.db" in out and "unknown.db" in out


def test_each_shard_has_its_run_and_the_ledger_the_whole_run(crawled):
    ledger = sqlite3.connect(crawled["dir"] / LEDGER)
    (run_id, status, counts) = ledger.execute("select id, status, counts from runs").fetchone()
    counts = json.loads(counts)
    assert status == "finished"
    for path in crawled["dir"].glob("*.db"):
        if path.name == LEDGER:
            continue
        database = sqlite3.connect(path)
        rows = database.execute("select id, status, settings, counts from runs").fetchall()
        (shard_run, shard_status, settings, shard_counts) = rows[0]
        assert len(rows) == 1 and shard_status == "finished"
        assert json.loads(settings)["ledger_run"] == run_id == shard_run
        stored = json.loads(shard_counts)["govreports/stored"]
        assert stored == counts[f"govreports/shard/{path.stem}/stored"] == len(reports_of(path))
        orphans = database.execute("select count(*) from reports where run_id != ?", [shard_run]).fetchone()
        assert orphans == (0,)


def hits(*args: str) -> tuple[list[dict], str]:
    code, out, err = run("search", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out), err


@pytest.mark.parametrize("query", ["政府信息公开", "复议", "县", "依申请 公开"])
def test_search_across_the_shards_finds_what_one_file_finds(crawled, query):
    words = query.split()
    one, one_count = hits(*words, "--db", str(crawled["one"]), "--limit", "200")
    many, many_count = hits(*words, "--db-dir", str(crawled["dir"]), "--limit", "200")
    assert one and one_count == many_count
    assert sorted(hit["url"] for hit in one) == sorted(hit["url"] for hit in many)
    snippets = [{hit["url"]: hit["snippet"] for hit in found} for found in (one, many)]
    assert snippets[0] == snippets[1] and all(snippets[0].values())
    assert all(hit["shard"] for hit in many)
    if one[0]["match"] == "like":  # occurrence counts rank alike in every shard: the same order
        assert [hit["url"] for hit in one] == [hit["url"] for hit in many]
    # the top of a long list, and its count summed over the shards
    _, one_top = hits(*words, "--db", str(crawled["one"]), "--limit", "3")
    _, many_top = hits(*words, "--db-dir", str(crawled["dir"]), "--limit", "3")
    assert one_top == many_top and one_top.startswith("showing 3 of ")


def export(crawled, output_format: str, *source: str) -> str:
    code, out, err = run("export", "--format", output_format, *source)
    assert code == 0, err
    return out


@pytest.mark.parametrize("output_format", ["jsonl", "csv", "stats", "measures"])
def test_export_of_the_shards_is_the_export_of_one_file(crawled, output_format):
    one = export(crawled, output_format, "--db", str(crawled["one"]))
    many = export(crawled, output_format, "--db-dir", str(crawled["dir"]))
    if output_format in ("stats", "measures"):
        assert one == many and one.count("\n") > 20
        return
    if output_format == "jsonl":
        rows = [[json.loads(line) for line in text.splitlines()] for text in (one, many)]
    else:
        rows = [list(csv.DictReader(io.StringIO(text))) for text in (one, many)]
    assert len(rows[0]) == len(reports_of(crawled["one"]))
    assert [[(key, value) for key, value in row.items() if key not in WHEN] for row in rows[0]] == [
        [(key, value) for key, value in row.items() if key not in WHEN] for row in rows[1]
    ]


def test_coverage_and_show_read_the_shards(crawled):
    registry_file = str(crawled["root"] / "portals.csv")
    ledgers = [
        run("coverage", *source, "--registry-file", registry_file, "--format", "csv")
        for source in (("--db", str(crawled["one"])), ("--db-dir", str(crawled["dir"])))
    ]
    assert ledgers[0][0] == 0 and ledgers[0][1] == ledgers[1][1]
    assert "财政部" in ledgers[0][1]

    found, _ = hits("复议", "--db-dir", str(crawled["dir"]), "--limit", "1")
    ident = f"{found[0]['shard']}:{found[0]['id']}"
    code, out, _ = run("show", ident, "--db-dir", str(crawled["dir"]), "--format", "json")
    assert code == 0 and json.loads(out)["url"] == found[0]["url"]
    code, out, _ = run("show", found[0]["url"], "--db-dir", str(crawled["dir"]))
    assert code == 0 and f"shard:     {found[0]['shard']}" in out
    code, _, err = run("show", "1", "--db-dir", str(crawled["dir"]))  # every shard has a report 1
    assert code == 1 and "id 1 is in 5 shards" in err and "give SHARD:ID or the URL" in err


def test_merge_joins_the_shards_into_the_one_file_a_crawl_makes(crawled):
    merged = crawled["root"] / "merged.db"
    code, out, err = run("merge", *map(str, sorted(crawled["dir"].glob("*.db"))), "-o", str(merged))
    assert code == 0 and "merged 6 shards" in out, err
    hashes = [
        {url: row["content_hash"] for url, row in reports_of(path).items()}
        for path in (merged, crawled["one"])
    ]
    assert hashes[0] == hashes[1]


def test_a_crawl_stopped_early_and_resumed_fills_the_same_shards(crawled):
    directory, job = crawled["root"] / "resumed", crawled["root"] / "job"
    portals = crawled["root"] / "portals.csv"
    stopped = ["--db-per-province", str(directory), "--job-dir", str(job)]
    slow = ["-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS=1", "-s", "GOVREPORTS_STORE_BATCH_SIZE=2"]
    # stopped after its first pages, not its first reports: on a busy machine extraction lags, and by the
    # third report every page had been fetched (a clean-clone run stored all 29 before the stop)
    crawl(crawled["base"], portals, *stopped, *slow, "-s", "CLOSESPIDER_PAGECOUNT=20")
    first = shard_reports(directory)
    assert 0 < sum(map(len, first.values())) < len(reports_of(crawled["one"]))
    crawl(crawled["base"], portals, *stopped)
    assert shard_reports(directory) == shard_reports(crawled["dir"])
    ledger = sqlite3.connect(directory / LEDGER)
    assert [status for (status,) in ledger.execute("select status from runs order by id")][-1] == "finished"


def test_a_second_run_adds_nothing_and_no_report_moves(crawled):
    directory = crawled["dir"]
    before = {
        name: {url: row["content_hash"] for url, row in reports_of(directory / name).items()}
        for name in shard_reports(directory)
    }
    # the 教育局 column now comes with a code of 上海市: its reports, stored in 北京市's file, stay there
    changed = {"/zwgk/bm/jyj/xxgknb/": "青岚县教育局,县,上海市/黄浦区,310101"}
    portals = stand_in_registry(crawled["root"] / "portals2.csv", crawled["base"], changed)
    done = crawl(crawled["base"], portals, "--db-per-province", str(directory))
    after = {
        name: {url: row["content_hash"] for url, row in reports_of(directory / name).items()}
        for name in shard_reports(directory)
    }
    assert after == before  # same files, same reports in each, same texts; no 31-上海市.db
    ledger = sqlite3.connect(directory / LEDGER)
    counts = json.loads(ledger.execute("select counts from runs order by id desc").fetchone()[0])
    assert counts.get("govreports/store/new", 0) == 0 and counts.get("govreports/store/versions", 0) == 0
    assert (
        counts["govreports/incremental/not_modified"] > 0
    )  # stored pages of every shard asked for with validators
    assert f"{sum(len(urls) for urls in after.values())} reports in 5 shards" in done.stdout


# --------------------------------------------------------------------------------------- routing


def report(**fields: str) -> Report:
    return Report(url="http://example.gov.cn/a.html", **fields)


def test_a_report_goes_by_code_then_central_then_region():
    assert shards.shard_key(report(division_code="330106", region="北京市")) == "33"
    assert shards.shard_key(report(level="国务院部门", region="国务院")) == shards.CENTRAL
    assert shards.shard_key(report(region="国务院办公厅")) == shards.CENTRAL
    assert shards.shard_key(report(region="杭州市西湖区")) == "33"  # a prefecture only 浙江 has
    assert shards.shard_key(report(region="新疆维吾尔自治区新疆生产建设兵团")) == "65"
    assert shards.shard_key(report(region="朝阳区")) == shards.UNKNOWN  # in 北京 and 吉林 alike
    assert shards.shard_key(report(region="青岚县")) == shards.UNKNOWN
    assert shards.shard_key(report()) == shards.UNKNOWN
    assert shards.file_name("33") == "33-浙江省.db" and shards.file_name("71") == "71.db"
    assert shards.file_name(shards.CENTRAL) == "central.db"
    assert shards.key_of_file(Path("33-浙江省.db")) == shards.key_of_file(Path("33.db")) == "33"
    assert shards.key_of_file(Path("unknown.db")) == "unknown"


# --------------------------------------------------------------------------------------- bad input


def test_a_shard_directory_that_is_a_file_or_unwritable_is_one_error_line(tmp_path, demo_server):
    afile = tmp_path / "afile"
    afile.write_text("not a directory", encoding="utf-8")
    url = demo_server.url(UNREGISTERED)
    for target, says in ((afile, "is a file, not a directory"), (afile / "sub", "cannot write shards")):
        code, out, err = run("crawl", url, "--db-per-province", str(target), *FAST)
        assert code == 1 and out == "", err
        assert len(err.strip().splitlines()) == 1 and says in err, err
    assert afile.read_text(encoding="utf-8") == "not a directory"
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "33-浙江省.db").write_text("not a database", encoding="utf-8")
    code, _, err = run("crawl", url, "--db-per-province", str(broken), *FAST)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "not a usable SQLite database" in err, err
    code, _, err = run("crawl", url, "--db-per-province", str(tmp_path / "d"), "--db", str(tmp_path / "x.db"))
    assert code == 2 and "not both" in err
    for command in (["search", "复议"], ["export"], ["coverage"], ["show", "1"]):
        code, out, err = run(*command, "--db-dir", str(tmp_path / "none"))
        assert code == 1 and len(err.strip().splitlines()) == 1 and "no shard directory" in err, err
        code, _, err = run(*command, "--db-dir", str(afile))
        assert code == 1 and "is a file" in err
