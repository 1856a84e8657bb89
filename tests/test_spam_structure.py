"""Spam found by structure alone: every test here runs with the lexicon EMPTIED, so no word list can
do the work. Hidden, written, trailing and clustered off-site links must leave the text and be recorded;
the demo portal's spam (invented vocabulary) must share no term with the lexicon and still be found."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.demo import build_site
from crawler.demo import spam as demo_spam
from crawler.demo.texts import SPAM_SENTENCE
from crawler.extract import lexicon
from crawler.extract.page import extract_page

GOV_URL = "http://www.yunshan.gov.cn/zwgk/xxgknb/202403/t20240320_1.html"
REPORT = (
    "<p>一、总体情况</p><p>2023年，本局全年主动公开政府信息4127条，办理政府信息公开申请27件，均在法定期限内答复。</p>"
    "<p>二、存在的主要问题及改进情况</p><p>部分栏目更新不够及时，下一步将逐一督促整改，确保信息及时准确发布。</p>"
)
# Links in made-up words to hosts of every structural kind: throwaway TLDs, brand-like labels, a farm.
THROWAWAY = "".join(
    f'<a href="http://{h}/">{t}</a>'
    for h, t in [
        ("qiyue77.top", "琦月"),
        ("lanxi.vip", "澜溪"),
        ("haoyun.xyz", "浩云"),
        ("mingsha.cc", "鸣沙"),
    ]
)
FARM_NAMES = ["卓资", "楚雄", "贡嘎", "呼兰", "新宁", "桃江", "岚皋"]


@pytest.fixture(autouse=True)
def no_words() -> Iterator[None]:
    with lexicon.using(lexicon.EMPTY):
        assert len(lexicon.current()) == 0
        yield


def page(body: str, head: str = "", after: str = "") -> bytes:
    html = (
        f"<html><head><title>云山县2023年政府信息公开工作年度报告</title>{head}</head>"
        f'<body><div class="nav"><a href="/">首页</a></div>'
        f'<div id="zoom">{REPORT}{body}</div></body></html>{after}'
    )
    return html.encode("utf-8")


def run(body: str, head: str = "", after: str = "") -> tuple[str, set[str]]:
    extraction = extract_page(page(body, head, after), GOV_URL)
    return extraction.text, {finding.kind for finding in extraction.spam}


HIDING = {
    "inline display none": '<div style="DISPLAY : NONE">{}</div>',
    "visibility hidden": '<div style="visibility:hidden">{}</div>',
    "opacity 0": '<span style="opacity:0">{}</span>',
    "off-screen left": '<div style="position:absolute;left:-9999px;top:0">{}</div>',
    "off-screen far right": '<div style="position:absolute;left:12000px">{}</div>',
    "text-indent": '<p style="text-indent:-99999px">{}</p>',
    "text-indent em": '<p style="text-indent:-100em;">{}</p>',
    "zero font": '<span style="font-size:0px">{}</span>',
    "zero height overflow": '<div style="height:0;overflow:hidden">{}</div>',
    "one pixel box": '<div style="width:1px;height:1px;overflow:hidden">{}</div>',
    "same colour as background": '<div style="background:#FFF;color:#ffffff">{}</div>',
    "white on the white page": '<font color="white">{}</font>',
    "hidden attribute": "<div hidden>{}</div>",
    "marquee": '<marquee scrollamount="2">{}</marquee>',
    "noscript": "<noscript>{}</noscript>",
    "important": '<div style="display: none !important">{}</div>',
}


@pytest.mark.parametrize("name", list(HIDING))
def test_every_hiding_technique_leaves_the_text_and_is_recorded(name):
    payload = f"琦月新服开启 {THROWAWAY}"
    text, kinds = run(HIDING[name].format(payload))
    assert "琦月" not in text and "澜溪" not in text
    assert "4127条" in text and "确保信息及时准确发布。" in text
    assert "hidden_element" in kinds and "offsite_link_farm" in kinds


@pytest.mark.parametrize(
    "rule",
    [".zq9{display:none}", "div.zq9 { position:absolute; top:-3000px }", ".zq9{font-size:0;}",
     "@media screen{.zq9{visibility:hidden}}", "#qk,.zq9{height:0px;overflow:hidden}"],
)  # fmt: skip
def test_a_class_hidden_by_the_pages_own_style_is_hidden(rule):
    text, kinds = run(f'<div class="zq9">鸣沙入口 {THROWAWAY}</div>', head=f"<style>{rule}</style>")
    assert "鸣沙入口" not in text and {"hidden_element", "offsite_link_farm"} <= kinds


def test_hidden_prose_without_links_or_words_is_not_text_and_not_spam():
    text, kinds = run('<div style="display:none">Click here for the best night of your life.</div>')
    assert "Click here" not in text and kinds == set()


def test_document_write_with_the_style_attribute_form_is_a_script_injection():
    links = THROWAWAY.replace('"', '\\"')
    script = f"<script>document.write('<div style=\"display:none\">{links}</div>');</script>"
    text, kinds = run(script)
    assert "琦月" not in text and {"script_injection", "offsite_link_farm"} <= kinds


def test_document_write_of_two_hidden_links_to_plain_hosts_is_recorded():
    links = '<a href=\\"http://www.qiyue.example/\\">琦月</a><a href=\\"http://www.lanxi.example/\\">澜溪</a>'
    script = f"<script>document.writeln(\"<p style='display : none'>{links}</p>\");</script>"
    _, kinds = run(script)
    assert "script_injection" in kinds


def test_after_html_farm_of_bare_names_is_recorded():
    farm = "|".join(f'<a href="http://s{i}.lanxi.example/">{n}</a>' for i, n in enumerate(FARM_NAMES))
    text, kinds = run("", after=f"<div>{farm}</div>")
    assert "卓资" not in text and {"after_html", "offsite_link_farm"} <= kinds


def test_visible_farm_of_bare_county_names_without_their_unit_is_removed():
    farm = " | ".join(f'<a href="http://{i}.zq.example/">{n}</a>' for i, n in enumerate(FARM_NAMES))
    text, kinds = run(f'<div class="bottom">{farm}</div>')
    assert "卓资" not in text and "岚皋" not in text and kinds == {"offsite_link_farm"}


def test_visible_marquee_of_links_to_throwaway_hosts_is_removed():
    text, kinds = run(f"<marquee>{THROWAWAY}</marquee>")
    assert "鸣沙" not in text and {"hidden_element", "offsite_link_farm"} <= kinds


def test_paragraph_in_the_article_whose_links_all_leave_for_brand_hosts_goes_whole():
    spam = '<p>琦月坊今晚开新区，回归即领星辰礼盒。<a href="http://www.qiyue8868.example/">琦月坊</a></p>'
    text, kinds = run(spam)
    assert "星辰礼盒" not in text and kinds == {"offsite_link_farm"}


def test_links_to_official_hosts_and_own_site_are_never_spam():
    links = "".join(
        f'<a href="{h}">{t}</a>'
        for h, t in [("http://www.gov.mo/", "澳门特区政府"), ("http://www.people.com.cn/", "人民网"),
                     ("http://www.xinhuanet.com/", "新华网"), ("http://tv.cctv.com/live/", "央视直播"),
                     ("http://www.gov.hk/", "香港政府一站通"), ("http://www.usa.gov/", "USA")]
    )  # fmt: skip
    text, kinds = run(f"<p>相关链接：{links}</p>")
    assert kinds == set() and "央视直播" in text


def test_demo_spam_shares_no_term_with_the_shipped_lexicon():
    words = lexicon.load()
    texts = [SPAM_SENTENCE]
    for href, label in demo_spam.SPAM_LINKS + demo_spam.LOOPBACK_SPAM_LINKS:
        texts += [href, label]
    for make in (
        demo_spam.hidden_div,
        demo_spam.hidden_class,
        demo_spam.script_write,
        demo_spam.after_html_farm,
    ):
        injection = make()
        texts += [injection.head, injection.content_end, injection.before_footer, injection.after_html]
    assert [(t, words.words(t)) for t in texts if words.words(t)] == []
    assert [(t, words.never_in_report(t)) for t in texts if words.never_in_report(t)] == []
    hosts = [href.split("/")[2] for href, _ in demo_spam.SPAM_LINKS]
    assert [(h, words.host_tokens(h)) for h in hosts if words.host_tokens(h)] == []


SITE = build_site()


@pytest.mark.parametrize("report", [r for r in SITE.reports if r.spam_kinds], ids=lambda r: r.path)
def test_demo_spam_is_found_without_the_lexicon(report):
    page_ = SITE.pages[report.path]
    extraction = extract_page(page_.body, f"http://127.0.0.1{report.path}", page_.content_type)
    assert set(report.spam_kinds) <= {finding.kind for finding in extraction.spam}
    assert [phrase for phrase in report.must_not if phrase in extraction.text] == []
