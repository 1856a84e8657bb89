"""Injected spam (暗链) and legitimate hidden content for the demo report pages.

Tampered government pages carry gambling/porn links hidden in several ways (DOMAIN.md §3); real
pages also hide perfectly legitimate things (read-aloud templates, tab panels). Both are generated
here so a spam detector can be tested on telling them apart. Every off-site host uses the reserved
``.example`` TLD.
"""

from __future__ import annotations

from dataclasses import dataclass

SPAM_LINKS = (
    ("http://www.hg8868-spam.example/", "澳门新葡京"),
    ("http://www.bjl-casino.example/", "百家乐在线"),
    ("http://ssc.lottery-spam.example/", "时时彩计划"),
    ("http://www.lhc-kaijiang.example/", "六合彩开奖结果"),
    ("http://pk10.lottery-spam.example/", "北京赛车pk10"),
    ("http://www.tiyu-touzhu.example/", "体育投注平台"),
    ("http://www.yulecheng-888.example/", "娱乐城注册送彩金"),
    ("http://www.wuye-av.example/", "午夜成人影院"),
)

# Replaced by the second loopback host's address when the site is built (:func:`site.build_site`), so a
# test can serve 127.0.0.2 and prove that the crawler never requests a spam link.
SPAM_HOST_TOKEN = "__SPAM_HOST__"
LOOPBACK_SPAM_LINKS = (
    (f"http://{SPAM_HOST_TOKEN}/zhenren/", "真人娱乐城"),
    (f"http://{SPAM_HOST_TOKEN}/touzhu/index.html", "足球体育投注"),
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
    """(a) ``DISPLAY: NONE`` div (upper case, odd spacing) full of gambling/porn anchors."""
    html = f'<div style = "DISPLAY:  NONE ">{_anchors(SPAM_LINKS[:5] + LOOPBACK_SPAM_LINKS)}</div>'
    return Injection(
        content_end=html,
        kinds=("hidden_element", "offsite_link_farm", "spam_keywords"),
        phrases=("百家乐在线", "时时彩计划"),
    )


def hidden_class() -> Injection:
    """(b) A class hidden by the page's own ``<style>`` block, holding spam words and links."""
    style = '<style type="text/css">.hdbox{display:none}.hdbox a{color:#fff}</style>'
    html = f'<div class="hdbox">六合彩 体育投注 {_anchors(SPAM_LINKS[3:7])}</div>'
    return Injection(
        head=style,
        before_footer=html,
        kinds=("hidden_element", "spam_keywords"),
        phrases=("六合彩开奖结果", "体育投注平台"),
    )


def script_write() -> Injection:
    """(c) ``document.write`` of a hidden div of spam links."""
    links = "".join(f'<a href="{href}">{text}</a>' for href, text in SPAM_LINKS[5:])
    hidden = f'<div style="display:none">{links}</div>'
    script = f"<script type=\"text/javascript\">document.write('{hidden}');</script>"
    return Injection(before_footer=script, kinds=("script_injection",), phrases=("午夜成人影院",))


def after_html_farm() -> Injection:
    """(d) ``地名|地名|…`` anchors to off-site hosts appended after ``</html>``."""
    links = tuple(
        (f"http://{code}.hg8868-spam.example/", place) for code, place in zip(_PINYIN, _PLACES, strict=True)
    )
    links += tuple(
        (f"http://{SPAM_HOST_TOKEN}/{code}/", place)
        for code, place in zip(_PINYIN[:3], _PLACES[:3], strict=True)
    )
    farm = f'<div class="links">{_anchors(links, "|")}|<a href="http://www.hg8868-spam.example/">娱乐城</a></div>'
    return Injection(after_html=farm, kinds=("after_html", "offsite_link_farm"), phrases=("北京|上海",))


def plain_text(sentence: str, phrase: str) -> Injection:
    """(e) One visible spam sentence pasted into the article itself."""
    return Injection(content_end=f"<p>{sentence}</p>", kinds=("spam_keywords",), phrases=(phrase,))


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
