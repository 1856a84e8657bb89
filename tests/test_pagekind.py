"""What counts as a report title, a report column and a pager."""

import pytest

from crawler.extract import pagekind


@pytest.mark.parametrize(
    "title",
    [
        "青岚县2013年政府信息公开工作年度报告",
        "青岚县人民政府2019年度政府信息公开工作年度报告",
        "2022年青岚县教育局政府信息公开工作年度报告",
        "青岚县2010年度政府信息公开年报",
        "连云港市灌云县政府信息公开2013年度报告",
        "金华市婺城区琅琊镇二〇一〇年政府信息公开工作年度报告",
        "某某区政务公开2020年工作年度报告",
        "白沙区审计局2023年度政府信息公开工作年度报告",  # 审计 in the body's name, not an audit report
    ],
)
def test_report_titles_are_recognised(title):
    assert pagekind.is_report_title(title)


@pytest.mark.parametrize(
    "title",
    [
        "青岚县2024年政府工作报告",
        "青岚县人民政府信息公开指南",
        "关于举办2023年度政府信息公开工作年度报告编制培训的通知",
        "关于举办2023年度政府信息公开工作年度报告编制",  # a listing cuts the title: 举办 is no body
        "召开2023年度政府信息公开工作年度报告编制会",
        "青岚县教育局2023年度部门预算",
        "图解：青岚县2022年政府信息公开工作年度报告",
        "政府信息公开年报",  # the column, not a report: no year
        "",
        None,
    ],
)
def test_look_alikes_are_not_reports(title):
    assert not pagekind.is_report_title(title)


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("灌云县政府信息公开2013年度报告", 2013),
        ("二〇一三年政府信息公开年报", 2013),
        ("二零二一年年报", 2021),
        ("年报", None),
    ],
)
def test_report_year(title, year):
    assert pagekind.report_year(title) == year


def test_report_column_links():
    assert pagekind.is_report_column("信息公开年报")
    assert pagekind.is_report_column("政府信息公开年度报告")
    assert pagekind.is_report_column("", "http://x.gov.cn/zwgk/xxgknb/")
    assert not pagekind.is_report_column("青岚县2019年政府信息公开工作年度报告")
    assert not pagekind.is_report_column("政府工作报告")


def test_section_links_skip_dead_ends():
    assert pagekind.is_section_link("政务公开")
    assert pagekind.is_section_link("部门信息公开")
    assert not pagekind.is_section_link("政府信息公开指南")
    assert not pagekind.is_section_link("政府工作报告")


def test_create_page_html_lists_every_page():
    script = 'createPageHTML(3, 1, "index", "html");'
    assert pagekind.create_page_html_urls(script) == ["index.html", "index_1.html", "index_2.html"]


def test_create_page_html_without_pages():
    assert pagekind.create_page_html_urls("var countPage = 3;") == []


def test_attachment_hosts_of_the_same_body_only():
    page = "http://www.qinglan.gov.cn/zwgk/xxgknb/202403/t1.html"
    assert pagekind.same_body_host(page, "http://www.qinglan.gov.cn/a.pdf")
    assert pagekind.same_body_host(page, "https://file.qinglan.gov.cn/P0201.pdf")
    assert not pagekind.same_body_host(page, "http://www.other.gov.cn/a.pdf")
    assert not pagekind.same_body_host(page, "http://127.0.0.2:8766/a.pdf")
    assert not pagekind.same_body_host("http://127.0.0.1:80/x", "http://127.0.0.2:80/a.pdf")


@pytest.mark.parametrize(
    ("url", "trap"),
    [
        ("http://x.gov.cn/zwgk/rl/?month=2024-03", True),
        ("http://x.gov.cn/list.jsp?date=2024-01-01", True),
        ("http://x.gov.cn/list.jsp?jsessionid=AB12", True),
        ("http://x.gov.cn/list.jsp?page=3", False),
        ("http://x.gov.cn/zwgk/xxgknb/index_2.html", False),
    ],
)
def test_trap_urls(url, trap):
    assert pagekind.is_trap_url(url) is trap


def test_session_ids_leave_the_path():
    assert (
        pagekind.without_session("http://x.gov.cn/a.jsp;jsessionid=AB12?page=2")
        == "http://x.gov.cn/a.jsp?page=2"
    )


def test_challenge_pages():
    challenge = b"<html><script>document.cookie='__jsl_clearance=1';location.reload()</script></html>"
    assert pagekind.is_challenge(412, challenge)
    assert pagekind.is_challenge(200, challenge)  # marker, script, no links
    assert not pagekind.is_challenge(200, b"<html><script></script><a href='/'>home</a></html>")
    # after the browser ran it, a 412 status alone no longer counts: only what the page shows
    assert not pagekind.is_challenge(412, b"<html><script>var a=1</script><p>text</p></html>", rendered=True)
    assert pagekind.is_challenge(412, challenge, rendered=True)
    assert not pagekind.is_challenge(404, b"<html><body>not found</body></html>")


def test_link_scores_rank_reports_over_lists_over_sections():
    page = "http://x.gov.cn/zwgk/xxgknb/index.html"
    report = pagekind.link_score(
        "青岚县2023年政府信息公开工作年度报告", "", "http://x.gov.cn/a.html", in_column=True, page_url=page
    )
    listing = pagekind.link_score(
        "下一页", "", "http://x.gov.cn/zwgk/xxgknb/index_1.html", in_column=True, page_url=page
    )
    section = pagekind.link_score("政务公开", "", "http://x.gov.cn/zwgk/", in_column=False, page_url=page)
    assert report and listing and section
    assert report[1] > listing[1] > section[1]
    assert (
        pagekind.link_score(
            "下一月", "", "http://x.gov.cn/zwgk/rl/?month=2024-04", in_column=True, page_url=page
        )
        is None
    )


def test_the_columns_beside_the_report_column():
    assert pagekind.is_report_column_sibling("政府信息公开制度")
    assert pagekind.is_report_column_sibling("法定主动公开内容")
    assert pagekind.is_report_column_sibling("法定 主动公开 内容")
    for text in ("政务公开", "部门信息公开", "乡镇信息公开", "政府信息公开年报", "县教育局"):
        assert not pagekind.is_report_column_sibling(text)


def test_the_first_page_of_a_query_pager_is_the_column_page():
    column = "http://x.gov.cn/bm/zrzyj/xxgknb/"
    assert pagekind.first_page_alias(column, column + "list.jsp?page=2") == column + "list.jsp?page=1"
    assert (
        pagekind.first_page_alias(column + "index.html", column + "list.jsp?cid=7&pageNo=2")
        == column + "list.jsp?cid=7&pageNo=1"
    )
    assert pagekind.first_page_alias(column, column + "list.jsp?page=3") is None  # not its next page
    assert pagekind.first_page_alias(column + "list.jsp?page=2", column + "list.jsp?page=3") is None
    assert pagekind.first_page_alias(column, "http://x.gov.cn/bm/other/list.jsp?page=2") is None
