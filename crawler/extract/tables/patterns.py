"""Every label, regex and keyword the statistics parser (:mod:`crawler.extract.tables`) and the report fields
(:mod:`crawler.extract.fields`) match: data, not logic, as :mod:`crawler.extract.patterns` is for pages.

Labels are matched on a *key text*: NFKC-folded (full-width brackets, digits, colons and ``．`` become
ASCII) with all whitespace removed, so the patterns here are written with ASCII ``()``, ``.`` and ``:``.
Real reports vary the template wording, so row labels are matched on their distinctive words, not in
full. Key names are the JSON contract of the parsed tables: extended, never renamed.
"""

from __future__ import annotations

import re

from lxml import etree

# --- Cell text ------------------------------------------------------------------------------------
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
# Spaces that Word exports and line breaks leave between CJK characters: "本年度办 理结果".
CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
# Elements whose boundaries separate words inside a cell (inline runs such as <span> do not).
CELL_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"})
HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
# A table's rows (in a thead/tbody/tfoot or not, not a nested table's), a row's cells (its td/th
# children), and whether a table holds another (then it is layout around the statistics).
TABLE_ROWS = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
CELL_TAGS = ("td", "th")
HAS_NESTED_TABLE = etree.XPath("boolean(.//table)")

# --- Cell values (matched on the NFKC-folded cell) ------------------------------------------------
# A number, optionally with its unit: "217", "-2", "18651.06", "4.651万元", "1,234".
NUMBER = re.compile(r"^([-+]?\d[\d,]*(?:\.\d+)?)\s*(?:万元|元|件|条|个|人次|人|次|项|篇|份|家|期)?$")
# Cells that say "nothing here" in one of many ways: blank, —, /, 无, "- -". Their value is None.
PLACEHOLDER = re.compile(r"^[-—–/\\无空×xX*.·\s]*$")
# A quantity the parser cannot read as a number: in words ("二十", "三十余件", "若干"), approximate
# ("约30"), with spaced thousands ("1 234") or a range ("12~15", "12至15"). It stands in a number's
# place, so it is no row label. Not "12-15": that is how dates are written ("2021-01-25"), and a date
# cell is a label of a metadata row.
_UNITS = r"(?:万元|元|件|条|个|人次|人|次|项|篇|份|家|期)?"
QUANTITY_WORDS = re.compile(
    rf"^[〇○零一二三四五六七八九十百千万亿两]+[余多]?{_UNITS}$"
    rf"|^(?:约|近|逾|超过|共)\d[\d,.]*[余多]?{_UNITS}$"
    rf"|^\d{{1,3}}(?: \d{{3}})+{_UNITS}$"
    rf"|^\d[\d,]*\s*[~～至]\s*\d[\d,]*{_UNITS}$"
    rf"|^若干{_UNITS}$"
)
# Unit cells of the 指标|单位|数量 tables.
UNIT = re.compile(r"^(条|件|个|人|人次|次|篇|项|份|家|期|万元|元)$")
# A table row flattened onto one line: cells joined by "|" (trafilatura, our own plain text).
PIPE_ROW = re.compile(r"\|")
# A line that is only a cell separator, as in one-cell-per-line extractions ("…\n|\n…").
PIPE_ONLY = re.compile(r"^[|\s]+$")

# --- Template version -----------------------------------------------------------------------------
# Column headers that exist in one template's table 2 only, and the 2021 sub-rows of （六）其他处理.
TEMPLATE_2021_MARKERS = re.compile(r"本年制发件数|本年废止件数|现行有效件数|逾期不补正|逾期未按收费通知")
TEMPLATE_2019_MARKERS = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量")
# Section headings matched on key-text lines, loosely: "[一二三四五六][、.]" plus key words.
NEW_TEMPLATE_HEADINGS = (
    re.compile(r"^[一1][、.]总体情况"),
    re.compile(r"^[三3][、.]收到和处理政府信息公开申请"),
    re.compile(r"^[四4][、.](政府信息公开)?行政复议[、和及]?行政诉讼"),
    re.compile(r"^[五5][、.]存在的主要问题及改进情况"),
)
OLD_TEMPLATE_HEADINGS = (
    re.compile(r"^[一1][、.](概述|基本情况|总体情况概述)"),
    re.compile(r"^[一二三四五六七八][、.]依申请公开(政府)?信息"),
    re.compile(r"^[一二三四五六七八][、.].{0,8}收费及减免"),
    re.compile(r"^[一二三四五六七八][、.]因?政府信息公开(申请)?(提起)?行政复议"),
)
# Any of those headings: one test sets aside the many lines that are none.
ANY_TEMPLATE_HEADING = re.compile(
    "|".join(f"(?:{pattern.pattern})" for pattern in (*NEW_TEMPLATE_HEADINGS, *OLD_TEMPLATE_HEADINGS))
)
# The 2008-era indicator table: its header or its first indicator.
OLD_TEMPLATE_TABLE = re.compile(r"指标.{0,3}单位.{0,3}数量|主动公开政府信息数")
# The first year after which every report uses the 2019 or the 2021 template.
FIRST_NEW_TEMPLATE_YEAR = 2019
FIRST_2021_TEMPLATE_YEAR = 2021

# --- Table 2 (主动公开政府信息情况) ---------------------------------------------------------------------
# Row key → its label (fullmatch on the key text, after an enumerator such as "(一)" is dropped).
TABLE2_ROWS: dict[str, re.Pattern[str]] = {
    "regulations": re.compile(r"规章"),
    "normative_documents": re.compile(r"(行政)?规范性文件"),
    "licensing": re.compile(r"行政许可"),
    "other_services": re.compile(r"其他对外管理服务事项"),
    "penalty": re.compile(r"行政处罚"),
    "coercion": re.compile(r"行政强制"),
    "fees": re.compile(r"行政事业性收费"),
    "procurement": re.compile(r"政府集中采购"),
}
# Any table 2 row label (fullmatch): one test rejects the many rows that are none.
TABLE2_ANY_ROW = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in TABLE2_ROWS.values()))
# Each template's rows and their columns, in page order (the templates fix both).
TABLE2_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalty": ("decisions",),
        "coercion": ("decisions",),
        "fees": ("amount",),
    },
    "2019": {
        "regulations": ("new_made", "new_published", "published_total"),
        "normative_documents": ("new_made", "new_published", "published_total"),
        "licensing": ("previous_items", "change", "decisions"),
        "other_services": ("previous_items", "change", "decisions"),
        "penalty": ("previous_items", "change", "decisions"),
        "coercion": ("previous_items", "change", "decisions"),
        "fees": ("previous_items", "change"),
        "procurement": ("items", "amount"),
    },
}
# Column key → the template's header, per template (documentation and reverse lookup).
TABLE2_COLUMN_LABELS: dict[str, dict[str, str]] = {
    "2021": {
        "issued": "本年制发件数",
        "repealed": "本年废止件数",
        "in_force": "现行有效件数",
        "decisions": "本年处理决定数量",
        "amount": "本年收费金额（单位：万元）",
    },
    "2019": {
        "new_made": "本年新制作数量",
        "new_published": "本年新公开数量",
        "published_total": "对外公开总数量",
        "previous_items": "上一年项目数量",
        "change": "本年增/减",
        "decisions": "处理决定数量",
        "items": "采购项目数量",
        "amount": "采购总金额",
    },
}

# --- Table 3 (收到和处理政府信息公开申请情况) -------------------------------------------------------------
TABLE3_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other",
    "total",
)
APPLICANT_COLUMNS = TABLE3_COLUMNS[:6]
# Top-level rows, searched in the row's most specific label ("三、本年度办理结果(一)予以公开" when a PDF
# line joins the spanning label to the row's own).
TABLE3_TOP_ROWS: dict[str, re.Pattern[str]] = {
    "new": re.compile(r"本年新收"),
    "carried_over": re.compile(r"上年结转"),
    "carry_forward": re.compile(r"结转下一?年度?|转入下年度?|继续办理"),
    "total": re.compile(r"(^|\(七\))总计$|\(七\)"),
    "granted": re.compile(r"(^|\(一\))予以公开"),
    "partly_granted": re.compile(r"(^|\(二\))部分公开"),
}
# Outcome groups with numbered sub-rows; a group label may sit in a cell spanning its sub-rows.
TABLE3_GROUPS: dict[str, re.Pattern[str]] = {
    "refused": re.compile(r"(^|\(三\))不予公开"),
    "unable": re.compile(r"(^|\(四\))无法提供"),
    "not_processed": re.compile(r"(^|\(五\))不予处理"),
    "other": re.compile(r"(^|\(六\))其他处理"),
}
# Sub-rows known by their own words, numbered or not (searched on the sub-row label).
TABLE3_SUBROWS: dict[str, re.Pattern[str]] = {
    "refused_1": re.compile(r"国家秘密"),
    "refused_2": re.compile(r"其他法律行政法规禁止"),
    "refused_3": re.compile(r"三安全一稳定"),
    "refused_4": re.compile(r"第三方合法权益"),
    "refused_5": re.compile(r"内部事务"),
    "refused_6": re.compile(r"过程性信息"),
    "refused_7": re.compile(r"行政执法案卷"),
    "refused_8": re.compile(r"行政查询事项"),
    "unable_1": re.compile(r"不掌握"),
    "unable_2": re.compile(r"另行制作"),
    "unable_3": re.compile(r"补正后"),
    "not_processed_1": re.compile(r"信访|举报投诉"),
    "not_processed_2": re.compile(r"重复申请"),
    "not_processed_3": re.compile(r"公开出版物"),
    "not_processed_4": re.compile(r"大量反复申请"),
    "not_processed_5": re.compile(r"确认或重新出具"),
    "other_1": re.compile(r"逾期不补正"),
    "other_2": re.compile(r"缴纳费用|收费通知"),
}
# "1." / "1、" in front of a sub-row label.
SUBROW_NUMBER = re.compile(r"^(\d+)[.、]")
TABLE3_GROUP_SIZES = {"refused": 8, "unable": 3, "not_processed": 5, "other": 3}

# --- Table 4 (行政复议、行政诉讼) -----------------------------------------------------------------------
TABLE4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
TABLE4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
TABLE4_HEADER = re.compile(r"行政复议")
# Labels of the three groups when a report lays table 4 out one group per row.
TABLE4_GROUP_LABELS: dict[str, re.Pattern[str]] = {
    "review": re.compile(r"^行政复议$"),
    "litigation_direct": re.compile(r"直接起诉"),
    "litigation_after_review": re.compile(r"复议后起诉"),
}

# --- 2008-era indicators (指标|单位|数量) ---------------------------------------------------------------
# "(一)", "一、", "1.", "1、", "(1)", "其中:" in front of a row label (indicators, table 2).
ENUMERATOR_PREFIX = re.compile(
    r"^(?:其中:?)?(?:\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十\d]+[、.])?(?:其中:?)?"
)
# Indicator key → its label, matched at the start of the key text with the prefix dropped.
INDICATORS: dict[str, re.Pattern[str]] = {
    "active_total": re.compile(r"主动公开(政府)?信息(总)?数"),
    "active_normative_documents": re.compile(r"主动公开规范性文件数"),
    "normative_documents_issued": re.compile(r"制发规范性文件(总)?数"),
    "requests_received": re.compile(r"收到申请(总)?数|申请(总?数)?$"),
    "requests_in_person": re.compile(r"当面申请"),
    "requests_fax": re.compile(r"传真申请"),
    "requests_online": re.compile(r"(网络|网上)申请"),
    "requests_email": re.compile(r"电子邮件申请"),
    "requests_letter": re.compile(r"信函申请"),
    "requests_other_channel": re.compile(r"其他(形式|方式)申请"),
    "answers_total": re.compile(r"(对申请的|申请)答复(总)?数"),
    "answers_granted": re.compile(r"同意公开"),
    "answers_partly_granted": re.compile(r"同意部分公开"),
    "answers_refused": re.compile(r"不同意公开|否决公开"),
    "answers_other": re.compile(r"其他答复"),
    "reviews": re.compile(r"行政复议(数量|数|案件数)?$"),
    "lawsuits": re.compile(r"行政诉讼(数量|数|案件数)?$"),
    "complaints": re.compile(r"举报投诉(数量|数)?$"),
    "fees": re.compile(r"(依申请公开(政府)?信息)?收取的?费用"),
    "staff_total": re.compile(r"从事政府信息公开工作(的)?人员数"),
    "staff_full_time": re.compile(r"(政府信息公开)?专职人员数"),
    "staff_part_time": re.compile(r"(政府信息公开)?兼职人员数"),
    "budget": re.compile(r"政府信息公开专项经费"),
    "dedicated_offices": re.compile(r"政府信息公开工作专门机构数"),
    "reading_points": re.compile(r"(设置)?政府信息公开查阅点数"),
    "meetings": re.compile(r"召开政府信息公开工作会议"),
    "training_sessions": re.compile(r"举办各类培训班数"),
    "trainees": re.compile(r"接受培训人员数"),
}
# Any indicator label (match): one test rejects the many rows that are none.
ANY_INDICATOR = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in INDICATORS.values()))

# --- Report fields (crawler.extract.fields) -----------------------------------------------------------------
_YEAR = r"(?:(?:19|20)\d\d|[一二][〇零○Ｏ一二三四五六七八九]{3})"
# The disclosure subject that ends a body name in a title: "…县政府信息公开…", "…局政务公开…".
TITLE_SUBJECT = re.compile(r"(政府)?(信息|政务|政務)公[开開]")
TITLE_YEAR = re.compile(rf"{_YEAR}\s*年度?")
# A body named in the report text right before the year: "…公布青岚县石门镇人民政府2021年度政府信息公开…".
TEXT_BODY_BEFORE_YEAR = re.compile(rf"([\u4e00-\u9fff]{{2,30}}){_YEAR}\s*年度?\s*(政府|政务)?信息?公开")
# The report year in a phrase naming the report or its statistics table.
TEXT_REPORT_YEAR = re.compile(rf"({_YEAR})\s*年度?[^。\n]{{0,24}}(报告|年报|明细表|统计表)")
# Words that lead into a body name inside a sentence; everything up to the last one is dropped.
BODY_LEAD_IN = re.compile(r"^.*(公布|制定|编制了?|印发|发布|现将|关于|附件?[一二三四五\d]*)")
# One administrative place: "连云港市", "婺城区", "琅琊镇", "衡阳国家高新区" (traditional 縣/區/鎮/鄉 too);
# "杭州" is not one when 市 follows: the place is "杭州市".
PLACE_UNIT = re.compile(
    r"[\u4e00-\u9fff]{1,9}?(?:特别行政区|自治区|自治州|自治县|省|市|州(?!市)|盟|地区|县|縣|旗|区|區|镇|鎮|乡|鄉|街道|苏木)"
)
# Words a place name never contains: they belong to a department ("住房和城乡建设局").
NOT_IN_PLACE = re.compile(r"[和与及局委办厅部院所站会处室司]|中心|公司|管理|建设")
TOWNSHIP_UNIT = re.compile(r"(镇|鎮|乡|鄉|街道|苏木)$")
COUNTY_UNIT = re.compile(r"(县|縣|旗|区|區|市)$")
PROVINCE_UNIT = re.compile(r"(省|自治区|特别行政区)$|^(北京|上海|天津|重庆)市$")
PREFECTURE_UNIT = re.compile(r"(市|州|盟|地区)$")
# Development zones and similar run by a 管委会, not a 人民政府.
ZONE_UNIT = re.compile(r"(高新|开发|经开|实验|工业园|园|保税|合作)区$")
# What follows the place in a government's own name (not a department's).
GOVERNMENT_REST = re.compile(r"^((人民)?政府|管委会|管理委员会|办事处|街道办事处)?$")
# Central bodies: ministries, commissions and administrations under the State Council.
NATIONAL_BODY = re.compile(r"^(国务院|国家|中国|中华人民共和国)|(部|总局|总署|审计署)$")
# The metadata block in text form: "• 信息索引号:" bullets and their indents.
BLOCK_BULLET = re.compile(r"^[\s•·●◆■▪\-*]+")

# --- Figures stated in prose (2008-era reports without a 指标 table) ----------------------------------
# Matched on the key text of one sentence (split at 。；; and line ends). Each indicator key (the same as
# INDICATORS') has patterns whose group ``n`` is the number and ``unit`` its unit, tried in order; the
# first sentence that states one wins. "其中" figures follow the total they split.
_N = r"(?P<n>\d[\d,]*(?:\.\d+)?)"
_PIECE = r"(?P<unit>件|条|次|人|万元|元)"
PROSE_FIGURES: dict[str, tuple[re.Pattern[str], ...]] = {
    "active_total": (re.compile(rf"主动公开(?:政府)?信息(?:共计|共|总数)?{_N}{_PIECE}"),),
    "active_normative_documents": (re.compile(rf"主动公开(?:政府)?信息.*?其中规范性文件{_N}{_PIECE}"),),
    "requests_received": (
        re.compile(
            rf"(?:收到|受理)(?:各类)?(?:政府信息公开|依申请公开(?:政府信息)?)?申请(?:共计|共)?{_N}{_PIECE}"
        ),
        re.compile(rf"受理依申请公开(?:政府信息)?(?:共计|共)?{_N}{_PIECE}"),
    ),
    "requests_in_person": (re.compile(rf"当面(?:提出)?申请{_N}{_PIECE}"),),
    "requests_fax": (re.compile(rf"传真(?:方式)?申请{_N}{_PIECE}"),),
    "requests_online": (re.compile(rf"(?:网络|网上)(?:方式)?申请{_N}{_PIECE}"),),
    "requests_email": (re.compile(rf"电子邮件(?:方式)?申请{_N}{_PIECE}"),),
    "requests_letter": (re.compile(rf"信函(?:方式)?申请{_N}{_PIECE}"),),
    "answers_granted": (re.compile(rf"(?<!不)同意公开{_N}{_PIECE}"),),
    "answers_partly_granted": (re.compile(rf"(?:同意)?部分公开{_N}{_PIECE}"),),
    "answers_refused": (re.compile(rf"(?:不同意公开|不予公开){_N}{_PIECE}"),),
    "answers_other": (re.compile(rf"其他答复{_N}{_PIECE}"),),
    "reviews": (re.compile(rf"行政复议(?:案件)?{_N}{_PIECE}"),),
    "lawsuits": (re.compile(rf"行政诉讼(?:案件)?{_N}{_PIECE}"),),
    "complaints": (re.compile(rf"(?:举报投诉|申诉)(?:案件)?{_N}{_PIECE}"),),
    "fees": (re.compile(rf"收取(?:[^,，]{{0,12}})?费用(?:共计|共)?{_N}{_PIECE}"),),
}
# Sentences that state a zero in words: "全年未收到…申请", "未发生…行政复议和行政诉讼", "未…收取…费用".
PROSE_ZERO: dict[str, tuple[re.Pattern[str], ...]] = {
    "requests_received": (
        re.compile(r"未(?:收到|接到|受理)[^,，]{0,24}(?:政府信息公开|依申请公开)?(?:申请|请求)"),
    ),
    "reviews": (re.compile(r"(?:未发生|未收到|无)[^,，]{0,30}行政复议"),),
    "lawsuits": (re.compile(r"(?:未发生|未收到|无)[^,，]{0,30}行政诉讼"),),
    "fees": (re.compile(r"未[^,，]{0,20}(?:收取|进行收费)|未对[^,，]{0,12}收费"),),
}
# What ends a sentence of prose.
PROSE_SENTENCE_END = re.compile(r"[。；;!！?？\n]")
