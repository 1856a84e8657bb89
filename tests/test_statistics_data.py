"""Issue #16 item 2, the statistics as data, on a real crawl of the demo portal: the tidy ``stats`` export,
the harmonised ``measures`` (per template, against the demo's ground truth), the codebook, the SQL views
``statistics`` and ``measures``, figures stated in prose, and the cross-year checks."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from typed_records import stored

from crawler.cli import main
from crawler.corpus import db as corpus
from crawler.corpus import dedupe
from crawler.corpus.statistics import (
    MEASURES_COLUMNS,
    STATISTICS_COLUMNS,
    cross_year_results,
    iter_measures,
    iter_statistics,
)
from crawler.corpus.views import VIEWS, ensure_views
from crawler.demo import DemoServer, DemoSite, ManifestReport
from crawler.extract.tables import labels
from crawler.extract.tables.measures import MEASURE_NAMES, measures_of
from crawler.extract.tables.prose import stated_figures

# The demo manifest's indicator labels → the parser's keys (the labels are the template's own).
INDICATOR_KEYS = {label: key for key, label in labels.INDICATOR_LABELS.items()}


@pytest.fixture(scope="module")
def crawled(demo_server: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus crawled from the demo portal over HTTP, as a user would."""
    db_path = tmp_path_factory.mktemp("stats") / "demo.db"
    command = [sys.executable, "-m", "crawler.cli", "crawl", demo_server.url("/"), "--db", str(db_path)]
    command += ["--render", "never", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return db_path


@pytest.fixture
def reachable(crawled: Path, demo_site: DemoSite, demo_server: DemoServer) -> list[ManifestReport]:
    """The demo reports a crawl without a browser stores: all but those behind an anti-bot challenge
    (河西乡; the script-filled list of 青岚县卫生健康局 is read from the JSON its page names)."""
    database = corpus.open_db(crawled, create=False)
    stored = {url for (url,) in database.execute("select url from reports")}
    database.close()
    found = [r for r in demo_site.reports if demo_server.url(r.path) in stored]
    assert {r.body for r in demo_site.reports if r not in found} <= {"青岚县河西乡人民政府"}
    assert len(found) >= len(demo_site.reports) - 1
    return found


@pytest.fixture
def database(crawled: Path):
    database = corpus.open_db(crawled, create=False)
    yield database
    database.close()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def by_url(rows: list[dict[str, Any]], server: DemoServer) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["url"].replace(server.url(""), "/"), []).append(row)
    return found


def expected_measures(report: ManifestReport) -> dict[str, Any]:
    """The measures the demo's ground truth implies, worked out from the manifest's own labels."""
    expected: dict[str, Any] = dict.fromkeys(MEASURE_NAMES)
    if report.template_version == "2008":
        figures = report.tables or report.stated
        old = {INDICATOR_KEYS[label]: value for label, value in figures.items()}
        for measure, key in (
            ("requests_received", "requests_received"),
            ("requests_handled", "answers_total"),
            ("granted", "answers_granted"),
            ("partly_granted", "answers_partly_granted"),
            ("refused_total", "answers_refused"),
            ("review_total", "reviews"),
            ("litigation_total", "lawsuits"),
            ("active_disclosures", "active_total"),
            ("normative_documents_issued", "normative_documents_issued"),
            ("fees", "fees"),
            ("complaints", "complaints"),
        ):
            expected[measure] = old.get(key)
        return expected
    rows = {key: values[6] for key, values in report.tables["table3"]["rows"].items()}
    table4, table2 = report.tables["table4"], report.tables["table2"]

    def total(prefix: str) -> int:
        return sum(value for key, value in rows.items() if key == prefix or key.startswith(prefix + "_"))

    expected |= {
        "requests_received": rows["new"],
        "requests_carried_over": rows["carried_over"],
        "requests_handled": rows["total"],
        "requests_carried_forward": rows["carry_forward"],
        "granted": rows["granted"],
        "partly_granted": rows["partly_granted"],
        "refused_total": total("refused"),
        "unable_total": total("unable"),
        "not_processed_total": total("not_processed"),
        "other_outcome_total": total("other"),
        "review_total": table4["review"][4],
        "review_upheld": table4["review"][0],
        "review_corrected": table4["review"][1],
        "litigation_total": table4["litigation_direct"][4] + table4["litigation_after_review"][4],
        "litigation_corrected": table4["litigation_direct"][1] + table4["litigation_after_review"][1],
    }
    if report.template_version == "2021":
        expected |= {
            "normative_documents_issued": table2["行政规范性文件"]["本年制发件数"],
            "licensing_decisions": table2["行政许可"]["本年处理决定数量"],
            "penalty_decisions": table2["行政处罚"]["本年处理决定数量"],
            "coercion_decisions": table2["行政强制"]["本年处理决定数量"],
            "administrative_fees_amount": table2["行政事业性收费"]["本年收费金额（单位：万元）"],
        }
    else:
        expected |= {
            "normative_documents_issued": table2["规范性文件"]["本年新制作数量"],
            "licensing_decisions": table2["行政许可"]["处理决定数量"],
            "penalty_decisions": table2["行政处罚"]["处理决定数量"],
            "coercion_decisions": table2["行政强制"]["处理决定数量"],
        }
    return expected


# --- stats ---------------------------------------------------------------------------------------------


def test_every_demo_report_with_statistics_has_stats_rows(database, reachable, demo_server):
    cells = by_url(list(iter_statistics(database)), demo_server)
    with_statistics = [r for r in reachable if r.tables or r.stated]
    assert len(with_statistics) == len(reachable)  # every demo page states some figures
    for report in with_statistics:
        rows = cells.get(report.path)
        assert rows, report.path
        assert {row["template_version"] for row in rows} == {report.template_version}
        assert all(row["row_label"] and row["col_label"] for row in rows), report.path


def test_stats_rows_carry_the_templates_labels_and_the_manifest_numbers(database, reachable, demo_server):
    cells = by_url(list(iter_statistics(database)), demo_server)
    for report in reachable:
        rows = cells[report.path]
        if report.template_version == "2008":
            figures = report.tables or report.stated
            table = "indicators" if report.tables else "prose"
            got = {row["row_label"]: row["value"] for row in rows if row["table"] == table}
            # the manifest's labels are the template's; 其中 rows are written with or without it
            assert {label.removeprefix("其中："): v for label, v in got.items()} == {
                label.removeprefix("其中："): value for label, value in figures.items()
            }, report.path
            continue
        table2 = {
            (row["row_label"], row["col_label"]): row["value"] for row in rows if row["table"] == "table2"
        }
        truth = {(r, c): v for r, columns in report.tables["table2"].items() for c, v in columns.items()}
        assert table2 == truth, report.path
        table3 = [row for row in rows if row["table"] == "table3" and row["col_key"] == "total"]
        assert [row["value"] for row in table3] == [v[6] for v in report.tables["table3"]["rows"].values()]
        assert {row["col_label"] for row in rows if row["table"] == "table3"} == {
            "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
        }  # fmt: skip


def test_stats_keeps_raw_and_value_apart(database):
    rows = list(iter_statistics(database))
    assert all(set(row) == set(STATISTICS_COLUMNS) for row in rows)
    prose = [row for row in rows if row["table"] == "prose" and row["row_key"] == "reviews"]
    assert prose and all(row["raw"] and row["value"] is not None for row in prose)


# --- measures ------------------------------------------------------------------------------------------


def test_measures_agree_with_the_tables_and_the_demo_ground_truth(database, reachable, demo_server):
    measures = {url: rows[0] for url, rows in by_url(list(iter_measures(database)), demo_server).items()}
    seen = set()
    for report in reachable:
        row = measures[report.path]
        assert row["template_version"] == report.template_version
        assert {name: row[name] for name in MEASURE_NAMES} == expected_measures(report), report.path
        seen.add(report.template_version)
    assert seen == {"2008", "2019", "2021"}


def test_measures_are_the_cells_the_mapping_names(database):
    """Per template, the headline measures are the very cells of the parsed tables."""
    rows = database.execute("select url, template_version, tables from reports").fetchall()
    for url, template, tables in rows:
        decoded = json.loads(tables)
        measures = measures_of(template, decoded)
        if template in ("2019", "2021") and "table3" not in decoded:
            # a report on the form whose text has no statistics table (a stub's file): nothing to read
            assert measures["requests_received"] is None, url
        elif template in ("2019", "2021"):
            assert measures["requests_received"] == decoded["table3"]["new"]["total"]["value"], url
            if "table4" in decoded:
                assert measures["review_total"] == decoded["table4"]["review"]["total"]["value"], url
            else:
                assert measures["review_total"] is None
            assert measures["active_disclosures"] is None and measures["fees"] is None
        elif template == "2008" and "indicators" in decoded:
            assert measures["requests_received"] == decoded["indicators"]["requests_received"]["value"]
            assert measures["requests_carried_over"] is None and measures["unable_total"] is None


def test_prose_fills_the_measures_of_pre_2019_reports_without_a_table(database, reachable, demo_server):
    measures = {url: rows[0] for url, rows in by_url(list(iter_measures(database)), demo_server).items()}
    prose_reports = [r for r in reachable if r.template_version == "2008" and not r.tables]
    assert len(prose_reports) == 3
    for report in prose_reports:
        row = measures[report.path]
        assert row["source"] == "text", report.path
        assert row["requests_received"] == report.stated["收到申请数"]
        assert row["active_disclosures"] == report.stated["主动公开政府信息数"]
        assert row["review_total"] == report.stated["行政复议数量"]
        assert row["fees"] == 0  # "全年未因提供政府信息收取…任何费用"
    tabled = [r for r in reachable if r.tables]
    assert all(measures[r.path]["source"] == "table" for r in tabled)


def test_a_number_beats_a_zero_said_in_words():
    text = "全年未发生因政府信息公开申请引起的行政复议。全年提起行政复议2件。全年未收到政府信息公开申请。"
    stated = stated_figures(text)
    assert stated["reviews"] == {"raw": "提起行政复议2件".removeprefix("提起"), "value": 2, "unit": "件"}
    assert stated["requests_received"]["value"] == 0


# --- codebook ------------------------------------------------------------------------------------------


def test_codebook_names_every_measure_with_its_cells():
    result = run("codebook")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert [entry["name"] for entry in entries] == list(MEASURE_NAMES)
    assert [c for c in MEASURES_COLUMNS if c in MEASURE_NAMES] == list(MEASURE_NAMES)
    by_name = {entry["name"]: entry for entry in entries}
    assert by_name["requests_received"]["templates"]["2021"] == [
        [
            {
                "table": "table3",
                "row_key": "new",
                "col_key": "total",
                "row_label": "一、本年新收政府信息公开申请数量",
                "col_label": "总计",
            }
        ]
    ]
    assert by_name["requests_carried_over"]["templates"]["2008"] is None
    assert all(entry["definition"] and entry["label"] for entry in entries)
    markdown = run("codebook", "--format", "markdown").stdout
    assert all(f"`{name}`" in markdown for name in MEASURE_NAMES)


def test_cli_measures_export_writes_its_codebook_beside_it(crawled, tmp_path):
    out = tmp_path / "measures.csv"
    result = run("export", "--db", str(crawled), "--format", "measures", "-o", str(out), "--template", "2019")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert rows and {row["template_version"] for row in rows} == {"2019"}
    assert list(rows[0]) == list(MEASURES_COLUMNS)
    codebook = json.loads((tmp_path / "measures.codebook.json").read_text(encoding="utf-8"))
    assert [entry["name"] for entry in codebook] == list(MEASURE_NAMES)


def test_cli_stats_export_as_csv_and_parquet(crawled, database, tmp_path):
    expected = list(iter_statistics(database))
    result = run("export", "--db", str(crawled), "--format", "stats")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(expected) and list(rows[0]) == list(STATISTICS_COLUMNS)
    assert rows[0]["url"] == expected[0]["url"] and rows[0]["raw"] == (expected[0]["raw"] or "")
    out = tmp_path / "stats.parquet"
    assert run("export", "--db", str(crawled), "--format", "stats", "-o", str(out)).exit_code == 0
    table = pq.read_table(out).to_pylist()
    assert [(r["url"], r["table"], r["row_key"], r["col_key"]) for r in table] == [
        (r["url"], r["table"], r["row_key"], r["col_key"]) for r in expected
    ]
    assert [r["value"] for r in table] == [
        None if r["value"] is None else float(r["value"]) for r in expected
    ]


# --- views ---------------------------------------------------------------------------------------------


def view_rows(database, name: str, columns) -> list[tuple]:
    cursor = database.execute(f"select * from {name}")
    assert [d[0] for d in cursor.description] == list(columns)
    return cursor.fetchall()


def test_views_exist_and_agree_with_the_exports(database):
    names = {row[0] for row in database.execute("select name from sqlite_master where type = 'view'")}
    assert {"statistics", "measures"} <= names
    statistics = view_rows(database, "statistics", STATISTICS_COLUMNS)
    exported = [tuple(row[c] for c in STATISTICS_COLUMNS) for row in iter_statistics(database)]
    assert sorted(statistics, key=repr) == sorted(exported, key=repr)
    measures = view_rows(database, "measures", MEASURES_COLUMNS)
    exported = [tuple(row[c] for c in MEASURES_COLUMNS) for row in iter_measures(database)]
    assert sorted(measures, key=repr) == sorted(exported, key=repr)


def test_views_follow_every_write_of_tables(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    cell = {"raw": "7", "value": 7, "unit": "件"}
    record = {"url": "http://a.gov.cn/1.html", "title": "甲县2012年报", "text": "x", "report_year": 2012}
    dedupe.store_reports(
        database, [stored(**record, template_version="2008", tables={"prose": {"reviews": cell}})]
    )
    assert database.execute("select review_total, source from measures").fetchall() == [(7, "text")]
    database.execute("update reports set tables = '{}'")
    assert database.execute("select count(*) from statistics").fetchone()[0] == 0
    assert database.execute("select review_total, source from measures").fetchall() == [(None, None)]
    database.execute("update reports set tables = 'not json'")
    assert database.execute("select count(*) from statistics").fetchone()[0] == 0
    database.execute("drop view measures")
    database.execute("create view measures as select 1 as stale")
    assert ensure_views(database) == ["measures"]  # a view whose SQL is not this version's is recreated
    assert ensure_views(database) == []  # and only then
    assert set(VIEWS) == {"statistics", "measures"}
    database.close()


def test_division_code_column_exists_and_is_null(database):
    assert database.execute("select count(*) from reports where division_code is not null").fetchone() == (0,)


# --- cross-year checks ---------------------------------------------------------------------------------


def test_cross_year_check_finds_exactly_the_deliberate_break(crawled, demo_site):
    result = run("checks", "--db", str(crawled), "--cross-year", "--format", "json")
    assert result.exit_code == 0, result.output
    breaks = json.loads(result.stdout)
    assert {(b["body"], b["year_before"], b["year"]) for b in breaks} == set(demo_site.cross_year_breaks())
    assert demo_site.cross_year_breaks() == [("青岚县自然资源局", 2020, 2021)]
    assert {(b["where"], b["value_before"], b["value"]) for b in breaks} == {
        ("natural_person", 0, 2),
        ("total", 0, 2),
    }
    assert "2 cross-year breaks for 1 bodies" in result.stderr
    text = run("checks", "--db", str(crawled), "--cross-year").stdout.splitlines()
    assert len(text) == 2 and text[0].startswith("青岚县自然资源局\t2020\t2021\ttable3_carried_over\t")


def test_consecutive_years_that_agree_pass(database):
    county = [r for r in cross_year_results(database) if r["body"] == "青岚县人民政府"]
    assert {(r["year_before"], r["year"]) for r in county} == {(y, y + 1) for y in range(2019, 2024)}
    assert all(r["status"] == "pass" for r in county)


def readme_worked_example() -> str:
    """The README's worked example reading ``measures``: its ``python`` block, as printed."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    after = readme.split("A worked example on the corpus `make demo` writes", 1)[1]
    return after.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_worked_example_runs_as_printed_on_the_demo_corpus(crawled, tmp_path):
    """Where `make demo` leaves the corpus (output/corpus.db), with what `make` installs: the rates of
    every report that handled requests, 2008 and 2019/2021 templates alike."""
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "corpus.db").write_bytes(crawled.read_bytes())
    done = subprocess.run(
        [sys.executable, "-c", readme_worked_example()], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "output" / "rates.csv", encoding="utf-8") as rates:
        rows = list(csv.DictReader(rates))
    assert {row["template"] for row in rows} == {"2008", "2019", "2021"}
    assert all(0 <= float(row["disclosure_rate"]) <= 1 for row in rows)
    database = corpus.open_db(crawled, create=False)
    (handled,) = database.execute("select count(*) from measures where requests_handled > 0").fetchone()
    database.close()
    assert len(rows) == handled > 0
