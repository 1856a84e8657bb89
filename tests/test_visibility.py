"""The visibility rules (crawler/extract/visibility.py): what a browser shows, one rule a test."""

from __future__ import annotations

import pytest
from lxml import html

from crawler.extract import visibility
from crawler.extract.page import extract_page

GOV_URL = "http://www.yunshan.gov.cn/zwgk/xxgknb/202403/t20240320_1.html"
REPORT = (
    "本报告根据《中华人民共和国政府信息公开条例》编写。一、总体情况。2023年，本局主动公开政府信息312条，"
    "收到政府信息公开申请14件，全部按期答复。二、行政复议、行政诉讼情况。全年未发生因政府信息公开引起的行政复议和"
    "行政诉讼。三、存在的主要问题及改进情况。信息发布的及时性仍需提高，下一步将完善信息公开工作制度。"
)


def hidden_of(markup: str, head: str = "") -> list[visibility.Hidden]:
    root = html.document_fromstring(f"<html><head>{head}</head><body>{markup}</body></html>")
    return visibility.hidden_elements(root)


@pytest.mark.parametrize(
    "style",
    ["display:none", "DISPLAY : NONE", "visibility:hidden", "opacity:0", "opacity:0.0", "font-size:0",
     "font-size:0pt", "font:0/0 a", "text-indent:-9999px", "margin-left:-3000px", "top:-800px",
     "position:absolute;left:10000px", "height:0;overflow:hidden", "max-height:0px;overflow-y:hidden",
     "line-height:0;overflow:hidden", "clip:rect(0 0 0 0);position:absolute", "transform:scale(0)",
     "color:#fff;background-color:#FFFFFF", "color:rgb(0,0,0);background:#000"],
)  # fmt: skip
def test_hiding_styles(style):
    assert [h.how for h in hidden_of(f'<div style="{style}">x</div>')] == [visibility.STYLE]


@pytest.mark.parametrize(
    "style", ["color:#333", "text-indent:2em", "position:absolute;left:20px", "height:0", "font-size:14px",
              "margin-left:-10px", "opacity:0.8", "display:block"]
)  # fmt: skip
def test_visible_styles(style):
    assert hidden_of(f'<div style="{style}">x</div>') == []


@pytest.mark.parametrize(
    ("head", "markup", "hidden"),
    [
        # the cascade: a compound rule shows the active tab again, a descendant rule hides
        ("<style>.pane{display:none} .pane.on{display:block}</style>",
         '<div class="pane on">a</div><div class="pane">b</div>', ["b"]),
        ("<style>.gg p{display:none}</style>", '<div class="gg"><p>a</p><span>b</span></div>', ["a"]),
        ("<style>.pane{display:none}</style>", '<div class="pane" style="display:block">a</div>', []),
        ("<style>#k{display:none} div{display:block}</style>", '<div id="k">a</div>', ["a"]),
        # conventional hiding classes, unless the page's own rule shows them
        ("", '<div class="hidden">a</div><p class="sr-only">b</p><p class="hiddenx">c</p>', ["a", "b"]),
        ("<style>.hide{display:inline}</style>", '<span class="hide">a</span>', []),
        # colours: nearly the backdrop, transparent, a rule's colour on a rule's backdrop
        ("", '<span style="color:#fefefe">a</span><span style="color:#e0e0e0">b</span>', ["a"]),
        ("", '<span style="color:transparent">a</span><span style="font-size:1px">b</span>', ["a", "b"]),
        ("<style>.w{background:#f5f5f5} #t{color:#f3f3f3}</style>",
         '<div class="w"><p id="t">a</p></div>', ["a"]),
        ('<link rel="stylesheet" href="/red.css"><style>.box p{color:#fff}</style>',
         '<div class="box"><p>a</p></div>', []),
        ("<style>body{background:#fff} .box p{color:#fff}</style>",
         '<div class="box"><p>a</p></div>', ["a"]),
        ("", '<iframe src="http://x.example/" width="0" height="0"></iframe>'
             '<iframe src="/v" width="640"></iframe>', [""]),
    ],
)  # fmt: skip
def test_stylesheet_cascade_colours_and_conventions(head, markup, hidden):
    assert [h.element.text_content() for h in hidden_of(markup, head)] == hidden


def test_only_the_outermost_hidden_element_is_listed():
    found = hidden_of('<div style="display:none"><p hidden>a</p><marquee>b</marquee></div>')
    assert len(found) == 1 and found[0].element.tag == "div"


def test_class_rules_for_small_screens_or_print_do_not_hide():
    head = "<style>@media (max-width:768px){.side{display:none}} @media print{.toolbar{display:none}}</style>"
    assert hidden_of('<div class="side">a</div><div class="toolbar">b</div>', head) == []


def test_white_text_on_a_dark_inline_background_is_shown_and_on_white_it_is_not():
    assert hidden_of('<td bgcolor="#003366"><font color="#ffffff">标题</font></td>') == []
    assert len(hidden_of('<p><span style="color:#FFF">暗链</span></p>')) == 1
    assert hidden_of('<p style="color:#fff">a</p>', "<style>body{background:#0a3d7a}</style>") == []


def test_written_fragment_hidden_by_the_attribute_form():
    fragment = html.fragment_fromstring(
        '<div style="display:none"><a href="x">a</a></div>', create_parent="div"
    )
    hidden = visibility.hidden_inside(fragment)
    assert hidden is not None and hidden.element.tag == "div"


def test_hidden_read_aloud_copy_and_tabs_are_not_text():
    page = (
        f'<html><body><div style="display:none" id="readText">{REPORT}</div>'
        f'<div class="tab" style="display:none"><a href="/a/">办事指南</a></div>'
        f'<div id="zoom"><p>{REPORT}</p></div>'
        "</body></html>"
    )
    extraction = extract_page(page.encode(), GOV_URL)
    assert extraction.text.count("主动公开政府信息312条") == 1 and "办事指南" not in extraction.text
    assert extraction.spam == () and any("办事指南" in line for line in extraction.hidden)


def test_a_report_body_shown_by_script_on_an_empty_article_is_kept():
    page = (
        "<html><head><title>云山县民政局2023年政府信息公开工作年度报告</title></head>"
        '<body><div id="zoom"></div>'
        f'<div id="nbBody" style="display:none"><p>{REPORT}</p></div>'
        "<script>document.getElementById('nbBody').style.display='block';</script></body></html>"
    )
    extraction = extract_page(page.encode(), GOV_URL)
    assert "主动公开政府信息312条" in extraction.text and extraction.spam == ()


def test_a_hidden_body_with_spam_links_is_not_revealed():
    links = "".join(f'<a href="http://{h}/">{h[:2]}</a>' for h in ("qy.top", "lx.vip", "hy.xyz"))
    page = (
        '<html><body><div id="zoom"></div>'
        f'<div style="display:none"><p>{REPORT}</p>{links}</div></body></html>'
    )
    extraction = extract_page(page.encode(), GOV_URL)
    assert "主动公开政府信息312条" not in extraction.text and extraction.spam
