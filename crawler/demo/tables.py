"""HTML of the statistics tables, in the official templates' row/column layout.

Real portals paste these tables from Word, so the markup here is deliberately heavy: rowspan and
colspan headers, labels split over several ``<p>``, values wrapped in ``<p style="text-indent:0em">``
on some cells and bare on others. The numbers come from :mod:`crawler.demo.stats`.
"""

from __future__ import annotations

from typing import Any

from crawler.demo.stats import (
    INDICATOR_UNITS,
    NOT_PROCESSED_LABELS,
    OTHER_LABELS_2021,
    REFUSED_LABELS,
    TABLE3_LABELS,
    UNABLE_LABELS,
)

_TABLE_OPEN = (
    '<table cellspacing="0" cellpadding="0" align="center" border="1" '
    'style="border-collapse:collapse;border:none;width:auto !important;margin:0 auto;font-size:13px;">'
    "<tbody>"
)
_TD_STYLE = "padding:0 4px;border:1px solid windowtext;"
_TD_STYLE_ALT = "padding: 5px; border-left: none; border-right: 1px solid windowtext; border-top: none;"


def fmt_value(value: int | float) -> str:
    """Cell text of a number: ints as is, money with two decimals (a zero fee shows as ``0``)."""
    if isinstance(value, float):
        return "0" if value == 0 else f"{value:.2f}"
    return str(value)


class _Cells:
    """Writes ``<td>`` cells in one of three markup styles, so tables differ between pages."""

    def __init__(self, style: int) -> None:
        self.style = style % 3

    def td(self, content: str, colspan: int = 1, rowspan: int = 1, *, wrap: bool = True) -> str:
        spans = (f' colspan="{colspan}"' if colspan > 1 else "") + (
            f' rowspan="{rowspan}"' if rowspan > 1 else ""
        )
        if self.style == 0:
            inner = f'<p style="text-indent:0em">{content}</p>' if wrap else content
            return f'<td{spans} style="{_TD_STYLE}" valign="center">{inner}</td>'
        if self.style == 1:
            return f"<td{spans}>{content}</td>"
        inner = f'<p style="text-indent: 0em;"><span style="font-family:宋体">{content}</span></p>'
        return f'<td{spans} style="{_TD_STYLE_ALT}" valign="center">{inner if wrap else content}</td>'

    def label(self, text: str, colspan: int = 1, rowspan: int = 1, parts: tuple[str, ...] = ()) -> str:
        """A label cell; ``parts`` splits it over several paragraphs like Word exports do."""
        if parts and self.style != 1:
            inner = "".join(f'<p style="text-indent:0em">{p}</p>' for p in parts)
            return self.td(inner, colspan, rowspan, wrap=False)
        return self.td(text, colspan, rowspan)

    def values(self, values: list[int] | list[int | float]) -> str:
        return "".join(self.td(fmt_value(v)) for v in values)


def _rows(rows: list[str]) -> str:
    return _TABLE_OPEN + "".join(f"<tr>{row}</tr>" for row in rows) + "</tbody></table>"


def table2_html(table2: dict[str, dict[str, int | float]], template: str, style: int) -> str:
    """Table 2 (第二十条 主动公开 items) in the 2019 or 2021 form."""
    c = _Cells(style)
    sections = _TABLE2_SECTIONS_2021 if template == "2021" else _TABLE2_SECTIONS_2019
    rows: list[str] = []
    for item, row_labels in sections:
        columns = list(table2[row_labels[0]])
        rows.append(c.label(f"第二十条第{item}项", colspan=4))
        spans = _SPANS[len(columns)]
        rows.append(
            c.label("信息内容")
            + "".join(c.label(col, colspan=n) for col, n in zip(columns, spans, strict=True))
        )
        for row_label in row_labels:
            values = table2[row_label].values()
            rows.append(
                c.label(row_label)
                + "".join(c.td(fmt_value(v), colspan=n) for v, n in zip(values, spans, strict=True))
            )
    return _rows(rows)


_SPANS = {1: (3,), 2: (1, 2), 3: (1, 1, 1)}
_TABLE2_SECTIONS_2021 = (
    ("（一）", ("规章", "行政规范性文件")),
    ("（五）", ("行政许可",)),
    ("（六）", ("行政处罚", "行政强制")),
    ("（八）", ("行政事业性收费",)),
)
_TABLE2_SECTIONS_2019 = (
    ("（一）", ("规章", "规范性文件")),
    ("（五）", ("行政许可", "其他对外管理服务事项")),
    ("（六）", ("行政处罚", "行政强制")),
    ("（八）", ("行政事业性收费",)),
    ("（九）", ("政府集中采购",)),
)


def _table3_header(c: _Cells) -> list[str]:
    return [
        c.label("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", colspan=3, rowspan=3)
        + c.label("申请人情况", colspan=7),
        c.label("自然人", rowspan=2) + c.label("法人或其他组织", colspan=5) + c.label("总计", rowspan=2),
        c.label("商业企业", parts=("商业", "企业"))
        + c.label("科研机构", parts=("科研", "机构"))
        + c.label("社会公益组织", parts=("社会", "公益", "组织"))
        + c.label("法律服务机构", parts=("法律", "服务", "机构"))
        + c.label("其他"),
    ]


def _group_rows(
    c: _Cells, rows: dict[str, list[int]], head: str, prefix: str, labels: tuple[str, ...]
) -> list[str]:
    """Rows of one outcome group with sub-items, its label cell spanning them all."""
    out = []
    for i, label in enumerate(labels, 1):
        lead = c.label(head, rowspan=len(labels)) if i == 1 else ""
        out.append(lead + c.label(label) + c.values(rows[f"{prefix}_{i}"]))
    return out


def table3_html(table3: dict[str, Any], template: str, style: int) -> str:
    """Table 3 (收到和处理政府信息公开申请情况) with the nested applicant header."""
    c = _Cells(style)
    rows: dict[str, list[int]] = table3["rows"]
    outcome: list[str] = [
        c.label(TABLE3_LABELS["granted"], colspan=2) + c.values(rows["granted"]),
        c.label(TABLE3_LABELS["partly_granted"], colspan=2) + c.values(rows["partly_granted"]),
        *_group_rows(c, rows, "（三）不予公开", "refused", REFUSED_LABELS),
        *_group_rows(c, rows, "（四）无法提供", "unable", UNABLE_LABELS),
        *_group_rows(c, rows, "（五）不予处理", "not_processed", NOT_PROCESSED_LABELS),
    ]
    if template == "2019":
        outcome.append(c.label("（六）其他处理", colspan=2) + c.values(rows["other"]))
    else:
        outcome.extend(_group_rows(c, rows, "（六）其他处理", "other", OTHER_LABELS_2021))
    outcome.append(c.label("（七）总计", colspan=2) + c.values(rows["total"]))
    outcome[0] = (
        c.label("三、本年度办理结果", rowspan=len(outcome), parts=("三、本年度", "办理结果")) + outcome[0]
    )
    body = [
        *_table3_header(c),
        c.label(TABLE3_LABELS["new"], colspan=3) + c.values(rows["new"]),
        c.label(TABLE3_LABELS["carried_over"], colspan=3) + c.values(rows["carried_over"]),
        *outcome,
        c.label(TABLE3_LABELS["carry_forward"], colspan=3) + c.values(rows["carry_forward"]),
    ]
    return _rows(body)


def table4_html(table4: dict[str, Any], style: int) -> str:
    """Table 4 (行政复议、行政诉讼): two header rows, then one row of fifteen numbers."""
    c = _Cells(style)
    first, second = [], []
    for col in table4["columns"]:
        first.append(c.label(col, rowspan=2, parts=(col[:2], col[2:]) if len(col) == 4 else ()))
    for col in table4["columns"] * 2:
        second.append(c.label(col, parts=(col[:2], col[2:]) if len(col) == 4 else ()))
    rows = [
        c.label("行政复议", colspan=5) + c.label("行政诉讼", colspan=10),
        "".join(first) + c.label("未经复议直接起诉", colspan=5) + c.label("复议后起诉", colspan=5),
        "".join(second),
        c.values([*table4["review"], *table4["litigation_direct"], *table4["litigation_after_review"]]),
    ]
    return _rows(rows)


_INDICATOR_GROUPS = {
    "主动公开政府信息数": "一、主动公开情况",
    "收到申请数": "二、依申请公开情况",
    "行政复议数量": "三、行政复议、诉讼和举报情况",
    "依申请公开信息收取的费用": "四、收费及工作机构情况",
}


def indicator_table_html(values: dict[str, int | float], style: int) -> str:
    """The 2008-era 指标|单位|数量 table, with group rows spanning all three columns."""
    c = _Cells(style)
    rows = [c.label("指　标") + c.label("单位") + c.label("数量")]
    for label, unit in INDICATOR_UNITS.items():
        if label in _INDICATOR_GROUPS:
            rows.append(c.label(_INDICATOR_GROUPS[label], colspan=3))
        shown = label if label in _TOP_LEVEL else f"　　{label}"
        rows.append(c.label(shown) + c.label(unit) + c.td(fmt_value(values[label])))
    return _rows(rows)


_TOP_LEVEL = {
    "主动公开政府信息数",
    "制发规范性文件总数",
    "收到申请数",
    "对申请的答复数",
    "行政复议数量",
    "行政诉讼数量",
    "举报投诉数量",
    "依申请公开信息收取的费用",
    "政府信息公开专职人员数",
    "政府信息公开兼职人员数",
}
