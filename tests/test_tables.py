"""Statistics tables: HTML grids with spans, text-flattened tables, named cells and the consistency checks."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from crawler.demo import DemoSite, ManifestReport
from crawler.demo import tables as demo_tables
from crawler.extract.page import drop_non_text, extract_page, find_container, parse_html
from crawler.extract.tables import patterns as tp
from crawler.extract.tables.cells import fold, lines_key_text, make_cell
from crawler.extract.tables.checks import check_table4
from crawler.extract.tables.grid import Grid, html_table_grid
from crawler.extract.tables.statistics import (
    Statistics,
    parse_statistics,
    parse_statistics_from_container,
    parse_table4,
    template_version,
)

SEED_2019 = "seeds/002_5e7b7750513ba6ef.txt"
SEED_INDICATORS = "seeds/001_ada6bcccffd3deee.txt"
REAL_2024 = "realpages/23_pingtan-2024-annual-report-detail.html"

# The demo manifest keeps the templates' own labels for table 2 and the indicators.
TABLE2_ROW_KEYS = {
    "规章": "regulations",
    "规范性文件": "normative_documents",
    "行政规范性文件": "normative_documents",
    "行政许可": "licensing",
    "其他对外管理服务事项": "other_services",
    "行政处罚": "penalty",
    "行政强制": "coercion",
    "行政事业性收费": "fees",
    "政府集中采购": "procurement",
}
INDICATOR_KEYS = {
    "主动公开政府信息数": "active_total",
    "其中：主动公开规范性文件数": "active_normative_documents",
    "制发规范性文件总数": "normative_documents_issued",
    "收到申请数": "requests_received",
    "其中：当面申请数": "requests_in_person",
    "传真申请数": "requests_fax",
    "网络申请数": "requests_online",
    "信函申请数": "requests_letter",
    "对申请的答复数": "answers_total",
    "其中：同意公开答复数": "answers_granted",
    "同意部分公开答复数": "answers_partly_granted",
    "不同意公开答复数": "answers_refused",
    "其他答复数": "answers_other",
    "行政复议数量": "reviews",
    "行政诉讼数量": "lawsuits",
    "举报投诉数量": "complaints",
    "依申请公开信息收取的费用": "fees",
    "政府信息公开专职人员数": "staff_full_time",
    "政府信息公开兼职人员数": "staff_part_time",
}


def values(table: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row: {column: cell["value"] for column, cell in cells.items()} for row, cells in table.items()}


def numbers(stats: Statistics) -> dict[str, Any]:
    """Every table's values, without the raw strings."""
    found: dict[str, Any] = {
        name: values(table) for name, table in stats.tables.items() if name not in ("indicators", "prose")
    }
    for name in ("indicators", "prose"):
        if name in stats.tables:
            found[name] = {key: cell["value"] for key, cell in stats.tables[name].items()}
    return found


def expected_tables(report: ManifestReport) -> dict[str, Any]:
    """The manifest's numbers in the parser's named shape."""
    truth = report.tables
    if report.template_version == "2008" and not truth:
        return {"prose": {INDICATOR_KEYS[label]: value for label, value in report.stated.items()}}
    if report.template_version == "2008":
        return {"indicators": {INDICATOR_KEYS[label]: value for label, value in truth.items()}}
    column_keys = {label: key for key, label in tp.TABLE2_COLUMN_LABELS[report.template_version].items()}
    return {
        "table2": {
            TABLE2_ROW_KEYS[row]: {column_keys[col]: value for col, value in cols.items()}
            for row, cols in truth["table2"].items()
        },
        "table3": {
            key: dict(zip(tp.TABLE3_COLUMNS, row, strict=True))
            for key, row in truth["table3"]["rows"].items()
        },
        "table4": {
            group: dict(zip(tp.TABLE4_COLUMNS, truth["table4"][group], strict=True))
            for group in tp.TABLE4_GROUPS
        },
    }


def page_grids(site: DemoSite, report: ManifestReport) -> list[Grid]:
    page = site.pages[report.path]
    root, _ = parse_html(page.body, page.content_type)
    return [html_table_grid(table) for table in root.iter("table")]


@pytest.fixture(scope="module")
def demo_parsed(demo_site: DemoSite) -> list[tuple[ManifestReport, Statistics]]:
    return [
        (report, parse_statistics(page_grids(demo_site, report), report.text)) for report in demo_site.reports
    ]


def seed_stats(shared_dir: Path, name: str) -> Statistics:
    return parse_statistics([], (shared_dir / name).read_text(encoding="utf-8"))


def grid_of(markup: str) -> Grid:
    return html_table_grid(html.fragment_fromstring(markup))


# ------------------------------------------------------------------------------------- HTML grids


def test_grid_expands_rowspan_and_colspan():
    grid = grid_of(
        '<table><tr><td rowspan="2">A</td><td colspan="2">B</td></tr><tr><td>1</td><td>2</td></tr></table>'
    )
    assert grid == [["A", "B", "B"], ["A", "1", "2"]]


def test_grid_joins_paragraphs_of_a_cell_without_spaces_between_cjk():
    grid = grid_of(
        '<table><tr><td><p>社会</p><p>公益</p><p>组织</p></td><td><p style="x"> 12 </p></td></tr></table>'
    )
    assert grid == [["社会公益组织", "12"]]


def test_grid_keeps_runs_of_one_number_together():
    assert grid_of("<table><tr><td><span>1</span><span>23</span></td></tr></table>") == [["123"]]


def test_grid_pads_ragged_rows_and_survives_bad_spans():
    grid = grid_of('<table><tr><td colspan="x">a</td><td>b</td></tr><tr><td rowspan="99">c</td></tr></table>')
    assert grid == [["a", "b"], ["c", ""]]


# ------------------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0", 0),
        ("", None),
        ("/", None),
        ("—", None),
        ("无", None),
        ("217", 217),
        ("-2", -2),
        ("4.651万元", 4.651),
        ("１２", 12),
    ],
)
def test_cell_value_keeps_zero_apart_from_nothing(raw, value):
    cell = make_cell(raw)
    assert cell == {"raw": raw, "value": value}
    assert type(cell["value"]) is type(value)


def test_raw_cells_of_zero_blank_slash_dash_and_none_stay_distinct():
    row = ["0", "", "/", "—", "无", *["1"] * 10]
    parsed = parse_table4([["行政复议"], row])
    assert parsed is not None
    assert [cell["raw"] for cell in parsed["review"].values()] == ["0", "", "/", "—", "无"]
    assert [cell["value"] for cell in parsed["review"].values()] == [0, None, None, None, None]


def test_check_is_unknown_when_a_cell_holds_no_number():
    parsed = parse_table4([["行政复议"], ["1", "", "0", "0", "1", *["0"] * 10]])
    assert parsed is not None
    review = check_table4(parsed)[0]
    assert (review.status, review.left, review.right) == ("unknown", None, 1)


# ------------------------------------------------------------------------------------- demo portal


def test_demo_numbers_equal_the_manifest(demo_parsed):
    for report, stats in demo_parsed:
        expected = expected_tables(report) if report.tables or report.stated else {}
        assert numbers(stats) == expected, report.path


def test_demo_template_versions_equal_the_manifest(demo_parsed):
    assert all(stats.template_version == report.template_version for report, stats in demo_parsed)


def test_demo_checks_all_pass(demo_parsed):
    for report, stats in demo_parsed:
        assert stats.failures == [], report.path
        assert all(check.status == "pass" for check in stats.checks), report.path


def test_demo_new_template_reports_are_checked(demo_parsed):
    checked = [stats for report, stats in demo_parsed if report.template_version != "2008"]
    assert checked and all(len(stats.checks) >= 40 for stats in checked)


def test_demo_text_flattened_by_extraction_gives_the_same_tables(demo_site):
    report = next(r for r in demo_site.reports if r.template_version == "2021")
    page = demo_site.pages[report.path]
    text = extract_page(page.body, report.path, page.content_type).text
    from_text = parse_statistics([], text)
    assert from_text.tables == parse_statistics(page_grids(demo_site, report)).tables


def test_altered_number_fails_the_right_checks_with_both_sides(demo_site):
    report = next(r for r in demo_site.reports if r.template_version == "2021")
    table3 = copy.deepcopy(report.tables["table3"])
    table3["rows"]["granted"][0] += 5
    grid = grid_of(demo_tables.table3_html(table3, "2021", style=0))
    failures = {(c.rule, c.where): (c.left, c.right) for c in parse_statistics([grid]).failures}
    total, granted = report.tables["table3"]["rows"]["total"][0], report.tables["table3"]["rows"]["granted"]
    assert failures == {
        ("table3_outcomes_sum", "natural_person"): (total, total + 5),
        ("table3_applicants_sum", "granted"): (granted[6], granted[6] + 5),
    }


# ------------------------------------------------------------------------------------- entry points


def test_container_entry_point_reads_only_innermost_tables(demo_site):
    report = next(r for r in demo_site.reports if r.template_version == "2019")
    page = demo_site.pages[report.path]
    root, _ = parse_html(page.body, page.content_type)
    drop_non_text(root)
    container, _ = find_container(root)
    wrapper = html.fragment_fromstring("<table><tr><td></td></tr></table>")
    wrapper.find(".//td").append(container)
    stats = parse_statistics_from_container(wrapper, "")
    assert stats.template_version == "2019"
    assert values(stats.tables["table3"]) == expected_tables(report)["table3"]


def test_no_tables_no_checks():
    stats = parse_statistics_from_container(None, "")
    assert stats.as_json() == {"template_version": None, "tables": {}, "checks": []}


def test_as_json_shapes():
    stats = parse_statistics(
        [[["行政复议"], ["1", "0", "0", "0", "1", *["0"] * 10]]],
        "二〇二二年度报告\n一、总体情况\n三、收到和处理政府信息公开申请情况",
    )
    data = stats.as_json()
    assert data["template_version"] == "2021"
    assert data["tables"]["table4"]["review"]["upheld"] == {"raw": "1", "value": 1}
    assert data["checks"][0] == {
        "rule": "table4_group_sum",
        "where": "review",
        "status": "pass",
        "left": 1,
        "right": 1,
    }


# ------------------------------------------------------------------------------------- template version


@pytest.mark.parametrize(
    ("text", "version"),
    [
        (
            "2022年度报告\n一、总体情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况",
            "2021",
        ),
        ("2020年度报告\n一．总体情况\n三．收到和处理政府信息公开申请情况", "2019"),
        ("2013年报告\n一、概述\n三、依申请公开政府信息办理情况\n四、政府信息公开的收费及减免情况", "2008"),
        ("青岚县2012年政府信息公开工作年度报告\n一、认真学习宣传两个文件精神", "2008"),
        ("信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数", "2021"),
        ("信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量", "2019"),
        ("欢迎访问", None),
    ],
)
def test_template_version_from_headings_and_table_forms(text, version):
    assert template_version(text) == version


# ------------------------------------------------------------------------------------- seeds


def test_seed_2019_report_tables_from_flattened_text(shared_dir):
    stats = seed_stats(shared_dir, SEED_2019)
    assert stats.template_version == "2019"
    assert set(stats.tables) == {"table2", "table3", "table4"}
    assert stats.tables["table2"]["normative_documents"]["published_total"] == {"raw": "8", "value": 8}
    assert stats.tables["table2"]["procurement"]["amount"] == {"raw": "4.651万元", "value": 4.651}
    assert values(stats.tables["table3"])["new"] == dict.fromkeys(tp.TABLE3_COLUMNS, 0)
    assert "other" in stats.tables["table3"]
    assert values(stats.tables["table4"])["review"] == dict.fromkeys(tp.TABLE4_COLUMNS, 0)


def test_seed_2019_report_checks_all_pass(shared_dir):
    stats = seed_stats(shared_dir, SEED_2019)
    assert len(stats.checks) == 40
    assert all(check.status == "pass" for check in stats.checks)


def test_one_cell_per_line_text_reads_like_pipe_rows(shared_dir):
    text = (shared_dir / SEED_2019).read_text(encoding="utf-8")
    lines = [cell.strip() for line in text.splitlines() for cell in line.split("|") if cell.strip()]
    assert parse_statistics([], "\n".join(lines)).tables == seed_stats(shared_dir, SEED_2019).tables


def test_space_separated_rows_read_like_pipe_rows(shared_dir):
    text = (shared_dir / SEED_2019).read_text(encoding="utf-8")
    lines = [" ".join(cell.strip() for cell in line.split("|") if cell.strip()) for line in text.splitlines()]
    assert parse_statistics([], "\n".join(lines)).tables == seed_stats(shared_dir, SEED_2019).tables


def test_seed_indicator_table_one_cell_per_line(shared_dir):
    stats = seed_stats(shared_dir, SEED_INDICATORS)
    indicators = stats.tables["indicators"]
    assert stats.template_version == "2008"
    assert indicators["active_total"] == {"raw": "1860", "value": 1860, "unit": "条"}
    assert indicators["active_normative_documents"]["value"] == 39
    assert indicators["requests_received"] == {"raw": "", "value": None, "unit": "件"}
    assert indicators["reviews"] == {"raw": "无", "value": None, "unit": "件"}
    assert indicators["fees"] == {"raw": "无", "value": None, "unit": "万元"}
    assert indicators["budget"] == {"raw": "70", "value": 70, "unit": "万元"}
    assert indicators["staff_full_time"]["value"] == 2


def test_seed_free_form_report_without_table_keeps_only_what_its_prose_states(shared_dir):
    stats = seed_stats(shared_dir, "seeds/003_cc707d8ae19cac44.txt")
    assert (stats.template_version, list(stats.tables), stats.checks) == ("2008", ["prose"], [])
    stated = stats.tables["prose"]
    # "全年我镇未收到政府信息公开申请的请求", "未发生…行政复议案;未发生…行政诉讼案": zeros said in words
    assert {key: cell["value"] for key, cell in stated.items()} == {
        "requests_received": 0,
        "reviews": 0,
        "lawsuits": 0,
    }
    assert stated["requests_received"]["raw"] == "未收到政府信息公开申请的请求"


# ------------------------------------------------------------------------------------- real page


@pytest.fixture
def real_2024(shared_dir: Path) -> tuple[Statistics, str]:
    body = (shared_dir / REAL_2024).read_bytes()
    root, _ = parse_html(body)
    drop_non_text(root)
    container, _ = find_container(root)
    text = extract_page(body, "https://www.pingtan.gov.cn/").text
    return parse_statistics_from_container(container, text), text


def test_real_2021_template_tables(real_2024):
    stats, _ = real_2024
    assert stats.template_version == "2021"
    assert values(stats.tables["table2"])["normative_documents"] == {
        "issued": 62,
        "repealed": 33,
        "in_force": 440,
    }
    assert stats.tables["table2"]["fees"]["amount"] == {"raw": "18651.06", "value": 18651.06}
    rows = values(stats.tables["table3"])
    assert rows["new"]["natural_person"] == 217 and rows["new"]["total"] == 218
    assert rows["other_3"]["commercial"] == 1 and rows["unable_1"]["natural_person"] == 75
    assert values(stats.tables["table4"])["litigation_after_review"]["total"] == 19


def test_real_2021_template_checks_all_pass(real_2024):
    stats, _ = real_2024
    assert len(stats.checks) == 42
    assert stats.failures == []


def test_real_page_text_flattened_by_extraction_gives_the_same_tables(real_2024):
    stats, text = real_2024
    assert parse_statistics([], text).tables == stats.tables


def test_table4_laid_out_one_group_per_row():
    rows = [
        ["行政复议", "2", "1", "0", "0", "3"],
        ["未经复议直接起诉", "0", "0", "0", "0", "0"],
        ["复议后起诉", "1", "0", "0", "1", "2"],
    ]
    parsed = parse_table4(rows)
    assert parsed is not None
    assert values(parsed)["litigation_after_review"] == {
        "upheld": 1,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 2,
    }


@pytest.mark.parametrize(
    "text",
    [
        "一、总体情况\n本年制发\n件数",
        "ｅ\n\u0301（一）\r\n予以\u2028公开 　12\x0b件",
        "\u1100\n\u1161ﬁ\x85①\n",
    ],
)
def test_key_text_line_by_line_is_the_key_text_of_the_whole(text):
    assert lines_key_text(text) == "".join(fold(text).split())


def test_key_text_line_by_line_on_real_texts(shared_dir):
    for name in (SEED_2019, SEED_INDICATORS, REAL_2024):
        text = (shared_dir / name).read_text(encoding="utf-8")
        assert lines_key_text(text) == "".join(fold(text).split()), name
