"""Harmonised measures: one set of named figures for reports on the 2008, 2019 and 2021 templates.

The three templates count the same things in different cells (or not at all): requests received are
``table3.new.total`` on the 2019/2021 forms and the 指标 收到申请数 on the 2008 one; refusals are eight
sub-rows of table 3 but one 不同意公开 figure before 2019. :data:`MEASURES` says, for each measure and
template, which cells make it. It is the ONE place that mapping lives: :func:`measures_of` evaluates it
in Python, :mod:`crawler.corpus.views` turns it into the SQL of the ``measures`` view, and
:func:`codebook` documents it.

A measure's cells per template are *alternatives* tried in order; each is a tuple of cell paths whose
numbers are summed. An alternative gives the sum of its cells that hold a number (a blank, ``—`` or
``/`` cell adds nothing), or None when none does; then the next alternative is tried (the 2008
indicator table first, the figures stated in prose after it). A template without an entry has no such
figure: the measure is None (null), never 0.

A cell path is ``(table, row, column)`` into the record's ``tables``; ``indicators`` and ``prose`` rows
hold one number, whose column is ``value`` (:data:`~crawler.extract.tables.labels.FLAT_COLUMN`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crawler.extract.tables import labels
from crawler.extract.tables import patterns as tp
from crawler.extract.tables.cells import Number

CellPath = tuple[str, str, str]
Alternative = tuple[CellPath, ...]

NEW_TEMPLATES = ("2019", "2021")
V = labels.FLAT_COLUMN


def _t3(*rows: str) -> Alternative:
    return tuple(("table3", row, "total") for row in rows)


def _old(key: str) -> tuple[Alternative, ...]:
    """A 2008-era figure: the indicator table's, else the one stated in prose."""
    return ((("indicators", key, V),), (("prose", key, V),))


def _both(*alternatives: Alternative) -> dict[str, tuple[Alternative, ...]]:
    """The same cells on the 2019 and the 2021 form."""
    return dict.fromkeys(NEW_TEMPLATES, alternatives)


@dataclass(frozen=True)
class Measure:
    """One harmonised figure: its name, Chinese label, unit, definition, and cells per template."""

    name: str
    label: str
    unit: str
    definition: str
    cells: Mapping[str, tuple[Alternative, ...]]


_REFUSED = _t3(*(f"refused_{i}" for i in range(1, 9)))
_UNABLE = _t3("unable_1", "unable_2", "unable_3")
_NOT_PROCESSED = _t3(*(f"not_processed_{i}" for i in range(1, 6)))
# 2019 has one （六）其他处理 row, 2021 three sub-rows; a report keeps whichever form it shows.
_OTHER = _t3("other", "other_1", "other_2", "other_3")

MEASURES: tuple[Measure, ...] = (
    Measure(
        "requests_received",
        "本年新收政府信息公开申请数量",
        "件",
        "Disclosure requests received in the year, all applicants.",
        {**_both(_t3("new")), "2008": _old("requests_received")},
    ),
    Measure(
        "requests_carried_over",
        "上年结转政府信息公开申请数量",
        "件",
        "Requests carried over from the year before (the 2008 template has no such figure).",
        _both(_t3("carried_over")),
    ),
    Measure(
        "requests_handled",
        "本年度办理结果总计",
        "件",
        "Requests answered in the year: table 3's （七）总计; on the 2008 template 对申请的答复数.",
        {**_both(_t3("total")), "2008": _old("answers_total")},
    ),
    Measure(
        "requests_carried_forward",
        "结转下年度继续办理",
        "件",
        "Requests still open at the end of the year, carried into the next.",
        _both(_t3("carry_forward")),
    ),
    Measure(
        "granted",
        "予以公开",
        "件",
        "Requests granted in full (（一）予以公开; 2008: 同意公开答复数).",
        {**_both(_t3("granted")), "2008": _old("answers_granted")},
    ),
    Measure(
        "partly_granted",
        "部分公开",
        "件",
        "Requests granted in part (（二）部分公开; 2008: 同意部分公开答复数).",
        {**_both(_t3("partly_granted")), "2008": _old("answers_partly_granted")},
    ),
    Measure(
        "refused_total",
        "不予公开",
        "件",
        "Requests refused: the eight （三）不予公开 sub-rows summed (2008: 不同意公开答复数).",
        {**_both(_REFUSED), "2008": _old("answers_refused")},
    ),
    Measure(
        "unable_total",
        "无法提供",
        "件",
        "Requests the body could not answer with information (（四）无法提供, three sub-rows); the 2008 "
        "template folds these into 其他答复 and has no such figure.",
        _both(_UNABLE),
    ),
    Measure(
        "not_processed_total",
        "不予处理",
        "件",
        "Requests not processed (（五）不予处理, five sub-rows).",
        _both(_NOT_PROCESSED),
    ),
    Measure(
        "other_outcome_total",
        "其他处理",
        "件",
        "Requests closed otherwise (（六）其他处理: one row in 2019–20, three sub-rows from 2021).",
        _both(_OTHER),
    ),
    Measure(
        "review_total",
        "行政复议总计",
        "件",
        "Administrative reconsiderations over disclosure (table 4 行政复议 总计; 2008: 行政复议数量).",
        {**_both((("table4", "review", "total"),)), "2008": _old("reviews")},
    ),
    Measure(
        "review_upheld",
        "行政复议结果维持",
        "件",
        "Reconsiderations that upheld the body's answer.",
        _both((("table4", "review", "upheld"),)),
    ),
    Measure(
        "review_corrected",
        "行政复议结果纠正",
        "件",
        "Reconsiderations that corrected the body's answer.",
        _both((("table4", "review", "corrected"),)),
    ),
    Measure(
        "litigation_total",
        "行政诉讼总计",
        "件",
        "Administrative lawsuits over disclosure, direct and after reconsideration (2008: 行政诉讼数量).",
        {
            **_both(
                (("table4", "litigation_direct", "total"), ("table4", "litigation_after_review", "total"))
            ),
            "2008": _old("lawsuits"),
        },
    ),
    Measure(
        "litigation_corrected",
        "行政诉讼结果纠正",
        "件",
        "Lawsuits whose judgment corrected the body, direct and after reconsideration.",
        _both(
            (("table4", "litigation_direct", "corrected"), ("table4", "litigation_after_review", "corrected"))
        ),
    ),
    Measure(
        "active_disclosures",
        "主动公开政府信息数",
        "条",
        "Items of information disclosed proactively (2008 template only: the later forms count "
        "documents by kind in table 2, not items).",
        {"2008": _old("active_total")},
    ),
    Measure(
        "normative_documents_issued",
        "制发规范性文件数",
        "件",
        "Normative documents issued in the year (2021: 行政规范性文件 本年制发件数; 2019: 规范性文件 "
        "本年新制作数量; 2008: 制发规范性文件总数).",
        {
            "2021": ((("table2", "normative_documents", "issued"),),),
            "2019": ((("table2", "normative_documents", "new_made"),),),
            "2008": _old("normative_documents_issued"),
        },
    ),
    Measure(
        "licensing_decisions",
        "行政许可处理决定数量",
        "件",
        "Administrative licensing decisions (table 2, （五）行政许可).",
        _both((("table2", "licensing", "decisions"),)),
    ),
    Measure(
        "penalty_decisions",
        "行政处罚处理决定数量",
        "件",
        "Administrative penalty decisions (table 2, （六）行政处罚).",
        _both((("table2", "penalty", "decisions"),)),
    ),
    Measure(
        "coercion_decisions",
        "行政强制处理决定数量",
        "件",
        "Administrative coercion decisions (table 2, （六）行政强制).",
        _both((("table2", "coercion", "decisions"),)),
    ),
    Measure(
        "fees",
        "依申请公开信息收取的费用",
        "万元",
        "Fees charged for answering disclosure requests, as the report states them (the template asks "
        "for 万元). Only the 2008 template has the figure; the later forms report 信息处理费 in prose.",
        {"2008": _old("fees")},
    ),
    Measure(
        "administrative_fees_amount",
        "行政事业性收费本年收费金额",
        "万元",
        "Administrative fees the body collected in the year (2021 table 2 （八）; not a disclosure fee).",
        {"2021": ((("table2", "fees", "amount"),),)},
    ),
    Measure(
        "complaints",
        "举报投诉数量",
        "件",
        "Complaints and reports about disclosure (2008 template only).",
        {"2008": _old("complaints")},
    ),
)
MEASURE_NAMES = tuple(measure.name for measure in MEASURES)
# Tables whose figures are read off a table (the rest, "prose", from sentences).
TABLE_SOURCES = ("table2", "table3", "table4", "indicators")


def cell_value(tables: Mapping[str, Any], path: CellPath) -> Number | None:
    """The number at ``path`` in a record's ``tables``, or None."""
    table, row, column = path
    found: Any = tables.get(table)
    found = found.get(row) if isinstance(found, dict) else None
    if isinstance(found, dict) and table in labels.GRID_TABLES:
        found = found.get(column)
    value = found.get("value") if isinstance(found, dict) else None
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def alternative_value(tables: Mapping[str, Any], alternative: Alternative) -> Number | None:
    """The sum of the cells that hold a number, None when none does (summed left to right, as SQL does)."""
    values = [cell_value(tables, path) for path in alternative]
    if all(value is None for value in values):
        return None
    total: Number = 0
    for value in values:
        total = total + (value or 0)
    return total


def measures_of(template_version: str | None, tables: Mapping[str, Any]) -> dict[str, Number | None]:
    """Every measure of one report, None where its template has no such figure or the report gives none."""
    found: dict[str, Number | None] = {}
    for measure in MEASURES:
        value: Number | None = None
        for alternative in measure.cells.get(template_version or "", ()):
            if (value := alternative_value(tables, alternative)) is not None:
                break
        found[measure.name] = value
    return found


def measures_source(tables: Mapping[str, Any]) -> str | None:
    """Where a report's measures come from: ``table`` (a statistics table), ``text`` (sentences only),
    or None (no statistics). Prose is kept only where no table is, so one report has one source."""
    if any(tables.get(name) for name in TABLE_SOURCES):
        return "table"
    return "text" if tables.get("prose") else None


def codebook() -> list[dict[str, Any]]:
    """Each measure's name, label, unit, definition and, per template, the cells it is made of (with
    their Chinese labels): what ``govreports codebook`` prints and the exports write beside them."""
    entries = []
    for measure in MEASURES:
        sources = {
            template: [
                [
                    {
                        "table": table,
                        "row_key": row,
                        "col_key": column,
                        "row_label": labels.row_label(template, table, row),
                        "col_label": labels.column_label(template, table, column),
                    }
                    for table, row, column in alternative
                ]
                for alternative in alternatives
            ]
            for template, alternatives in measure.cells.items()
        }
        entries.append(
            {
                "name": measure.name,
                "label": measure.label,
                "unit": measure.unit,
                "definition": measure.definition,
                "templates": {template: sources.get(template) for template in ("2008", "2019", "2021")},
            }
        )
    return entries


def _check_paths() -> None:
    """Every cell a measure names is a cell the parser can produce (run at import: a typo fails loudly)."""
    table3_rows = set(labels.TABLE3_ROW_LABELS)
    for measure in MEASURES:
        for template, alternatives in measure.cells.items():
            for table, row, column in (path for alternative in alternatives for path in alternative):
                known = (
                    (table == "table2" and column in tp.TABLE2_COLUMNS[template].get(row, ()))
                    or (table == "table3" and row in table3_rows and column in tp.TABLE3_COLUMNS)
                    or (table == "table4" and row in tp.TABLE4_GROUPS and column in tp.TABLE4_COLUMNS)
                    or (table in labels.FLAT_TABLES and row in tp.INDICATORS and column == V)
                )
                if not known:
                    raise ValueError(f"measure {measure.name}: no cell {table}.{row}.{column} in {template}")


_check_paths()
