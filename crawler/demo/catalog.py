"""Which reports the demo portal publishes, and how each page is dressed.

Kept as plain data, apart from the page writers, so the variety a crawler must cope with (titles,
paths, encodings, metadata markup, content containers, spam) is visible in one table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crawler.demo import spam
from crawler.demo.texts import SPAM_PHRASE, SPAM_SENTENCE

COUNTY = "青岚县人民政府"
COUNTY_OFFICE = "青岚县人民政府办公室"
COLUMN = "/zwgk/xxgknb/"


@dataclass(frozen=True)
class Body:
    """A reporting body and where its 年报 column lives."""

    name: str
    level: str  # 县 | 部门 | 乡
    we: str
    office: str  # compiles the report
    issuer: str  # 发布机构 shown on the page
    column: str
    column_name: str
    credit_code: str  # invented 统一社会信用代码
    org_code: str  # invented pre-2015 组织机构代码 (index numbers of old pages)
    scale: float  # size relative to the county government
    # How the column lists its reports: "trs" (index_N.html + createPageHTML), "js" (an empty list filled
    # from list.json by script: a browser, or the list.json its page names), "query" (list.jsp?page=N,
    # paginating forever past its last page: a pagination trap).
    listing: str = "trs"
    # Pages under this path answer with an anti-bot challenge until the browser sets its cookie.
    challenge: bool = False


BODIES = {
    "county": Body(
        COUNTY,
        "县",
        "我县",
        COUNTY_OFFICE,
        COUNTY_OFFICE,
        COLUMN,
        "信息公开年报",
        "11539901MB0A17325K",
        "772035640",
        1.0,
    ),
    "jyj": Body(
        "青岚县教育局",
        "部门",
        "我局",
        "青岚县教育局办公室",
        "青岚县教育局",
        "/zwgk/bm/jyj/xxgknb/",
        "教育局信息公开年报",
        "11539901MB0A18422D",
        "772035712",
        0.15,
    ),
    "czj": Body(
        "青岚县财政局",
        "部门",
        "我局",
        "青岚县财政局办公室",
        "青岚县财政局",
        "/zwgk/bm/czj/xxgknb/",
        "财政局信息公开年报",
        "11539901MB0A19065R",
        "772035808",
        0.1,
    ),
    "smz": Body(
        "青岚县石门镇人民政府",
        "乡",
        "我镇",
        "石门镇党政综合办公室",
        "石门镇人民政府",
        "/zwgk/xz/smz/xxgknb/",
        "石门镇信息公开年报",
        "11539901MB0A2210XW",
        "772036024",
        0.05,
    ),
    "wjw": Body(
        "青岚县卫生健康局",
        "部门",
        "我局",
        "青岚县卫生健康局办公室",
        "青岚县卫生健康局",
        "/zwgk/bm/wjw/xxgknb/",
        "卫生健康局信息公开年报",
        "11539901MB0A20318M",
        "772035933",
        0.12,
        listing="js",
    ),
    "zrzyj": Body(
        "青岚县自然资源局",
        "部门",
        "我局",
        "青岚县自然资源局办公室",
        "青岚县自然资源局",
        "/zwgk/bm/zrzyj/xxgknb/",
        "自然资源局信息公开年报",
        "11539901MB0A20951T",
        "772035977",
        0.12,
        listing="query",
    ),
    "hxz": Body(
        "青岚县河西乡人民政府",
        "乡",
        "我乡",
        "河西乡党政综合办公室",
        "河西乡人民政府",
        "/zwgk/xz/hxz/xxgknb/",
        "河西乡信息公开年报",
        "11539901MB0A2246XC",
        "772036107",
        0.05,
        challenge=True,
    ),
}
# Sub-site roots that answer with a challenge page first.
CHALLENGE_PREFIXES = ("/zwgk/xz/hxz/",)


@dataclass(frozen=True)
class ReportSpec:
    """Everything that makes one report page differ from the others."""

    body: str  # key of BODIES
    year: int
    title: str
    path: str
    published: str  # "YYYY-MM-DD HH:MM"
    written: str | None  # ISO date, None when not shown
    doc_no: str | None  # None shows as 无 (or the field is absent)
    meta_style: str  # table | ul | dl | none
    container: str  # zoom | trs | trs_nested | article | old
    charset: str = "utf-8"  # charset declared in the page (utf-8 | gbk | gb2312)
    wrong_header: bool = False  # GBK bytes served as charset=utf-8
    indicator_table: bool = False  # 2008 template only
    spam: Callable[[], spam.Injection] | None = None
    read_aloud: bool = False
    tab_panel: bool = False
    section_intros: bool = False
    numbering: str = "、"
    placeholder_written: bool = False  # shows 成文日期 as "— —"
    # A deliberate cross-year break: 上年结转 (自然人) is last year's 结转下年度 plus this (0: they agree).
    carry_break: int = 0

    @property
    def template(self) -> str:
        return "2008" if self.year <= 2018 else ("2019" if self.year <= 2020 else "2021")

    @property
    def encoding(self) -> str:
        return "utf-8" if self.charset == "utf-8" else "gbk"

    @property
    def served_charset(self) -> str:
        return "utf-8" if self.wrong_header or self.charset == "utf-8" else "gbk"


def _plain_spam() -> spam.Injection:
    return spam.plain_text(SPAM_SENTENCE, SPAM_PHRASE)


def _hidden_and_farm() -> spam.Injection:
    return spam.combine(spam.hidden_div(), spam.after_html_farm())


_C = COLUMN
REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec(
        "county",
        2010,
        "青岚县2010年度政府信息公开年报",
        f"{_C}201103/t20110325_1187.htm",
        "2011-03-25 09:30",
        None,
        None,
        "none",
        "old",
        charset="gb2312",
    ),
    ReportSpec(
        "county",
        2011,
        "青岚县人民政府2011年政府信息公开工作年度报告",
        f"{_C}201204/t20120406_2215.htm",
        "2012-04-06 16:02",
        "2012-04-01",
        None,
        "table",
        "zoom",
        indicator_table=True,
    ),
    ReportSpec(
        "county",
        2013,
        "青岚县2013年政府信息公开工作年度报告",
        f"{_C}201403/t20140327_4410.html",
        "2014-03-27 10:15",
        "2014-03-24",
        None,
        "ul",
        "trs",
        charset="gbk",
        indicator_table=True,
        spam=spam.hidden_div,
    ),
    ReportSpec(
        "county",
        2014,
        "青岚县2014年度政府信息公开工作报告",
        f"{_C}201503/t20150320_5562.html",
        "2015-03-20 11:40",
        "2015-03-18",
        "青政办〔2015〕12号",
        "table",
        "zoom",
        charset="gb2312",
        wrong_header=True,
    ),
    ReportSpec(
        "county",
        2016,
        "青岚县人民政府2016年政府信息公开工作年度报告",
        f"{_C}201703/t20170330_7861.html",
        "2017-03-30 17:25",
        "2017-03-28",
        None,
        "dl",
        "article",
        indicator_table=True,
        spam=spam.hidden_class,
        tab_panel=True,
    ),
    ReportSpec(
        "county",
        2017,
        "青岚县2017年政府信息公开工作年度报告",
        f"{_C}201803/t20180328_9023.html",
        "2018-03-28 08:56",
        None,
        None,
        "table",
        "trs",
        spam=spam.after_html_farm,
        placeholder_written=True,
    ),
    ReportSpec(
        "county",
        2018,
        "青岚县人民政府2018年度政府信息公开工作年度报告",
        f"{_C}201901/t20190131_10456.html",
        "2019-01-31 15:20",
        "2019-01-28",
        None,
        "ul",
        "zoom",
        indicator_table=True,
    ),
    ReportSpec(
        "county",
        2019,
        "青岚县人民政府2019年度政府信息公开工作年度报告",
        f"{_C}202003/t20200331_12877.html",
        "2020-03-31 18:05",
        "2020-03-30",
        None,
        "table",
        "trs",
        spam=spam.script_write,
    ),
    ReportSpec(
        "county",
        2020,
        "青岚县2020年政府信息公开工作年度报告",
        f"{_C}202101/t20210129_15230.html",
        "2021-01-29 10:48",
        None,
        None,
        "dl",
        "article",
        spam=_plain_spam,
        section_intros=True,
    ),
    ReportSpec(
        "county",
        2021,
        "青岚县人民政府2021年政府信息公开工作年度报告",
        f"{_C}202201/t20220125_18764.html",
        "2022-01-25 09:12",
        "2022-01-21",
        None,
        "table",
        "zoom",
        read_aloud=True,
    ),
    ReportSpec(
        "county",
        2022,
        "青岚县2022年度政府信息公开工作年度报告",
        f"{_C}202302/t20230215_21533.html",
        "2023-02-15 14:37",
        "2023-02-13",
        None,
        "ul",
        "trs",
        spam=_hidden_and_farm,
    ),
    ReportSpec(
        "county",
        2023,
        "青岚县人民政府2023年度政府信息公开工作年度报告",
        f"{_C}202403/t20240320_24518.html",
        "2024-03-20 10:12",
        "2024-03-18",
        "青政办〔2024〕5号",
        "table",
        "article",
        tab_panel=True,
    ),
    ReportSpec(
        "county",
        2024,
        "青岚县2024年度政府信息公开工作年度报告",
        f"{_C}202502/t20250212_27960.html",
        "2025-02-12 16:30",
        "2025-02-10",
        None,
        "dl",
        "zoom",
        read_aloud=True,
        tab_panel=True,
        section_intros=True,
    ),
    ReportSpec(
        "jyj",
        2022,
        "2022年青岚县教育局政府信息公开工作年度报告",
        "/zwgk/bm/jyj/xxgknb/202301/t20230118_20877.html",
        "2023-01-18 11:05",
        "2023-01-16",
        "青教发〔2023〕3号",
        "ul",
        "trs",
    ),
    ReportSpec(
        "czj",
        2023,
        "青岚县财政局2023年度政府信息公开工作年度报告",
        "/zwgk/bm/czj/xxgknb/202401/t20240126_23950.html",
        "2024-01-26 15:44",
        "2024-01-25",
        None,
        "table",
        "zoom",
        spam=spam.script_write,
    ),
    ReportSpec(
        "smz",
        2021,
        "石门镇2021年政府信息公开工作年度报告",
        "/zwgk/xz/smz/xxgknb/202202/t20220210_19012.html",
        "2022-02-10 09:58",
        "2022-02-08",
        None,
        "dl",
        "article",
        charset="gbk",
        numbering="．",
    ),
)

# Reports of the columns added for discovery: a JS-filled list, a ?page=N list, a challenged sub-site.
REPORTS += (
    ReportSpec(
        "wjw",
        2021,
        "青岚县卫生健康局2021年度政府信息公开工作年度报告",
        "/zwgk/bm/wjw/xxgknb/202201/t20220119_18650.html",
        "2022-01-19 10:20",
        "2022-01-17",
        None,
        "table",
        "zoom",
    ),
    ReportSpec(
        "wjw",
        2023,
        "青岚县卫生健康局2023年政府信息公开工作年度报告",
        "/zwgk/bm/wjw/xxgknb/202402/t20240202_24001.html",
        "2024-02-02 15:05",
        "2024-01-31",
        None,
        "ul",
        "trs",
    ),
    ReportSpec(
        "zrzyj",
        2019,
        "青岚县自然资源局2019年政府信息公开工作年度报告",
        "/zwgk/bm/zrzyj/xxgknb/202001/t20200121_12101.html",
        "2020-01-21 09:40",
        "2020-01-20",
        None,
        "dl",
        "article",
    ),
    ReportSpec(
        "zrzyj",
        2020,
        "青岚县自然资源局2020年度政府信息公开工作年度报告",
        "/zwgk/bm/zrzyj/xxgknb/202101/t20210126_15102.html",
        "2021-01-26 16:12",
        "2021-01-25",
        None,
        "table",
        "zoom",
    ),
    ReportSpec(
        "zrzyj",
        2024,
        "青岚县自然资源局2024年度政府信息公开工作年度报告",
        "/zwgk/bm/zrzyj/xxgknb/202501/t20250122_27503.html",
        "2025-01-22 11:30",
        "2025-01-21",
        None,
        "ul",
        "trs",
    ),
    ReportSpec(
        "hxz",
        2023,
        "河西乡2023年政府信息公开工作年度报告",
        "/zwgk/xz/hxz/xxgknb/202401/t20240115_23702.html",
        "2024-01-15 08:50",
        "2024-01-12",
        None,
        "dl",
        "zoom",
    ),
)

# Issue #14: a TRS page with .TRS_Editor nested in .TRS_Editor and its footer in a .TRS_Editor too.
REPORTS += (
    ReportSpec(
        "czj",
        2020,
        "青岚县财政局2020年度政府信息公开工作年度报告",
        "/zwgk/bm/czj/xxgknb/202102/t20210203_15544.html",
        "2021-02-03 09:35",
        "2021-02-01",
        None,
        "ul",
        "trs_nested",
    ),
)

# The natural-resources bureau's 2021 report follows its 2020 one, but its 上年结转 does not equal the
# 2020 report's 结转下年度继续办理: the one deliberate cross-year break of the demo (issue #16).
REPORTS += (
    ReportSpec(
        "zrzyj",
        2021,
        "青岚县自然资源局2021年度政府信息公开工作年度报告",
        "/zwgk/bm/zrzyj/xxgknb/202201/t20220124_18702.html",
        "2022-01-24 10:05",
        "2022-01-21",
        None,
        "table",
        "trs",
        carry_break=2,
    ),
)

# A real report filed where robots.txt forbids crawling: it must be neither fetched nor stored.
ROBOTS_DISALLOWED = ReportSpec(
    "czj",
    2021,
    "青岚县财政局2021年度政府信息公开工作年度报告",
    "/zwgk/bm/czj/xxgknb/nbk/t20220128_18801.html",
    "2022-01-28 10:00",
    "2022-01-27",
    None,
    "table",
    "zoom",
)

# Expected 自然人 requests per year (the other applicant columns scale from it).
REQUEST_MEANS = {"county": 30.0, "jyj": 7.0, "czj": 5.0, "smz": 3.0, "wjw": 6.0, "zrzyj": 9.0, "hxz": 2.0}
