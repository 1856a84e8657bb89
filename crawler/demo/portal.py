"""Non-report pages of the demo portal: home, section and column pages, decoys, robots and assets.

These are what a crawler walks through to reach the reports. They follow the shape of real county
portals (DOMAIN.md §2): a 政务公开 section with left nav, TRS-style paginated listings with relative
``./YYYYMM/tYYYYMMDD_ID.html`` links, department and township sub-sites, and news.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from html import escape
from urllib.parse import parse_qs, urlsplit

from crawler.demo import layout
from crawler.demo.decoys import DecoySpec
from crawler.demo.layout import ListItem
from crawler.demo.model import Page

HTML = "text/html; charset=utf-8"

ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /search/
Disallow: /zwgk/bm/czj/xxgknb/nbk/

Sitemap: /sitemap.xml
"""

_PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

_CSS = """body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333}
.w1200{width:1200px;margin:0 auto}.nav ul{list-style:none;background:#b3120f}.nav li{display:inline-block}
.list li{display:flex;justify-content:space-between;border-bottom:1px dashed #ddd}
.article-title{text-align:center;font-size:24px;color:#b3120f}.xxgk-meta td{border:1px solid #ddd;padding:4px}
"""

_JS = """function doZoom(size){var el=document.getElementById('zoom');if(el){el.style.fontSize=size+'px';}}
"""


# The visitor counter a column page pings after it loads; on real portals such an endpoint is often slow
# or held open, so the page never goes quiet on the network (tests make it hang through a route).
VISIT_COUNTER = "/interface/visit.jsp"


def html_page(path: str, html: str) -> Page:
    return Page(path, html.encode("utf-8"), HTML)


def assets() -> list[Page]:
    """robots.txt, CSS/JS and images the chrome references."""
    return [
        Page("/robots.txt", ROBOTS.encode("ascii"), "text/plain; charset=utf-8"),
        Page("/images/qinglan.css", _CSS.encode("utf-8"), "text/css; charset=utf-8"),
        Page("/images/common.js", _JS.encode("utf-8"), "application/javascript; charset=utf-8"),
        Page("/images/conac/dzjg.js", b"/* conac badge */\n", "application/javascript; charset=utf-8"),
        Page("/images/logo.png", _PNG_1PX, "image/png"),
        Page("/images/ga.png", _PNG_1PX, "image/png"),
        Page(VISIT_COUNTER, b'{"visits":18342}', "application/json; charset=utf-8"),
    ]


# ---------------------------------------------------------------- home


def home_page(news: list[DecoySpec]) -> Page:
    """The portal home: 要闻 list, 政务公开 quick links, search and the usual footer."""
    news_items = "".join(
        f'<li><a href="{d.path}" target="_blank" title="{escape(d.title)}">{escape(d.title)}</a>'
        f"<span>{d.published[:10]}</span></li>"
        for d in news
    )
    quick = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in layout.ZWGK_NAV[:5])
    body = f"""<div class="banner w1200"><img src="/images/logo.png" alt="山水青岚"></div>
<div class="main w1200">
<div class="news-box"><div class="hd"><h3>青岚要闻</h3><a class="more" href="/xwzx/">更多&gt;&gt;</a></div>
<ul class="list">{news_items}</ul></div>
<div class="zwgk-box"><div class="hd"><h3>政务公开</h3><a class="more" href="/zwgk/">更多&gt;&gt;</a></div>
<ul class="quick">{quick}</ul></div>
<div class="hot-search">热门搜索：<a href="/search/?q=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A">年度报告</a>
 <a href="/search/?q=%E6%8C%87%E5%8D%97">公开指南</a></div>
</div>"""
    return html_page("/index.html", layout.document(layout.SITE_NAME, body))


# ---------------------------------------------------------------- section pages


def zwgk_page() -> Page:
    """政务公开 section: tiles for each column plus department and township entries."""
    tiles = "".join(f'<a class="tile" href="{href}">{label}</a>' for href, label in layout.ZWGK_NAV)
    content = f"""<div class="tiles">{tiles}</div>
<div class="bm-box"><h4>部门信息公开</h4><ul>
<li><a href="/zwgk/bm/jyj/">县教育局</a></li><li><a href="/zwgk/bm/czj/">县财政局</a></li>
<li><a href="/zwgk/bm/wjw/">县卫生健康局</a></li>
<li><a href="/zwgk/bm/zrzyj/">县自然资源局</a></li></ul></div>
<div class="xz-box"><h4>乡镇信息公开</h4><ul><li><a href="/zwgk/xz/smz/">石门镇</a></li>
<li><a href="/zwgk/xz/hxz/">河西乡</a></li></ul></div>
{calendar_box("2024-03")}"""
    crumbs: list[tuple[str, str | None]] = [("首页", "/"), ("政务公开", None)]
    return html_page("/zwgk/index.html", layout.column_page("政务公开", crumbs, content))


def _sub_site(path: str, name: str, parent: tuple[str, str], columns: list[tuple[str, str]]) -> Page:
    """A department or township 信息公开 home with links to its own columns."""
    links = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in columns)
    content = f'<p class="intro">{name}政府信息公开专栏</p><ul class="sub-cols">{links}</ul>'
    crumbs: list[tuple[str, str | None]] = [("首页", "/"), ("政务公开", "/zwgk/"), parent, (name, None)]
    return html_page(path + "index.html", layout.column_page(name, crumbs, content, active=parent[1]))


def sub_sites() -> list[Page]:
    """Department/township index pages and the 部门/乡镇 lists above them."""
    bm = ("部门信息公开", "/zwgk/bm/")
    xz = ("乡镇信息公开", "/zwgk/xz/")
    bm_list = (
        '<ul class="list"><li><a href="jyj/">青岚县教育局</a></li>'
        '<li><a href="czj/">青岚县财政局</a></li><li><a href="wjw/">青岚县卫生健康局</a></li>'
        '<li><a href="zrzyj/">青岚县自然资源局</a></li></ul>'
    )
    xz_list = '<ul class="list"><li><a href="smz/">石门镇</a></li><li><a href="hxz/">河西乡</a></li></ul>'
    crumbs_bm: list[tuple[str, str | None]] = [("首页", "/"), ("政务公开", "/zwgk/"), (bm[0], None)]
    crumbs_xz: list[tuple[str, str | None]] = [("首页", "/"), ("政务公开", "/zwgk/"), (xz[0], None)]
    return [
        html_page("/zwgk/bm/index.html", layout.column_page(bm[0], crumbs_bm, bm_list, active=bm[1])),
        html_page("/zwgk/xz/index.html", layout.column_page(xz[0], crumbs_xz, xz_list, active=xz[1])),
        _sub_site("/zwgk/bm/jyj/", "青岚县教育局", bm, [("xxgknb/", "信息公开年报")]),
        _sub_site("/zwgk/bm/czj/", "青岚县财政局", bm, [("xxgknb/", "信息公开年报"), ("yjs/", "预决算公开")]),
        _sub_site("/zwgk/xz/smz/", "石门镇", xz, [("xxgknb/", "信息公开年报")]),
        _sub_site("/zwgk/bm/wjw/", "青岚县卫生健康局", bm, [("xxgknb/", "信息公开年报")]),
        _sub_site("/zwgk/bm/zrzyj/", "青岚县自然资源局", bm, [("xxgknb/", "信息公开年报")]),
        _sub_site("/zwgk/xz/hxz/", "河西乡", xz, [("xxgknb/", "信息公开年报")]),
    ]


_PLAIN_SECTIONS = (
    (
        "/zwfw/",
        "政务服务",
        "个人办事、法人办事和便民服务事项请登录政务服务网办理，县政务服务中心设在县行政中心1号楼。",
    ),
    (
        "/hdjl/",
        "互动交流",
        "县长信箱、网上调查和在线访谈栏目欢迎社会各界提出意见建议，来信将在5个工作日内转办。",
    ),
    ("/zjql/", "走进青岚", "青岚县地处云溪市西北部，境内山地占九成，以茶叶、核桃和高原蔬菜闻名。"),
    (
        "/zwgk/xxgkzd/",
        "政府信息公开制度",
        "本栏目公开政府信息公开保密审查、依申请公开办理、信息发布协调和考核评议等工作制度。",
    ),
)


def plain_sections() -> list[Page]:
    """Simple one-paragraph section pages behind the main nav."""
    pages = []
    for path, title, text in _PLAIN_SECTIONS:
        crumbs: list[tuple[str, str | None]] = [("首页", "/"), (title, None)]
        html = layout.column_page(title, crumbs, f"<p>{text}</p>", active=path)
        pages.append(html_page(path + "index.html", html))
    return pages


# ---------------------------------------------------------------- listings


def listing_pages(
    column: str, title: str, crumbs: list[tuple[str, str | None]], items: list[ListItem], per_page: int
) -> list[Page]:
    """TRS listing pages ``index.html``, ``index_1.html``…

    Every page carries the createPageHTML() pager; page 1 also a static next link.
    """
    chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]
    pages = []
    for n, chunk in enumerate(chunks):
        static_next = f"index_{n + 1}.html" if n == 1 and len(chunks) > 2 else None
        content = layout.listing_html(chunk) + layout.pager_html(len(chunks), n, static_next=static_next)
        name = "index.html" if n == 0 else f"index_{n}.html"
        pages.append(html_page(column + name, layout.column_page(title, crumbs, content, active=column)))
    return pages


def js_listing_pages(
    column: str, title: str, crumbs: list[tuple[str, str | None]], items: list[ListItem]
) -> list[Page]:
    """A column whose list is empty in the HTML and filled from ``list.json`` by script (a browser runs
    it; a crawler that reads the address the script names needs none)."""
    script = f"""<script type="text/javascript">
(function(){{
  var xhr = new XMLHttpRequest();
  xhr.open("GET", "{column}list.json?_=" + new Date().getTime());
  xhr.onload = function(){{
    var data = JSON.parse(xhr.responseText), ul = document.getElementById("docList"), html = "";
    for (var i = 0; i < data.docs.length; i++) {{
      var d = data.docs[i];
      html += '<li><a href="' + d.url + '" title="' + d.title + '" target="_blank">' + d.title +
              '</a><span>' + d.date + '</span></li>';
    }}
    ul.innerHTML = html;
  }};
  xhr.send();
  var visit = new XMLHttpRequest();
  visit.open("GET", "{VISIT_COUNTER}?c=" + encodeURIComponent(location.pathname));
  visit.send();
}})();
</script>"""
    content = f'<ul class="list" id="docList"></ul>\n<div class="loading">正在加载…</div>{script}'
    docs = [{"url": item.href, "title": item.title, "date": item.date} for item in items]
    listing = layout.column_page(title, crumbs, content, active=column)
    data = json.dumps({"total": len(docs), "docs": docs}, ensure_ascii=False)
    return [
        html_page(column + "index.html", listing),
        Page(column + "list.json", data.encode("utf-8"), "application/json; charset=utf-8"),
    ]


def query_listing(
    column: str, title: str, crumbs: list[tuple[str, str | None]], items: list[ListItem], per_page: int
) -> Callable[[str], Page]:
    """``list.jsp?page=N`` pages; past the last real page the CMS repeats it with a next link, forever."""
    chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]

    def page_for(path: str) -> Page:
        query = parse_qs(urlsplit(path).query)
        number = int((query.get("page") or ["1"])[0]) if (query.get("page") or ["1"])[0].isdigit() else 1
        chunk = chunks[min(max(number, 1), len(chunks)) - 1]
        pager = (
            f'<div class="pagebar"><span>第{number}页</span> <a href="list.jsp?page={number + 1}">下一页</a>'
        )
        if number > 1:
            pager += f' <a href="list.jsp?page={number - 1}">上一页</a>'
        content = layout.listing_html(chunk) + pager + "</div>"
        return html_page(path, layout.column_page(title, crumbs, content, active=column))

    return page_for


def calendar_box(month: str) -> str:
    """The 政务日历 widget: month links without end (a crawler trap)."""
    year, number = (int(part) for part in month.split("-"))
    previous = f"{year - (number == 1)}-{(number - 2) % 12 + 1:02d}"
    following = f"{year + (number == 12)}-{number % 12 + 1:02d}"
    return (
        f'<div class="calendar"><h4>政务日历 {month}</h4>'
        f'<a href="/zwgk/rl/?month={previous}">上一月</a> '
        f'<a href="/zwgk/rl/?month={following}">下一月</a></div>'
    )


def calendar_page(path: str) -> Page:
    """Any month of the calendar: a near-empty page linking the months around it."""
    month = (parse_qs(urlsplit(path).query).get("month") or ["2024-03"])[0]
    if not (len(month) == 7 and month[:4].isdigit() and month[5:].isdigit() and 1 <= int(month[5:]) <= 12):
        month = "2024-03"
    crumbs: list[tuple[str, str | None]] = [("首页", "/"), ("政务公开", "/zwgk/"), ("政务日历", None)]
    content = f"<p>{month} 本月暂无政务活动安排。</p>" + calendar_box(month)
    return html_page(path, layout.column_page("政务日历", crumbs, content))


CHALLENGE_COOKIE = "__qlwaf_clearance"
CHALLENGE_HTML = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>安全验证</title></head>
<body><noscript>请开启JavaScript后访问本站</noscript>
<script>document.cookie="{CHALLENGE_COOKIE}=1f6e3c2a; path=/";
setTimeout(function(){{location.reload();}},50);</script>
</body></html>"""


def challenge_page(path: str) -> Page:
    """A WAF interstitial (412 + a cookie-setting script), as 瑞数/知道创宇-style shields answer first."""
    return Page(path, CHALLENGE_HTML.encode("utf-8"), HTML, status=412)


# ---------------------------------------------------------------- decoy detail pages


def _decoy_meta(d: DecoySpec, serial: int) -> str:
    fields = (
        ("索引号", f"11539901MB0A17325K/{d.published[:4]}-{serial:05d}"),
        ("发布机构", d.source),
        ("发布日期", d.published[:10]),
        ("公开方式", "主动公开"),
    )
    items = "".join(f"<li><span>{k}：</span>{escape(v)}</li>" for k, v in fields)
    return f'<div class="xxgk-box"><ul class="xxgk-info">{items}</ul></div>'


def decoy_page(d: DecoySpec, crumbs: list[tuple[str, str | None]], serial: int) -> Page:
    """A detail page in the same chrome as the reports (so only its content tells it apart)."""
    paras = "\n".join(f'<p style="text-indent:2em">{escape(p)}</p>' for p in d.paragraphs)
    body = f"""<div class="main w1200">
{layout.breadcrumb_html(crumbs)}
{_decoy_meta(d, serial) if d.with_meta else ""}
<div class="article"><h1 class="article-title">{escape(d.title)}</h1>
<div class="article-info">发布时间：{d.published}　来源：{escape(d.source)}</div>
<div id="zoom">{paras}</div></div></div>"""
    metas = {"ArticleTitle": d.title, "PubDate": d.published, "ContentSource": d.source}
    return html_page(d.path, layout.document(f"{d.title}_{layout.SITE_NAME}", body, metas=metas))
