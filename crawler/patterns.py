"""Every regex, keyword list and CSS/XPath selector of the domain, in one place.

Data, not logic: the modules that use these (pagekind, extract, metadata, …) stay short, and a
reader who wants to teach the crawler a new portal wording changes only this file.
"""

from __future__ import annotations

import re

# --- Report titles -------------------------------------------------------------------------------
# A year, written in Arabic or Chinese numerals: "2013", "二〇一三", "二零一三".
YEAR_ARABIC = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
YEAR_CHINESE = re.compile(r"([一二][〇零○Ｏ一二三四五六七八九]{3})\s*年")
CHINESE_DIGITS = {
    "〇": "0", "零": "0", "○": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4",
    "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
}  # fmt: skip

# What a title says when it is an annual disclosure report, in its many real wordings.
REPORT_SUBJECT = re.compile(r"(政府)?(信息|政务)公开")
REPORT_GENRE = re.compile(r"年度?报告|年报|年度工作报告|工作报告")
# Titles that mention reports but are something else: the government work report, budgets,
# guides, catalogues, and news *about* the annual report (training, notices, meetings).
NOT_REPORT_TITLE = re.compile(
    r"政府工作报告|预算|决算|审计|指南|目录|通知|培训|会议|举办|召开|解读|图解|部署|督查|考核|评估|调研"
    r"|统计公报|国民经济|发展报告|社会发展"
)

# --- Navigation ----------------------------------------------------------------------------------
# Anchor text of the annual-report column itself.
REPORT_COLUMN_TEXT = re.compile(r"(信息)?公开(工作)?年报|(信息)?公开(工作)?年度报告|^年度报告$|^年报$")
REPORT_COLUMN_URL = re.compile(r"(xxgknb|zfxxgknb|gkndbg|ndbg|/nb/|xxgkndbg|gknb)", re.IGNORECASE)
# Anchor text of sections on the way to the column: 政务公开, 信息公开, department disclosure.
SECTION_TEXT = re.compile(
    r"政务公开|信息公开|政府信息公开|部门信息公开|乡镇信息公开|部门公开|乡镇公开|公开目录|法定主动公开|部门|乡镇|街道"
)
SECTION_URL = re.compile(r"(zwgk|xxgk|zfxxgk|gkml|/bm/|/xz/|bmxxgk)", re.IGNORECASE)
# Sections that never lead to reports and cost requests.
SKIP_LINK_TEXT = re.compile(
    r"政府工作报告|信息公开指南|公开指南|依申请公开|意见征集|在线访谈|领导信箱|网上调查|政务服务|办事|登录|注册"
)
NEXT_PAGE_TEXT = re.compile(r"^\s*(下一?页|后一?页|next|>|›|»)\s*$", re.IGNORECASE)

# TRS pager: createPageHTML(total, current, "index", "html") → index.html, index_1.html …
CREATE_PAGE_HTML = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([\w-]+)[\"']\s*,\s*[\"'](\w+)[\"']\s*\)"
)
INDEX_N_URL = re.compile(r"/(index|list|default)(_\d+)?\.(s?html?|jsp|php)$", re.IGNORECASE)

# --- Documents -----------------------------------------------------------------------------------
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
ATTACHMENT_URL = re.compile(r"\.(pdf|docx?|wps|xlsx?|zip|rar|jpg|jpeg|png|gif)(\?|$)", re.IGNORECASE)
NON_PAGE_URL = re.compile(
    r"\.(css|js|jpg|jpeg|png|gif|ico|svg|mp4|mp3|flv|swf|zip|rar|exe|apk)(\?|$)", re.IGNORECASE
)

# --- Encoding ------------------------------------------------------------------------------------
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)
# The GB family: decode all of them as GB18030, their superset.
GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "gb_2312-80", "cp936", "euc-cn"}

# --- Content containers (DOMAIN.md §2), most specific first --------------------------------------
CONTENT_CONTAINERS_XPATH = [
    '//*[@id="zoom"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " TRS_Editor ")]',
    '//*[@id="ivs_content"]',
    '//*[@id="UCAP-CONTENT"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " xxgk_content ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " zw-content ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " article-content ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " pages_content ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " article_content ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " article-body ")]',
    '//*[@id="content"]',
    '//*[@id="Content"]',
]
# Elements that never hold report text.
DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "template", "link", "meta")

# --- Titles and dates ----------------------------------------------------------------------------
META_TITLE_NAMES = ("ArticleTitle", "title", "og:title")
META_PUBDATE_NAMES = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time")
# "青岚县2019年…报告_青岚县人民政府" → drop the site name after the separator.
TITLE_SITE_SUFFIX = re.compile(r"\s*[_|｜\-—–]+\s*[^_|｜\-—–]*$")
DATE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
PUBLISHED_LABEL = re.compile(
    r"(发布日期|发布时间|发文日期|公开日期|时间|日期)\s*[:：]?\s*((?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})"
)

# --- Metadata block (DOMAIN.md §2): label → field. Labels may contain spaces: "索 引 号". ---------
METADATA_LABELS: dict[str, re.Pattern[str]] = {
    "index_no": re.compile(r"^(信\s*息\s*)?索\s*引\s*号$"),
    "issuer": re.compile(r"^(发\s*布\s*机\s*构|发\s*文\s*机\s*关|发\s*布\s*单\s*位|信\s*息\s*来\s*源)$"),
    "doc_no": re.compile(r"^(文\s*号|发\s*文\s*字\s*号|文\s*件\s*编\s*号)$"),
    "written_date": re.compile(r"^成\s*文\s*日\s*期$"),
    "published_date": re.compile(r"^(发\s*布\s*日\s*期|公\s*开\s*日\s*期)$"),
    "topic": re.compile(r"^主\s*题\s*分\s*类$"),
    "disclosure": re.compile(r"^公\s*开\s*方\s*式$"),
}
# "索 引 号：" written as one text with its value: "索引号：1133…/2014-32225".
METADATA_INLINE = re.compile(r"^\s*([^:：]{2,12}?)\s*[:：]\s*(.*)$")
# Placeholders that mean "no value".
METADATA_EMPTY = re.compile(r"^[\s—\-–_/无暂]*$")
