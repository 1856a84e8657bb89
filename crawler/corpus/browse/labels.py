"""The templates' own words for the keys of the stored statistics (``reports.tables``), so the reading
room shows 本年新收政府信息公开申请数量, not ``new``. A key without a label is shown as it is stored."""

from __future__ import annotations

from crawler.extract.tables import patterns

TABLE_TITLES = {
    "table2": "二、主动公开政府信息情况",
    "table3": "三、收到和处理政府信息公开申请情况",
    "table4": "四、政府信息公开行政复议、行政诉讼情况",
    "indicators": "政府信息公开情况统计表（2008 年版指标）",
}

TABLE2_ROWS = {
    "regulations": "规章",
    "normative_documents": "行政规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}

TABLE3_COLUMNS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other": "其他",
    "total": "总计",
}

_REFUSED = (
    "属于国家秘密",
    "其他法律行政法规禁止公开",
    "危及“三安全一稳定”",
    "保护第三方合法权益",
    "属于三类内部事务信息",
    "属于四类过程性信息",
    "属于行政执法案卷",
    "属于行政查询事项",
)
_UNABLE = ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确")
_NOT_PROCESSED = (
    "信访举报投诉类申请",
    "重复申请",
    "要求提供公开出版物",
    "无正当理由大量反复申请",
    "要求行政机关确认或重新出具已获取信息",
)
_OTHER = ("申请人无正当理由逾期不补正", "申请人逾期未按收费通知要求缴纳费用", "其他")


def _numbered(group: str, prefix: str, labels: tuple[str, ...]) -> dict[str, str]:
    return {f"{group}_{n}": f"{prefix} {n}.{label}" for n, label in enumerate(labels, 1)}


TABLE3_ROWS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开",
    **_numbered("refused", "（三）不予公开", _REFUSED),
    **_numbered("unable", "（四）无法提供", _UNABLE),
    **_numbered("not_processed", "（五）不予处理", _NOT_PROCESSED),
    "other": "（六）其他处理",
    **_numbered("other", "（六）其他处理", _OTHER),
    "total": "（七）总计",
    "carry_forward": "四、结转下年度继续办理",
}

TABLE4_GROUPS = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼：未经复议直接起诉",
    "litigation_after_review": "行政诉讼：复议后起诉",
}
TABLE4_COLUMNS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

INDICATORS = {
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
    "answers_total": "对申请的答复总数",
    "answers_granted": "其中：同意公开答复数",
    "answers_partly_granted": "同意部分公开答复数",
    "answers_refused": "不同意公开答复数",
    "answers_other": "其他答复数",
    "reviews": "行政复议数量",
    "lawsuits": "行政诉讼数量",
    "complaints": "举报投诉数量",
    "fees": "依申请公开信息收取的费用",
    "staff_total": "从事政府信息公开工作人员数",
    "staff_full_time": "其中：专职人员数",
    "staff_part_time": "兼职人员数",
    "budget": "政府信息公开专项经费",
    "dedicated_offices": "政府信息公开工作专门机构数",
    "reading_points": "设置政府信息公开查阅点数",
    "meetings": "召开政府信息公开工作会议次数",
    "training_sessions": "举办各类培训班数",
    "trainees": "接受培训人员数",
}

CHECK_STATUS = {"pass": "通过", "fail": "不符", "unknown": "无法核对"}


def table2_column(template_version: str | None, column: str) -> str:
    """The header of a table 2 column in the report's template (the other template's, else the key)."""
    for version in (template_version or "", *patterns.TABLE2_COLUMN_LABELS):
        label = patterns.TABLE2_COLUMN_LABELS.get(version, {}).get(column)
        if label:
            return label
    return column
