"""What counts as a report title, a report column and a pager."""

import pytest

from crawler import pagekind


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
