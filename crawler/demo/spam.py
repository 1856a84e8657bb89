"""Injected spam (暗链) and legitimate hidden content for the demo report pages.

Tampered government pages carry gambling/porn links hidden in several ways (DOMAIN.md §3); real
pages also hide perfectly legitimate things (read-aloud templates, tab panels). Both are generated
here so a spam detector can be tested on telling them apart. Every off-site host uses the reserved
``.example`` TLD.

The spam's vocabulary is invented (brand names no word list holds) and shares no term with the
extractor's lexicon (``tests/test_spam_structure.py`` checks it): the extractor must find it by its
structure — hidden, written by script, after ``</html>``, clusters of off-site links — not its words.
"""

from __future__ import annotations

from dataclasses import dataclass

SPAM_LINKS = (
    ("http://www.xinglanhui.example/", "星澜汇"),
    ("http://www.jinzunge.example/", "金樽阁入口"),
    ("http://qx.liuguangfang.example/", "鎏光坊"),
    ("http://www.cuiweihui.example/", "翠微荟新服"),
    ("http://www.jiguangdao.example/", "极光岛"),
    ("http://www.lanjingwan.example/", "蓝鲸湾俱乐部"),
    ("http://www.chixiaotang.example/", "赤霄堂"),
    ("http://www.yeying-lou.example/", "夜莺楼"),
)

# Replaced by the second loopback host's address when the site is built (:func:`site.build_site`), so a
# test can serve 127.0.0.2 and prove that the crawler never requests a spam link.
SPAM_HOST_TOKEN = "__SPAM_HOST__"
LOOPBACK_SPAM_LINKS = (
    (f"http://{SPAM_HOST_TOKEN}/qiyue/", "琦月坊"),
    (f"http://{SPAM_HOST_TOKEN}/haoyun/index.html", "浩云阁"),
)

_PLACES = (
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "成都",
    "重庆",
    "武汉",
    "西安",
    "长沙",
    "郑州",
    "昆明",
    "南宁",
)
_PINYIN = ("bj", "sh", "gz", "sz", "hz", "nj", "cd", "cq", "wh", "xa", "cs", "zz", "km", "nn")


@dataclass(frozen=True)
class Injection:
    """Where spam goes on a page, and which manifest kinds it represents."""

    head: str = ""  # inside <head> (style blocks)
    content_end: str = ""  # appended inside the content container
    before_footer: str = ""  # in the body, before the footer
    after_html: str = ""  # after </html>
    kinds: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()  # spam text that must not reach the clean text


def _anchors(links: tuple[tuple[str, str], ...], sep: str = " ") -> str:
    return sep.join(f'<a href="{href}" target="_blank">{text}</a>' for href, text in links)


def hidden_div() -> Injection:
    """(a) ``DISPLAY: NONE`` div (upper case, odd spacing) full of off-site brand anchors."""
    html = f'<div style = "DISPLAY:  NONE ">{_anchors(SPAM_LINKS[:5] + LOOPBACK_SPAM_LINKS)}</div>'
    return Injection(
        content_end=html,
        kinds=("hidden_element", "offsite_link_farm"),
        phrases=("金樽阁入口", "鎏光坊"),
    )


def hidden_class() -> Injection:
    """(b) A class hidden by the page's own ``<style>`` block, holding a slogan and links."""
    style = '<style type="text/css">.hdbox{display:none}.hdbox a{color:#fff}</style>'
    html = f'<div class="hdbox">翠微荟 新服开启 {_anchors(SPAM_LINKS[3:7])}</div>'
    return Injection(
        head=style,
        before_footer=html,
        kinds=("hidden_element", "offsite_link_farm"),
        phrases=("翠微荟新服", "蓝鲸湾俱乐部"),
    )


def script_write() -> Injection:
    """(c) ``document.write`` of a hidden div of spam links."""
    links = "".join(f'<a href="{href}">{text}</a>' for href, text in SPAM_LINKS[5:])
    hidden = f'<div style="display:none">{links}</div>'
    script = f"<script type=\"text/javascript\">document.write('{hidden}');</script>"
    return Injection(before_footer=script, kinds=("script_injection",), phrases=("夜莺楼",))


def after_html_farm() -> Injection:
    """(d) ``地名|地名|…`` anchors to off-site hosts appended after ``</html>``."""
    links = tuple(
        (f"http://{code}.jinzunge.example/", place) for code, place in zip(_PINYIN, _PLACES, strict=True)
    )
    links += tuple(
        (f"http://{SPAM_HOST_TOKEN}/{code}/", place)
        for code, place in zip(_PINYIN[:3], _PLACES[:3], strict=True)
    )
    farm = (
        f'<div class="links">{_anchors(links, "|")}|<a href="http://www.jinzunge.example/">金樽阁</a></div>'
    )
    return Injection(after_html=farm, kinds=("after_html", "offsite_link_farm"), phrases=("北京|上海",))


def plain_text(sentence: str, phrase: str) -> Injection:
    """(e) One visible spam paragraph pasted into the article itself, its links all leaving the site."""
    links = _anchors(SPAM_LINKS[:2])
    return Injection(content_end=f"<p>{sentence}{links}</p>", kinds=("offsite_link_farm",), phrases=(phrase,))


def combine(*parts: Injection) -> Injection:
    """Merge several injections on one page (kinds de-duplicated, order kept)."""
    kinds: list[str] = []
    for part in parts:
        kinds.extend(k for k in part.kinds if k not in kinds)
    return Injection(
        head="".join(p.head for p in parts),
        content_end="".join(p.content_end for p in parts),
        before_footer="".join(p.before_footer for p in parts),
        after_html="".join(p.after_html for p in parts),
        kinds=tuple(kinds),
        phrases=tuple(ph for p in parts for ph in p.phrases),
    )


# ---------------------------------------------------------------- legitimate hidden content

READ_ALOUD_PHRASE = "点击开始朗读全文"


def read_aloud_box() -> str:
    """A hidden 无障碍 read-aloud toolbar template, as accessibility plugins inject."""
    return (
        '<div id="ydTemplate" class="yd-box" style="display:none">'
        f'<span class="yd-tip">{READ_ALOUD_PHRASE}</span><a href="javascript:void(0);">暂停</a>'
        '<a href="javascript:void(0);">继续</a><a href="javascript:void(0);">停止</a></div>'
    )


def hidden_tab_panel() -> str:
    """A display:none tab panel of site sections (shown on hover by the portal's script)."""
    return (
        '<div class="tab-panel" id="tabZwfw" style="display: none;"><ul>'
        '<li><a href="/zwfw/">个人办事</a></li><li><a href="/zwfw/">法人办事</a></li>'
        '<li><a href="/hdjl/">县长信箱</a></li><li><a href="/zwgk/xxgkzn/">依申请公开</a></li></ul></div>'
    )
