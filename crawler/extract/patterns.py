"""Every regex, keyword list and CSS/XPath selector of the domain, in one place.

Data, not logic: the modules that use these (pagekind, extract, metadata, …) stay short, and a
reader who wants to teach the crawler a new portal wording changes only this file.
"""

from __future__ import annotations

import re

from lxml import etree

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
# A title's issuing body before its year (白沙区审计局2023年…): its name never makes a look-alike. Not a
# notice's opening (关于举办…, 召开…: 举办 ends in 办 as 县政府办 does).
ISSUER_BEFORE_YEAR = re.compile(
    r"(?!关于)(?:(?!举办|召开)[\u4e00-\u9fff]){2,30}(?:局|委员会|委|办公室|办|厅|院|中心|所|站|署|会)"
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
    r"|预决算|预算|决算"
)
# The columns the standard 政府信息公开 platform sets beside the 年报 column (公开制度, 法定主动公开内容):
# regulations and the disclosure catalogue, not the reports. A page that links the 年报 column itself
# needs none of them; a page without it may file its reports there (法定主动公开内容 › 年报).
REPORT_COLUMN_SIBLING_TEXT = re.compile(r"公开制度|法定主动公开|主动公开内容|主动公开目录")
NEXT_PAGE_TEXT = re.compile(r"^\s*(下一?页|后一?页|next|>|›|»)\s*$", re.IGNORECASE)

# TRS pager: createPageHTML(total, current, "index", "html") → index.html, index_1.html …
CREATE_PAGE_HTML = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([\w-]+)[\"']\s*,\s*[\"'](\w+)[\"']\s*\)"
)
INDEX_N_URL = re.compile(r"/(index|list|default)(_\d+)?\.(s?html?|jsp|php)$", re.IGNORECASE)
# ?page=N / ?pageNo=N / ?currentPage=N listings.
PAGE_QUERY = re.compile(r"(^|&)(page|pageno|pagenum|currentpage|curpage|p|pageindex)=(\d+)", re.IGNORECASE)
# Query parameters that make endless URL spaces: calendars, dates, sessions, timestamps.
TRAP_QUERY = re.compile(
    r"(^|&)(date|day|month|year|week|calendar|rili|time|timestamp|jsessionid|sessionid|sid|phpsessid|_)=",
    re.IGNORECASE,
)
SESSION_IN_PATH = re.compile(r";(jsessionid|sessionid|sid)=[^/?#]*", re.IGNORECASE)
# Signs that a listing's items are filled in by script (the browser must render it).
SCRIPT_FILLED_LIST = re.compile(
    r"XMLHttpRequest|\$\.(ajax|get|post|getJSON)\(|fetch\(|ms-repeat|ms-for|v-for=|axios\.|\.json\b",
    re.IGNORECASE,
)

# --- Documents -----------------------------------------------------------------------------------
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
# Report attachments whose text we extract.
ATTACHMENT_URL = re.compile(r"\.(pdf|docx?|wps|xlsx?|et)(\?|$)", re.IGNORECASE)
# Anywhere in a page's text: a page without it links no attachment (its links need not be read).
ATTACHMENT_LINK_HINT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et)\b", re.IGNORECASE)
NON_PAGE_URL = re.compile(
    r"\.(css|js|json|jpg|jpeg|png|gif|bmp|ico|svg|mp4|mp3|flv|swf|zip|rar|7z|exe|apk|txt|xml)(\?|$)",
    re.IGNORECASE,
)

# --- Anti-bot challenge pages (瑞数, 知道创宇/加速乐 and similar WAF interstitials) -------------------
CHALLENGE_STATUSES = (202, 403, 412, 521)
CHALLENGE_MARKERS = re.compile(
    r"安全验证|验证中|请开启JavaScript|please enable javascript|__jsl_clearance|_waf|waf_|clearance"
    r"|\$_ts|challenge|cf-browser-verification|滑动验证|人机验证|正在进行安全检测",
    re.IGNORECASE,
)
# A challenge page is short: a script and little else.
CHALLENGE_MAX_BYTES = 20_000

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
# What marks a report's text, counted per kind (crawler/extract/page.py chooses among containers by
# them): the template's section headings, the Regulations, the genre, the statistics tables' words.
REPORT_MARKERS = (
    re.compile(r"[一二三四五六七八][、.．]\s*(?:总体情况|概述|基本情况)"),
    re.compile(r"[一二三四五六七八][、.．]\s*(?:主动公开|依申请)"),
    re.compile(r"[一二三四五六七八][、.．]\s*(?:收到和处理|政府信息公开行政复议|因政府信息公开申请)"),
    re.compile(r"[一二三四五六七八][、.．]\s*(?:存在的主要问题|其他需要报告)"),
    re.compile(r"政府信息公开条例|《条例》"),
    re.compile(r"年度报告|年报"),
    re.compile(r"本年新收|上年结转|主动公开政府信息数|收到申请数|予以公开|行政复议|行政诉讼"),
)
# A line of prose: a clause of CJK text ending in a comma or a stop.
PROSE_CLAUSE = re.compile(r"[\u4e00-\u9fff]{4,}[，。；]")
# Stub report pages: a lead that points to the report in an attachment (报告全文详见附件).
STUB_LEAD = re.compile(
    r"(?:详见|请见|见|查看|查阅|下载|点击|参阅|阅览)[^。；\n]{0,4}附件|附件[^。；\n]{0,6}(?:下载|查看|查阅|阅览)"
    r"|附件[:：]|以附件(?:形式)?(?:发布|公布|公开)"
)
# Spreadsheets (a report's 附表), never the file holding a stub's report text.
SHEET_URL = re.compile(r"\.(xlsx?|et)(\?|$)", re.IGNORECASE)
# A stub's own text is a lead, not a report: at most this long.
MAX_STUB_CHARS = 400
# Elements that never hold report text. A <select>'s options are a drop-down (portals' 国家部委网站链接
# link menus): a reader sees the selected one, never the list.
DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "template", "link", "meta", "select")
# Server template code a saved page kept (JSP/ASP ``<%@ page … %>``, ``<%-- … --%>``): the server runs
# it and a reader never sees it; in the saved bytes a browser would show it as text.
SERVER_TEMPLATE_CODE = re.compile(r"<%.*?%>", re.DOTALL)

# --- Titles and dates ----------------------------------------------------------------------------
META_TITLE_NAMES = ("ArticleTitle", "title", "og:title")
META_PUBDATE_NAMES = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time")
# "青岚县2019年…报告_青岚县人民政府" → drop the site name after the separator.
TITLE_SITE_SUFFIX = re.compile(r"\s*[_|｜\-—–]+\s*[^_|｜\-—–]*$")
DATE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
# Simplified or traditional (mirrors write 時間 / 發布日期).
PUBLISHED_LABEL = re.compile(
    r"([发發]布日期|[发發]布[时時][间間]|[发發]文日期|公[开開]日期|[时時][间間]|日期)"
    r"\s*[:：]?\s*((?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})"
)
# The date a CMS writes into an article's URL, the last fallback for the publishing date:
# TRS ``/202403/t20240320_1.html``, ``/2024-03/20/``, ``/20240320/``.
URL_DATE = re.compile(
    r"/t((?:19|20)\d\d)(\d\d)(\d\d)_\d+"
    r"|/((?:19|20)\d\d)-(\d\d)/(\d\d)/"
    r"|/((?:19|20)\d\d)(\d\d)(\d\d)/"
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
# Any label of the block followed by its colon, wherever it stands: where one label's value ends on a
# line holding two (``发布机构：X 发布日期：2023-01-18``). Longer labels first.
METADATA_LABEL_ANYWHERE = re.compile(
    r"(?:(?:信\s*息\s*)?索\s*引\s*号|发\s*布\s*机\s*构|发\s*文\s*机\s*关|发\s*布\s*单\s*位|信\s*息\s*来\s*源"
    r"|发\s*文\s*字\s*号|文\s*件\s*编\s*号|文\s*号|成\s*文\s*日\s*期|发\s*布\s*日\s*期|公\s*开\s*日\s*期"
    r"|主\s*题\s*分\s*类|公\s*开\s*方\s*式|发\s*布\s*时\s*间|[来來]\s*源|点\s*击\s*数|浏\s*览\s*次\s*数"
    r"|浏\s*览\s*量|生\s*成\s*日\s*期|标\s*题|名\s*称)\s*[:：]"
)
# An info line's fields (发布时间：… 来源：… 点击数：…, old table layouts): label → field.
INFO_LINE_FIELDS = (
    (re.compile(r"^(?:[发發]布[时時][间間]|[发發]布日期|[时時][间間]|日期)$"), "published_date"),
    (re.compile(r"^(?:信息来源|[来來]源|文章来源|[发發]布机构)$"), "issuer"),
)
# The first character of every label above, after spaces (or other non-word characters, so any space
# normalise_space strips): a text starting otherwise names no field, as a label or "label：value".
METADATA_LABEL_START = re.compile(r"\W*[信索发文成公主]")
# Every text and tail of a tree, in document order, each knowing its element (getparent, is_tail).
TEXT_NODES = etree.XPath("descendant-or-self::text()")
# "索 引 号：" written as one text with its value: "索引号：1133…/2014-32225".
METADATA_INLINE = re.compile(r"^\s*([^:：]{2,12}?)\s*[:：]\s*(.*)$")
# Placeholders that mean "no value".
METADATA_EMPTY = re.compile(r"^[\s—\-–_/无暂]*$")

# --- Spam and boilerplate cleaning (DOMAIN.md §3; used by spam.py, links.py, visibility.py) ---------
# Spam *words* are data: crawler/extract/lexicon/*.tsv. What follows is structure.
# A place name: anything ending in an administrative unit, or one of the big cities spam farms use bare.
PLACE_NAME = re.compile(
    r"^[\u4e00-\u9fff]{1,8}(省|市|县|區|区|縣|州|旗|盟|镇|鎮|乡|鄉|自治区|特别行政区)$"
    r"|^(北京|上海|天津|重庆|广州|深圳|杭州|南京|成都|武汉|西安|长沙|郑州|昆明|南宁|沈阳|哈尔滨|济南|青岛|"
    r"厦门|福州|合肥|南昌|贵阳|兰州|太原|石家庄|呼和浩特|乌鲁木齐|拉萨|西宁|银川|海口|长春|大连|苏州|宁波)$"
)
# A bare name as link farms label their anchors: a place without its 县/市 (卓资, 楚雄), a channel, a
# brand — 2 to 6 Chinese characters, or one short Latin word. Institutions and media end in a word of
# their kind (人民网, 日报, 电视台, 银行 …) and are not bare names.
BARE_NAME = re.compile(r"^(?:[\u4e00-\u9fff]{2,6}|[A-Za-z]{2,10})$")
INSTITUTION_END = re.compile(
    r"(网|报|台|社|院|局|厅|委|办|馆|会|部|处|所|站|中心|银行|公司|集团|大学|学校|医院|政府|平台|门户|杂志)$"
)
# A link's label that shows its address (a citation, not a keyword): www.…, http…, a domain.
ADDRESS_LABEL = re.compile(r"https?://|www\.|\.(?:com|cn|net|org|gov|edu)\b", re.IGNORECASE)
# Hosts that are never spam targets: government (any country's .gov, gov.cn, gov.mo, gov.hk …),
# education and academy domains, state and mainstream media, public hotlines and the big platforms
# that press offices link. Matched on the bare host (no ``www.``).
OFFICIAL_HOST = re.compile(
    r"(^|\.)(gov|gouv|gob|govt|edu|mil|ac)(\.[a-z]{2,3})?$|(^|\.)gov\.[a-z]{2,3}$|(^|\.)(gov|edu|ac|mil)\.cn$"
    r"|(^|\.)(people\.com\.cn|people\.cn|xinhuanet\.com|news\.cn|cctv\.com|cctv\.cn|cntv\.cn|chinanews\.com"
    r"|chinanews\.com\.cn|china\.com\.cn|gmw\.cn|chinadaily\.com\.cn|cnr\.cn|cri\.cn|youth\.cn|cyol\.com"
    r"|ce\.cn|qstheory\.cn|81\.cn|chinapeace\.gov\.cn|workercn\.cn|thepaper\.cn|cnki\.net|12377\.cn"
    r"|12306\.cn|10086\.cn|95598\.cn|12321\.cn|12315\.cn|weibo\.com|weibo\.cn|qq\.com|toutiao\.com"
    r"|douyin\.com|baidu\.com|sina\.com\.cn|sohu\.com|163\.com|ifeng\.com|cpc\.people\.com\.cn"
    r"|npc\.gov\.cn|court\.gov\.cn|spp\.gov\.cn|cac\.gov\.cn|conac\.cn|beian\.miit\.gov\.cn"
    r"|beian\.gov\.cn|w3\.org|adobe\.com|microsoft\.com|apple\.com"
    # the platforms a press office posts on, and the share buttons of old templates
    r"|xuexi\.cn|yangshipin\.cn|kuaishou\.com|bilibili\.com|xiaohongshu\.com|zhihu\.com|ixigua\.com"
    r"|douban\.com|renren\.com|kaixin001\.com|jiathis\.com|bshare\.cn|facebook\.com|twitter\.com"
    r"|linkedin\.com|youtube\.com|wikipedia\.org|iqiyi\.com|youku\.com|mgtv\.com|miguvideo\.com"
    r"|ximalaya\.com|alipay\.com|dingtalk\.com"
    # the visit counters and weather widgets old templates carry (a 51.la badge sits in <noscript>)
    r"|tianqi\.com|weather\.com\.cn"
    r"|cnzz\.com|umeng\.com|51\.la|51yes\.com|statcounter\.com|google-analytics\.com|googletagmanager\.com"
    # the market infrastructure a financial regulator sends investors to
    r"|sse\.com\.cn|szse\.cn|bse\.cn|chinaclear\.cn|sac\.net\.cn|isc\.com\.cn|cfachina\.org|amac\.org\.cn"
    r"|cninfo\.com\.cn|chinabond\.com\.cn|chinamoney\.com\.cn|neeq\.com\.cn|sge\.com\.cn|shfe\.com\.cn"
    r"|dce\.com\.cn|czce\.com\.cn|cffex\.com\.cn)$"
    # China's registry for organisations: a .org.cn name is registered with an organisation's papers
    r"|\.org\.cn$"
)
# Top-level domains that spam registers by the thousand (cheap, short-lived).
THROWAWAY_TLD = re.compile(
    r"\.(top|xyz|vip|club|win|bet|buzz|icu|site|online|fun|ink|pw|tk|ml|ga|cf|gq|shop|work|loan|men|wang"
    r"|ren|cyou|rest|bar|casino|poker|sex|porn|adult|xxx|cc|ws|la|bid|trade|date|racing|party|review"
    r"|stream|download|accountant|science|faith|cricket|kim|link|click|space|website|lol|mom|monster"
    r"|sbs|quest|cfd|beauty|hair|skin|makeup|boats|yachts|autos|homes|motorcycles)$"
)
# A host label named like a betting brand: letters and a run of (lucky) digits, ``hg8868``, ``js5566``,
# ``365bet``, ``vns9992`` (hotlines like 12306.cn are pure digits and official).
BRANDLIKE_LABEL = re.compile(r"^(?:[a-z]{1,8}\d{3,6}[a-z]{0,4}|\d{3,6}[a-z]{1,8})$")
# … unless its digits are a public service number: the 12xxx government hotlines (12345, 12329 housing
# fund, 12366 tax, 12333 social security) and the 95xxx/96xxx utility and service lines that a
# province's service site is named after (``hc12329.com``).
SERVICE_NUMBER_LABEL = re.compile(r"^[a-z]{0,8}(?:12\d{3}|9[56]\d{3})[a-z]{0,4}$")
# Words of enforcement, regulation and warning: a sentence holding one reports on spam's subject, it is
# not spam.
ENFORCEMENT = re.compile(
    r"打击|查处|整治|取缔|收缴|监管|依法|侦破|破获|抓获|刑事|立案|处罚|罚款|起诉|判处|违法|非法|犯罪|专项行动"
    r"|严厉|清理|关停|封堵|下架|约谈|处置|举报|投诉|警示|提醒|防范|宣传|治理|管理|规范|禁止|严禁|涉嫌|案件"
    r"|捣毁|扫黄|打非|反诈|诈骗|查获|没收|督办|核查"
    r"|警惕|谨防|远离|揭露|曝光|劝阻|识破"  # warnings name the scam they warn of
)
# Prose of a report: what a hidden report body shown by script says (visibility.reveal).
REPORT_PROSE = re.compile(
    r"政府信息公开|主动公开|依申请公开|信息公开工作|年度报告|行政复议|行政诉讼|公开申请"
)
MIN_REVEAL_CHARS = 120

# Hidden by inline style, matched on the lower-cased style with all whitespace removed
# (crawler/extract/visibility.py): not displayed, transparent, no font, pushed off-screen, clipped away,
# written in a transparent colour.
HIDDEN_STYLE = re.compile(
    r"(?:^|;)(?:display:none|visibility:(?:hidden|collapse)|opacity:0(?:\.0*)?(?:;|$|!)"
    r"|font-size:(?:0(?:\.\d*)?|1)(?:px|pt)?(?:;|$|!)|font-size:0(?:\.0\d*)?(?:em|rem|%)(?:;|$|!)"
    r"|font:[01](?:px|pt)?(?:/|;|$|!)"
    r"|text-indent:-(?:\d{3,}|\d{2,}(?:\.\d+)?r?em)"
    r"|(?:left|top|right|bottom|margin-left|margin-top|margin-right|margin-bottom):-(?:\d{3,}|\d{2,}r?em)"
    r"|clip:rect\((?:[01](?:px)?,?){4}\)|clip-path:inset\(50%\)|transform:scale\(0(?:,0)?\)"
    r"|color:(?:transparent|rgba\([\d.]+,[\d.]+,[\d.]+,0(?:\.0*)?\)))"
)
# A rule that shows again what another hid (``.tab-pane{display:none} .tab-pane.active{display:block}``).
SHOWN_STYLE = re.compile(r"(?:^|;)(?:display:(?!none)[a-z-]+|visibility:visible|opacity:1(?:\.0*)?(?:;|$))")
# Colours this close (per channel, 0–255) are one colour to a reader: #fefefe and #f0f0f0 on white are
# white (a contrast under 1.15), #e0e0e0 is a pale grey one reads.
MAX_COLOUR_DIFFERENCE = 16
# Far to the right or below, for an element taken out of the flow.
POSITIONED_STYLE = re.compile(r"(?:^|;)position:(?:absolute|fixed)")
FAR_OFFSET_STYLE = re.compile(r"(?:^|;)(?:(?:left|margin-left):\d{4,}|top:\d{5,})")
ZERO_SIZE_STYLE = re.compile(
    r"(?:^|;)(?:height|width|max-height|max-width|line-height):(?:[01](?:\.0+)?|\.0+)(?:px|pt|em)?(?:;|$|!)"
)
OVERFLOW_HIDDEN_STYLE = re.compile(r"overflow(?:-[xy])?:hidden")
STYLE_COLOR = re.compile(r"(?:^|;)color:(#[0-9a-f]{3,8}|rgba?\([\d.,%]+\)|[a-z]+)")
STYLE_BACKGROUND = re.compile(r"(?:^|;)background(?:-color)?:(#[0-9a-f]{3,8}|rgba?\([\d.,%]+\)|[a-z]+)")
# The few colour names pages write, as hex.
COLOUR_NAMES = {
    "white": "#ffffff", "black": "#000000", "red": "#ff0000", "blue": "#0000ff", "green": "#008000",
    "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0", "yellow": "#ffff00",
}  # fmt: skip
# The page's own stylesheets that live elsewhere (their rules are unknown here).
LINKED_STYLESHEET = etree.XPath(
    "//link[contains(translate(@rel, 'STYLEHS', 'stylehs'), 'stylesheet')] | //style[contains(., '@import')]"
)
# Utility classes that hide by convention (Bootstrap, Tailwind, the portals' own .hide/.hidden), whose
# rules sit in a linked stylesheet: hidden unless the page's own <style> shows them.
HIDDEN_CLASSES = ("hidden", "hide", "d-none", "invisible", "sr-only", "visually-hidden", "is-hidden")
# Elements whose colour may equal their background (an inline colour, or <font color>).
COLOURED = etree.XPath("descendant-or-self::*[@color or contains(@style, 'olor')]")
# Elements that hide or animate what they hold; judged like hidden ones.
HIDING_TAGS = ("marquee", "noscript", "template")
# The elements a hiding tag, attribute or one of the page's hiding inline styles ($style0, $style1 …)
# may hide (visibility.hiding_reason is None for any other but those a <style> rule hides); the hiding
# tags in a union of their own, as libxml2 tests a name on every element a few times slower.
# A frame drawn at no size (width or height 0 or 1 in its attributes): what it loads is never seen.
ZERO_SIZE_FRAME = "descendant-or-self::iframe[@width <= 1 or @height <= 1]"
ZERO_SIZE_FRAME_TEST = etree.XPath("self::*[@width <= 1 or @height <= 1]")
HIDING_CANDIDATES_STYLED = (
    "descendant-or-self::*[@hidden{styles}]"
    + "".join(f" | descendant-or-self::{tag}" for tag in HIDING_TAGS)
    + f" | {ZERO_SIZE_FRAME}"
)
HIDING_STYLE_TEST = " or @style = $style{index}"
# Every style attribute's value, each knowing its element (getparent; memoise only plain copies, as
# a smart string holds its tree).
STYLE_ATTRIBUTES = etree.XPath("descendant-or-self::*/@style")
# The elements a hiding tag or attribute makes candidates, whatever their style.
HIDING_MARKED = etree.XPath(
    "descendant-or-self::*[@hidden]"
    + "".join(f" | descendant-or-self::{tag}" for tag in HIDING_TAGS)
    + f" | {ZERO_SIZE_FRAME}"
)
# A script that writes markup into the page — document.write(…), d["write"](…), innerHTML =,
# insertAdjacentHTML, jQuery's .html(…)/.append(…) — the string literals it writes, and JS escapes.
DOCUMENT_WRITE = re.compile(
    r"(?:\.\s*|\[\s*['\"])write(?:ln)?['\"]?\s*\]?\s*\(|\.(?:inner|outer)HTML\s*\+?=|insertAdjacentHTML\s*\("
    r"|\.(?:html|append|prepend|after|before)\s*\("
)
JS_STRING = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", re.DOTALL)
JS_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\(.)")
# The end of the document: anything after the last </html> is outside every page template.
HTML_END = re.compile(rb"</html\s*>", re.IGNORECASE)

# Host rules: gov.cn hosts are "the site" for every gov page (they link each other all the time),
# also behind the IPv6 proxies some portals link through (credit-xm-gov-cnx….ipv6best.cn).
GOV_HOST = re.compile(r"(^|\.)gov\.cn$|gov[.-]cnx?[0-9a-f]*x*\.ipv6best\.cn$")
# Text that shows a copied page is a government one (simplified or traditional).
GOV_TEXT = re.compile(r"政府|人民|信息公[开開]")

# Pinyin glosses inserted by mirrors after each character: 數(shù), 政(zheng)府(fu).
PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[(（]([a-zāáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜü]{1,6})[)）]")
PINYIN_SYLLABLE = re.compile(
    r"^(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(iang|iong|uang|ang|eng|ing|ong|uai|ian|iao|uan|van|ai|ei|ao|ou|an|en|er|in|un|vn|ia|ie|iu|ua|uo|ui"
    r"|ue|ve|a|o|e|i|u|v)$"
)
# Below this many glosses on a page a "(a)" is an enumeration, not a mirror's gloss.
MIN_PINYIN_GLOSSES = 3

# A "地名| 地名| …" run: short tokens split by bars (table rows start with "| " and are not runs).
BAR_SPLIT = re.compile(r"\s*[|｜]\s*")
MIN_RUN_TOKENS = 6

# Residual page chrome in the text (seeds 000–004, DOMAIN.md §2), judged by a line's shape and place
# (crawler/extract/chrome.py), never by a word anywhere: a report says 全年网站浏览量：1286453人次.
# Tool furniture: a line made only of these is chrome wherever it stands.
CHROME_TOOL = re.compile(
    r"[【\[]?\s*字[体號号體]\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小\s*[】\]]*"
    r"|[【\[]\s*(?:打印(?:本页)?|关闭(?:窗口)?|收藏|返回顶部|我要纠错)\s*[】\]]|打印本页|关闭窗口|我要纠错"
    r"|分享到\s*[:：]?(?:\s*[-—]?\s*(?:微信|微博|QQ空间|QQ|朋友圈|人人网|豆瓣))*|^分享\s*[:：]"
    r"|扫一扫在手机(?:上)?打开(?:当前页)?|(?:pdf|word|wps)\s*下载|(?:\[\d+\]\s*)+"
    r"|^[（(]?\s*责任编辑\s*[:：][^）)]{0,20}[）)]?$|^相关链接$|^朗读$|^(?:上一篇|下一篇)\s*[:：].{0,60}$|^联系我们$"
    r"|建议使用.{0,20}分辨率.{0,30}",
    re.IGNORECASE,
)
# Info and footer labels: "label：value" runs of these make a whole info/footer line (发布时间：… 来源：…
# 点击数：…, 主办单位：… 版权所有：…). Not after a CJK character: 全年网站浏览量： is the report's own line.
CHROME_INFO_LABEL = re.compile(
    r"(?<![\u4e00-\u9fff])(?:[发發]布[时時][间間]|[发發]布日期|更新[时時][间間]|[时時][间間]|日期|信息来源|[来來]源|作者"
    r"|[浏瀏][览覽](?:量|次[数數]|人次)|点[击擊](?:数|量|率|次数)?|[访訪][问問]量|阅读(?:量|次数|数)|字号"
    r"|主[办辦]单位|承[办辦]单位|协办单位|技[术術]支持|版[权權]所有|[联聯]系[电電]话|[联聯]系地址|地址|邮编"
    r"|当前位置|[网網]站[标標][识識]码|[网網]站识别码)\s*[:：]"
)
# Footer tokens written without a colon: ICP and police filings, 版权所有 ….
CHROME_FOOTER_TOKEN = re.compile(
    r"[\u4e00-\u9fff]?ICP\s*备\s*[\d-]+号(?:-\d+)?|ICP备案|[\u4e00-\u9fff]?公[网網]安[备備]\s*\d+号?"
    r"|版[权權]所有(?!\s*[:：])|[网網]站[标標][识識]码\s*\w+|您好[,，]?\s*今天是.*$",
    re.IGNORECASE,
)
# The site's owner named before its footer tokens (``岩城市人民政府新闻办公室 版权所有 滇ICP备…号``).
FOOTER_OWNER = re.compile(r"[\u4e00-\u9fffA-Za-z（）() ]{2,30}")
# A value of an info run: short, not a sentence.
CHROME_INFO_VALUE = re.compile(r"^[^。；;！!？?]{0,50}$")
MAX_CHROME_LINE_CHARS = 160
# A sentence of some length ending in a full stop is prose, whatever chrome word it mentions.
PROSE_LINE = re.compile(r"^.{20,}[。；]$")
# A line of the report's body: a sentence or a numbered heading. Info lines are chrome only before the
# first such line or after the last one (the edges of the text).
BODY_LINE = re.compile(r"^.{12,}[。；！？]$|^\s*[一二三四五六七八九十]+\s*[、.．]\s*\S")
# Lines made only of portal navigation words: "移动门户 微信 微博 OA办公".
CHROME_WORDS = frozenset(
    {"移动门户", "微信", "微博", "OA办公", "手机版", "无障碍", "长者模式", "打印", "关闭", "收藏", "分享",
     "返回顶部", "网站地图", "联系我们", "关于我们", "English", "繁體", "繁体", "简体", "登录", "注册",
     "[", "]", "|", "【", "】", "-"}
)  # fmt: skip
WORD_SPLIT = re.compile(r"[\s|｜/、]+")
# Sentence ends, to cut a spam sentence out of an otherwise genuine line.
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
