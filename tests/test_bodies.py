"""Issue #16 item 6: one name per body. A township written bare (石门镇人民政府) and under its county
(青岚县石门镇人民政府) is one body: named in full from the seed or the site's other reports when stored,
so the coverage ledger shows no false gaps."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
import sqlite_utils
from click.testing import CliRunner

from crawler.cli import main
from crawler.corpus import db as corpus
from crawler.corpus.coverage import coverage_rows, registered_labels, registered_rows
from crawler.corpus.names import unify_township_bodies
from crawler.corpus.schema import MIGRATIONS, migrate, table
from crawler.extract import bodies, provenance
from crawler.extract.record import Report

URL = "http://www.qinglan.gov.cn/art/2021/1.html"

# ------------------------------------------------------------------------------------- pure naming


@pytest.mark.parametrize(
    ("body", "region", "seed_body", "seed_level", "named"),
    [
        ("石门镇人民政府", "石门镇", "青岚县人民政府", "县", "青岚县石门镇人民政府"),
        ("城关街道办事处", None, "青岚县人民政府", None, "青岚县城关街道办事处"),
        ("青岚县石门镇人民政府", "青岚县石门镇", "青岚县人民政府", "县", "青岚县石门镇人民政府"),
        ("青岚县教育局", "青岚县", "青岚县人民政府", "县", "青岚县教育局"),
        ("西湖区人民政府", "杭州市西湖区", "杭州市人民政府", "市", "西湖区人民政府"),
        ("浙江省教育厅", "浙江省", "浙江省人民政府", "省", "浙江省教育厅"),
        ("阿克苏地区财政局", "阿克苏地区", "阿克苏地区行政公署", "市", "阿克苏地区财政局"),
        # the seed's own government, however written, and bodies nothing ties to the seed: the seed wins
        ("青岚县人民政府", "青岚县", "青岚县人民政府", "县", None),
        ("阿克苏地区人民政府", "阿克苏地区", "阿克苏地区行政公署", "市", None),
        ("云山县人民政府", "云山县", "青岚县人民政府", "县", None),
        ("石门镇人民政府", "石门镇", "浙江省人民政府", "省", None),
        ("青岚县人民政府", "青岚县", "青岚县政府办公室", "部门", None),
        ("外交部", None, "外交部", "国务院部门", None),
        (None, None, "青岚县人民政府", "县", None),
    ],
)
def test_a_body_under_the_seed_keeps_its_own_name_in_full(body, region, seed_body, seed_level, named):
    assert bodies.under_seed(body, region, seed_body, seed_level) == named


def test_a_bare_township_takes_the_one_county_the_other_names_give_it():
    known = ["青岚县石门镇人民政府", "青岚县人民政府", "青岚县教育局"]
    assert bodies.county_among("石门镇人民政府", known) == "青岚县"
    assert bodies.county_among("石门镇人民政府", [*known, "云山县石门镇人民政府"]) is None  # which one?
    assert bodies.county_among("河西乡人民政府", known) is None
    assert bodies.county_among("青岚县石门镇人民政府", known) is None  # not bare
    assert bodies.county_among("青岚县教育局", known) is None


@pytest.mark.parametrize(
    ("body", "region", "full"),
    [
        ("青岚县石门镇人民政府", "石门镇", "青岚县石门镇"),
        ("青岚县石门镇人民政府", "云山市石门镇", "云山市青岚县石门镇"),
        ("青岚县石门镇人民政府", "云岭省云山市青岚县石门镇", "云岭省云山市青岚县石门镇"),
        ("青岚县教育局", "青岚县", "青岚县"),
        ("婺城区琅琊镇人民政府", "金华市婺城区琅琊镇", "金华市婺城区琅琊镇"),
        ("青岚县石门镇人民政府", None, None),
        ("国家统计局", "国务院", "国务院"),
    ],
)
def test_the_region_names_every_place_of_the_body(body, region, full):
    assert bodies.full_region(body, region) == full


def test_seed_hints_name_a_township_under_the_portals_county_and_keep_its_level():
    record = Report(URL, body="石门镇人民政府", level="乡", region="石门镇", sources={"body": "title"})
    hints = {
        "body": "青岚县人民政府",
        "region": "云岭省云山市青岚县",
        "level": "县",
        "division_code": "539923",
    }
    named = provenance.with_seed_hints(record, hints)
    assert (named.body, named.level, named.region) == (
        "青岚县石门镇人民政府",
        "乡",
        "云岭省云山市青岚县石门镇",
    )
    assert named.division_code == "539923"
    assert named.sources == {"body": "seed", "region": "seed", "division_code": "seed"}
    # the county's own report takes the seed's hints, as before
    own = Report(URL, body="青岚县人民政府", level="县", region="青岚县", sources={"body": "title"})
    hinted = provenance.with_seed_hints(own, hints)
    assert (hinted.body, hinted.level, hinted.region, hinted.division_code) == (
        "青岚县人民政府",
        "县",
        "云岭省云山市青岚县",
        "539923",
    )
    # without hints a township's region still names its county
    bare = Report(URL, body="青岚县石门镇人民政府", level="乡", region="石门镇")
    assert provenance.with_seed_hints(bare, {}).region == "青岚县石门镇"


# ------------------------------------------------------------------------------------- the corpus


def test_the_end_of_run_pass_names_bare_townships_by_their_site(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    now = "2025-01-01T00:00:00+00:00"
    for url, body in (
        ("http://a.gov.cn/1.html", "青岚县石门镇人民政府"),
        ("http://a.gov.cn/2.wps", "石门镇人民政府"),
        ("http://b.gov.cn/3.html", "石门镇人民政府"),  # another site: its own 石门镇
    ):
        table(database, "reports").insert(
            {"url": url, "text": "…", "body": body, "level": "乡", "region": "石门镇", "sources": "{}"}
            | {"first_seen_at": now, "updated_at": now}
        )
    assert unify_township_bodies(database) == 1
    rows = {row["url"]: row for row in table(database, "reports").rows}
    assert rows["http://a.gov.cn/2.wps"]["body"] == "青岚县石门镇人民政府"
    assert rows["http://a.gov.cn/2.wps"]["region"] == "青岚县石门镇"
    assert json.loads(rows["http://a.gov.cn/2.wps"]["sources"]) == {"body": "site"}
    assert rows["http://b.gov.cn/3.html"]["body"] == "石门镇人民政府"


def test_the_division_code_migration_leaves_a_column_another_change_added(tmp_path):
    database = sqlite_utils.Database(tmp_path / "c.db")
    applied = table(database, "_migrations")
    applied.create({"name": str, "applied_at": str}, pk="name")
    for name, step in MIGRATIONS:
        if name == "0010_division_code":
            break
        step(database)
        applied.insert({"name": name, "applied_at": "then"})
    assert "division_code" in table(database, "reports").columns_dict  # 0009_statistics_views added it
    names = [name for name, _ in MIGRATIONS]
    assert migrate(database) == names[names.index("0010_division_code") :]
    assert table(database, "reports").columns_dict["division_code"] is str
    fresh = corpus.open_db(tmp_path / "fresh.db")
    assert "division_code" in table(fresh, "reports").columns_dict


def test_registered_bodies_of_one_name_are_told_apart_by_code_and_region():
    registered = registered_labels(
        [
            ("西湖区人民政府", "330106", ("浙江省", "杭州市", "西湖区")),
            ("西湖区人民政府", "360103", ("江西省", "南昌市", "西湖区")),
            ("青岚县人民政府", None, ("云岭省", "云山市", "青岚县")),
        ]
    )
    assert [entry.label for entry in registered] == [
        "西湖区人民政府（杭州市）",
        "西湖区人民政府（南昌市）",
        "青岚县人民政府",
    ]
    stored = [
        ("西湖区人民政府", 2023, "http://hz/1", "330106", "浙江省杭州市西湖区"),
        ("西湖区人民政府", 2022, "http://nc/2", None, "南昌市西湖区"),
        ("西湖区人民政府", 2021, "http://x/3", None, "西湖区"),  # which one? neither
        ("西湖区教育局", 2023, "http://hz/4", "330106", "浙江省杭州市西湖区"),  # a department: not the body
        ("青岚县人民政府", 2023, "http://ql/5", None, "青岚县"),
    ]
    rows, years = registered_rows(stored, registered)
    assert years == [2021, 2022, 2023]
    assert rows["西湖区人民政府（杭州市）"] == {2021: [], 2022: [], 2023: ["http://hz/1"]}
    assert rows["西湖区人民政府（南昌市）"] == {2021: [], 2022: ["http://nc/2"], 2023: []}
    assert rows["青岚县人民政府"][2023] == ["http://ql/5"]


def test_a_seed_lists_bare_township_is_the_stored_county_form():
    stored = [("青岚县石门镇人民政府", 2022, "u1"), ("青岚县石门镇人民政府", 2023, "u2")]
    rows, _ = coverage_rows(stored, ["石门镇人民政府", "青岚县教育局"])
    assert list(rows) == ["青岚县石门镇人民政府", "青岚县教育局"]
    assert rows["青岚县石门镇人民政府"] == {2022: ["u1"], 2023: ["u2"]}


# ------------------------------------------------------------------------------------- the demo portal


def test_the_demo_townships_two_spellings_are_one_body_in_the_corpus_and_the_ledger(
    tmp_path, demo_server, demo_site
):
    """The demo's 石门镇 reports: 2021–2022 and 2024 name 青岚县石门镇, the 2023 WPS only 石门镇; a plain
    crawl (no seed hints) stores every one under the manifest's name, and the ledger shows no gap."""
    db_path = tmp_path / "c.db"
    command = [sys.executable, "-m", "crawler.cli", "crawl", demo_server.url("/"), "--db", str(db_path)]
    settings = ["--render", "never", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    done = subprocess.run([*command, *settings], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    manifest = demo_site.manifest()
    want = {
        demo_server.url(entry["path"]): entry["body"]
        for kind in ("reports", "files", "stubs")
        for entry in manifest[kind]
        if "/xz/smz/" in entry["path"]
    }
    database = corpus.open_db(db_path)
    got = dict(database.execute("select url, body from reports where url like '%/xz/smz/%'").fetchall())
    assert got and {url: want[url] for url in got} == got
    assert set(got.values()) == {"青岚县石门镇人民政府"}
    assert (
        "石门镇2023年" in database.execute("select title from reports where url like '%.wps'").fetchone()[0]
    )

    result = CliRunner().invoke(
        main, ["coverage", "--db", str(db_path), "--level", "乡", "--region", "青岚县", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    ledger = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {row["body"] for row in ledger} == {"青岚县石门镇人民政府"}
    assert [row["year"] for row in ledger if row["stored"] == "1"] == ["2021", "2022", "2023", "2024"]
