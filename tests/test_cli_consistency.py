"""One CLI: examples in every --help, whole descriptions in the command list, one set of validated
report filters, counts that say what was left out, real JSON, and `show` for reading one report."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from typed_records import stored

from crawler.cli import main
from crawler.cli.showing import text_table, width
from crawler.corpus import db as corpus
from crawler.corpus import dedupe

TABLE3 = {
    "new": {"natural_person": {"raw": "40", "value": 40}, "total": {"raw": "51", "value": 51}},
    "carried_over": {"natural_person": {"raw": "3", "value": 3}, "total": {"raw": "3", "value": 3}},
}
FAIL = {"rule": "table3_balance", "where": "total", "status": "fail", "left": 57, "right": 56}
PASS = {"rule": "table4_group_sum", "where": "review", "status": "pass", "left": 2, "right": 2}


def report(n: int, **fields):
    return {
        "url": f"http://127.0.0.1/r{n}.html",
        "title": f"青岚县第{n}号政府信息公开工作年度报告",
        "text": f"一、总体情况\n第{n}份报告，主动公开政府信息{n}条。\n二、行政复议\n办理行政复议{n}件。",
        "report_year": 2020 + n % 3,
        "body": "青岚县人民政府",
        "level": "县",
        "region": "某省某市青岚县",
        "template_version": "2021",
    } | fields


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "c.db"
    reports = [report(n) for n in range(25)]
    reports.append(
        report(
            99,
            body="青岚县教育局",
            level="部门",
            report_year=2023,
            tables={"table3": TABLE3},
            checks=[PASS, FAIL],
        )
    )
    database = corpus.open_db(path)
    dedupe.store_reports(database, [stored(**report) for report in reports])
    database.close()
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_examples_in_its_help(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "  Examples:\n    govreports " + command in result.output


def test_the_command_list_shows_every_description_whole():
    result = run("--help")
    listed = "".join(result.output.split("Commands:")[1].split())  # wrapped, but whole
    for name, command in main.commands.items():
        assert command.short_help and not command.short_help.endswith("...")
        assert name + "".join(command.short_help.split()) in listed
    assert "..." not in listed


@pytest.mark.parametrize("command", ["search", "export", "coverage", "checks"])
def test_the_same_filters_on_every_reading_command(command):
    result = run(command, "--help")
    for option in ("--year", "--level", "--region", "--body", "--template", "--db"):
        assert option in result.output, (command, option)


def test_an_english_level_is_mapped_and_a_wrong_one_names_the_valid_ones(db_path):
    result = run("search", "行政复议", "--level", "county", "--limit", "100", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "25 hits (fts match)"
    result = run("export", "--level", "department", "--db", str(db_path))
    assert [json.loads(line)["body"] for line in result.stdout.splitlines()] == ["青岚县教育局"]
    result = run("checks", "--level", "villa", "--db", str(db_path))
    assert result.exit_code == 2
    assert (
        "Invalid value for '--level': 'villa' is not a level; use one of 国务院部门, 省, 市, 县"
        in result.output
    )
    assert "county" in result.output and "Traceback" not in result.output


def test_a_body_that_matches_nothing_suggests_stored_names(db_path):
    for command in (["search", "复议"], ["export"], ["coverage"], ["checks"]):
        result = run(*command, "--body", "青岚县教育", "--db", str(db_path))
        assert result.exit_code == 2, command
        assert "no stored report has the body '青岚县教育'; did you mean 青岚县教育局" in result.output
    result = run("export", "--body", "完全不同", "--db", str(db_path))
    assert "`govreports coverage` lists the bodies" in result.output


def test_the_hit_count_says_how_many_were_left_out(db_path):
    result = run("search", "行政复议", "--db", str(db_path))
    assert result.exit_code == 0
    assert result.stderr.strip() == "showing 20 of 26 hits (fts match)"
    assert len([line for line in result.stdout.splitlines() if line[3:5] == ". "]) == 20
    result = run("search", "复议", "--limit", "5", "--db", str(db_path))  # the LIKE path counts too
    assert result.stderr.strip() == "showing 5 of 26 hits (like match)"
    result = run("search", "复议", "--year", "2023", "--body", "青岚县教育局", "--db", str(db_path))
    assert result.stderr.strip() == "1 hits (like match)"


def test_filters_apply_to_coverage_and_checks(db_path):
    result = run("coverage", "--format", "json", "--level", "部门", "--db", str(db_path))
    assert json.loads(result.stdout) == [
        {"body": "青岚县教育局", "years": {"2023": ["http://127.0.0.1/r99.html"]}}
    ]
    result = run("coverage", "--year", "2021", "--format", "csv", "--db", str(db_path))
    assert result.stdout.splitlines()[1].startswith("青岚县人民政府,2021,1,8,")
    result = run("checks", "--format", "csv", "--year", "2023", "--db", str(db_path))
    assert result.stdout.splitlines() == [
        "url,title,rule,where,left,right",
        "http://127.0.0.1/r99.html,青岚县第99号政府信息公开工作年度报告,table3_balance,total,57,56",
    ]
    assert (
        run("checks", "--year", "2022", "--db", str(db_path)).stderr.strip() == "0 failed checks in 0 reports"
    )


def test_runs_json_holds_no_json_strings(tmp_path):
    db_path = tmp_path / "c.db"
    database = corpus.open_db(db_path)
    run_id = corpus.start_run(database, ["http://127.0.0.1/"], {"GOVREPORTS_MAX_DEPTH": 6})
    corpus.finish_run(database, run_id, "budget_exhausted", {"govreports/budget/depth": 3}, ["seed x"])
    database.close()
    result = run("runs", "--format", "json", "--db", str(db_path))
    (row,) = json.loads(result.stdout)
    assert row["seeds"] == ["http://127.0.0.1/"] and row["settings"] == {"GOVREPORTS_MAX_DEPTH": 6}
    assert row["counts"] == {"govreports/budget/depth": 3} and row["errors"] == ["seed x"]
    assert row["notes"] == [] and row["per_seed"] == {} and row["status"] == "budget_exhausted"
    text = run("runs", "--db", str(db_path)).stdout.splitlines()
    assert "budget_exhausted" in text[1] and text[1].endswith("  1")


def test_show_prints_one_report_for_reading(db_path):
    by_url = run("show", "http://127.0.0.1/r99.html", "--db", str(db_path))
    assert by_url.exit_code == 0, by_url.output
    lines = by_url.stdout.splitlines()
    assert lines[0] == "青岚县第99号政府信息公开工作年度报告"
    assert "body:      青岚县教育局" in lines and "year:      2023" in lines
    assert "一、总体情况" in lines and "第99份报告，主动公开政府信息99条。" in lines
    text_at = lines.index("一、总体情况")
    assert lines[text_at + 1] == ""  # paragraphs apart
    table_at = lines.index("Statistics: table3")
    assert lines[table_at + 2 : table_at + 6] == [
        "              natural_person  total",
        "------------  --------------  -----",
        "new                       40     51",
        "carried_over               3      3",
    ]
    assert "Checks: 1 pass, 1 fail" in lines
    assert "fail  table3_balance  total  57 ≠ 56" in lines
    (hit_id,) = [
        line.rsplit("id ", 1)[1]
        for line in run("search", "第99份", "--db", str(db_path)).stdout.splitlines()[:1]
    ]
    assert run("show", hit_id, "--db", str(db_path)).stdout == by_url.stdout
    as_json = json.loads(run("show", hit_id, "--format", "json", "--db", str(db_path)).stdout)
    assert as_json["tables"]["table3"] == TABLE3 and as_json["checks"] == [PASS, FAIL]


def test_show_of_an_unknown_report_is_one_error(db_path):
    result = run("show", "http://127.0.0.1/nope.html", "--db", str(db_path))
    assert result.exit_code == 2
    assert "no stored report has the URL or id 'http://127.0.0.1/nope.html'" in result.output
    assert run("show", "12345", "--db", str(db_path)).exit_code == 2


def test_text_tables_align_wide_characters():
    lines = list(text_table({"新收申请": {"总计": {"raw": "5", "value": 5}}, "x": {"总计": 12}}))
    assert lines == ["          总计", "--------  ----", "新收申请     5", "x           12"]
    assert {width(line) for line in lines} == {14}
