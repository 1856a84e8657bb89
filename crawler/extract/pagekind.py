"""Decide what a page or link is: a report, a column on the way to reports, or neither.

Pure functions over titles, anchor texts and URLs, shared by the spider (which link to follow)
and the extraction pipeline (whether a fetched page is really a report).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.extract import patterns
from crawler.extract.normalise import to_simplified
from crawler.extract.textutil import normalise_space


def report_year(title: str) -> int | None:
    """The year a title reports on: ``2013年度`` → 2013, ``二〇一三年`` → 2013."""
    title = normalise_space(title)
    if match := patterns.YEAR_ARABIC.search(title):
        return int(match.group(1))
    if match := patterns.YEAR_CHINESE.search(title):
        digits = "".join(patterns.CHINESE_DIGITS.get(ch, "") for ch in match.group(1))
        if len(digits) == 4:
            return int(digits)
    return None


def is_report_title(title: str | None) -> bool:
    """True when a title names a government information disclosure annual report.

    It needs the subject (信息公开/政务公开), the genre (年度报告/年报) and a year, and must not be one of
    the look-alikes: 政府工作报告, budgets, guides, or news about the reports.
    """
    if not title:
        return False
    title = to_simplified(normalise_space(title).replace(" ", ""))  # mirrors and HK-style portals
    if patterns.NOT_REPORT_TITLE.search(_without_issuer(title)):
        return False
    return bool(
        patterns.REPORT_SUBJECT.search(title)
        and patterns.REPORT_GENRE.search(title)
        and report_year(title) is not None
    )


def _without_issuer(title: str) -> str:
    """The title without the body named before its year (审计局 is a body, not an audit report)."""
    years = [
        m.start() for pattern in (patterns.YEAR_ARABIC, patterns.YEAR_CHINESE) if (m := pattern.search(title))
    ]
    if years and patterns.ISSUER_BEFORE_YEAR.fullmatch(title[: min(years)]):
        return title[min(years) :]
    return title


def is_report_column(text: str, url: str = "") -> bool:
    """True for a link to an annual-report column (信息公开年报, 政府信息公开年度报告, …)."""
    text = normalise_space(text).replace(" ", "")
    if text and report_year(text) is None and patterns.REPORT_COLUMN_TEXT.search(text):
        return True
    return not text and bool(patterns.REPORT_COLUMN_URL.search(url))


def is_section_link(text: str, url: str = "") -> bool:
    """True for a link that may lead to a report column: 政务公开, 信息公开, department pages."""
    text = normalise_space(text).replace(" ", "")
    if patterns.SKIP_LINK_TEXT.search(text):
        return False
    if text and len(text) <= 16 and patterns.SECTION_TEXT.search(text):
        return True
    return bool(patterns.SECTION_URL.search(url)) and len(text) <= 16


def is_report_column_sibling(text: str) -> bool:
    """True for the link to a column the disclosure platform sets beside the 年报 column (政府信息公开制度,
    法定主动公开内容): not worth a request from a page that links the 年报 column itself."""
    return bool(patterns.REPORT_COLUMN_SIBLING_TEXT.search(normalise_space(text).replace(" ", "")))


def is_next_page_text(text: str) -> bool:
    return bool(patterns.NEXT_PAGE_TEXT.match(text))


def create_page_html_urls(script: str) -> list[str]:
    """Relative URLs of every page of a TRS ``createPageHTML(total, current, name, ext)`` pager."""
    urls: list[str] = []
    for match in patterns.CREATE_PAGE_HTML.finditer(script):
        total, name, ext = int(match.group(1)), match.group(3), match.group(4)
        urls.extend(f"{name}.{ext}" if page == 0 else f"{name}_{page}.{ext}" for page in range(total))
    return list(dict.fromkeys(urls))


def is_listing_page_url(url: str) -> bool:
    return bool(patterns.INDEX_N_URL.search(url.split("?", 1)[0]))


def is_attachment_url(url: str) -> bool:
    return bool(patterns.ATTACHMENT_URL.search(url))


def is_page_query(url: str) -> bool:
    """``list.jsp?page=3``: another page of a list, told apart by its query alone."""
    return bool(patterns.PAGE_QUERY.search(urlsplit(url).query))


def first_page_alias(page_url: str, link_url: str) -> str | None:
    """The other URL of the list page at ``page_url`` when it links page 2 of a ``?page=N`` pager and
    has no page number itself: it is page 1 (``list.jsp?page=1``), which the later pages' 上一页 and
    首页 links lead back to under that name. None otherwise."""
    link = urlsplit(link_url)
    match = patterns.PAGE_QUERY.search(link.query)
    if match is None or match.group(3) != "2" or is_page_query(page_url):
        return None
    if not is_sibling_listing(page_url, link_url):
        return None
    query = link.query[: match.start(3)] + "1" + link.query[match.end(3) :]
    return link._replace(query=query, fragment="").geturl()


def is_trap_url(url: str) -> bool:
    """Calendars, date filters, session ids and timestamps make endless URL spaces: never follow them."""
    return bool(patterns.TRAP_QUERY.search(urlsplit(url).query))


def without_session(url: str) -> str:
    """``list.jsp;jsessionid=AB12?page=2`` → ``list.jsp?page=2``: one URL per page, not per visit."""
    return patterns.SESSION_IN_PATH.sub("", url)


def is_challenge(status: int, body: bytes, *, rendered: bool = False) -> bool:
    """A WAF/anti-bot interstitial: a short page of script and no links, answered with 202/412/… or
    carrying a challenge marker. Never report content. After the browser ran it (``rendered``), the
    first answer's status no longer counts: only what the page now shows."""
    if len(body) > patterns.CHALLENGE_MAX_BYTES:
        return False
    text = body.decode("utf-8", "replace").lower()
    if "<script" not in text or "<a " in text:
        return False
    if not rendered and status in patterns.CHALLENGE_STATUSES:
        return True
    return bool(patterns.CHALLENGE_MARKERS.search(text))


def looks_script_filled(html_text: str) -> bool:
    """A list page whose items are loaded by script (XHR/JSON, avalon, Vue): its JSON, when the page names
    it (:mod:`crawler.extract.scriptlists`), or a browser."""
    return bool(patterns.SCRIPT_FILLED_LIST.search(html_text))


# Link scores: the spider's request priority. Reports first, then the lists that hold them, then the
# way there; stronger evidence (text over URL, 信息公开 over 部门) scores higher.
SCORE_REPORT = 100
SCORE_LISTING = 80
SCORE_COLUMN_TEXT = 70
SCORE_COLUMN_URL = 50
SCORE_SECTION_TEXT = 40
SCORE_SECTION_URL = 20


def link_score(text: str, title: str, url: str, *, in_column: bool, page_url: str) -> tuple[str, int] | None:
    """``(role, score)`` of a link worth following, or None. Roles: report, column, listing, section."""
    if is_trap_url(url):
        return None
    label = title or text
    if is_report_title(title) or is_report_title(text):
        return "report", SCORE_REPORT
    if is_attachment_url(url) and in_column and report_year(label) is not None:
        return "report", SCORE_REPORT
    if is_report_column(text, url):
        return "column", SCORE_COLUMN_TEXT if text else SCORE_COLUMN_URL
    if in_column and (is_next_page_text(text) or is_sibling_listing(page_url, url)):
        return "listing", SCORE_LISTING
    if is_section_link(text, url):
        strong = bool(patterns.SECTION_TEXT.search(normalise_space(text)))
        bonus = 10 if patterns.SECTION_URL.search(url) else 0
        return "section", (SCORE_SECTION_TEXT if strong else SCORE_SECTION_URL) + bonus
    return None


def is_sibling_listing(page_url: str, link_url: str) -> bool:
    """Another page of the same list: ``index_2.html`` next to ``index_1.html``, or ``?page=3``."""
    page, link = urlsplit(page_url), urlsplit(link_url)
    page_dir, link_dir = page.path.rsplit("/", 1)[0], link.path.rsplit("/", 1)[0]
    if link_dir != page_dir:
        return False
    return is_listing_page_url(link.path) or (
        is_page_query(link_url) and link.path.endswith(page.path.rsplit("/", 1)[1])
    )


def same_body_host(page_url: str, link_url: str) -> bool:
    """Attachment hosts of the same body: the page's own host, or a sibling under the same ``gov.cn``
    site (``www.qinglan.gov.cn`` → ``file.qinglan.gov.cn``). Never any other host."""
    page, link = urlsplit(page_url), urlsplit(link_url)
    if page.netloc == link.netloc:
        return True
    page_host, link_host = (page.hostname or "").lower(), (link.hostname or "").lower()
    if not (page_host.endswith(".gov.cn") and link_host.endswith(".gov.cn")):
        return False
    return page_host.split(".")[-3:] == link_host.split(".")[-3:] and link.scheme in ("http", "https")
