"""Decide what a page or link is: a report, a column on the way to reports, or neither.

Pure functions over titles, anchor texts and URLs, shared by the spider (which link to follow)
and the extraction pipeline (whether a fetched page is really a report).
"""

from __future__ import annotations

from crawler import patterns
from crawler.textutil import normalise_space


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
    title = normalise_space(title).replace(" ", "")
    if patterns.NOT_REPORT_TITLE.search(title):
        return False
    return bool(
        patterns.REPORT_SUBJECT.search(title)
        and patterns.REPORT_GENRE.search(title)
        and report_year(title) is not None
    )


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
