"""Extraction on saved pages: the demo portal's reports (golden, from its manifest) and real portal pages."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.demo import build_site
from crawler.extract.page import ExtractionError, container_text, drop_link_menus, extract_page
from crawler.extract.record import RECORD_KEYS, contract

SITE = build_site()
FIELDS = ("title", "report_year", "published_date", "index_no", "issuer", "doc_no", "written_date")


def extract_demo(path: str):
    page = SITE.pages[path]
    return extract_page(page.body, f"http://127.0.0.1{path}", page.content_type)


@pytest.mark.parametrize("report", SITE.reports, ids=lambda r: r.path)
def test_demo_report_fields(report):
    extraction = extract_demo(report.path)
    assert extraction.is_report
    assert {name: getattr(extraction, name) for name in FIELDS} == {
        name: getattr(report, name) for name in FIELDS
    }


@pytest.mark.parametrize("report", SITE.reports, ids=lambda r: r.path)
def test_demo_report_text_has_every_paragraph(report):
    text = extract_demo(report.path).text
    for phrase in report.must_have:
        assert phrase in text
    missing = [line for line in report.text.splitlines() if line not in text]
    assert missing == []


@pytest.mark.parametrize("report", SITE.reports, ids=lambda r: r.path)
def test_demo_report_text_has_no_chrome_or_metadata(report):
    text = extract_demo(report.path).text
    assert [phrase for phrase in report.must_not if phrase in text] == []


@pytest.mark.parametrize("report", [r for r in SITE.reports if r.spam_kinds], ids=lambda r: r.path)
def test_demo_spam_kinds_are_detected(report):
    extraction = extract_demo(report.path)
    assert set(report.spam_kinds) <= {finding.kind for finding in extraction.spam}
    assert extraction.compromised


@pytest.mark.parametrize("report", [r for r in SITE.reports if not r.spam_kinds], ids=lambda r: r.path)
def test_demo_clean_reports_have_no_spam_findings(report):
    assert extract_demo(report.path).spam == ()


def test_normalised_text_is_stored_beside_the_text():
    extraction = extract_demo(SITE.reports[0].path)
    assert extraction.text_normalised and extraction.text
    assert list(contract(extraction))[: len(RECORD_KEYS)] == list(RECORD_KEYS)


def test_metadata_block_stays_out_of_the_text():
    report = next(r for r in SITE.reports if r.index_no)
    text = extract_demo(report.path).text
    assert report.index_no not in text and "索引号" not in text.replace(" ", "")


@pytest.mark.parametrize(
    "decoy",
    [d for d in SITE.decoys if d.kind not in ("robots_disallowed", "broken_file")],
    ids=lambda d: d.path,
)
def test_demo_decoys_are_not_reports(decoy):
    assert not extract_demo(decoy.path).is_report


def test_statistics_tables_are_kept_raw_beside_the_parsed_ones():
    report = next(r for r in SITE.reports if r.template_version == "2021")
    extraction = extract_demo(report.path)
    assert set(extraction.tables) == {"table2", "table3", "table4"}
    assert len(extraction.raw_tables) >= 3
    assert any("自然人" in cell for table in extraction.raw_tables for row in table["rows"] for cell in row)


def test_empty_and_binary_bodies_are_refused():
    with pytest.raises(ExtractionError, match="empty"):
        extract_page(b"  ", "http://127.0.0.1/")
    with pytest.raises(ExtractionError, match="binary"):
        extract_page(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 10, "http://127.0.0.1/")


def test_broken_html_still_gives_text():
    body = "<div id=zoom><p>青岚县2019年政府信息公开工作年度报告正文第一段，内容足够长以便识别为正文。"
    body += "<p>第二段<table><tr><td>1"
    assert "第二段" in extract_page(body.encode("utf-8"), "http://127.0.0.1/").text


# --- real portal pages from ../shared/realpages (skipped when ../shared is absent) -------------------


def real(shared_dir, name: str):
    return extract_page((shared_dir / "realpages" / name).read_bytes(), f"http://real.example/{name}")


def test_real_annual_report_page(shared_dir):
    extraction = real(shared_dir, "23_pingtan-2024-annual-report-detail.html")
    assert extraction.is_report
    assert extraction.title == "平潭综合实验区2024年度政府信息公开工作年度报告"
    assert extraction.report_year == 2024
    assert extraction.published_date == "2025-03-10"
    assert "一、总体情况" in extraction.text and "六、其他需要报告的事项" in extraction.text
    assert len(extraction.raw_tables) >= 3
    assert extraction.template_version == "2021" and len(extraction.checks) == 42


def test_real_gb2312_page_decodes(shared_dir):
    extraction = real(shared_dir, "16_chinaneast-gb2312-article.html")
    assert extraction.encoding == "gb18030"
    assert "李金泽" in extraction.text and "\ufffd" not in extraction.text


def test_real_metadata_table_inside_the_container(shared_dir):
    extraction = real(shared_dir, "13_jl-xxgk-tonggao-detail.html")
    assert extraction.index_no == "11220000013544357T/2022-00426"
    assert extraction.issuer == "吉林省人民政府"
    assert extraction.doc_no == "吉政明电〔2022〕1号"
    assert extraction.written_date == "2022-01-27"
    assert "11220000013544357T" not in extraction.text


def test_real_gov_cn_metadata_table(shared_dir):
    extraction = real(shared_dir, "11_gov-cn-zhengce-xmt-fragment.html")
    assert extraction.index_no == "000014349/2018-00221"
    assert extraction.doc_no == "国办发〔2018〕123号"
    assert (extraction.written_date, extraction.published_date) == ("2018-12-07", "2018-12-27")


def test_real_strong_label_metadata(shared_dir):
    extraction = real(shared_dir, "06_hd-xxgk-detail-jsp.html")
    assert extraction.index_no == "000014348/2020-35147"
    assert extraction.issuer == "邯郸市教育局"


@pytest.mark.parametrize(
    "name",
    ["17_pingtan-zfxxgknb-listing.html", "19_hd-xxgk-gkzn-guide-jsp.html", "09_zj-fgw-deqing-article.html"],
)
def test_real_non_reports_are_not_reports(shared_dir, name):
    assert not real(shared_dir, name).is_report


@pytest.mark.parametrize(
    "name",
    [
        "09_zj-fgw-deqing-article.html",
        "10_shanxi-gov-article.html",
        "13_jl-xxgk-tonggao-detail.html",
        "23_pingtan-2024-annual-report-detail.html",
    ],
)
def test_real_legit_hidden_content_is_not_spam(shared_dir, name):
    extraction = real(shared_dir, name)
    assert extraction.spam == () and not extraction.compromised


def test_real_report_text_keeps_its_tables(shared_dir):
    text = real(shared_dir, "23_pingtan-2024-annual-report-detail.html").text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) >= 20 and any("自然人" in row for row in rows)


def test_a_report_title_over_an_empty_shell_is_not_a_report():
    title = "<title>青岚县2023年政府信息公开工作年度报告</title>"
    body = f"<html><head>{title}</head><body><p>页面维护中</p></body></html>"
    extraction = extract_page(body.encode("utf-8"), "http://127.0.0.1/t.html")
    assert extraction.title == "青岚县2023年政府信息公开工作年度报告"
    assert not extraction.is_report


def test_table_rows_stay_aligned_under_row_and_column_spans():
    """A statistics table's text keeps each number under its column: spanned positions are empty cells,
    and a line break of the HTML source inside a cell is not a break in the text."""
    container = lxml.html.fragment_fromstring(
        """<div><table>
        <tr><td rowspan="3">三、本年度办
        理结果</td><td colspan="2">（一）予以公开</td><td>71</td></tr>
        <tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td><td>4</td></tr>
        <tr><td>2.其他法律行政法规禁止公开</td><td>0</td></tr>
        <tr><td></td><td> </td></tr>
        <tr><td>四、结转下年度继续办理</td><td colspan="2"></td><td>3</td></tr>
        </table></div>"""
    )
    assert container_text(container).splitlines() == [
        "| 三、本年度办理结果 | （一）予以公开 | | 71 |",
        "| | （三）不予公开 | 1.属于国家秘密 | 4 |",
        "| | | 2.其他法律行政法规禁止公开 | 0 |",
        "| 四、结转下年度继续办理 | | | 3 |",
    ]


def test_server_template_code_and_drop_downs_are_no_text():
    body = (
        '<%@ page contentType="text/html;charset=UTF-8" %><%-- saved --%><html><body>'
        "<select><option>国家部委网站链接</option><option>外交部</option></select>"
        "<div id=zoom><p>青岚县2019年政府信息公开工作年度报告正文第一段，内容足够长以便识别为正文。</p></div>"
        "</body></html>"
    )
    text = extract_page(body.encode("utf-8"), "http://127.0.0.1/").text
    assert "正文第一段" in text and "<%" not in text and "外交部" not in text


def test_a_confirm_box_around_buttons_is_no_text():
    body = (
        "<html><body><div id=zoom>"
        "<p>青岚县2019年政府信息公开工作年度报告正文第一段，内容足够长以便识别为正文。</p>"
        "<div class=tan><div>您还未登录，请登录后进行收藏！</div><p>是否跳转到登录页？</p>"
        "<button>确认</button><button>取消</button></div></div></body></html>"
    )
    text = extract_page(body.encode("utf-8"), "http://127.0.0.1/").text
    assert "正文第一段" in text and "您还未登录" not in text and "确认" not in text


def test_link_menus_leave_the_whole_page_fallback_but_document_lists_stay():
    root = lxml.html.fromstring(
        "<div><ul><li><a href=/a>网站首页</a></li><li>· <a href=/b>走进邯郸</a></li>"
        "<li><a href=/c>历史栏目</a></li></ul>"
        "<ul><li><a href=/1.html>青岚县2023年度报告</a> 2024-03-20</li>"
        "<li><a href=/2.html>青岚县2022年度报告</a> 2023-03-10</li>"
        "<li><a href=/3.html>青岚县2021年度报告</a> 2022-03-01</li></ul></div>"
    )
    drop_link_menus(root)
    assert "走进邯郸" not in root.text_content() and "青岚县2022年度报告" in root.text_content()
