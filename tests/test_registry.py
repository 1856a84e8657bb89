"""Issue #16 item 4: the national seed registry shipped in the package — checked offline, listed by
province, city and level, crawled with each portal's body, region, level and division code, and the
coverage ledger of every registered body."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import main
from crawler.crawl import registry

HEADER = "url,body,level,region,division_code\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------------------- the data


def test_the_registry_ships_in_the_package_with_its_provenance():
    path = registry.shipped_path()
    assert path.parent == Path(registry.__file__).parent  # package data, not ../shared
    for name in ("portals.csv", "review.csv", "SOURCES.md"):
        assert (path.parent / name).is_file()
    portals = registry.load()
    assert len(portals) == 3278
    counts = {level: sum(1 for p in portals if p.level == level) for level in registry.LEVELS}
    assert counts == {"国务院部门": 62, "省": 32, "市": 333, "县": 2851}


def test_the_shipped_copy_is_the_shared_one(shared_dir):
    shipped = registry.shipped_path().parent
    for name in ("portals.csv", "review.csv", "SOURCES.md"):
        assert (shipped / name).read_bytes() == (shared_dir / "portals" / name).read_bytes(), name


def test_seeds_check_passes_on_the_shipped_registry_with_the_review_rows_as_warnings():
    code, out, _ = run("seeds", "--check")
    assert code == 0, out
    lines = out.splitlines()
    assert not [line for line in lines if line.startswith("error:")]
    assert sum(1 for line in lines if ": review: " in line) == 106
    assert "warning: " in out and ": review: 222404 吉林省/延边朝鲜族自治州/珲春市: BLANKED" in out
    assert lines[-1].startswith("registry OK: ")
    assert "3278 rows (62 国务院部门, 32 省, 333 市, 2851 县); 0 problems" in lines[-1]


def test_seeds_check_fails_with_one_line_per_problem(tmp_path):
    broken = tmp_path / "portals.csv"
    broken.write_text(
        HEADER
        + "https://www.zj.gov.cn/,浙江省人民政府,省,浙江省,330000\n"  # 2
        + "https://www.hangzhou.gov.cn/,杭州市人民政府,市,浙江省/杭州市,330100\n"  # 3
        + "ftp://www.hzsc.gov.cn/,上城区人民政府,县,浙江省/杭州市/上城区,330102\n"  # 4
        + "https://www.example.com/,拱墅区人民政府,县,浙江省/杭州市/拱墅区,330105\n"  # 5
        + "http://hangzhou.gov.cn,西湖区人民政府,县,浙江省/杭州市/西湖区,330106\n"  # 6
        + "https://www.a.gov.cn/,滨江区人民政府,县,浙江省/杭州市/滨江区,33010\n"  # 7
        + "https://www.b.gov.cn/,萧山区人民政府,市,浙江省/杭州市/萧山区,330109\n"  # 8
        + "https://www.c.gov.cn/,余杭区人民政府,县,浙江省/杭州市/余杭区,320110\n"  # 9
        + "https://www.d.gov.cn/,富阳区人民政府,县,浙江省/杭州市/富阳区,330211\n"  # 10
        + "https://www.e.gov.cn/,临安区人民政府,县,浙江省/杭州市/临安区,330185\n"  # 11
        + "https://www..gov.cn/,桐庐县人民政府,县,浙江省/杭州市/桐庐县,330185\n"  # 12
        + "https://www.f.gov.cn/,淳安县人民政府,镇,浙江省/杭州市/淳安县,330127\n",  # 13
        encoding="utf-8",
    )
    (tmp_path / "review.csv").write_text(
        "division_code,region,url_from_source,issue\n330127,浙江省/杭州市/淳安县,,CHECK: a doubt\n",
        encoding="utf-8",
    )
    code, out, _ = run("seeds", "--check", "--registry-file", str(broken))
    assert code == 1
    errors = [
        line.removeprefix(f"error: {broken}:") for line in out.splitlines() if line.startswith("error:")
    ]
    assert errors == [
        "4: unsupported scheme 'ftp' (only http and https): 'ftp://www.hzsc.gov.cn/'",
        "5: host 'www.example.com' is not under gov.cn: 'https://www.example.com/'",
        "6: duplicate URL (first at line 3)",
        "7: division code '33010' is not 6 digits",
        "8: level 市 but code 330109 is a 县's",
        "9: code 320110 is not in 浙江省 (33xxxx)",
        "10: code 330211 is not in 浙江省/杭州市 (3301xx)",
        "12: malformed host 'www..gov.cn': 'https://www..gov.cn/'",
        "12: duplicate division code (first at line 11)",
        "13: unknown level '镇' (one of 国务院部门, 省, 市, 县)",
    ]
    assert f"warning: {broken}:13: review: 330127 浙江省/杭州市/淳安县: CHECK: a doubt" in out
    assert out.splitlines()[-1].endswith("10 problems, 1 warnings")


def test_a_file_that_is_not_a_registry_is_one_error_line(tmp_path):
    other = tmp_path / "seeds.csv"
    other.write_text("url,body\nhttps://www.zj.gov.cn/,浙江省人民政府\n", encoding="utf-8")
    code, _, err = run("seeds", "--check", "--registry-file", str(other))
    assert code == 2
    assert err.strip() == f"error: {other}: not a registry (columns missing: level, region, division_code)"


# --------------------------------------------------------------------------------------- listing


def test_zhejiang_has_90_county_level_bodies():
    code, out, err = run("seeds", "--province", "浙江省", "--level", "县", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 90 and "90 registered bodies" in err
    assert {row["level"] for row in rows} == {"县"}
    assert all(row["region"].startswith("浙江省/") and row["division_code"].startswith("33") for row in rows)
    code, out, _ = run("seeds", "--province", "浙江省", "--level", "县")
    assert len(out.splitlines()) == 90 and out.splitlines()[0].split("\t")[:3] == [
        "330102",
        "县",
        "上城区人民政府",
    ]


def test_a_city_keeps_itself_and_its_counties():
    code, out, _ = run("seeds", "--province", "浙江", "--city", "杭州市", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["body"] == "杭州市人民政府"
    assert len(rows) == 1 + 13 and {row["division_code"][:4] for row in rows} == {"3301"}


def test_an_unknown_province_or_level_is_one_error_naming_the_valid_ones():
    code, _, err = run("seeds", "--province", "浙讲省")
    assert code == 2 and err.splitlines() == ["error: no province '浙讲省' in the registry (near: 浙江省)"]
    code, _, err = run("seeds", "--province", "浙江省", "--city", "杭洲市")
    assert code == 2 and err.startswith("error: no city '杭洲市' in 浙江省 (near: 杭州市")
    code, _, err = run("seeds", "--level", "乡")
    assert code == 2 and "'乡' is not a level; use one of 国务院部门, 省, 市, 县, state-council" in err
    code, _, err = run("seeds", "--level", "township")  # a level the reports have, the registry not
    assert code == 2 and "'township' is not a level" in err and "Traceback" not in err


def test_the_registry_level_takes_the_english_names_the_report_filters_take():
    """``--level county`` means 县 on `seeds` (and `crawl --registry`) as on `search` and `export`."""
    assert (
        run("seeds", "--province", "浙江省", "--level", "county")[1]
        == run("seeds", "--province", "浙江省", "--level", "县")[1]
    )
    code, out, _ = run("seeds", "--province", "浙江省", "--level", "city")
    assert code == 0 and len(out.splitlines()) == 11  # 浙江 has 11 prefectures


def test_registry_rows_become_seeds_with_their_hints():
    (portal,) = [p for p in registry.load() if p.division_code == "330106"]
    seed = registry.seed_of(portal)
    assert (seed.url, seed.body, seed.level) == ("https://www.hzxh.gov.cn/", "西湖区人民政府", "县")
    assert (seed.region, seed.division_code) == ("浙江省杭州市西湖区", "330106")
    seeds, problems = registry.seeds_of([p for p in registry.load() if p.province == "重庆市"])
    assert [line.split(": ", 1)[1] for line in problems] == [
        "江北区人民政府: empty URL",
        "渝北区人民政府: empty URL",
    ]
    assert len(seeds) == 1 + 39 - 2  # the municipality and its county-level bodies with a portal


# --------------------------------------------------------------------------------------- crawling


def stand_in_registry(path: Path, base_url: str) -> Path:
    """The demo county as a one-row registry: a real crawl over HTTP on 127.0.0.1."""
    path.write_text(HEADER + f"{base_url}/,青岚县人民政府,县,云岭省/云山市/青岚县,539923\n", encoding="utf-8")
    return path


def test_crawl_registry_attaches_division_codes_and_coverage_lists_every_registered_body(
    tmp_path, demo_server
):
    portals = stand_in_registry(tmp_path / "portals.csv", demo_server.url("").rstrip("/"))
    db_path = tmp_path / "c.db"
    command = [sys.executable, "-m", "crawler.cli", "crawl", "--registry-file", str(portals)]
    settings = ["--render", "never", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    done = subprocess.run(
        [*command, *settings, "--db", str(db_path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    database = sqlite3.connect(db_path)
    rows = database.execute("select body, level, region, division_code, report_year from reports").fetchall()
    # as many as the contract snapshot's crawl of the demo portal without a browser
    golden = json.loads((Path(__file__).parent / "golden" / "contract" / "demo.json").read_text("utf-8"))
    assert len(rows) == len(golden["export"])
    assert {code for *_, code, _ in rows} == {"539923"}
    county = {(year, region) for body, level, region, _, year in rows if body == "青岚县人民政府"}
    assert len(county) == 13 and {region for _, region in county} == {"云岭省云山市青岚县"}
    # a department and a township keep their own names and levels, under the portal's place
    bodies = {(body, level, region) for body, level, region, *_ in rows}
    assert ("青岚县教育局", "部门", "云岭省云山市青岚县") in bodies
    assert ("青岚县石门镇人民政府", "乡", "云岭省云山市青岚县石门镇") in bodies
    assert not any(body == "石门镇人民政府" for body, *_ in bodies)

    result = CliRunner().invoke(
        main, ["coverage", "--db", str(db_path), "--registry-file", str(portals), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    ledger = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {row["body"] for row in ledger} == {"青岚县人民政府"}
    stored = {int(row["year"]) for row in ledger if row["stored"] == "1"}
    assert stored == {2010, 2011, 2013, 2014, *range(2016, 2025)}
    assert {int(row["year"]) for row in ledger if row["stored"] == "0"} == {2012, 2015}

    # the shipped registry's 浙江省: every registered body × year, all missing from this corpus
    result = CliRunner().invoke(
        main, ["coverage", "--db", str(db_path), "--registry", "--province", "浙江省", "--format", "csv"]
    )
    ledger = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len({row["body"] for row in ledger}) == 1 + 11 + 90
    assert all(row["stored"] == "0" for row in ledger) and len(ledger) == 102 * 15
