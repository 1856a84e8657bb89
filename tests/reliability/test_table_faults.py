"""Statistics tables as portals really publish them (issue #8): spans that overrun, cells missing at the
end of rows, an extra empty column, headers over two rows, a table cut in two, no table at all, and
numbers written as 〇/零, full-width digits, with thousands separators or a trailing 件.

The fixtures are written here in the 2021 template's layout (国办公开办函〔2021〕30号, DOMAIN.md §1):
what can be read must be read right with its raw text kept; what cannot must come out as unknown
(no number), never as an exception or as a wrong number, and the checks must say so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import html

from crawler.demo.stats import REFUSED_LABELS, UNABLE_LABELS
from crawler.extract.tables import patterns as tp
from crawler.extract.tables.grid import html_table_grid
from crawler.extract.tables.statistics import (
    Statistics,
    parse_statistics,
    parse_statistics_from_container,
    table3_keys,
)

HEADINGS = (
    "青岚县2023年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n"
    "三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况"
)
# the official row labels of table 3's groups (三)/(四), as the demo portal writes them
REFUSED, UNABLE = REFUSED_LABELS, UNABLE_LABELS
NOT_PROCESSED = (
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
)
OTHER = (
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
)
PARTLY_GRANTED = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
GROUPS = (("（三）不予公开", "refused", REFUSED), ("（四）无法提供", "unable", UNABLE))
GROUPS += (("（五）不予处理", "not_processed", NOT_PROCESSED), ("（六）其他处理", "other", OTHER))
TABLE2_ROWS = (("规章", "regulations"), ("行政规范性文件", "normative_documents"))
TABLE2_SINGLE = (("行政许可", "licensing"), ("行政处罚", "penalty"), ("行政强制", "coercion"))

Numbers = dict[str, list[int]]
Write = Callable[[int], str]


# ------------------------------------------------------------------------------------- the numbers


def table3_numbers() -> Numbers:
    """Table 3 numbers for which every template rule holds, none of them trivially zero."""
    outcomes = [key for key in table3_keys("2021") if key not in ("new", "carried_over", "total")]
    outcomes.remove("carry_forward")
    rows: Numbers = {}
    for i, key in enumerate(outcomes):
        applicants = [(i * 3 + j * 5) % 7 for j in range(6)]
        rows[key] = [*applicants, sum(applicants)]
    rows["total"] = [sum(rows[key][j] for key in outcomes) for j in range(7)]
    rows["carried_over"] = [j % 3 for j in range(6)]
    rows["carried_over"].append(sum(rows["carried_over"]))
    rows["carry_forward"] = [(j + 1) % 4 for j in range(6)]
    rows["carry_forward"].append(sum(rows["carry_forward"]))
    rows["new"] = [rows["total"][j] + rows["carry_forward"][j] - rows["carried_over"][j] for j in range(7)]
    return rows


TABLE3 = table3_numbers()
TABLE2 = {"regulations": [2, 1, 15], "normative_documents": [12, 4, 87], "licensing": [1314]}
TABLE2 |= {"penalty": [56], "coercion": [3], "fees": [0]}
TABLE4 = {"review": [3, 1, 0, 1, 5], "litigation_direct": [1, 0, 0, 2, 3]}
TABLE4 |= {"litigation_after_review": [0, 1, 1, 0, 2]}


# ------------------------------------------------------------------------------------- the markup


def td(text: str, colspan: int = 1, rowspan: int = 1) -> str:
    spans = (f' colspan="{colspan}"' if colspan > 1 else "") + (
        f' rowspan="{rowspan}"' if rowspan > 1 else ""
    )
    return f'<td{spans} valign="center"><p style="text-indent:0em">{text}</p></td>'


def numbers(values: list[int], write: Write = str) -> list[str]:
    return [td(write(value)) for value in values]


def table2_rows(write: Write = str) -> list[list[str]]:
    """Table 2 (主动公开), 2021 form: four sections, each with its own column headers."""
    header = [td("信息内容"), td("本年制发件数"), td("本年废止件数"), td("现行有效件数")]
    rows = [[td("第二十条第（一）项", colspan=4)], header]
    rows += [[td(label), *numbers(TABLE2[key], write)] for label, key in TABLE2_ROWS]
    rows += [[td("第二十条第（五）项", colspan=4)], [td("信息内容"), td("本年处理决定数量", colspan=3)]]
    rows += [[td("行政许可"), td(write(TABLE2["licensing"][0]), colspan=3)]]
    rows += [[td("第二十条第（六）项", colspan=4)], [td("信息内容"), td("本年处理决定数量", colspan=3)]]
    rows += [[td(label), td(write(TABLE2[key][0]), colspan=3)] for label, key in TABLE2_SINGLE[1:]]
    rows += [
        [td("第二十条第（八）项", colspan=4)],
        [td("信息内容"), td("本年收费金额（单位：万元）", colspan=3)],
    ]
    rows += [[td("行政事业性收费"), td(write(TABLE2["fees"][0]), colspan=3)]]
    return rows


def table3_rows(write: Write = str) -> list[list[str]]:
    """Table 3 (依申请), 2021 form: three header rows, then 一, 二, 三 with its outcome groups, 四."""
    rows = [
        [
            td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            td("申请人情况", 7),
        ],
        [td("自然人", rowspan=2), td("法人或其他组织", colspan=5), td("总计", rowspan=2)],
        [td(name) for name in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
        [td("一、本年新收政府信息公开申请数量", colspan=3), *numbers(TABLE3["new"], write)],
        [td("二、上年结转政府信息公开申请数量", colspan=3), *numbers(TABLE3["carried_over"], write)],
        [td("（一）予以公开", colspan=2), *numbers(TABLE3["granted"], write)],
        [td(PARTLY_GRANTED, colspan=2), *numbers(TABLE3["partly_granted"], write)],
    ]
    for head, group, labels in GROUPS:
        for i, label in enumerate(labels, 1):
            lead = [td(head, rowspan=len(labels))] if i == 1 else []
            rows.append([*lead, td(label), *numbers(TABLE3[f"{group}_{i}"], write)])
    rows.append([td("（七）总计", colspan=2), *numbers(TABLE3["total"], write)])
    rows[5].insert(0, td("三、本年度办理结果", rowspan=len(rows) - 5))
    rows.append([td("四、结转下年度继续办理", colspan=3), *numbers(TABLE3["carry_forward"], write)])
    return rows


def table4_rows(write: Write = str) -> list[list[str]]:
    """Table 4: 行政复议 | 行政诉讼 (未经复议直接起诉, 复议后起诉) over three header rows, then 15 numbers."""
    columns = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return [
        [td("行政复议", colspan=5), td("行政诉讼", colspan=10)],
        [*(td(name, rowspan=2) for name in columns), td("未经复议直接起诉", 5), td("复议后起诉", 5)],
        [td(name) for name in columns * 2],
        numbers([value for group in tp.TABLE4_GROUPS for value in TABLE4[group]], write),
    ]


def table(rows: list[list[str]]) -> str:
    return (
        '<table border="1"><tbody>' + "".join(f"<tr>{''.join(row)}</tr>" for row in rows) + "</tbody></table>"
    )


def parse(*tables_html: str, text: str = HEADINGS) -> Statistics:
    container = html.fragment_fromstring(f"<div class='TRS_Editor'>{''.join(tables_html)}</div>")
    return parse_statistics_from_container(container, text)


def values(parsed: dict[str, dict[str, Any]]) -> dict[str, list[Any]]:
    return {row: [cell["value"] for cell in cells.values()] for row, cells in parsed.items()}


def raws(parsed: dict[str, dict[str, Any]]) -> dict[str, list[Any]]:
    return {row: [cell["raw"] for cell in cells.values()] for row, cells in parsed.items()}


def status(stats: Statistics) -> dict[tuple[str, str], str]:
    return {(check.rule, check.where): check.status for check in stats.checks}


def find(rows: list[list[str]], label: str) -> list[str]:
    """The row whose cells include ``label``."""
    return next(row for row in rows if any(f">{label}<" in cell for cell in row))


# ------------------------------------------------------------------------------------- clean tables


def test_the_fixture_tables_read_back_and_every_check_passes():
    stats = parse(table(table2_rows()), table(table3_rows()), table(table4_rows()))
    assert stats.template_version == "2021"
    assert values(stats.tables["table3"]) == TABLE3
    assert values(stats.tables["table4"]) == TABLE4
    assert values(stats.tables["table2"]) == TABLE2
    assert len(stats.checks) == 7 * 2 + len(TABLE3) + 3
    assert {check.status for check in stats.checks} == {"pass"}


# ------------------------------------------------------------------------------------- spans gone wrong


def test_label_colspan_overrunning_the_row_keeps_every_number():
    rows = table3_rows()
    for label in ("一、本年新收政府信息公开申请数量", "（七）总计", "四、结转下年度继续办理"):
        row = find(rows, label)
        row[row.index(next(cell for cell in row if f">{label}<" in cell))] = td(label, colspan=40)
    stats = parse(table(rows))
    assert values(stats.tables["table3"]) == TABLE3
    assert {check.status for check in stats.checks} == {"pass"}


def test_value_colspan_overrunning_the_row_is_caught_by_the_checks():
    """A number cell spanning past the row repeats its number: the row cannot be read as the template
    has it, and the checks on that row must not pass."""
    rows = table3_rows()
    row = find(rows, "一、本年新收政府信息公开申请数量")
    row[-1] = td(str(TABLE3["new"][-1]), colspan=4)
    stats = parse(table(rows))
    assert values(stats.tables["table3"])["granted"] == TABLE3["granted"]
    check = next(c for c in stats.failures if (c.rule, c.where) == ("table3_applicants_sum", "new"))
    read = values(stats.tables["table3"])["new"]
    assert (check.left, check.right) == (read[-1], sum(read[:6]))
    assert read != TABLE3["new"]  # the row as shown, shifted: flagged above, not corrected


def test_rowspan_larger_than_the_table_is_cut_at_its_last_row():
    rows = table3_rows()
    rows[5][0] = td("三、本年度办理结果", rowspan=99)
    refused = find(rows, "（三）不予公开")
    refused[0] = td("（三）不予公开", rowspan=40)  # runs over （四）…（七） and 四
    stats = parse(table(rows))
    assert values(stats.tables["table3"]) == TABLE3
    assert {check.status for check in stats.checks} == {"pass"}


def test_cells_missing_at_the_end_of_rows_are_unknown_not_shifted():
    t2, t3, t4 = table2_rows(), table3_rows(), table4_rows()
    find(t2, "规章").pop()
    del find(t3, "一、本年新收政府信息公开申请数量")[-2:]
    del t4[-1][-5:]
    stats = parse(table(t2), table(t3), table(t4))
    assert values(stats.tables["table2"])["regulations"] == [*TABLE2["regulations"][:2], None]
    assert values(stats.tables["table3"])["new"] == [*TABLE3["new"][:5], None, None]
    assert values(stats.tables["table4"])["litigation_after_review"] == [None] * 5
    assert values(stats.tables["table4"])["review"] == TABLE4["review"]
    checks = status(stats)
    assert checks[("table3_applicants_sum", "new")] == "unknown"
    assert checks[("table3_balance", "other")] == checks[("table3_balance", "total")] == "unknown"
    assert checks[("table3_balance", "natural_person")] == "pass"
    assert checks[("table4_group_sum", "litigation_after_review")] == "unknown"
    assert checks[("table4_group_sum", "review")] == "pass"
    assert not stats.failures


@pytest.mark.parametrize("where", ["end", "start"])
def test_an_extra_empty_column_changes_no_number(where):
    def widen(rows: list[list[str]]) -> list[list[str]]:
        return [[*row, td("")] if where == "end" else [td(""), *row] for row in rows]

    stats = parse(table(widen(table2_rows())), table(widen(table3_rows())), table(widen(table4_rows())))
    assert values(stats.tables["table2"]) == TABLE2
    assert values(stats.tables["table3"]) == TABLE3
    assert values(stats.tables["table4"]) == TABLE4
    assert {check.status for check in stats.checks} == {"pass"}


def test_column_headers_split_over_two_rows():
    rows = table2_rows()
    rows[1:2] = [
        [td("信息内容", rowspan=2), td("本年"), td("本年"), td("现行")],
        [td("制发件数"), td("废止件数"), td("有效件数")],
    ]
    stats = parse(table(rows))
    assert stats.template_version == "2021"  # from the headings and the year, as the headers are cut
    assert values(stats.tables["table2"]) == TABLE2


def test_a_group_label_in_its_own_row_above_its_sub_rows():
    rows = table3_rows()
    for head, _, labels in GROUPS:
        first = find(rows, labels[0])
        first.remove(td(head, rowspan=len(labels)))
        rows.insert(rows.index(first), [td(head, colspan=9)])
    stats = parse(table(rows))
    assert values(stats.tables["table3"]) == TABLE3
    assert {check.status for check in stats.checks} == {"pass"}


# ------------------------------------------------------------------------------------- split or absent


def test_table_3_cut_in_two_tables_at_a_page_break():
    rows = table3_rows()
    cut = rows.index(find(rows, REFUSED[4]))
    repeated_header = rows[:3]
    stats = parse(table(rows[:cut]), "<p>（续表）</p>", table(repeated_header + rows[cut:]))
    assert values(stats.tables["table3"]) == TABLE3
    assert {check.status for check in stats.checks} == {"pass"}


def test_table_4_header_and_numbers_in_separate_tables():
    rows = table4_rows()
    stats = parse(table(rows[:3]), table(rows[3:]))
    assert values(stats.tables["table4"]) == TABLE4


def test_a_report_without_tables_has_no_tables_and_no_checks():
    prose = (
        f"{HEADINGS}\n本机关2023年共收到政府信息公开申请25件，上年结转2件，全部按期答复。"
        "\n本年度未发生政府信息公开行政复议、行政诉讼案件。\n结转下年度继续办理0件。"
    )
    stats = parse(text=prose)
    assert (stats.template_version, stats.tables, stats.checks) == ("2021", {}, [])


def test_prose_with_a_spaced_number_is_not_read_as_a_table_row():
    prose = f"{HEADINGS}\n本年新收政府信息公开申请 25 件，办结 25 件。\n本年新收政府信息公开申请数量 25 件"
    stats = parse(text=prose)
    assert "table3" not in stats.tables
    assert stats.checks == []


# ------------------------------------------------------------------------------------- odd numbers


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
WRITERS: dict[str, Write] = {
    "zero as 〇": lambda n: "〇" if n == 0 else str(n),
    "zero as 零": lambda n: "零" if n == 0 else str(n),
    "zero as ○": lambda n: "○" if n == 0 else str(n),
    "full-width digits": lambda n: str(n).translate(FULL_WIDTH),
    "thousands separator": lambda n: f"{n:,}",
    "trailing 件": lambda n: f"{n}件",
    "space and 件": lambda n: f"{n} 件",
    "full-width digits and 件": lambda n: f"{str(n).translate(FULL_WIDTH)}件",
    "full-width comma": lambda n: f"{n:,}".replace(",", "，").translate(FULL_WIDTH),
}


@pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())
def test_numbers_written_oddly_are_read_with_their_raw_text(write):
    stats = parse(table(table2_rows(write)), table(table3_rows(write)), table(table4_rows(write)))
    assert values(stats.tables["table3"]) == TABLE3
    assert values(stats.tables["table4"]) == TABLE4
    assert values(stats.tables["table2"]) == TABLE2
    assert raws(stats.tables["table3"]) == {key: [write(n) for n in row] for key, row in TABLE3.items()}
    assert {check.status for check in stats.checks} == {"pass"}


def test_odd_numbers_read_alike_from_the_flattened_text():
    rows = table3_rows(WRITERS["zero as 〇"]) + table4_rows(WRITERS["thousands separator"])
    grid = html_table_grid(html.fragment_fromstring(table(rows)))
    text = HEADINGS + "\n" + "\n".join("| " + " | ".join(row) + " |" for row in grid)
    stats = parse_statistics([], text)
    assert values(stats.tables["table3"]) == TABLE3
    assert values(stats.tables["table4"]) == TABLE4


@pytest.mark.parametrize("raw", ["二十", "若干", "1 234", "12~15", "约30", "三十余件"])
def test_numbers_that_cannot_be_read_are_unknown_and_the_checks_say_so(raw):
    rows = table3_rows()
    find(rows, "（一）予以公开")[-7] = td(raw)  # 自然人 of （一）予以公开
    stats = parse(table(rows))
    granted = stats.tables["table3"]["granted"]["natural_person"]
    assert granted == {"raw": raw, "value": None}
    checks = status(stats)
    assert checks[("table3_applicants_sum", "granted")] == "unknown"
    assert checks[("table3_outcomes_sum", "natural_person")] == "unknown"
    assert checks[("table3_applicants_sum", "new")] == "pass"


def test_a_hyphenated_range_leaves_its_row_unknown_rather_than_shifted():
    """ "12-15" reads like a date, so it stays a label: the row cannot be placed, and nothing is guessed."""
    rows = table3_rows()
    find(rows, "（一）予以公开")[-7] = td("12-15")
    stats = parse(table(rows))
    assert values(stats.tables["table3"])["granted"] == [None] * 7
    assert values(stats.tables["table3"])["partly_granted"] == TABLE3["partly_granted"]
    assert status(stats)[("table3_outcomes_sum", "natural_person")] == "unknown"
    assert not stats.failures
