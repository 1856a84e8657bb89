"""The templates' own Chinese labels of every named statistics cell: what a researcher reads on the form.

The parser names rows and columns with ASCII keys (:mod:`crawler.extract.tables.patterns`); this module
gives each key back its official label, per template where the forms differ (table 2), so the tidy
``statistics`` export and view can carry both. Data only: the corpus builds its SQL views from these
same dicts (:mod:`crawler.corpus.views`).
"""

from __future__ import annotations

from collections.abc import Iterator

from crawler.extract.tables import patterns as tp

# Tables whose cells are {row: {column: cell}}, and those that are {row: cell} (one number a row).
GRID_TABLES = ("table2", "table3", "table4")
FLAT_TABLES = ("indicators", "prose")
# The column key and label of a one-number row (the 指标|单位|数量 table's 数量; a number stated in prose).
FLAT_COLUMN, FLAT_COLUMN_LABEL = "value", "数量"
# Template "*": the label holds for every template that has the table.
ANY = "*"

TABLE2_ROW_LABELS: dict[str, dict[str, str]] = {
    "2021": {
        "regulations": "规章",
        "normative_documents": "行政规范性文件",
        "licensing": "行政许可",
        "penalty": "行政处罚",
        "coercion": "行政强制",
        "fees": "行政事业性收费",
    },
    "2019": {
        "regulations": "规章",
        "normative_documents": "规范性文件",
        "licensing": "行政许可",
        "other_services": "其他对外管理服务事项",
        "penalty": "行政处罚",
        "coercion": "行政强制",
        "fees": "行政事业性收费",
        "procurement": "政府集中采购",
    },
}

TABLE3_ROW_LABELS: dict[str, str] = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "refused_1": "（三）不予公开 1.属于国家秘密",
    "refused_2": "（三）不予公开 2.其他法律行政法规禁止公开",
    "refused_3": "（三）不予公开 3.危及“三安全一稳定”",
    "refused_4": "（三）不予公开 4.保护第三方合法权益",
    "refused_5": "（三）不予公开 5.属于三类内部事务信息",
    "refused_6": "（三）不予公开 6.属于四类过程性信息",
    "refused_7": "（三）不予公开 7.属于行政执法案卷",
    "refused_8": "（三）不予公开 8.属于行政查询事项",
    "unable_1": "（四）无法提供 1.本机关不掌握相关政府信息",
    "unable_2": "（四）无法提供 2.没有现成信息需要另行制作",
    "unable_3": "（四）无法提供 3.补正后申请内容仍不明确",
    "not_processed_1": "（五）不予处理 1.信访举报投诉类申请",
    "not_processed_2": "（五）不予处理 2.重复申请",
    "not_processed_3": "（五）不予处理 3.要求提供公开出版物",
    "not_processed_4": "（五）不予处理 4.无正当理由大量反复申请",
    "not_processed_5": "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other_1": "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_2": "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_3": "（六）其他处理 3.其他",
    "total": "（七）总计",
    "carry_forward": "四、结转下年度继续办理",
}
TABLE3_COLUMN_LABELS: dict[str, str] = dict(
    zip(
        tp.TABLE3_COLUMNS,
        ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"),
        strict=True,
    )
)
TABLE4_ROW_LABELS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after_review": "行政诉讼（复议后起诉）",
}
TABLE4_COLUMN_LABELS: dict[str, str] = dict(
    zip(tp.TABLE4_COLUMNS, ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"), strict=True)
)
# The 2008-era 指标 labels (also the rows of numbers stated in prose, which use the same keys).
INDICATOR_LABELS: dict[str, str] = {
    "active_total": "主动公开政府信息数",
    "active_normative_documents": "其中：主动公开规范性文件数",
    "normative_documents_issued": "制发规范性文件总数",
    "requests_received": "收到申请数",
    "requests_in_person": "其中：当面申请数",
    "requests_fax": "传真申请数",
    "requests_online": "网络申请数",
    "requests_email": "电子邮件申请数",
    "requests_letter": "信函申请数",
    "requests_other_channel": "其他形式申请数",
    "answers_total": "对申请的答复数",
    "answers_granted": "其中：同意公开答复数",
    "answers_partly_granted": "同意部分公开答复数",
    "answers_refused": "不同意公开答复数",
    "answers_other": "其他答复数",
    "reviews": "行政复议数量",
    "lawsuits": "行政诉讼数量",
    "complaints": "举报投诉数量",
    "fees": "依申请公开信息收取的费用",
    "staff_total": "从事政府信息公开工作人员数",
    "staff_full_time": "政府信息公开专职人员数",
    "staff_part_time": "政府信息公开兼职人员数",
    "budget": "政府信息公开专项经费",
    "dedicated_offices": "政府信息公开工作专门机构数",
    "reading_points": "设置政府信息公开查阅点数",
    "meetings": "召开政府信息公开工作会议次数",
    "training_sessions": "举办各类培训班数",
    "trainees": "接受培训人员数",
}


def row_labels() -> Iterator[tuple[str, str, str, str]]:
    """(template, table, row key, label) of every labelled row; template ``*`` for all templates."""
    for template, rows in TABLE2_ROW_LABELS.items():
        for key, label in rows.items():
            yield template, "table2", key, label
    for key, label in TABLE3_ROW_LABELS.items():
        yield ANY, "table3", key, label
    for key, label in TABLE4_ROW_LABELS.items():
        yield ANY, "table4", key, label
    for table in FLAT_TABLES:
        for key, label in INDICATOR_LABELS.items():
            yield ANY, table, key, label


def column_labels() -> Iterator[tuple[str, str, str, str]]:
    """(template, table, column key, label) of every labelled column."""
    for template, columns in tp.TABLE2_COLUMN_LABELS.items():
        for key, label in columns.items():
            yield template, "table2", key, label
    for key, label in TABLE3_COLUMN_LABELS.items():
        yield ANY, "table3", key, label
    for key, label in TABLE4_COLUMN_LABELS.items():
        yield ANY, "table4", key, label
    for table in FLAT_TABLES:
        yield ANY, table, FLAT_COLUMN, FLAT_COLUMN_LABEL


_ROWS = {(template, table, key): label for template, table, key, label in row_labels()}
_COLUMNS = {(template, table, key): label for template, table, key, label in column_labels()}


def row_label(template: str | None, table: str, row: str) -> str | None:
    """The template's label of a row (None when the template has no such row)."""
    return _ROWS.get((template or "", table, row)) or _ROWS.get((ANY, table, row))


def column_label(template: str | None, table: str, column: str) -> str | None:
    return _COLUMNS.get((template or "", table, column)) or _COLUMNS.get((ANY, table, column))
