"""What the reading room shows for the keys of the stored statistics (``reports.tables``): the
templates' own words, so a reader sees 本年新收政府信息公开申请数量, not ``new``.

The labels themselves live in one place, :mod:`crawler.extract.tables.labels` (the tidy export and the
SQL views read the same dicts); this module only adds the reading room's table titles and check words,
and falls back to the key for a row or column no template names.
"""

from __future__ import annotations

from crawler.extract.tables import labels
from crawler.extract.tables import patterns as tp

TABLE_TITLES = {
    "table2": "二、主动公开政府信息情况",
    "table3": "三、收到和处理政府信息公开申请情况",
    "table4": "四、政府信息公开行政复议、行政诉讼情况",
    "indicators": "政府信息公开情况统计表（2008 年版指标）",
}

CHECK_STATUS = {"pass": "通过", "fail": "不符", "unknown": "无法核对"}

# Table 3 and 4 columns in the templates' order, as the reading room draws them.
TABLE3_COLUMNS = {key: labels.column_label(None, "table3", key) or key for key in tp.TABLE3_COLUMNS}
TABLE4_COLUMNS = {key: labels.column_label(None, "table4", key) or key for key in tp.TABLE4_COLUMNS}

# Table 2's rows and columns differ between the 2019 and 2021 templates: a report's own template first,
# then the other's words (a row one template dropped still has a name), then the key.
_TABLE2_TEMPLATES = tuple(labels.TABLE2_ROW_LABELS)


def _table2_templates(template_version: str | None) -> tuple[str | None, ...]:
    return (template_version, *_TABLE2_TEMPLATES)


def table2_row(template_version: str | None, row: str) -> str:
    for template in _table2_templates(template_version):
        if label := labels.row_label(template, "table2", row):
            return label
    return row


def table2_column(template_version: str | None, column: str) -> str:
    """The header of a table 2 column in the report's template (the other template's, else the key)."""
    for template in _table2_templates(template_version):
        if label := labels.column_label(template, "table2", column):
            return label
    return column


def row(table: str, key: str) -> str:
    """The label of a table 3 or 4 row, or of a 2008-era indicator; the key when none names it."""
    return labels.row_label(None, table, key) or key
